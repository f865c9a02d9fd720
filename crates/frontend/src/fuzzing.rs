//! The bodies of the fuzz targets (issue #10, "Hostile input"): one function
//! per target, taking the fuzzer's bytes. They live here rather than in
//! `fuzz/` so that a stable integration test (`tests/fuzz_replay.rs`) can
//! replay the regression inputs and corpus seeds through exactly the code the
//! fuzzer runs; `fuzz/` (nightly, cargo-fuzz) only wraps them.
//!
//! Each function runs its input the way the builder does (files over
//! [`MAX_FILE_BYTES`](crate::limits::MAX_FILE_BYTES) are refused, bytes are
//! read as lossy UTF-8 like `sources.rs` does), settles the outcome, and then
//! checks what every outcome must satisfy whatever the input (see
//! [`check_outcome`]). A panic, in the front end or in a check, is a finding.
//!
//! Not part of the library's interface: hidden from the docs and free to change
//! with the fuzz targets.

use std::borrow::Cow;
use std::sync::OnceLock;

use atlas_catalog::aggregate::Atlas;
use atlas_catalog::expr_json::Compact;
use atlas_catalog::predicate::MAX_DEPTH;
use atlas_catalog::{Catalog, Expr, FieldTable, Op, ParseStatus, Polarity, Rule, RuleDetail, Vendor};

use crate::elastic::{eql, esql, kql};
use crate::leaf::LeafMaker;
use crate::limits::MAX_FILE_BYTES;
use crate::outcome::{FileOutcome, ParsedRule, downgrade, empty_rule, settle};
use crate::sigma::{condition, detection};
use crate::splunk::{MacroDef, MacroTable, macros, pipeline};
use crate::yaml::Yaml;
use crate::{Context, front_end, recognize};

/// The names of the targets, as `fuzz/fuzz_targets/<name>.rs`,
/// `fuzz/corpus/<name>/` and `fuzz/regressions/<name>/` spell them.
pub const TARGETS: [&str; 9] = [
    "sigma_file",
    "sigma_condition",
    "kql",
    "eql",
    "esql",
    "spl_search",
    "elastic_toml",
    "splunk_yaml",
    "catalog_reader",
];

/// Runs the target called `name` (one of [`TARGETS`], except `catalog_reader`,
/// which needs the app's reader: see [`catalog_reader`]). Returns `false` for
/// an unknown name.
pub fn run(name: &str, data: &[u8]) -> bool {
    match name {
        "sigma_file" => sigma_file(data),
        "sigma_condition" => sigma_condition(data),
        "kql" => kql(data),
        "eql" => eql(data),
        "esql" => esql(data),
        "spl_search" => spl_search(data),
        "elastic_toml" => elastic_toml(data),
        "splunk_yaml" => splunk_yaml(data),
        _ => return false,
    }
    true
}

/// A whole Sigma rule file.
pub fn sigma_file(data: &[u8]) {
    whole_file(Vendor::Sigma, "rules/fuzz/rule.yml", "yml", data);
}

/// A whole Elastic rule file (TOML, any query language).
pub fn elastic_toml(data: &[u8]) {
    whole_file(Vendor::Elastic, "rules/fuzz/rule.toml", "toml", data);
}

/// A whole Splunk detection file, read with the fixed macros of
/// [`fuzz_macros`]. When the file is a macro definition instead, the builder
/// reads it with the macros: here it joins the fixed ones and a search calls it.
pub fn splunk_yaml(data: &[u8]) {
    let Some(text) = file_text(data) else { return };
    whole_file(Vendor::Splunk, "detections/fuzz/rule.yml", "yml", data);
    if crate::splunk::is_macro_file(&text)
        && let Ok(def) = macros::parse_macro(&text)
    {
        let call = macro_call(&def);
        let table = MacroTable::new(fixed_macros().into_iter().chain([def]));
        let analysis = pipeline::analyze(&format!("index=main {call} | table _time"), &table, maker(Vendor::Splunk));
        let messages: Vec<String> = analysis.problems.into_iter().map(|p| p.message).collect();
        check_outcome(&one_rule(Vendor::Splunk, "spl", analysis.logic, &messages));
    }
}

/// A Sigma `condition`, over a fixed detection of search identifiers (so
/// that `1 of sel*`, `all of them`, `not filter_*`… resolve to trees).
pub fn sigma_condition(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    // The grammar alone (its errors are shown to people: format them).
    match condition::parse(&text) {
        Ok(parsed) => drop(parsed),
        Err(error) => drop(error.to_string()),
    }
    let detection = Yaml::Map(vec![
        ("sel".into(), map(&[("Image|endswith", Yaml::String("\\mshta.exe".into()))])),
        (
            "sel_cli".into(),
            map(&[(
                "CommandLine|contains|all",
                Yaml::Seq(vec![Yaml::String("http".into()), Yaml::String("-enc".into())]),
            )]),
        ),
        ("selection_parent".into(), map(&[("ParentImage|endswith", Yaml::String("\\winword.exe".into()))])),
        ("filter_main".into(), map(&[("User|contains", Yaml::String("AUTHORI".into()))])),
        ("filter_optional_null".into(), map(&[("ParentImage", Yaml::Null)])),
        ("keywords".into(), Yaml::Seq(vec![Yaml::String("evil".into()), Yaml::Number("4688".into())])),
        ("_hidden".into(), map(&[("EventID", Yaml::Number("1".into()))])),
        ("1".into(), map(&[("EventID", Yaml::Number("2".into()))])),
        ("condition".into(), Yaml::String(text.into_owned())),
    ]);
    let maker = maker(Vendor::Sigma);
    // No file behind this detection: error positions are empty spans.
    let (logic, problems) = match detection::to_expr(&detection, "", &maker) {
        Ok(expr) => (Some(expr), Vec::new()),
        Err((error, _span)) => {
            let _ = error.is_unsupported();
            (None, vec![error.reason(), error.to_string()])
        }
    };
    check_outcome(&one_rule(Vendor::Sigma, "sigma", logic, &problems));
}

/// A KQL query, read as KQL and as Lucene (the same parser's two modes).
pub fn kql(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    for syntax in [kql::Syntax::Kuery, kql::Syntax::Lucene] {
        let outcome = match kql::parse(&text, syntax, maker(Vendor::Elastic)) {
            Ok(expr) => one_rule(Vendor::Elastic, "kuery", Some(expr), &[]),
            Err(error) => {
                error_position(&text, error.span.start);
                one_rule(Vendor::Elastic, "kuery", None, &[error.to_string()])
            }
        };
        check_outcome(&outcome);
    }
}

/// An EQL query.
pub fn eql(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let outcome = match eql::parse(&text, "event.category", maker(Vendor::Elastic)) {
        Ok(logic) => {
            let reasons = logic.reasons();
            one_rule(Vendor::Elastic, "eql", logic.logic, &reasons)
        }
        Err(error) => {
            error_position(&text, error.span.start);
            one_rule(Vendor::Elastic, "eql", None, &[error.to_string()])
        }
    };
    check_outcome(&outcome);
}

/// An ES|QL query.
pub fn esql(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let outcome = match esql::parse(&text, maker(Vendor::Elastic)) {
        Ok(logic) => {
            let reasons = logic.reasons();
            one_rule(Vendor::Elastic, "esql", logic.logic, &reasons)
        }
        Err(error) => {
            error_position(&text, error.span.start);
            one_rule(Vendor::Elastic, "esql", None, &[error.to_string()])
        }
    };
    check_outcome(&outcome);
}

/// A Splunk detection's `search`, with the fixed macros of [`fuzz_macros`].
pub fn spl_search(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let analysis = pipeline::analyze(&text, fuzz_macros(), maker(Vendor::Splunk));
    let messages: Vec<String> = analysis.problems.into_iter().map(|p| p.message).collect();
    check_outcome(&one_rule(Vendor::Splunk, "spl", analysis.logic, &messages));
}

/// The app's catalog reader over the input, then the index the app builds
/// over every catalog it reads. `read` is the app's own reader
/// (`rule_atlas_app::load::parse_catalog`), passed in because the app depends
/// on the catalog crate, not on the front ends.
pub fn catalog_reader<E>(data: &[u8], read: impl FnOnce(&[u8]) -> Result<Catalog, E>) {
    let Ok(catalog) = read(data) else { return };
    for rule in &catalog.rules {
        if let Some(logic) = &rule.logic {
            // What the catalog holds may be deeper than the builder writes
            // (serde_json's own limit bounds it); it must still read back.
            check_round_trip(logic);
        }
    }
    let atlas = Atlas::new(catalog);
    // The indicator and exclusion indexes are built on the first technique
    // page; build them too.
    for polarity in [Polarity::Indicator, Polarity::Exclusion] {
        let _ = atlas.index_of(polarity);
    }
    let _ = atlas.unknown_techniques();
}

/// The macros every `spl_search` input is expanded with: plain ones, ones
/// with arguments, a recursive one, a mutually recursive pair and one that
/// multiplies (each a way expansion can go wrong).
pub fn fuzz_macros() -> &'static MacroTable {
    static MACROS: OnceLock<MacroTable> = OnceLock::new();
    MACROS.get_or_init(|| MacroTable::new(fixed_macros()))
}

fn fixed_macros() -> Vec<MacroDef> {
    let def = |name: &str, arguments: &[&str], definition: &str| MacroDef {
        name: name.to_owned(),
        arguments: arguments.iter().map(|a| (*a).to_owned()).collect(),
        definition: definition.to_owned(),
    };
    vec![
        def("sysmon", &[], "(sourcetype=XmlWinEventLog:Microsoft-Windows-Sysmon/Operational OR source=*sysmon*)"),
        def("process_net", &[], "(Processes.process_name=\"net.exe\" OR Processes.original_file_name=\"net.exe\")"),
        def("security_content_ctime", &["field"], "convert timeformat=\"%Y-%m-%dT%H:%M:%S\" ctime($field$)"),
        def("is_in", &["field", "value"], "$field$=\"$value$\" OR $field$=\"*\\$value$\""),
        def("wrap(1)", &["x"], "`wrap($x$)` ($x$)"),
        def("loop", &[], "`loop` x=1"),
        def("ping", &[], "`pong` a=1"),
        def("pong", &[], "`ping` b=2"),
        def("twice", &[], "`sysmon` OR `sysmon` OR `twice`"),
        def("eval_macro", &["f"], "eval $f$_len=len($f$) | where $f$_len > 10"),
        def("comment_macro", &[], "```a comment``` index=main"),
    ]
}

/// A call of a macro read from a file, with as many arguments as it takes.
fn macro_call(def: &MacroDef) -> String {
    let name = def.name.split('(').next().unwrap_or(&def.name);
    if def.arguments.is_empty() {
        format!("`{name}`")
    } else {
        let arguments: Vec<String> = (0..def.arguments.len()).map(|n| format!("v{n}")).collect();
        format!("`{name}({})`", arguments.join(", "))
    }
}

/// The field table the builder uses, parsed once.
fn fields() -> &'static FieldTable {
    static FIELDS: OnceLock<FieldTable> = OnceLock::new();
    // The shipped table is not fuzz input; its unit test checks it parses.
    FIELDS.get_or_init(|| crate::fieldtable::load().expect("the shipped field table parses"))
}

fn maker(vendor: Vendor) -> LeafMaker<'static> {
    LeafMaker::new(fields(), vendor)
}

fn map(entries: &[(&str, Yaml)]) -> Yaml {
    Yaml::Map(entries.iter().map(|(k, v)| ((*k).into(), v.clone())).collect())
}

/// The text of a rule file as the builder reads it: refused over the size
/// limit, lossy UTF-8 otherwise.
fn file_text(data: &[u8]) -> Option<Cow<'_, str>> {
    (data.len() <= MAX_FILE_BYTES).then(|| String::from_utf8_lossy(data))
}

fn whole_file(vendor: Vendor, path: &str, extension: &str, data: &[u8]) {
    let Some(text) = file_text(data) else { return };
    let _ = recognize(extension, &text);
    let macros = if vendor == Vendor::Splunk { fuzz_macros() } else { &MacroTable::default() };
    let outcome = front_end(vendor).parse(path, &text, &Context { fields: fields(), macros });
    check_outcome(&outcome);
}

/// What a builder makes of one query: a rule holding its logic, downgraded
/// for each problem, settled like every front end's outcome.
fn one_rule(vendor: Vendor, language: &str, logic: Option<Expr>, problems: &[String]) -> FileOutcome {
    let path = "fuzz";
    let url = crate::repository(vendor).file_url(path);
    let mut rule = empty_rule(vendor, "fuzz".into(), "fuzz".into(), path, url, language);
    rule.logic = logic;
    for problem in problems {
        downgrade(&mut rule, ParseStatus::Partial, problem);
    }
    let parsed = ParsedRule { rule, detail: RuleDetail::default(), line: Some(1) };
    settle(FileOutcome { rules: vec![parsed], ..Default::default() })
}

/// Where the builder points for a query error: the text up to the offset
/// (the offset may be anywhere; it is only ever used through `get`).
fn error_position(text: &str, offset: usize) {
    let _ = text.get(..offset).unwrap_or(text).matches('\n').count();
}

/// What holds for every settled outcome, whatever the input:
/// - every tree is within [`MAX_DEPTH`] (so every reader of the catalog reads it);
/// - every tree reads back equal from both JSON forms (the contract one
///   `explain` prints and the compact one catalog.json holds);
/// - a tree with a `raw` leaf is not `parsed`;
/// - the rule and its detail read back from JSON as the catalog writes them;
/// - diagnostics serialize (the build report).
pub fn check_outcome(outcome: &FileOutcome) {
    for parsed in &outcome.rules {
        let rule = &parsed.rule;
        if let Some(logic) = &rule.logic {
            let depth = logic.depth();
            assert!(depth <= MAX_DEPTH, "a settled tree has {depth} levels, more than {MAX_DEPTH}");
            check_round_trip(logic);
            let has_raw = logic.leaves().iter().any(|leaf| leaf.op == Op::Raw);
            assert!(!(has_raw && rule.status == ParseStatus::Parsed), "a tree with a raw leaf is `parsed`");
            let _ = logic.to_string();
        }
        let json = serde_json::to_string(rule).expect("a rule serializes");
        let back: Rule = serde_json::from_str(&json).expect("a rule reads back as the app reads it");
        assert_eq!(back.logic, rule.logic, "the compact tree in catalog.json reads back");
        assert_eq!((back.id.as_str(), back.status), (rule.id.as_str(), rule.status));
        let json = serde_json::to_string(&parsed.detail).expect("a rule detail serializes");
        let back: RuleDetail = serde_json::from_str(&json).expect("a rule detail reads back");
        assert_eq!(back, parsed.detail, "a rule detail reads back");
    }
    for diagnostic in &outcome.diagnostics {
        let _ = serde_json::to_string(diagnostic).expect("a diagnostic serializes");
    }
}

/// A tree reads back equal from both its JSON forms.
pub fn check_round_trip(logic: &Expr) {
    let contract = serde_json::to_string(logic).expect("a tree serializes");
    let back: Expr = serde_json::from_str(&contract).expect("a tree reads back from the contract form");
    assert_eq!(&back, logic, "the contract form reads back: {contract}");
    let compact = serde_json::to_string(&Compact(logic)).expect("a tree serializes in the compact form");
    let back: Expr = serde_json::from_str(&compact).expect("a tree reads back from the compact form");
    assert_eq!(&back, logic, "the compact form reads back: {compact}");
}
