//! Sigma front end: one test per construct, with expected trees checked by
//! hand against the Sigma specification (and pySigma's reading), plus the
//! corpus test over RULE_ATLAS_CORPUS.

mod common;

use atlas_builder::sources;
use atlas_catalog::{ParseStatus, Vendor};
use atlas_frontend::diagnostic::Severity;
use atlas_frontend::outcome::FileOutcome;
use atlas_frontend::{fieldtable, sigma};

fn parse(yaml: &str) -> FileOutcome {
    let fields = fieldtable::load().expect("field table");
    sigma::parse_file("rules/test.yml", yaml, &fields)
}

/// The predicate tree of a rule with the given detection block.
#[track_caller]
fn logic(detection: &str) -> String {
    let yaml = format!(
        "title: t\nid: 11111111-1111-1111-1111-111111111111\nlogsource:\n  product: windows\ndetection:\n{detection}"
    );
    let outcome = parse(&yaml);
    assert_eq!(outcome.rules.len(), 1, "diagnostics: {:?}", outcome.diagnostics);
    let rule = &outcome.rules[0].rule;
    assert_eq!(rule.status, ParseStatus::Parsed, "{:?}", rule.reason);
    rule.logic.as_ref().expect("logic").to_string()
}

/// Status, reason and first diagnostic of a rule with the given detection.
/// Status and reason of the rule, and category, line and column of its diagnostic.
fn failure(detection: &str) -> (ParseStatus, String, String, Option<(u32, u32)>) {
    let yaml = format!("title: t\nid: x\nlogsource:\n  product: windows\ndetection:\n{detection}");
    let outcome = parse(&yaml);
    let rule = &outcome.rules[0].rule;
    let diagnostic = &outcome.diagnostics[0];
    let place = diagnostic.line.zip(diagnostic.column);
    (rule.status, rule.reason.clone().unwrap_or_default(), diagnostic.reason.clone(), place)
}

#[test]
fn a_map_is_and_and_a_value_list_is_or() {
    assert_eq!(
        logic("  sel:\n    Image|endswith: '\\cmd.exe'\n    CommandLine:\n      - a\n      - b\n  condition: sel\n"),
        r#"(and (wildcard Image|process.executable "*\cmd.exe") (or (eq CommandLine|process.command_line "a") (eq CommandLine|process.command_line "b")))"#
    );
}

#[test]
fn a_list_of_maps_is_or() {
    assert_eq!(
        logic("  sel:\n    - Image: a\n    - OriginalFileName: b\n      Product: c\n  condition: sel\n"),
        r#"(or (eq Image|process.executable "a") (and (eq OriginalFileName|process.pe.original_file_name "b") (eq Product|process.pe.product "c")))"#
    );
}

#[test]
fn all_turns_a_value_list_into_and() {
    assert_eq!(
        logic("  sel:\n    CommandLine|contains|all:\n      - ' -a '\n      - ' -b '\n  condition: sel\n"),
        r#"(and (wildcard CommandLine|process.command_line "* -a *") (wildcard CommandLine|process.command_line "* -b *"))"#
    );
}

#[test]
fn startswith_and_endswith_add_one_wildcard() {
    assert_eq!(
        logic("  sel:\n    Image|startswith: 'C:\\Temp\\'\n    ParentImage|endswith: 'x.exe'\n  condition: sel\n"),
        r#"(and (wildcard Image|process.executable "C:\Temp\\*") (wildcard ParentImage|process.parent.executable "*x.exe"))"#
    );
}

#[test]
fn keywords_are_field_less_full_text_matches() {
    assert_eq!(
        logic("  keywords:\n    - 'evil'\n    - 'bad*thing'\n  condition: keywords\n"),
        r#"(or (match * "evil") (match * "bad*thing"))"#
    );
    assert_eq!(
        logic("  keywords:\n    '|all':\n      - ':179'\n      - 'BADAUTH'\n  condition: keywords\n"),
        r#"(and (match * ":179") (match * "BADAUTH"))"#
    );
}

#[test]
fn null_and_empty_values() {
    assert_eq!(
        logic(
            "  filter:\n    - CommandLine: null\n    - CommandLine: ''\n  sel:\n    Image: x\n  condition: sel and not filter\n"
        ),
        r#"(and (eq Image|process.executable "x") (not (or (null CommandLine|process.command_line) (eq CommandLine|process.command_line ""))))"#
    );
}

#[test]
fn sigma_escapes_and_lone_backslashes() {
    // `\*` and `\?` are literal, `\\` is one backslash, a lone `\` stays.
    assert_eq!(
        logic("  sel:\n    CommandLine: 'a\\*b\\?c\\\\d\\e'\n  condition: sel\n"),
        r#"(eq CommandLine|process.command_line "a*b?c\d\e")"#
    );
    assert_eq!(
        logic("  sel:\n    CommandLine: 'x*y?'\n  condition: sel\n"),
        r#"(wildcard CommandLine|process.command_line "x*y?")"#
    );
    // A backslash before a wildcard `contains` adds must be doubled in the pattern.
    assert_eq!(
        logic("  sel:\n    Image|contains: '\\Temp\\'\n  condition: sel\n"),
        r#"(wildcard Image|process.executable "*\Temp\\*")"#
    );
}

#[test]
fn regex_with_flags() {
    assert_eq!(
        logic(
            "  sel:\n    CommandLine|re: '^a.*b$'\n    Image|re|i: 'x+'\n    Payload|re|m|s: 'y'\n  condition: sel\n"
        ),
        r#"(and (regex_match~ CommandLine|process.command_line "^a.*b$") (regex_match Image|process.executable "x+") (regex_match~ Payload|powershell.command.invocation_details "(?ms)y"))"#
    );
}

#[test]
fn windash_expands_the_five_dash_forms() {
    assert_eq!(
        logic("  sel:\n    CommandLine|contains|windash: ' -enc '\n  condition: sel\n"),
        "(or (wildcard CommandLine|process.command_line \"* -enc *\") (wildcard CommandLine|process.command_line \"* /enc *\") \
         (wildcard CommandLine|process.command_line \"* \u{2013}enc *\") (wildcard CommandLine|process.command_line \"* \u{2014}enc *\") \
         (wildcard CommandLine|process.command_line \"* \u{2015}enc *\"))"
    );
}

#[test]
fn cidr_expand_fieldref_exists_and_comparisons() {
    assert_eq!(
        logic(
            "  sel:\n    DestinationIp|cidr: '10.0.0.0/8'\n    WorkstationName|expand: '%Workstations%'\n    TargetFilename|fieldref: Image\n    User|exists: true\n    Hash|exists: false\n    EventID|gte: 4624\n    Size|lt: 10\n  condition: sel\n"
        ),
        "(and (cidr DestinationIp|destination.ip \"10.0.0.0/8\") (eq WorkstationName|source.domain \"%Workstations%\") \
         (fieldref TargetFilename|file.path \"Image\") (exists User|user.name) (not (exists Hash|process.hash)) \
         (gte EventID|event.code \"4624\") (lt Size \"10\"))"
    );
}

#[test]
fn base64_encodings() {
    // Checked with Python: b64encode("ab".encode("utf-16le")) == "YQBiAA==", b64encode(b"ab") == "YWI=";
    // base64offset of "abc" at offsets 0,1,2: "YWJj", "FiY", "hYm".
    assert_eq!(
        logic(
            "  sel:\n    CommandLine|wide|base64: ab\n    Data|base64: ab\n    Payload|base64offset|contains: abc\n  condition: sel\n"
        ),
        "(and (eq CommandLine|process.command_line \"YQBiAA==\") (eq Data|powershell.engine.data \"YWI=\") \
         (or (wildcard Payload|powershell.command.invocation_details \"*YWJj*\") (wildcard Payload|powershell.command.invocation_details \"*FiY*\") \
         (wildcard Payload|powershell.command.invocation_details \"*hYm*\")))"
    );
}

#[test]
fn utf16_variants() {
    assert_eq!(logic("  sel:\n    A|utf16le|base64: a\n  condition: sel\n"), r#"(eq A "YQA=")"#);
    assert_eq!(logic("  sel:\n    A|utf16be|base64: a\n  condition: sel\n"), r#"(eq A "AGE=")"#);
    assert_eq!(logic("  sel:\n    A|utf16|base64: a\n  condition: sel\n"), r#"(eq A "//5hAA==")"#);
}

#[test]
fn cased_makes_a_test_case_sensitive() {
    assert_eq!(
        logic("  sel:\n    CommandLine|cased: Foo\n  condition: sel\n"),
        r#"(eq~ CommandLine|process.command_line "Foo")"#
    );
}

#[test]
fn numbers_and_booleans_keep_their_text() {
    assert_eq!(
        logic("  sel:\n    EventID: 4688\n    Signed: true\n    Details: 00000429\n  condition: sel\n"),
        r#"(and (eq EventID|event.code "4688") (eq Signed|dll.code_signature.trusted "true") (eq Details|registry.data.strings "00000429"))"#
    );
}

#[test]
fn condition_precedence_is_not_and_or() {
    // `a or b and not c` is `a or (b and (not c))`.
    assert_eq!(
        logic("  a:\n    X: 1\n  b:\n    Y: 2\n  c:\n    Z: 3\n  condition: a or b and not c\n"),
        r#"(or (eq X "1") (and (eq Y "2") (not (eq Z "3"))))"#
    );
    assert_eq!(
        logic("  a:\n    X: 1\n  b:\n    Y: 2\n  c:\n    Z: 3\n  condition: (a or b) and not c\n"),
        r#"(and (or (eq X "1") (eq Y "2")) (not (eq Z "3")))"#
    );
}

#[test]
fn quantifiers_over_patterns_and_them() {
    let detection = "  sel_a:\n    X: 1\n  sel_b:\n    Y: 2\n  filter:\n    Z: 3\n";
    assert_eq!(
        logic(&format!("{detection}  condition: 1 of sel_* and not filter\n")),
        r#"(and (or (eq X "1") (eq Y "2")) (not (eq Z "3")))"#
    );
    assert_eq!(logic(&format!("{detection}  condition: all of sel_*\n")), r#"(and (eq X "1") (eq Y "2"))"#);
    assert_eq!(logic(&format!("{detection}  condition: 1 of them\n")), r#"(or (eq X "1") (eq Y "2") (eq Z "3"))"#);
    assert_eq!(logic(&format!("{detection}  condition: all of them\n")), r#"(and (eq X "1") (eq Y "2") (eq Z "3"))"#);
}

#[test]
fn legacy_aggregations_are_unsupported_with_a_reason() {
    let (status, reason, category, place) =
        failure("  sel:\n    X: 1\n  timeframe: 10m\n  condition: sel | count() by host > 5\n");
    assert_eq!(status, ParseStatus::Unsupported);
    assert_eq!(category, "legacy aggregation in condition");
    assert!(reason.contains("count() by host > 5"), "{reason}");
    // At the pipe.
    assert_eq!(place, Some((9, 18)));
}

#[test]
fn correlation_and_filter_rules_are_unsupported() {
    let outcome = parse("title: c\nid: c1\ncorrelation:\n  type: event_count\n  rules: [a]\n");
    assert_eq!(outcome.rules[0].rule.status, ParseStatus::Unsupported);
    assert_eq!(outcome.rules[0].rule.reason.as_deref(), Some("correlation rule: not read into the catalog"));
    assert_eq!((outcome.diagnostics[0].line, outcome.diagnostics[0].column), (Some(3), Some(1)));
    let outcome = parse(
        "title: f\nid: f1\nlogsource:\n  product: windows\nfilter:\n  rules: [a]\n  selection:\n    User: x\n  condition: not selection\n",
    );
    assert_eq!(outcome.rules[0].rule.reason.as_deref(), Some("filter rule: not read into the catalog"));
}

#[test]
fn bad_input_is_reported_with_file_and_line() {
    let outcome = parse("title: t\ndetection:\n  sel: [a\n");
    assert!(outcome.rules.is_empty());
    let d = &outcome.diagnostics[0];
    assert_eq!((d.severity, d.reason.as_str(), d.file.as_str()), (Severity::Error, "invalid YAML", "rules/test.yml"));
    assert!(d.line.is_some_and(|l| l >= 3), "{d:?}");

    // The diagnostic points at the key with the modifier (line 7, column 5).
    let (status, reason, category, place) = failure("  sel:\n    Image|contain: x\n  condition: sel\n");
    assert_eq!((status, category.as_str()), (ParseStatus::Error, "unknown modifier"));
    assert_eq!(reason, "`Image|contain`: unknown modifier `contain`");
    assert_eq!(place, Some((7, 5)));

    // At the condition's value.
    let (status, reason, category, place) = failure("  sel:\n    X: 1\n  condition: sel and not filter\n");
    assert_eq!((status, category.as_str()), (ParseStatus::Error, "condition names a missing selection"));
    assert_eq!(reason, "the condition names `filter`, which the detection does not define");
    assert_eq!(place, Some((8, 14)));

    let (status, _, category, place) = failure("  condition: sel\n");
    assert_eq!((status, category.as_str()), (ParseStatus::Error, "empty detection"));
    assert_eq!(place, Some((6, 3)));

    // Inside the condition: where it ends too early (column 21, after `and`),
    // and, quoted, where the unexpected word is.
    let (_, reason, category, place) = failure("  sel:\n    X: 1\n  condition: sel and\n");
    assert_eq!(category, "malformed condition");
    assert_eq!(reason, "condition: expected a search identifier, `not`, `(`, `1 of` or `all of`, found the end");
    assert_eq!(place, Some((8, 21)));
    let (.., place) = failure("  sel:\n    X: 1\n  condition: 'sel and or sel'\n");
    assert_eq!(place, Some((8, 23)));
}

#[test]
fn metadata_tags_and_logsource() {
    let outcome = parse(include_str!("fixtures/sigma/rules/windows/proc_creation_win_fixture_webdav_lnk.yml"));
    let rule = &outcome.rules[0].rule;
    assert_eq!(rule.id, "5f3a6f2e-9a3c-4d1e-8b7a-2c4e6f8a0b1d");
    assert_eq!(rule.title, "Fixture: Shell Launched From a WebDAV Shortcut");
    assert_eq!(rule.techniques, ["T1204.002", "T1059"]);
    assert_eq!(rule.tactics, ["execution"]);
    assert_eq!(rule.tags, ["cve.2025-0001"]);
    assert_eq!(rule.severity.as_deref(), Some("high"));
    assert_eq!(rule.maturity.as_deref(), Some("test"));
    assert_eq!(rule.authors, ["Rule Atlas", "A. Tester"]);
    assert_eq!(
        rule.log_source,
        [("product".to_owned(), "windows".to_owned()), ("category".to_owned(), "process_creation".to_owned())]
    );
    assert_eq!(rule.url, "https://github.com/SigmaHQ/sigma/blob/master/rules/test.yml");
}

#[test]
fn nothing_panics_on_odd_shapes() {
    for yaml in [
        "",
        "---\n",
        "[1, 2]",
        "title: [a]\ndetection: 5\n",
        "detection:\n  condition: [a, b]\n  a: x\n",
        "detection:\n  sel: {a: {b: c}}\n  condition: sel\n",
        "detection:\n  sel: [[a]]\n  condition: sel\n",
        "detection:\n  sel:\n  condition: sel\n",
        "detection:\n  sel:\n    A: []\n  condition: sel\n",
        "detection:\n  sel: {A: x}\n  condition: ((((sel\n",
        "\u{feff}title: x\n",
        "title: x\n---\ntitle: y\naction: global\n",
    ] {
        let _ = parse(yaml);
    }
}

/// The whole Sigma corpus: at least 99% parsed, every other rule with a
/// reason, and a few real rules read as checked by hand.
#[test]
fn corpus_parses() {
    let Some(corpus) = common::corpus() else { return };
    let root = corpus.join("sigma");
    let fields = fieldtable::load().expect("field table");
    let mut by_status = std::collections::BTreeMap::<ParseStatus, usize>::new();
    let mut reasons = std::collections::BTreeMap::<String, usize>::new();
    let mut unreadable = Vec::new();
    let mut rules = std::collections::HashMap::new();
    for path in sources::rule_files(&root, Vendor::Sigma) {
        let rel = path.strip_prefix(&root).expect("under root").to_string_lossy().replace('\\', "/");
        let text = std::fs::read_to_string(&path).expect("readable");
        let outcome = sigma::parse_file(&rel, &text, &fields);
        if outcome.rules.is_empty() {
            unreadable.push((rel.clone(), outcome.diagnostics));
        }
        for parsed in outcome.rules {
            *by_status.entry(parsed.rule.status).or_default() += 1;
            if let Some(reason) = &parsed.rule.reason {
                *reasons.entry(reason.clone()).or_default() += 1;
            }
            rules.insert(rel.clone(), parsed.rule);
        }
    }
    let total: usize = by_status.values().sum();
    let parsed = by_status.get(&ParseStatus::Parsed).copied().unwrap_or(0);
    println!("Sigma corpus: {total} rules, {by_status:?}; unreadable files: {}", unreadable.len());
    for (reason, count) in &reasons {
        println!("  {count:>4} × {reason}");
    }
    assert!(total >= 3600, "only {total} rules found");
    assert!(parsed * 100 >= total * 99, "only {parsed} of {total} parsed");
    assert!(unreadable.is_empty(), "{unreadable:?}");

    // Checked by hand against the YAML: the two rules that rely on and/or precedence.
    let kali = &rules["rules/windows/process_creation/proc_creation_win_wsl_kali_linux_usage.yml"];
    let tree = kali.logic.as_ref().expect("logic").to_string();
    assert!(tree.starts_with(r#"(or (and (wildcard Image|process.executable "*:\Users\\*")"#), "{tree}");
    assert!(tree.ends_with(r#"(not (or (wildcard CommandLine|process.command_line "* -i *") (wildcard CommandLine|process.command_line "* --install *") (wildcard CommandLine|process.command_line "* --unregister *")))))"#), "{tree}");
    let posh = &rules["rules/windows/powershell/powershell_script/posh_ps_clearing_windows_console_history.yml"];
    let f = "ScriptBlockText|powershell.file.script_block_text";
    assert_eq!(
        posh.logic.as_ref().expect("logic").to_string(),
        format!(
            r#"(or (wildcard {f} "*Clear-History*") (and (or (wildcard {f} "*Remove-Item*") (wildcard {f} "*rm*")) (or (wildcard {f} "*ConsoleHost_history.txt*") (wildcard {f} "*(Get-PSReadlineOption).HistorySavePath*"))))"#
        )
    );
    // The YAML 1.1 reading of `00000429` is text, not the number 429.
    let keyboard = &rules["rules/windows/registry/registry_set/registry_set_susp_keyboard_layout_load.yml"];
    assert!(
        keyboard
            .logic
            .as_ref()
            .expect("logic")
            .to_string()
            .contains(r#"(wildcard Details|registry.data.strings "*00000429*")"#)
    );
}

/// Truncated and garbled real rules must give diagnostics, never a panic.
#[test]
fn corpus_rules_cut_short_never_panic() {
    let Some(corpus) = common::corpus() else { return };
    let root = corpus.join("sigma");
    let fields = fieldtable::load().expect("field table");
    for path in sources::rule_files(&root, Vendor::Sigma).into_iter().step_by(25) {
        let text = std::fs::read_to_string(&path).expect("readable");
        let cuts: Vec<usize> = (1..12).map(|i| text.len() * i / 12).filter(|&c| text.is_char_boundary(c)).collect();
        for cut in cuts {
            let _ = sigma::parse_file("cut.yml", &text[..cut], &fields);
            let garbled = text[..cut].replace(':', " ").replace('-', "|");
            let _ = sigma::parse_file("garbled.yml", &garbled, &fields);
        }
    }
}
