//! The checker: reads a rule pasted or dropped into the app's `/check` view
//! with the front ends the build uses, and holds it against the atlas, in a
//! web worker of its own, so that the app's other views load neither the
//! parsers nor the checker's views (docs/app.md, "The checker").
//!
//! [`Checker::read`] is the reading, pure and native-testable: a
//! [`CheckRequest`] (the text, what to read it as, a shared link's fragment
//! to open) in, a [`Checked`] out (per rule: identity, techniques, status,
//! the predicate tree exactly as `rule-atlas explain` prints it, diagnostics
//! with line, column and an excerpt; the fragment that reopens the check).
//! A text is read by [`atlas_frontend::query::parse`], the function `explain`
//! reads files with, so both give the same tree. [`Checker::answer`] adds the
//! catalog's side, computed by `atlas_catalog::aggregate` over the atlas the
//! worker loads (reach, common triples, the guide rows used, similar rules),
//! and writes it all as the parts the app renders ([`view`]). `src/main.rs`
//! only passes messages and fetches the catalog.

pub mod fragment;
pub mod place;
pub mod view;

use std::collections::HashMap;

use atlas_catalog::aggregate::Atlas;
use atlas_catalog::check::{CheckAnswer, CheckRequest, InputKind};
use atlas_catalog::macros::MacroFile;
use atlas_catalog::model::{FORMAT_NAME, FORMAT_VERSION, RuleDetail, detail_shard};
use atlas_catalog::{Catalog, FieldTable, ParseStatus, Vendor};
use atlas_frontend::Context;
use atlas_frontend::diagnostic::{Diagnostic, Severity};
use atlas_frontend::limits::MAX_FILE_BYTES;
use atlas_frontend::query::{self, Input, QueryLanguage};
use atlas_frontend::splunk::{MacroDef, MacroTable};
use serde::Serialize;

/// What a text was read into.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Checked {
    pub seq: u32,
    /// The text checked, when it came from a `fragment` (to fill the editor).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    /// The kind asked for (a fragment's own when one was opened).
    pub kind: InputKind,
    /// What the text was read as, for people (`Sigma rule`, `KQL query`).
    pub read_as: String,
    /// The text did not say what it is: `read_as` is a guess.
    pub guessed: bool,
    /// The rules read, in file order.
    pub rules: Vec<CheckedRule>,
    /// Diagnostics about the text rather than one of its rules.
    pub diagnostics: Vec<CheckDiagnostic>,
    /// Why the text is deliberately not read (a deprecated rule, a macro file).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub skipped: Option<String>,
    /// The fragment that reopens this check; none when the text is too long.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fragment: Option<String>,
    /// What kept the request from being checked at all (a damaged link, a
    /// text over the size limit, a malformed request).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// How many Splunk macro definitions the checker holds.
    pub macros: u32,
}

/// One rule as the front end read it: what `rule-atlas explain` prints, and
/// its diagnostics.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CheckedRule {
    pub id: String,
    pub title: String,
    pub vendor: Vendor,
    /// The query language (`sigma`, `kuery`, `eql`, `esql`, `spl`…).
    pub language: String,
    /// As tagged.
    pub techniques: Vec<String>,
    pub status: ParseStatus,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// The predicate tree in the contract form `explain` prints, as JSON
    /// text; none when there is no logic.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub logic: Option<String>,
    pub diagnostics: Vec<CheckDiagnostic>,
}

/// A finding, with where it is in the text when known.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CheckDiagnostic {
    /// `error`, `warning` or `info`.
    pub severity: &'static str,
    /// Short and stable (`EQL syntax error`, `undefined macro`).
    pub category: String,
    pub message: String,
    /// 1-based.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<u32>,
    /// 1-based, in characters.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub column: Option<u32>,
    /// Where that is in the text as an editor counts (UTF-16 code units).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub offset: Option<u32>,
    /// The line pointed into (cut around the column when long), and under it
    /// a caret at the column.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub excerpt: Option<String>,
}

/// How diagnostics name a pasted text that has no file name.
const PASTED: &str = "pasted rule";
/// What answers say until the catalog is loaded.
pub const LOADING: &str = "the catalog is still loading";

/// What the worker keeps between requests: the field table, the catalog's
/// Splunk macros and the atlas.
pub struct Checker {
    /// The shipped field table, as `explain` loads it; an error leaves every
    /// check failing with its message.
    fields: Result<FieldTable, String>,
    macros: MacroTable,
    /// Why the catalog's macros could not be read, when they could not.
    macros_error: Option<String>,
    /// The catalog, once loaded; until then answers hold the reading alone.
    atlas: Result<Atlas, String>,
}

impl Default for Checker {
    fn default() -> Self {
        Checker::new()
    }
}

impl Checker {
    pub fn new() -> Checker {
        let fields = atlas_frontend::fieldtable::load().map_err(|e| format!("the field table is malformed: {e}"));
        let atlas = Err(LOADING.to_owned());
        Checker { fields, macros: MacroTable::default(), macros_error: None, atlas }
    }

    /// Answers one request given as JSON (what the worker receives);
    /// `clock` gives milliseconds, to say how long the reading took.
    pub fn handle(&self, json: &str, clock: &dyn Fn() -> f64) -> CheckAnswer {
        match serde_json::from_str::<CheckRequest>(json) {
            Ok(request) => self.answer(&request, clock),
            Err(error) => {
                let checked = Checked { error: Some(format!("malformed request: {error}")), ..Default::default() };
                view::answer(&checked, Err(""), None, 0)
            }
        }
    }

    /// The reading of a request, held against the atlas when it is loaded,
    /// as the app shows it.
    pub fn answer(&self, request: &CheckRequest, clock: &dyn Fn() -> f64) -> CheckAnswer {
        let started = clock();
        let checked = self.read(request);
        let took = (clock() - started).max(0.0).round() as u32;
        view::answer(&checked, self.atlas.as_ref().map_err(String::as_str), request.technique.as_deref(), took)
    }

    /// A catalog rule's detail shard (its path beside the catalog) and file
    /// name, to check its text (`CheckRequest::rule`).
    pub fn rule_source(&self, id: &str) -> Result<(String, String), String> {
        let atlas = self.atlas.as_ref().map_err(Clone::clone)?;
        let rule = atlas
            .rule_position(id)
            .and_then(|p| atlas.rule(p))
            .ok_or_else(|| format!("the catalog has no rule {id}"))?;
        let shard = detail_shard(id, atlas.catalog().detail_shards);
        let name = rule.path.rsplit('/').next().unwrap_or(&rule.path).to_owned();
        Ok((format!("catalog/details/{shard}.json"), name))
    }

    /// Checks a catalog rule's text, read from its detail shard (`shard`
    /// is the file [`Checker::rule_source`] named), and answers with the
    /// text to fill the editor.
    pub fn answer_rule(&self, request: &CheckRequest, shard: &[u8], clock: &dyn Fn() -> f64) -> CheckAnswer {
        let id = request.rule.as_deref().unwrap_or_default();
        let text = match serde_json::from_slice::<HashMap<String, RuleDetail>>(shard) {
            Ok(mut details) => match details.remove(id).map(|d| d.text).filter(|t| !t.is_empty()) {
                Some(text) => text,
                None => return self.failed(request, &format!("the catalog holds no text for rule {id}")),
            },
            Err(error) => return self.failed(request, &format!("the text of rule {id} could not be read: {error}")),
        };
        let file_name = self.rule_source(id).ok().map(|(_, name)| name);
        let reading = CheckRequest { text, file_name, rule: None, fragment: None, ..request.clone() };
        let mut answer = self.answer(&reading, clock);
        answer.text = Some(reading.text);
        answer
    }

    /// An answer saying why a request could not be checked.
    pub fn failed(&self, request: &CheckRequest, why: &str) -> CheckAnswer {
        let checked =
            Checked { seq: request.seq, kind: request.kind, error: Some(why.to_owned()), ..Default::default() };
        view::answer(&checked, self.atlas.as_ref().map_err(String::as_str), None, 0)
    }

    /// Whether the atlas is loaded.
    pub fn has_atlas(&self) -> bool {
        self.atlas.is_ok()
    }

    /// Reads the catalog (`catalog.json`); answers hold it against the atlas
    /// from then on. A catalog that cannot be read is said in every answer.
    pub fn set_catalog(&mut self, json: &[u8]) {
        self.atlas = match serde_json::from_slice::<Catalog>(json) {
            Ok(catalog) if catalog.format != FORMAT_NAME || catalog.version != FORMAT_VERSION => Err(format!(
                "the catalog is {} version {}, not one this checker reads",
                catalog.format, catalog.version
            )),
            Ok(catalog) => Ok(Atlas::new(catalog)),
            Err(error) => Err(format!("the catalog could not be read: {error}")),
        };
    }

    /// The catalog could not be fetched: say so in every answer.
    pub fn catalog_failed(&mut self, why: String) {
        self.atlas = Err(why);
    }

    /// Reads one text.
    pub fn read(&self, request: &CheckRequest) -> Checked {
        let mut response = Checked { seq: request.seq, kind: request.kind, ..Default::default() };
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
            None => (request.kind, request.text.clone()),
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
                let own = diagnostics
                    .iter()
                    .filter(|d| d.rule_id.as_deref() == Some(rule.id.as_str()))
                    .map(|d| shown(d, &text))
                    .collect();
                CheckedRule {
                    logic: rule.logic.as_ref().and_then(|logic| serde_json::to_string(logic).ok()),
                    id: rule.id,
                    title: rule.title,
                    vendor: rule.vendor,
                    language: rule.language,
                    techniques: rule.techniques,
                    status: rule.status,
                    reason: rule.reason,
                    diagnostics: own,
                }
            })
            .collect();
        response.diagnostics = loose.iter().map(|d| shown(d, &text)).collect();
        response.skipped = outcome.skipped;
        response
    }

    /// Reads the catalog's `macros.json`; a file that cannot be read leaves
    /// no macros and says why on Splunk checks.
    pub fn set_macros(&mut self, json: &str) {
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

/// A diagnostic of `text` as the app shows it.
fn shown(diagnostic: &Diagnostic, text: &str) -> CheckDiagnostic {
    let severity = match diagnostic.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "info",
    };
    CheckDiagnostic {
        severity,
        category: diagnostic.reason.clone(),
        message: diagnostic.message.clone(),
        line: diagnostic.line,
        column: diagnostic.column,
        offset: diagnostic.line.map(|line| place::utf16_offset(text, line, diagnostic.column.unwrap_or(1))),
        excerpt: diagnostic.line.and_then(|line| place::excerpt(text, line, diagnostic.column)),
    }
}

#[cfg(test)]
mod tests;
