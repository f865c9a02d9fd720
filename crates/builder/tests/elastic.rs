//! Elastic front end: rule files end to end (metadata, each query language,
//! filters, statuses, diagnostics) on small original fixtures, and the corpus
//! test over RULE_ATLAS_CORPUS/elastic. Expected trees were checked by hand
//! against Elastic's KQL / EQL / ES|QL references.

mod common;

use std::collections::BTreeMap;
use std::fs;

use atlas_builder::sources;
use atlas_catalog::{Expr, ParseStatus, Rule, Vendor};
use atlas_frontend::diagnostic::Severity;
use atlas_frontend::elastic;
use atlas_frontend::fieldtable;
use atlas_frontend::outcome::FileOutcome;
use common::fixtures_dir;

fn parse(rel_path: &str, text: &str) -> FileOutcome {
    let fields = fieldtable::load().expect("field table");
    elastic::parse_file(rel_path, text, &fields)
}

/// A fixture file's outcome (path relative to tests/fixtures/elastic).
fn parse_fixture(rel_path: &str) -> FileOutcome {
    let text = fs::read_to_string(fixtures_dir().join("elastic").join(rel_path)).expect("fixture");
    parse(rel_path, &text)
}

/// The single rule read from a fixture.
#[track_caller]
fn fixture_rule(rel_path: &str) -> Rule {
    let outcome = parse_fixture(rel_path);
    assert_eq!(outcome.rules.len(), 1, "{:?}", outcome.diagnostics);
    outcome.rules[0].rule.clone()
}

/// A rule TOML around a query, with the given type and language.
fn rule_text(kind: &str, language: &str, query: &str, extra: &str) -> String {
    format!(
        "[metadata]\nmaturity = \"production\"\n\n[rule]\nname = \"t\"\nrule_id = \"r\"\ntype = \"{kind}\"\n\
         language = \"{language}\"\nquery = '''\n{query}\n'''\n{extra}"
    )
}

/// The logic of an inline rule that must parse completely.
#[track_caller]
fn logic(kind: &str, language: &str, query: &str) -> String {
    let outcome = parse("rules/t.toml", &rule_text(kind, language, query, ""));
    let rule = &outcome.rules[0].rule;
    assert_eq!(rule.status, ParseStatus::Parsed, "{:?}", rule.reason);
    logic_of(rule)
}

fn logic_of(rule: &Rule) -> String {
    rule.logic.as_ref().map(Expr::to_string).unwrap_or_default()
}

fn attribute<'a>(rule: &'a Rule, label: &str) -> Vec<&'a str> {
    rule.attributes.iter().filter(|(l, _)| l == label).map(|(_, v)| v.as_str()).collect()
}

#[test]
fn rule_files_skip_deprecated_and_non_toml() {
    let root = fixtures_dir().join("elastic");
    let files: Vec<String> = sources::rule_files(&root, Vendor::Elastic)
        .iter()
        .map(|p| p.strip_prefix(&root).expect("under root").to_string_lossy().replace('\\', "/"))
        .collect();
    assert_eq!(
        files,
        [
            "rules/linux/discovery_fixture_esql_threshold.toml",
            "rules/linux/impact_fixture_ml.toml",
            "rules/linux/persistence_fixture_eql_sequence.toml",
            "rules/windows/execution_fixture_kql_filters.toml",
            "rules_building_block/discovery_fixture_threshold.toml",
        ]
    );
}

#[test]
fn kql_rule_metadata_logic_and_filters() {
    let outcome = parse_fixture("rules/windows/execution_fixture_kql_filters.toml");
    assert!(outcome.diagnostics.is_empty(), "{:?}", outcome.diagnostics);
    let parsed = &outcome.rules[0];
    let rule = &parsed.rule;
    assert_eq!(rule.id, "00000000-0000-4000-8000-000000000001");
    assert_eq!(rule.title, "Fixture Encoded PowerShell From Script Host");
    assert_eq!(rule.language, "kuery");
    assert_eq!(rule.kind.as_deref(), Some("query"));
    assert_eq!(rule.severity.as_deref(), Some("medium"));
    assert_eq!(rule.maturity.as_deref(), Some("production"));
    assert_eq!((rule.date.as_deref(), rule.modified.as_deref()), (Some("2024/01/02"), Some("2025/03/04")));
    assert_eq!(rule.authors, ["Rule Atlas"]);
    assert!(rule.description.starts_with("Fixture: an encoded PowerShell"));
    assert_eq!(rule.references, ["https://example.org/encoded-powershell"]);
    assert_eq!(rule.false_positives.len(), 1);
    assert_eq!(rule.techniques, ["T1059", "T1059.001", "T1027"]);
    assert_eq!(rule.tactics, ["TA0002", "TA0005"]);
    assert_eq!(
        rule.url,
        "https://github.com/elastic/detection-rules/blob/main/rules/windows/execution_fixture_kql_filters.toml"
    );
    let pairs = |list: &[(String, String)], label: &str| -> Vec<String> {
        list.iter().filter(|(l, _)| l == label).map(|(_, v)| v.clone()).collect()
    };
    assert_eq!(pairs(&rule.log_source, "index"), ["logs-endpoint.events.process-*", "winlogbeat-*"]);
    assert_eq!(pairs(&rule.log_source, "integration"), ["endpoint", "windows"]);
    assert_eq!(attribute(rule, "risk score"), ["47"]);
    assert_eq!(attribute(rule, "timestamp override"), ["event.ingested"]);
    // The query, then the negated wildcard filter (an exclusion) and the exists filter.
    assert_eq!(
        logic_of(rule),
        concat!(
            r#"(and (eq~ event.category "process") (eq~ event.type "start") "#,
            r#"(or (eq~ process.parent.name "wscript.exe") (eq~ process.parent.name "cscript.exe")) "#,
            r#"(eq~ process.name "powershell.exe") (or (eq~ process.args "-enc") (eq~ process.args "-EncodedCommand")) "#,
            r#"(wildcard~ process.command_line "*FromBase64String*") (not (eq~ user.id "S-1-5-18")) "#,
            r#"(not (wildcard process.parent.executable "C:\Program Files\Agent\\*.exe")) (exists process.pid))"#
        )
    );
    let exclusions: Vec<&str> =
        rule.logic.as_ref().expect("logic").exclusions().iter().filter_map(|l| l.field.as_deref()).collect();
    assert_eq!(exclusions, ["user.id", "process.parent.executable"]);
    assert!(parsed.detail.text.contains("FromBase64String"));
    let titles: Vec<&str> = parsed.detail.sections.iter().map(|(t, _)| t.as_str()).collect();
    assert_eq!(titles, ["Investigation guide", "Setup"]);
}

#[test]
fn eql_sequence_with_a_missing_event() {
    let rule = fixture_rule("rules/linux/persistence_fixture_eql_sequence.toml");
    assert_eq!(rule.status, ParseStatus::Parsed);
    assert_eq!(
        logic_of(&rule),
        concat!(
            r#"(and (eq~ event.category "process") (eq~ event.type "start") "#,
            r#"(or (eq~ process.name "bash") (eq~ process.name "sh")) "#,
            r#"(eq~ event.category "file") (eq event.action "creation") (wildcard file.path "/etc/cron.d/*") "#,
            r#"(not (wildcard process.executable "/usr/bin/*")) "#,
            r#"(not (and (eq~ event.category "process") (or (eq process.name "dpkg") (eq process.name "rpm")))))"#
        )
    );
    assert_eq!(attribute(&rule, "sequence by"), ["host.id"]);
    assert_eq!(attribute(&rule, "sequence maxspan"), ["30s"]);
    assert_eq!(attribute(&rule, "step 1 by"), ["process.entity_id"]);
    assert_eq!(attribute(&rule, "missing event"), ["step 3"]);
    assert_eq!(rule.techniques, ["T1053", "T1053.003"]);
}

#[test]
fn esql_predicates_before_stats_and_thresholds_after() {
    let rule = fixture_rule("rules/linux/discovery_fixture_esql_threshold.toml");
    assert_eq!(rule.status, ParseStatus::Parsed, "{:?}", rule.reason);
    assert_eq!(rule.language, "esql");
    assert_eq!(
        logic_of(&rule),
        concat!(
            r#"(and (eq~ host.os.type "linux") (eq~ event.type "start") "#,
            r#"(or (eq~ process.name "whoami") (eq~ process.name "id") (eq~ process.name "uname")) "#,
            r#"(not (wildcard~ user.name "svc_*")))"#
        )
    );
    assert_eq!(rule.log_source, [("index".to_owned(), "logs-endpoint.events.process-*".to_owned())]);
    assert_eq!(
        attribute(&rule, "threshold"),
        ["Esql.count_distinct >= 3 (Esql.count_distinct = COUNT_DISTINCT(process.name))"]
    );
    assert_eq!(attribute(&rule, "stats by"), ["user.name"]);
}

#[test]
fn machine_learning_rules_have_no_query() {
    let outcome = parse_fixture("rules/linux/impact_fixture_ml.toml");
    let rule = &outcome.rules[0].rule;
    assert_eq!(rule.status, ParseStatus::NoQuery);
    assert_eq!(rule.reason.as_deref(), Some("machine learning rule: no query"));
    assert_eq!(rule.language, "none");
    assert!(rule.logic.is_none());
    assert_eq!(attribute(rule, "machine learning job"), ["v3_fixture_rare_process", "v3_fixture_rare_process_ecs"]);
    assert_eq!(attribute(rule, "anomaly threshold"), ["75"]);
    assert_eq!(rule.tactics, ["TA0040"]);
    assert!(rule.techniques.is_empty());
}

#[test]
fn threshold_rules_read_their_query_and_threshold() {
    let rule = fixture_rule("rules_building_block/discovery_fixture_threshold.toml");
    assert_eq!(
        logic_of(&rule),
        r#"(and (eq~ event.category "authentication") (eq~ event.outcome "failure") (exists source.ip))"#
    );
    assert_eq!(attribute(&rule, "building block"), ["default"]);
    assert_eq!(attribute(&rule, "threshold fields"), ["source.ip"]);
    assert_eq!(attribute(&rule, "threshold value"), [">= 20"]);
    assert_eq!(attribute(&rule, "threshold cardinality"), ["distinct user.name >= 5"]);
}

#[test]
fn new_terms_and_threat_match_use_their_kql_query() {
    let extra = "[rule.new_terms]\nfield = \"new_terms_fields\"\nvalue = [\"host.id\", \"user.name\"]\n\
                 [[rule.new_terms.history_window_start]]\nfield = \"history_window_start\"\nvalue = \"now-7d\"\n";
    let outcome = parse("rules/t.toml", &rule_text("new_terms", "kuery", "event.action : \"login\"", extra));
    let rule = &outcome.rules[0].rule;
    assert_eq!(logic_of(rule), r#"(eq~ event.action "login")"#);
    assert_eq!(attribute(rule, "new terms fields"), ["host.id, user.name"]);
    assert_eq!(attribute(rule, "new terms history window"), ["now-7d"]);

    let extra = "threat_index = [\"logs-ti_*\"]\nthreat_query = \"threat.indicator.ip:*\"\n\
                 [[rule.threat_mapping]]\n[[rule.threat_mapping.entries]]\nfield = \"source.ip\"\ntype = \"mapping\"\n\
                 value = \"threat.indicator.ip\"\n";
    let outcome = parse("rules/t.toml", &rule_text("threat_match", "kuery", "source.ip : *", extra));
    let rule = &outcome.rules[0].rule;
    assert_eq!(logic_of(rule), "(exists source.ip)");
    assert_eq!(attribute(rule, "threat mapping"), ["source.ip = threat.indicator.ip"]);
    assert_eq!(attribute(rule, "threat index"), ["logs-ti_*"]);
}

#[test]
fn kql_constructs_end_to_end() {
    // Precedence: not > and > or.
    assert_eq!(
        logic("query", "kuery", "a:1 or not b:2 and c:3"),
        r#"(or (eq~ a "1") (and (not (eq~ b "2")) (eq~ c "3")))"#
    );
    // Escapes: `\:` `\\` `\(` `\ ` and a literal `\*`.
    assert_eq!(
        logic("query", "kuery", r"process.executable : C\:\\Program\ Files\\*\(x86\)\*"),
        r#"(wildcard~ process.executable "C:\Program Files\\*(x86)\*")"#
    );
    assert_eq!(
        logic("query", "kuery", "process.pid >= 4 and process.pid < 100"),
        r#"(and (gte~ process.pid "4") (lt~ process.pid "100"))"#
    );
    assert_eq!(logic("query", "kuery", "p : { c : x or d : y* }"), r#"(or (eq~ p.c "x") (wildcard~ p.d "y*"))"#);
    assert_eq!(logic("query", "kuery", "mimikatz"), r#"(match * "mimikatz")"#);
}

#[test]
fn lucene_queries_are_read_and_unreadable_ones_unsupported() {
    assert_eq!(
        logic("query", "lucene", "_exists_:a AND b:/x.+/ AND NOT c:d?"),
        r#"(and (exists a) (regex_match~ b "x.+") (not (wildcard~ c "d?")))"#
    );
    let outcome = parse("rules/t.toml", &rule_text("query", "lucene", "a:[1 TO 5", ""));
    let rule = &outcome.rules[0].rule;
    assert_eq!(rule.status, ParseStatus::Unsupported);
    assert!(rule.reason.as_deref().is_some_and(|r| r.starts_with("Lucene query not understood")), "{:?}", rule.reason);
}

#[test]
fn partial_rules_name_what_was_kept_as_text() {
    let outcome =
        parse("rules/t.toml", &rule_text("eql", "eql", r#"process where length(process.args) > 5 and a == "b""#, ""));
    let rule = &outcome.rules[0].rule;
    assert_eq!(rule.status, ParseStatus::Partial);
    assert_eq!(rule.reason.as_deref(), Some("EQL function length() kept as text"));
    assert_eq!(
        logic_of(rule),
        r#"(and (eq~ event.category "process") (raw process.args "length(process.args) > 5") (eq~ a "b"))"#
    );
    assert_eq!(outcome.diagnostics.len(), 1);
    assert_eq!(outcome.diagnostics[0].severity, Severity::Warning);
    assert_eq!(outcome.diagnostics[0].rule_id.as_deref(), Some("r"));
}

#[test]
fn deprecated_rules_are_skipped() {
    let outcome = parse_fixture("rules/_deprecated/execution_fixture_old.toml");
    assert!(outcome.rules.is_empty());
    assert!(outcome.skipped.as_deref().is_some_and(|s| s.contains("deprecated")));
}

#[test]
fn invalid_toml_is_a_file_error_with_its_line() {
    let outcome = parse_fixture("invalid/bad_toml.toml");
    assert!(outcome.rules.is_empty());
    let diagnostic = &outcome.diagnostics[0];
    assert_eq!(diagnostic.severity, Severity::Error);
    assert_eq!(diagnostic.file, "invalid/bad_toml.toml");
    assert_eq!(diagnostic.line, Some(7));
    assert!(diagnostic.message.starts_with("invalid TOML"), "{}", diagnostic.message);
}

#[test]
fn malformed_query_is_an_error_on_its_line() {
    let outcome = parse_fixture("invalid/bad_eql.toml");
    let rule = &outcome.rules[0].rule;
    assert_eq!(rule.status, ParseStatus::Error);
    assert!(rule.logic.is_none());
    let diagnostic = &outcome.diagnostics[0];
    assert_eq!(diagnostic.severity, Severity::Error);
    assert_eq!(diagnostic.reason, "EQL syntax error");
    assert_eq!(diagnostic.message, "EQL query could not be parsed: expected `,` or `)`, found the end");
    // The query ends after `"y"` on its second line (`  process.args in ("x", "y"`).
    assert_eq!((diagnostic.line, diagnostic.column), (Some(14), Some(28)));
}

/// The one diagnostic of an inline rule, as (category, line, column).
#[track_caller]
fn only_diagnostic(text: &str) -> (String, Option<u32>, Option<u32>) {
    let outcome = parse("rules/t.toml", text);
    assert_eq!(outcome.diagnostics.len(), 1, "{:?}", outcome.diagnostics);
    let d = &outcome.diagnostics[0];
    assert_eq!(outcome.rules[0].rule.reason.as_deref(), Some(d.message.as_str()));
    (d.reason.clone(), d.line, d.column)
}

#[test]
fn diagnostics_point_into_the_query_by_line_and_column() {
    // rule_text puts `language` on line 8 and the query from line 10.
    let query = "event.category : process and\n  (process.name : \"a.exe\" or and b : c)";
    let text = rule_text("query", "kuery", query, "");
    let outcome = parse("rules/t.toml", &text);
    let rule = &outcome.rules[0].rule;
    assert_eq!(rule.status, ParseStatus::Error);
    assert_eq!(rule.reason.as_deref(), Some("KQL query could not be parsed: expected a value, found `and`"));
    assert_eq!(only_diagnostic(&text), ("KQL syntax error".into(), Some(11), Some(30)));

    // A basic string with escapes: the column counts the escapes as written.
    let text = "[rule]\nname = \"t\"\nrule_id = \"r\"\ntype = \"query\"\nlanguage = \"kuery\"\n\
                query = \"a : \\\"x\\\\y\\\" or (b : c or or)\"\n";
    assert_eq!(only_diagnostic(text), ("KQL syntax error".into(), Some(6), Some(36)));

    let text = rule_text("eql", "eql", "process where true and\n  process.name == \"a\" ==", "");
    assert_eq!(only_diagnostic(&text), ("EQL syntax error".into(), Some(11), Some(23)));

    let text = rule_text("esql", "esql", "from logs-*\n| where a == 1 |\n| keep a", "");
    assert_eq!(only_diagnostic(&text), ("ES|QL syntax error".into(), Some(12), Some(1)));

    let text = rule_text("query", "sql", "select 1", "");
    assert_eq!(only_diagnostic(&text), ("unsupported language".into(), Some(8), Some(12)));

    let text = rule_text("query", "lucene", "a:b AND\n c:[1 TO 5]", "");
    assert_eq!(only_diagnostic(&text), ("unsupported Lucene syntax".into(), Some(11), Some(4)));
}

#[test]
fn partial_logic_points_at_what_was_kept_and_at_the_filters() {
    let query = "process where a == \"b\" and\n  length(process.args) > 5 and endswith(c, d)";
    let text = rule_text("eql", "eql", query, "");
    let outcome = parse("rules/t.toml", &text);
    let found: Vec<(&str, &str, Option<u32>, Option<u32>)> =
        outcome.diagnostics.iter().map(|d| (d.reason.as_str(), d.message.as_str(), d.line, d.column)).collect();
    assert_eq!(
        found,
        [
            ("EQL function kept as text", "EQL function length() kept as text", Some(11), Some(3)),
            ("EQL function kept as text", "EQL function endswith() kept as text", Some(11), Some(32)),
        ]
    );

    let filters = "\n[[rule.filters]]\nquery = { geo_shape = { x = 1 } }\n";
    let text = rule_text("query", "kuery", "a : b", filters);
    let found: Vec<(String, Option<u32>, Option<u32>)> =
        parse("rules/t.toml", &text).diagnostics.iter().map(|d| (d.reason.clone(), d.line, d.column)).collect();
    assert_eq!(found, [("Kibana filter kept as text".to_owned(), Some(13), Some(1))]);
}

#[test]
fn machine_learning_and_invalid_toml_diagnostics() {
    let outcome = parse_fixture("rules/linux/impact_fixture_ml.toml");
    let categories: Vec<&str> = outcome.diagnostics.iter().map(|d| d.reason.as_str()).collect();
    assert_eq!(categories, ["no query"]);
    let outcome = parse("rules/t.toml", "[rule]\nname = \"t\"\nrule_id = = \"r\"\n");
    let d = &outcome.diagnostics[0];
    assert_eq!((d.reason.as_str(), d.line, d.column), ("invalid TOML", Some(3), Some(11)));
}

#[test]
fn nothing_panics_on_odd_input() {
    let odd = [
        "",
        "[rule]",
        "[rule]\nname = 1",
        "[metadata]\n[rule]\nname = \"n\"\nrule_id = \"r\"\ntype = \"eql\"\nquery = \"\"",
        "[rule]\nname = \"n\"\nrule_id = \"r\"\ntype = \"esql\"\nlanguage = \"esql\"\nquery = \"| | where\"",
        "[rule]\nname = \"n\"\nrule_id = \"r\"\nlanguage = \"kuery\"\nquery = \"a : (((((\"\nfilters = [1, {query = 2}]",
    ];
    for text in odd {
        let _ = parse("rules/odd.toml", text);
    }
    let deep = format!("process where {}a == 1{}", "(".repeat(10_000), ")".repeat(10_000));
    let outcome = parse("rules/t.toml", &rule_text("eql", "eql", &deep, ""));
    assert_eq!(outcome.rules[0].rule.status, ParseStatus::Error);
    // Long operator chains stay flat instead of nesting deeply.
    let long = format!("process where a{} > 1 and b{} == 1", " + a".repeat(50_000), "::long".repeat(50_000));
    let outcome = parse("rules/t.toml", &rule_text("eql", "eql", &long, ""));
    assert_eq!(outcome.rules[0].rule.status, ParseStatus::Partial);
    let long = format!("from x | where {}", vec!["a == 1"; 50_000].join(" or "));
    let outcome = parse("rules/t.toml", &rule_text("esql", "esql", &long, ""));
    assert_eq!(outcome.rules[0].rule.status, ParseStatus::Parsed);
}

#[test]
fn an_empty_kql_query_matches_everything() {
    for query in ["", "*", "*:*"] {
        let outcome = parse("rules/t.toml", &rule_text("query", "kuery", query, ""));
        let rule = &outcome.rules[0].rule;
        assert_eq!((rule.status, rule.logic.is_none()), (ParseStatus::Parsed, true), "{query:?}");
    }
}

/// Every active rule of the corpus: none fails to read, at least 98% of those
/// with a query are fully parsed, and the rest are listed by type, language
/// and reason (`--nocapture`). `ELASTIC_VERBOSE=1` also prints the conditions
/// kept as text; `ELASTIC_DUMP=<file>` writes every rule as a JSON line.
#[test]
fn corpus_parses() {
    let Some(corpus) = common::corpus() else { return };
    let root = corpus.join("elastic");
    let fields = fieldtable::load().expect("field table");
    let files = sources::rule_files(&root, Vendor::Elastic);
    let texts: Vec<(String, String)> = files
        .iter()
        .map(|path| {
            let rel = path.strip_prefix(&root).expect("under root").to_string_lossy().replace('\\', "/");
            (rel, fs::read_to_string(path).expect("readable"))
        })
        .collect();
    let outcomes: Vec<(String, FileOutcome)> =
        texts.iter().map(|(rel, text)| (rel.clone(), elastic::parse_file(rel, text, &fields))).collect();

    let mut by_status: BTreeMap<&str, usize> = BTreeMap::new();
    let mut breakdown: BTreeMap<(String, String, String), usize> = BTreeMap::new();
    let (mut with_query, mut parsed_with_query) = (0usize, 0usize);
    for (rel, outcome) in &outcomes {
        if outcome.rules.is_empty() && outcome.skipped.is_none() {
            panic!("{rel}: file failed: {:?}", outcome.diagnostics);
        }
        for parsed in &outcome.rules {
            let rule = &parsed.rule;
            *by_status.entry(rule.status.as_str()).or_default() += 1;
            if rule.status != ParseStatus::NoQuery {
                with_query += 1;
                if rule.status == ParseStatus::Parsed {
                    parsed_with_query += 1;
                }
            }
            if rule.status != ParseStatus::Parsed {
                let kind = rule.kind.clone().unwrap_or_default();
                let reason = rule.reason.clone().unwrap_or_default();
                eprintln!("{:?} {rel}: {reason}", rule.status);
                if std::env::var_os("ELASTIC_VERBOSE").is_some() {
                    for leaf in rule.logic.iter().flat_map(|l| l.leaves()).filter(|l| l.op == atlas_catalog::Op::Raw) {
                        eprintln!("    raw {:?}: {}", leaf.field, leaf.value.as_deref().unwrap_or(""));
                    }
                }
                // One count per reason, as the build report counts them.
                for part in reason.split("; ") {
                    let key = (kind.clone(), rule.language.clone(), short_reason(part));
                    *breakdown.entry(key).or_default() += 1;
                }
            }
        }
    }
    if let Some(dump) = std::env::var_os("ELASTIC_DUMP") {
        let lines: Vec<String> = outcomes
            .iter()
            .flat_map(|(_, o)| o.rules.iter())
            .map(|p| serde_json::to_string(&p.rule).expect("json"))
            .collect();
        fs::write(dump, lines.join("\n")).expect("dump written");
    }
    eprintln!("status: {by_status:?}");
    eprintln!("reasons of rules not parsed, by type / language / reason:");
    for ((kind, language, reason), count) in &breakdown {
        eprintln!("  {count:4}  {kind} / {language} / {reason}");
    }
    let share = parsed_with_query as f64 / with_query.max(1) as f64;
    eprintln!("parsed {parsed_with_query} of {with_query} rules with a query ({:.2}%)", share * 100.0);
    assert!(outcomes.len() > 1000, "only {} rule files found", outcomes.len());
    // 96.6% on the corpus: ES|QL conditions on computed columns the model
    // cannot trace (lengths, counts of matches) make ~26 rules partial.
    assert!(share >= 0.95, "only {:.2}% of rules with a query parsed", share * 100.0);
}

/// A reason without the parts that vary per rule, for counting.
fn short_reason(reason: &str) -> String {
    reason.split(':').next().unwrap_or(reason).trim().to_owned()
}

/// Real rules whose trees were read by hand against their queries.
#[test]
fn corpus_spot_checks() {
    let Some(corpus) = common::corpus() else { return };
    let root = corpus.join("elastic");
    let read = |rel: &str| -> Rule {
        let text = fs::read_to_string(root.join(rel)).expect("corpus rule");
        let outcome = parse(rel, &text);
        assert_eq!(outcome.rules.len(), 1, "{rel}: {:?}", outcome.diagnostics);
        let rule = outcome.rules[0].rule.clone();
        assert_eq!(rule.status, ParseStatus::Parsed, "{rel}: {:?}", rule.reason);
        rule
    };

    // EQL: `:` is case-insensitive (no `~`), `==` and `?field ==` are exact.
    let rule = read("rules/windows/discovery_group_policy_object_discovery.toml");
    assert_eq!(
        logic_of(&rule),
        concat!(
            r#"(and (eq~ event.category "process") (eq~ host.os.type "windows") (eq~ event.type "start") "#,
            r#"(or (eq process.name "gpresult.exe") (eq~ process.pe.original_file_name "gprslt.exe")) "#,
            r#"(or (eq process.args "/z") (eq process.args "/v") (eq process.args "/r") (eq process.args "/x")))"#
        )
    );

    // KQL: an unquoted value with `*` is a wildcard; `not` makes an exclusion.
    let rule = read("rules/cross-platform/defense_evasion_agent_spoofing_mismatched_id.toml");
    assert_eq!(
        logic_of(&rule),
        r#"(and (eq~ event.agent_id_status "agent_id_mismatch") (not (wildcard~ host.name "agentless-*")))"#
    );

    // ES|QL: the WHERE before STATS is the logic, the one after a threshold.
    let rule = read("rules/windows/impact_high_freq_file_renames_by_kernel.toml");
    let extensions = ["txt", "htm", "html", "hta", "pdf", "jpg", "bmp", "png", "pdf"]
        .iter()
        .map(|e| format!(r#"(eq~ file.extension "{e}")"#))
        .collect::<Vec<_>>()
        .join(" ");
    assert_eq!(
        logic_of(&rule),
        format!(
            "{}(or {extensions}))",
            concat!(
                r#"(and (eq~ event.category "file") (eq~ host.os.type "windows") (eq~ event.action "creation") "#,
                r#"(eq~ process.pid "4") (not (eq~ user.id "S-1-5-18")) "#
            )
        )
    );
    assert_eq!(
        attribute(&rule, "threshold"),
        ["Esql.file_path_count_distinct >= 3 (Esql.file_path_count_distinct = COUNT_DISTINCT(file.path))"]
    );
    assert_eq!(rule.log_source.iter().filter(|(l, _)| l == "index").count(), 1);

    // EQL sequence: the missing-event step is a `not` under the root `and`.
    let rule = read("rules/integrations/okta/persistence_mfa_deactivation_with_no_reactivation.toml");
    assert_eq!(
        logic_of(&rule),
        concat!(
            r#"(and (eq~ event.dataset "okta.system") "#,
            r#"(or (eq~ okta.event_type|event.action "user.mfa.factor.deactivate") (eq~ okta.event_type|event.action "user.mfa.factor.reset_all")) "#,
            r#"(not (eq~ okta.outcome.reason "User reset SECURITY_QUESTION factor")) (eq~ okta.outcome.result "SUCCESS") "#,
            r#"(not (and (eq~ event.dataset "okta.system") (eq~ okta.event_type|event.action "user.mfa.factor.activate"))))"#
        )
    );
    assert_eq!(attribute(&rule, "missing event"), ["step 2"]);
    assert_eq!(attribute(&rule, "sequence maxspan"), ["12h"]);
}
