//! The checker: reads a rule pasted or dropped into the app's `/check` view
//! with the front ends the build uses, in a web worker of its own, so the
//! app's other views load no parser code (docs/app.md, "The checker").
//!
//! [`Checker::check`] is the whole of it, pure and native-testable: a
//! [`CheckRequest`] (the text, what to read it as, a shared link's fragment
//! to open, the catalog's macros once) in, a [`CheckResponse`] out (per rule:
//! identity, techniques, status, the predicate tree exactly as `rule-atlas
//! explain` prints it, diagnostics with line and column; the fragment that
//! reopens the check). A text is read by [`atlas_frontend::query::parse`],
//! the function `explain` reads files with, so both give the same tree.
//! `src/main.rs` only passes messages.

pub mod fragment;

use atlas_catalog::FieldTable;
use atlas_catalog::Vendor;
use atlas_catalog::check::{CheckDiagnostic, CheckRequest, CheckResponse, CheckedRule, InputKind};
use atlas_catalog::macros::MacroFile;
use atlas_frontend::Context;
use atlas_frontend::diagnostic::{Diagnostic, Severity};
use atlas_frontend::limits::MAX_FILE_BYTES;
use atlas_frontend::query::{self, Input, QueryLanguage};
use atlas_frontend::splunk::{MacroDef, MacroTable};

/// How diagnostics name a pasted text that has no file name.
const PASTED: &str = "pasted rule";

/// What the worker keeps between requests: the field table and the
/// catalog's Splunk macros.
pub struct Checker {
    /// The shipped field table, as `explain` loads it; an error leaves every
    /// check failing with its message.
    fields: Result<FieldTable, String>,
    macros: MacroTable,
    /// Why the catalog's macros could not be read, when they could not.
    macros_error: Option<String>,
}

impl Default for Checker {
    fn default() -> Self {
        Checker::new()
    }
}

impl Checker {
    pub fn new() -> Checker {
        let fields = atlas_frontend::fieldtable::load().map_err(|e| format!("the field table is malformed: {e}"));
        Checker { fields, macros: MacroTable::default(), macros_error: None }
    }

    /// Answers one request given as JSON (what the worker receives).
    pub fn handle(&mut self, json: &str) -> CheckResponse {
        match serde_json::from_str::<CheckRequest>(json) {
            Ok(request) => self.check(request),
            Err(error) => CheckResponse { error: Some(format!("malformed request: {error}")), ..Default::default() },
        }
    }

    /// Checks one text.
    pub fn check(&mut self, request: CheckRequest) -> CheckResponse {
        if let Some(json) = &request.macros {
            self.load_macros(json);
        }
        let mut response = CheckResponse { seq: request.seq, kind: request.kind, ..Default::default() };
        response.macros = u32::try_from(self.macros.len()).unwrap_or(u32::MAX);
        let (kind, text) = match &request.fragment {
            Some(fragment) => match fragment::decode(fragment) {
                Ok((kind, text)) => {
                    response.kind = kind;
                    response.text = Some(text.clone());
                    (kind, text)
                }
                Err(error) => {
                    response.error = Some(error.to_string());
                    return response;
                }
            },
            None => (request.kind, request.text),
        };
        if text.len() > MAX_FILE_BYTES {
            response.error = Some(format!(
                "the text is {} bytes; the checker reads up to {MAX_FILE_BYTES}, as the build does",
                text.len()
            ));
            return response;
        }
        let fields = match &self.fields {
            Ok(fields) => fields,
            Err(message) => {
                response.error = Some(message.clone());
                return response;
            }
        };
        let (input, guessed) = input_of(kind, request.file_name.as_deref(), &text);
        response.read_as = read_as(input).to_owned();
        response.guessed = guessed;
        response.fragment = fragment::encode(kind, &text);
        let path = request.file_name.as_deref().unwrap_or(PASTED);
        let outcome = query::parse(input, path, &text, &Context { fields, macros: &self.macros });
        let (mut diagnostics, mut loose): (Vec<Diagnostic>, Vec<Diagnostic>) = (Vec::new(), Vec::new());
        for diagnostic in outcome.diagnostics {
            if diagnostic.rule_id.is_some() { diagnostics.push(diagnostic) } else { loose.push(diagnostic) }
        }
        if let (Some(error), Input::File(Vendor::Splunk) | Input::Query(QueryLanguage::Spl)) =
            (&self.macros_error, input)
        {
            loose.push(Diagnostic::new(Vendor::Splunk, path, Severity::Warning, "macros unreadable", error.clone()));
        }
        response.rules = outcome
            .rules
            .into_iter()
            .map(|parsed| {
                let rule = parsed.rule;
                let own =
                    diagnostics.iter().filter(|d| d.rule_id.as_deref() == Some(rule.id.as_str())).map(shown).collect();
                CheckedRule {
                    logic: rule.logic.as_ref().and_then(|logic| serde_json::to_string(logic).ok()),
                    id: rule.id,
                    title: rule.title,
                    vendor: rule.vendor,
                    language: rule.language,
                    techniques: rule.techniques,
                    status: rule.status,
                    reason: rule.reason,
                    log_source: rule.log_source,
                    diagnostics: own,
                }
            })
            .collect();
        response.diagnostics = loose.iter().map(shown).collect();
        response.skipped = outcome.skipped;
        response
    }

    /// Reads the catalog's `macros.json`; a file that cannot be read leaves
    /// no macros and says why on Splunk checks.
    fn load_macros(&mut self, json: &str) {
        match serde_json::from_str::<MacroFile>(json) {
            Ok(file) => {
                let defs = file.macros.into_iter().map(|m| MacroDef {
                    name: m.name,
                    arguments: m.arguments,
                    definition: m.definition,
                });
                self.macros = MacroTable::new(defs);
                self.macros_error = None;
            }
            Err(error) => {
                self.macros = MacroTable::default();
                self.macros_error =
                    Some(format!("the catalog's macros.json cannot be read ({error}): macros are not expanded"));
            }
        }
    }
}

/// What to read the text as, and whether that is a guess: a chosen kind is
/// what it says; otherwise a dropped file's extension and keys tell its
/// vendor as they tell `explain`, and a pasted text is recognized by its keys
/// or, as a bare query, by its look.
fn input_of(kind: InputKind, file_name: Option<&str>, text: &str) -> (Input, bool) {
    let input = match kind {
        InputKind::Sigma => Input::File(Vendor::Sigma),
        InputKind::ElasticToml => Input::File(Vendor::Elastic),
        InputKind::SplunkYaml => Input::File(Vendor::Splunk),
        InputKind::Kql => Input::Query(QueryLanguage::Kql),
        InputKind::Lucene => Input::Query(QueryLanguage::Lucene),
        InputKind::Eql => Input::Query(QueryLanguage::Eql),
        InputKind::Esql => Input::Query(QueryLanguage::Esql),
        InputKind::Spl => Input::Query(QueryLanguage::Spl),
        InputKind::Auto => {
            let extension = file_name.and_then(|name| name.rsplit_once('.')).map(|(_, e)| e.to_ascii_lowercase());
            if let Some(vendor) = extension.and_then(|e| atlas_frontend::recognize(&e, text)) {
                return (Input::File(vendor), false);
            }
            let input = query::recognize_text(text);
            return (input, matches!(input, Input::Query(_)));
        }
    };
    (input, false)
}

/// What the text was read as, for people.
fn read_as(input: Input) -> &'static str {
    match input {
        Input::File(Vendor::Sigma) => "Sigma rule",
        Input::File(Vendor::Elastic) => "Elastic rule (TOML)",
        Input::File(Vendor::Splunk) => "Splunk detection (YAML)",
        Input::Query(QueryLanguage::Kql) => "KQL query",
        Input::Query(QueryLanguage::Lucene) => "Lucene query",
        Input::Query(QueryLanguage::Eql) => "EQL query",
        Input::Query(QueryLanguage::Esql) => "ES|QL query",
        Input::Query(QueryLanguage::Spl) => "SPL search",
    }
}

fn shown(diagnostic: &Diagnostic) -> CheckDiagnostic {
    let severity = match diagnostic.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "info",
    };
    CheckDiagnostic {
        severity: severity.to_owned(),
        category: diagnostic.reason.clone(),
        message: diagnostic.message.clone(),
        line: diagnostic.line,
        column: diagnostic.column,
    }
}

#[cfg(test)]
mod tests;
