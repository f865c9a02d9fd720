//! The checker's readings and answers: what a text is read as, diagnostics
//! with their place, shared links, macros, the requests it refuses, and the
//! answer held against an atlas.

use atlas_catalog::ParseStatus;
use atlas_catalog::check::{CheckRequest, Element, InputKind, Part, Target};
use atlas_catalog::macros::{MacroDefinition, MacroFile};

use super::*;

fn check(checker: &mut Checker, kind: InputKind, text: &str) -> Checked {
    checker.read(&CheckRequest { seq: 7, text: text.into(), kind, ..CheckRequest::default() })
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
    let reopened = Checker::new().read(&CheckRequest { seq: 8, fragment: Some(fragment), ..CheckRequest::default() });
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
    assert_eq!((diagnostic.severity, diagnostic.line), ("error", Some(14)), "{diagnostic:?}");
    assert!(diagnostic.column.is_some());
    // Where the editor selects it, and the line with a caret under the column.
    let line_start = broken.lines().take(13).map(|l| l.len() + 1).sum::<usize>();
    assert!(diagnostic.offset.is_some_and(|o| o as usize >= line_start));
    let excerpt = diagnostic.excerpt.as_deref().expect("an excerpt");
    assert!(excerpt.starts_with("  condition: selection and not (filter\n") && excerpt.ends_with('^'), "{excerpt}");

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
fn splunk_macros_come_from_the_catalog() {
    let mut checker = Checker::new();
    let search = "| tstats count from datamodel=Endpoint.Processes where `process_mshta` by Processes.dest";
    let without = check(&mut checker, InputKind::Spl, search);
    assert_eq!((without.macros, without.rules[0].status), (0, ParseStatus::Partial));
    let file = MacroFile::new(vec![MacroDefinition {
        name: "process_mshta".into(),
        arguments: vec![],
        definition: "(Processes.process_name=mshta.exe)".into(),
    }]);
    checker.set_macros(&serde_json::to_string(&file).expect("serializes"));
    let with = check(&mut checker, InputKind::Spl, search);
    assert_eq!((with.macros, with.rules[0].status), (1, ParseStatus::Parsed));
    // A macros file that cannot be read is said on Splunk checks.
    checker.set_macros("<html>");
    let broken = check(&mut checker, InputKind::Spl, search);
    assert_eq!(broken.macros, 0);
    assert_eq!(broken.diagnostics[0].category, "macros unreadable");
    assert!(check(&mut checker, InputKind::Kql, "a:b").diagnostics.is_empty());
}

#[test]
fn requests_it_cannot_check_say_why() {
    let mut checker = Checker::new();
    let damaged = checker.read(&CheckRequest { seq: 3, fragment: Some("v1.kql.!!!".into()), ..Default::default() });
    assert!(damaged.error.expect("an error").starts_with("the link is damaged"));
    let huge = check(&mut checker, InputKind::Kql, &"a".repeat(MAX_FILE_BYTES + 1));
    assert!(huge.error.expect("an error").contains("the checker reads up to"));
    let malformed = checker.handle("{\"seq\": \"x\"}", &|| 0.0);
    assert!(malformed.parts[0].plain_text().starts_with("malformed request"), "{:?}", malformed.parts);
}

#[test]
fn a_dropped_files_name_tells_its_vendor() {
    let checker = Checker::new();
    // Without `[rule]`, a pasted TOML is not known as Elastic; its name says it.
    let toml = "[metadata]\nmaturity = \"production\"\n";
    let dropped = checker.read(&CheckRequest {
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

/// The elements of an answer with a class, depth first.
fn with_class<'a>(parts: &'a [Part], class: &str, found: &mut Vec<&'a Element>) {
    for part in parts {
        match part {
            Part::Element(element) => {
                if element.class.split(' ').any(|c| c == class) {
                    found.push(element);
                }
                with_class(&element.parts, class, found);
            }
            Part::Link(_, parts) => with_class(parts, class, found),
            Part::Text(_) | Part::Tree(_) | Part::Place(..) => {}
        }
    }
}

fn find<'a>(parts: &'a [Part], class: &str) -> Vec<&'a Element> {
    let mut found = Vec::new();
    with_class(parts, class, &mut found);
    found
}

/// Every link target of an answer.
fn targets(parts: &[Part], out: &mut Vec<Target>) {
    for part in parts {
        match part {
            Part::Element(element) => targets(&element.parts, out),
            Part::Link(target, parts) => {
                out.push(target.clone());
                targets(parts, out);
            }
            Part::Text(_) | Part::Tree(_) | Part::Place(..) => {}
        }
    }
}

/// The demo catalog the app ships (built from the builder's fixture rules).
const DEMO: &[u8] = include_bytes!("../../../public/catalog/catalog.json");

#[test]
fn the_answer_holds_the_rule_against_the_atlas_once_it_is_loaded() {
    let mut checker = Checker::new();
    let request = CheckRequest { seq: 4, text: SIGMA.into(), ..CheckRequest::default() };
    let before = checker.answer(&request, &|| 0.0);
    assert_eq!((before.seq, before.fragment.is_some()), (4, true));
    let text: String = before.parts.iter().map(Part::plain_text).collect();
    assert!(
        text.contains("Read as Sigma rule · 1 rule") && text.contains("Not yet held against the catalog"),
        "{text}"
    );
    // The tree is there already, as explain prints it.
    let tree = find(&before.parts, "logic")[0].parts.iter().find_map(|p| match p {
        Part::Tree(json) => Some(json.clone()),
        _ => None,
    });
    assert_eq!(tree, before_tree(&checker));
    assert!(find(&before.parts, "check-guides").is_empty());

    checker.set_catalog(DEMO);
    assert!(checker.has_atlas());
    let after = checker.answer(&request, &|| 0.0);
    let text: String = after.parts.iter().map(Part::plain_text).collect();
    assert!(!text.contains("Not yet held"), "{text}");
    // Indicators with their reach, linking to the rules behind it.
    let keys = find(&after.parts, "keys");
    assert!(keys[0].parts.iter().map(Part::plain_text).collect::<String>().contains("process.name"));
    // The guide of the tagged technique, its rows marked.
    let guides = find(&after.parts, "guide-check");
    assert_eq!(guides[0].attrs, [("data-technique".to_owned(), "T1218.005".to_owned())]);
    assert!(!find(&after.parts, "used").is_empty(), "no guide row is used");
    // The demo's mshta rules are most like it, each linked to its page.
    let mut links = Vec::new();
    targets(&after.parts, &mut links);
    assert!(links.iter().any(|t| matches!(t, Target::Rules(k, false) if k.value == "mshta.exe")));
    assert!(links.iter().any(|t| matches!(t, Target::Guide(id) if id == "T1218.005")));
    let similar: Vec<&Target> = links.iter().filter(|t| matches!(t, Target::Rule(_))).collect();
    assert!(!similar.is_empty());
    // A technique chosen replaces the tagged ones.
    let chosen = checker.answer(&CheckRequest { technique: Some("t1059".into()), ..request.clone() }, &|| 0.0);
    let guides = find(&chosen.parts, "guide-check");
    assert_eq!(guides.len(), 1);
    assert_eq!(guides[0].attrs[0].1, "T1059");
}

fn before_tree(checker: &Checker) -> Option<String> {
    checker.read(&CheckRequest { text: SIGMA.into(), ..CheckRequest::default() }).rules[0].logic.clone()
}

#[test]
fn a_catalog_that_cannot_be_read_is_said() {
    let mut checker = Checker::new();
    checker.set_catalog(b"<!doctype html><p>Not found");
    let answer = checker.answer(&CheckRequest { text: SIGMA.into(), ..CheckRequest::default() }, &|| 0.0);
    let text: String = answer.parts.iter().map(Part::plain_text).collect();
    assert!(text.contains("Not yet held against the catalog: the catalog could not be read"), "{text}");
}

#[test]
fn a_catalog_rule_opens_with_its_text() {
    let mut checker = Checker::new();
    let id = "2e8f4a6c-9b1d-4c3e-8a70-5f2d7b9c1e04";
    let request = CheckRequest { seq: 4, rule: Some(id.into()), ..CheckRequest::default() };
    // Before the catalog is in, the rule cannot be found.
    assert!(checker.rule_source(id).is_err());
    checker.set_catalog(DEMO);
    let (path, name) = checker.rule_source(id).unwrap();
    assert_eq!(name, "aws_fixture_console_login_without_mfa.yml");
    let shard = std::fs::read(format!("{}/../../public/{path}", env!("CARGO_MANIFEST_DIR"))).unwrap();
    let answer = checker.answer_rule(&request, &shard, &|| 0.0);
    assert_eq!(answer.seq, 4);
    let text = answer.text.as_deref().unwrap();
    assert!(text.contains("ConsoleLogin"), "{text}");
    let shown: String = answer.parts.iter().map(Part::plain_text).collect();
    assert!(shown.contains("Read as Sigma rule · 1 rule"), "{shown}");
    assert!(answer.fragment.is_some());
    // A rule its shard does not hold, and a shard that is not JSON.
    let other = CheckRequest { rule: Some("no-such-rule".into()), ..request.clone() };
    let shown: String = checker.answer_rule(&other, &shard, &|| 0.0).parts.iter().map(Part::plain_text).collect();
    assert!(shown.contains("the catalog holds no text for rule no-such-rule"), "{shown}");
    let shown: String = checker.answer_rule(&request, b"<html>", &|| 0.0).parts.iter().map(Part::plain_text).collect();
    assert!(shown.contains("could not be read"), "{shown}");
}
