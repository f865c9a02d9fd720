//! Splunk security_content front end: detection YAML (metadata and a `search`
//! in SPL), with the repository's search macros expanded before the query
//! is read into the shared predicate model.
//!
//! The parts, in the order a detection goes through them:
//! [`metadata`] (YAML into a [`Rule`](atlas_catalog::Rule)), [`text`]
//! (comments, pipeline stages), [`macros`] (expansion), [`search`] and
//! [`eval`] (the two expression languages), [`env`] (where each field of the
//! pipeline comes from), [`search_logic`] / [`where_logic`] (into predicates),
//! [`commands`] (arguments of field-shaping commands) and [`pipeline`]
//! (the walk over the commands).

pub mod commands;
pub mod env;
pub mod eval;
pub mod macros;
pub mod metadata;
pub mod pipeline;
pub mod search;
pub mod search_logic;
pub mod text;
pub mod where_logic;

use atlas_catalog::{FieldTable, ParseStatus, RuleDetail, Vendor};

use crate::diagnostic::{Diagnostic, Severity};
use crate::leaf::LeafMaker;
use crate::outcome::{FileOutcome, ParsedRule, downgrade, settle};
use crate::syntax::{Embedded, LineIndex, Position, Span};
use crate::yaml::Yaml;
use crate::{Context, FrontEnd, Repository};
pub use macros::{MacroDef, MacroTable};
use metadata::Detection;

/// The Splunk front end.
pub struct Splunk;

static REPOSITORY: Repository = Repository {
    url: "https://github.com/splunk/security_content",
    branch: "develop",
    rule_folders: &["detections"],
    excluded: &["detections/deprecated"],
    extensions: &["yml", "yaml"],
};

impl FrontEnd for Splunk {
    fn vendor(&self) -> Vendor {
        Vendor::Splunk
    }

    fn repository(&self) -> &'static Repository {
        &REPOSITORY
    }

    fn recognizes(&self, extension: &str, text: &str) -> bool {
        REPOSITORY.extensions.contains(&extension) && crate::has_top_level_key(text, "search")
    }

    fn parse(&self, path: &str, text: &str, context: &Context) -> FileOutcome {
        settle(parse_file(path, text, context.fields, context.macros))
    }
}

/// A macro definition (`definition:` and no `search:` at the top level)
/// rather than a detection.
pub fn is_macro_file(text: &str) -> bool {
    crate::has_top_level_key(text, "definition") && !crate::has_top_level_key(text, "search")
}

/// Reads one detection file (`rel_path` is its path inside the repository).
pub fn parse_file(rel_path: &str, text: &str, fields: &FieldTable, macros: &MacroTable) -> FileOutcome {
    let documents = match crate::yaml::parse_documents(text) {
        Ok(documents) => documents,
        Err(error) => return FileOutcome::failed(yaml_error(rel_path, &error)),
    };
    let document = documents.first();
    let detection = document.map(Detection::from_yaml).unwrap_or_default();
    if is_macro_file(text) {
        return FileOutcome::skipped("search macro (read with the macros)");
    }
    if !detection.is_detection() {
        return FileOutcome::skipped("not a Splunk detection (no `name`, `id` or `search`)");
    }
    if detection.is_deprecated() {
        return FileOutcome::skipped("deprecated detection (status: deprecated)");
    }
    let mut rule = detection.to_rule(rel_path);
    let mut diagnostics = Vec::new();
    match detection.search() {
        None => downgrade(&mut rule, ParseStatus::NoQuery, "the detection has no search"),
        Some(spl) => {
            let analysis = pipeline::analyze(spl, macros, LeafMaker::new(fields, Vendor::Splunk));
            rule.logic = analysis.logic;
            rule.log_source = metadata::dedup(analysis.log_source.into_iter().chain(rule.log_source));
            rule.attributes.extend(analysis.attributes);
            let mut problems = analysis.problems;
            problems.map_spans(|span| search_in_file(text, document, spl, span));
            diagnostics = problems.settle(&mut rule, text);
        }
    }
    let sections = detection.how_to_implement().map(|h| ("How to implement".to_owned(), h)).into_iter().collect();
    let detail = RuleDetail { text: text.to_owned(), sections, ..Default::default() };
    FileOutcome { rules: vec![ParsedRule { rule, detail, line: Some(1) }], diagnostics, skipped: None }
}

/// Where `span` of the detection's search `spl` is written in the file
/// `text`: through the `search:` scalar as written (its quotes, escapes,
/// indentation and folding), or at the start of the `search:` line when
/// the YAML reader kept no positions (the relaxed reading of files whose
/// quoted scalars go on at column 0).
fn search_in_file(text: &str, document: Option<&Yaml>, spl: &str, span: Span) -> Span {
    match document.and_then(|d| d.key("search")).filter(|key| key.value != Span::default()) {
        Some(key) => Embedded { raw: key.value.text(text), start: key.value.start }.file_span(spl, span),
        None => {
            let line = crate::diagnostic::line_of(text, "search:").unwrap_or(1);
            Span::at(LineIndex::new(text).offset(Position { line, column: 1 }))
        }
    }
}

/// An unreadable detection: file, line and the parser's message.
fn yaml_error(rel_path: &str, error: &crate::yaml::YamlError) -> Diagnostic {
    Diagnostic::new(Vendor::Splunk, rel_path, Severity::Error, "invalid YAML", format!("not valid YAML: {error}"))
        .at_line(Some(error.line))
}
