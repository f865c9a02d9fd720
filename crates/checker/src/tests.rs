//! The checker's answers: what a text is read as, diagnostics with their
//! place, shared links, macros, and the requests it refuses.

use atlas_catalog::ParseStatus;
use atlas_catalog::check::{CheckRequest, CheckResponse, InputKind};
use atlas_catalog::macros::{MacroDefinition, MacroFile};

use super::*;

fn check(checker: &mut Checker, kind: InputKind, text: &str) -> CheckResponse {
    checker.check(CheckRequest { seq: 7, text: text.into(), kind, ..CheckRequest::default() })
}

const SIGMA: &str = "title: Mshta from Word
id: 8a3c1f52-0000-4000-8000-000000000001
tags:
  - attack.t1218.005
logsource:
  category: process_creation
  product: windows
detection:
  selection:
    Image|endswith: '\\mshta.exe'
    ParentImage|endswith: '\\winword.exe'
  filter:
    CommandLine|contains: 'teams'
  condition: selection and not filter
";

#[test]
fn a_pasted_sigma_rule_is_recognized_and_read() {
    let response = check(&mut Checker::new(), InputKind::Auto, SIGMA);
    assert_eq!((response.seq, response.read_as.as_str(), response.guessed), (7, "Sigma rule", false));
    assert_eq!(response.error, None);
    let rule = &response.rules[0];
    assert_eq!(
        (rule.title.as_str(), rule.status, rule.techniques.as_slice()),
        ("Mshta from Word", ParseStatus::Parsed, &["T1218.005".to_owned()][..])
    );
    let tree: atlas_catalog::Expr =
        serde_json::from_str(rule.logic.as_deref().expect("a tree")).expect("contract JSON");
    assert_eq!(tree.indicators().len(), 2);
    assert_eq!(tree.exclusions().len(), 1);
    // The link reopens the same check.
    let fragment = response.fragment.expect("a short rule has a link");
    let reopened = Checker::new().check(CheckRequest { seq: 8, fragment: Some(fragment), ..CheckRequest::default() });
    assert_eq!((reopened.text.as_deref(), reopened.kind), (Some(SIGMA), InputKind::Auto));
    assert_eq!(reopened.rules, response.rules);
}

#[test]
fn diagnostics_point_into_the_text() {
    let mut checker = Checker::new();
    let broken = SIGMA.replace("selection and not filter", "selection and not (filter");
    let response = check(&mut checker, InputKind::Auto, &broken);
    let rule = &response.rules[0];
    assert_eq!(rule.status, ParseStatus::Error);
    let diagnostic = &rule.diagnostics[0];
    assert_eq!((diagnostic.severity.as_str(), diagnostic.line), ("error", Some(14)), "{diagnostic:?}");
    assert!(diagnostic.column.is_some());

    let eql = check(&mut checker, InputKind::Eql, "process where\n  process.name == (");
    assert_eq!((eql.read_as.as_str(), eql.rules[0].status), ("EQL query", ParseStatus::Error));
    assert_eq!(eql.rules[0].diagnostics[0].line, Some(2));

    // Text that is no rule at all still says why.
    let yaml = check(&mut checker, InputKind::Sigma, "title: [unclosed\n");
    assert!(yaml.rules.is_empty());
    assert_eq!(yaml.diagnostics[0].severity, "error");
    assert!(yaml.diagnostics[0].line.is_some());
}

#[test]
fn a_bare_query_is_guessed_unless_its_language_is_chosen() {
    let mut checker = Checker::new();
    let guessed = check(&mut checker, InputKind::Auto, "process.name : \"mshta.exe\"");
    assert_eq!((guessed.read_as.as_str(), guessed.guessed), ("KQL query", true));
    assert_eq!(guessed.rules[0].status, ParseStatus::Parsed);
    let chosen = check(&mut checker, InputKind::Lucene, "process.name:mshta.exe");
    assert_eq!((chosen.read_as.as_str(), chosen.guessed), ("Lucene query", false));
    assert!(chosen.fragment.expect("link").starts_with("v1.lucene."));
}

#[test]
fn splunk_macros_come_from_the_catalog_once() {
    let mut checker = Checker::new();
    let search = "| tstats count from datamodel=Endpoint.Processes where `process_mshta` by Processes.dest";
    let without = check(&mut checker, InputKind::Spl, search);
    assert_eq!((without.macros, without.rules[0].status), (0, ParseStatus::Partial));
    let file = MacroFile::new(vec![MacroDefinition {
        name: "process_mshta".into(),
        arguments: vec![],
        definition: "(Processes.process_name=mshta.exe)".into(),
    }]);
    let json = serde_json::to_string(&file).expect("serializes");
    let first = checker.check(CheckRequest {
        seq: 1,
        text: search.into(),
        kind: InputKind::Spl,
        macros: Some(json),
        ..Default::default()
    });
    assert_eq!((first.macros, first.rules[0].status), (1, ParseStatus::Parsed));
    // Kept for later requests.
    assert_eq!(check(&mut checker, InputKind::Spl, search).rules[0].status, ParseStatus::Parsed);
    // A macros file that cannot be read is said on Splunk checks.
    let broken = checker.check(CheckRequest {
        seq: 2,
        text: search.into(),
        kind: InputKind::Spl,
        macros: Some("<html>".into()),
        ..Default::default()
    });
    assert_eq!(broken.macros, 0);
    assert_eq!(broken.diagnostics[0].category, "macros unreadable");
    assert!(check(&mut checker, InputKind::Kql, "a:b").diagnostics.is_empty());
}

#[test]
fn requests_it_cannot_check_say_why() {
    let mut checker = Checker::new();
    let damaged = checker.check(CheckRequest { seq: 3, fragment: Some("v1.kql.!!!".into()), ..Default::default() });
    assert!(damaged.error.expect("an error").starts_with("the link is damaged"));
    let huge = check(&mut checker, InputKind::Kql, &"a".repeat(MAX_FILE_BYTES + 1));
    assert!(huge.error.expect("an error").contains("the checker reads up to"));
    let malformed = checker.handle("{\"seq\": \"x\"}");
    assert!(malformed.error.expect("an error").starts_with("malformed request"));
}

#[test]
fn a_dropped_files_name_tells_its_vendor() {
    let mut checker = Checker::new();
    // Without `[rule]`, a pasted TOML is not known as Elastic; its name says it.
    let toml = "[metadata]\nmaturity = \"production\"\n";
    let dropped = checker.check(CheckRequest {
        seq: 1,
        text: toml.into(),
        file_name: Some("x.toml".into()),
        ..Default::default()
    });
    assert_eq!(
        (dropped.read_as.as_str(), dropped.skipped.as_deref()),
        ("Elastic rule (TOML)", Some("not an Elastic rule (no `[rule]` table)"))
    );
}
