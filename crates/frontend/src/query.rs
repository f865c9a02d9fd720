//! A rule text given alone — named on `rule-atlas explain`'s command line, or
//! pasted or dropped into the app's checker: a whole rule file of one vendor,
//! or a bare query of one language (KQL, Lucene, EQL, ES|QL, SPL).
//!
//! [`parse`] is the one way both read such a text, through the same front
//! ends the build uses, so the checker's tree is `explain`'s by construction.
//! A bare query goes through its vendor's own query reader (the Elastic front
//! end's, Splunk's search pipeline) and becomes one rule, [`DRAFT_ID`], whose
//! diagnostics point into the query text itself.

use atlas_catalog::{RuleDetail, Vendor};

use crate::leaf::LeafMaker;
use crate::outcome::{FileOutcome, ParsedRule, empty_rule, settle};
use crate::{Context, elastic, front_end, has_top_level_key, splunk};

/// The id of the one rule a bare query becomes.
pub const DRAFT_ID: &str = "draft";
/// Its title.
pub const DRAFT_TITLE: &str = "Draft query";

/// What a text is read as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Input {
    /// A rule file of the vendor (Sigma YAML, Elastic TOML, Splunk YAML).
    File(Vendor),
    /// A query of one language, alone.
    Query(QueryLanguage),
}

/// The query languages a bare query may be written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QueryLanguage {
    Kql,
    Lucene,
    Eql,
    Esql,
    Spl,
}

impl QueryLanguage {
    pub const ALL: [QueryLanguage; 5] =
        [QueryLanguage::Kql, QueryLanguage::Lucene, QueryLanguage::Eql, QueryLanguage::Esql, QueryLanguage::Spl];

    /// The vendor whose field names the query writes.
    pub fn vendor(self) -> Vendor {
        match self {
            QueryLanguage::Spl => Vendor::Splunk,
            _ => Vendor::Elastic,
        }
    }

    /// The language as a rule's `language` names it (`kuery`, `eql`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            QueryLanguage::Kql => "kuery",
            QueryLanguage::Lucene => "lucene",
            QueryLanguage::Eql => "eql",
            QueryLanguage::Esql => "esql",
            QueryLanguage::Spl => "spl",
        }
    }

    /// For people (`KQL`, `ES|QL`).
    pub fn label(self) -> &'static str {
        match self {
            QueryLanguage::Kql => "KQL",
            QueryLanguage::Lucene => "Lucene",
            QueryLanguage::Eql => "EQL",
            QueryLanguage::Esql => "ES|QL",
            QueryLanguage::Spl => "SPL",
        }
    }
}

/// Reads `text` as `input`; `path` is how diagnostics name it.
pub fn parse(input: Input, path: &str, text: &str, context: &Context) -> FileOutcome {
    match input {
        Input::File(vendor) => front_end(vendor).parse(path, text, context),
        Input::Query(QueryLanguage::Spl) => parse_spl(path, text, context),
        Input::Query(language) => elastic::parse_query(language.as_str(), path, text, context.fields),
    }
}

/// What a pasted text (no file name to go by) most likely is: a rule file
/// when it looks like one, else a bare query in the language it looks most
/// like (a guess the checker lets people override).
pub fn recognize_text(text: &str) -> Input {
    // Elastic rules are TOML with a `[rule]` table (`[metadata]` first).
    let toml_table = |name: &str| text.lines().any(|line| line.trim_end() == name);
    if toml_table("[rule]") || toml_table("[metadata]") {
        return Input::File(Vendor::Elastic);
    }
    if let Some(vendor) = crate::recognize("yml", text) {
        return Input::File(vendor);
    }
    // A rule file still being written: Sigma titles, Splunk names.
    if has_top_level_key(text, "title") || has_top_level_key(text, "logsource") {
        return Input::File(Vendor::Sigma);
    }
    if has_top_level_key(text, "name") && has_top_level_key(text, "id") {
        return Input::File(Vendor::Splunk);
    }
    Input::Query(guess_language(text))
}

/// The query language a query most likely is written in, from its first
/// words and its operators: ES|QL starts with a source command (`FROM`),
/// EQL with `sequence`, `sample` or `<category> where`, SPL has pipes,
/// macros or `field=value` tests; anything else is read as KQL.
pub fn guess_language(text: &str) -> QueryLanguage {
    let words: Vec<String> = text.split_whitespace().take(2).map(str::to_ascii_lowercase).collect();
    let first = words.first().map_or("", String::as_str);
    let second = words.get(1).map_or("", String::as_str);
    if matches!(first, "from" | "row" | "show" | "metrics" | "ts") {
        return QueryLanguage::Esql;
    }
    let identifier = |w: &str| !w.is_empty() && w.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    if matches!(first, "sequence" | "sample") || (identifier(first) && second == "where") {
        return QueryLanguage::Eql;
    }
    let unquoted = outside_quotes(text);
    let spl_test = unquoted.as_bytes().windows(2).any(|pair| {
        // `field=value`: a name right before `=`, which is not `<=`, `>=`, `!=`, `==`.
        (pair[0].is_ascii_alphanumeric() || pair[0] == b'_') && pair[1] == b'='
    });
    if unquoted.contains('|') || unquoted.contains('`') || spl_test {
        return QueryLanguage::Spl;
    }
    QueryLanguage::Kql
}

/// The text with quoted strings left out (they may hold any character).
fn outside_quotes(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let (mut quote, mut escaped) = (None, false);
    for c in text.chars() {
        match quote {
            Some(_) if escaped => escaped = false,
            Some(_) if c == '\\' => escaped = true,
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None if c == '"' || c == '\'' => quote = Some(c),
            None => out.push(c),
        }
    }
    out
}

/// A bare SPL search, read by the Splunk front end's pipeline walk with the
/// macros of the context, as a detection's `search` is; problems point
/// into the text (through macro expansion, at the call).
fn parse_spl(path: &str, text: &str, context: &Context) -> FileOutcome {
    let mut rule = empty_rule(Vendor::Splunk, DRAFT_ID.to_owned(), DRAFT_TITLE.to_owned(), path, String::new(), "spl");
    let analysis = splunk::pipeline::analyze(text, context.macros, LeafMaker::new(context.fields, Vendor::Splunk));
    rule.logic = analysis.logic;
    rule.log_source = splunk::metadata::dedup(analysis.log_source);
    rule.attributes = analysis.attributes;
    // Problems are placed in the search as written, which is the text here.
    let diagnostics = analysis.problems.settle(&mut rule, text);
    let detail = RuleDetail { text: text.to_owned(), ..Default::default() };
    settle(FileOutcome { rules: vec![ParsedRule { rule, detail, line: Some(1) }], diagnostics, skipped: None })
}

#[cfg(test)]
mod tests {
    use atlas_catalog::ParseStatus;

    use super::*;
    use crate::fieldtable;
    use crate::splunk::{MacroDef, MacroTable};

    fn read(input: Input, text: &str, macros: &MacroTable) -> FileOutcome {
        let fields = fieldtable::load().expect("field table");
        parse(input, "draft", text, &Context { fields: &fields, macros })
    }

    fn tree(outcome: &FileOutcome) -> String {
        outcome.rules[0].rule.logic.as_ref().map(ToString::to_string).unwrap_or_default()
    }

    #[test]
    fn pasted_rule_files_are_recognized_by_their_keys() {
        assert_eq!(
            recognize_text("[metadata]\ncreation_date = 1\n\n[rule]\nname = \"x\""),
            Input::File(Vendor::Elastic)
        );
        assert_eq!(recognize_text("title: x\ndetection:\n  sel: {a: b}\n"), Input::File(Vendor::Sigma));
        assert_eq!(recognize_text("title: half written\n"), Input::File(Vendor::Sigma));
        assert_eq!(recognize_text("name: x\nid: 1\nsearch: '| tstats count'\n"), Input::File(Vendor::Splunk));
        assert_eq!(recognize_text("name: x\nid: 1\n"), Input::File(Vendor::Splunk));
    }

    #[test]
    fn bare_queries_are_guessed_from_their_first_words_and_operators() {
        let guess = |text| match recognize_text(text) {
            Input::Query(language) => language,
            other => panic!("{text}: {other:?}"),
        };
        assert_eq!(guess("FROM logs-* | WHERE process.name == \"x\""), QueryLanguage::Esql);
        assert_eq!(guess("process where process.name : \"mshta.exe\""), QueryLanguage::Eql);
        assert_eq!(guess("sequence by host.id [process where true] [file where true]"), QueryLanguage::Eql);
        assert_eq!(guess("`sysmon` EventCode=1 | stats count by host"), QueryLanguage::Spl);
        assert_eq!(guess("process_name=mshta.exe"), QueryLanguage::Spl);
        assert_eq!(guess("process.name : \"a|b\" and not user.name : \"x=y\""), QueryLanguage::Kql);
        assert_eq!(guess("event.code >= 4624"), QueryLanguage::Kql);
    }

    #[test]
    fn a_bare_query_is_one_rule_with_diagnostics_in_its_text() {
        let none = MacroTable::default();
        let kql = read(Input::Query(QueryLanguage::Kql), "process.name : \"mshta.exe\"", &none);
        assert_eq!(kql.rules.len(), 1);
        assert_eq!(kql.rules[0].rule.id, DRAFT_ID);
        assert_eq!(kql.rules[0].rule.status, ParseStatus::Parsed);
        assert_eq!(tree(&kql), r#"(eq~ process.name "mshta.exe")"#);

        let broken = read(Input::Query(QueryLanguage::Eql), "process where\n  process.name == (", &none);
        assert_eq!(broken.rules[0].rule.status, ParseStatus::Error);
        let diagnostic = &broken.diagnostics[0];
        assert_eq!(diagnostic.reason, "EQL syntax error");
        assert_eq!((diagnostic.line, diagnostic.column.is_some()), (Some(2), true));
    }

    #[test]
    fn a_bare_search_expands_the_macros_it_is_given() {
        let macros = MacroTable::new([MacroDef {
            name: "process_mshta".into(),
            arguments: vec![],
            definition: "(Processes.process_name=mshta.exe)".into(),
        }]);
        let text = "| tstats count from datamodel=Endpoint.Processes where `process_mshta` by Processes.dest";
        let spl = read(Input::Query(QueryLanguage::Spl), text, &macros);
        assert_eq!(spl.rules[0].rule.status, ParseStatus::Parsed, "{:?}", spl.diagnostics);
        assert_eq!(tree(&spl), r#"(eq process_name|process.name "mshta.exe")"#);
        let undefined = read(Input::Query(QueryLanguage::Spl), text, &MacroTable::default());
        assert_eq!(undefined.rules[0].rule.status, ParseStatus::Partial);
        let diagnostic = &undefined.diagnostics[0];
        assert_eq!(diagnostic.reason, "undefined macro");
        // At the call, in the search as pasted.
        assert_eq!((diagnostic.line, diagnostic.column), (Some(1), Some(56)));
    }
}
