//! `rule-atlas explain`: one JSON line per rule in the given files, so people
//! and tests can check how a single rule was read.

use std::path::{Path, PathBuf};

use atlas_catalog::{Attack, Expr, FieldTable, ParseStatus, Vendor};
use serde::Serialize;

use crate::attack::{Resolution, Resolver};
use atlas_frontend::Context;
use atlas_frontend::outcome::FileOutcome;
use atlas_frontend::query::{self, Input};
use atlas_frontend::splunk::MacroTable;

/// One line of `explain` output.
#[derive(Debug, Serialize)]
pub struct Explained {
    pub file: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// Unknown only when the file could not be read.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub vendor: Option<Vendor>,
    pub techniques: Vec<String>,
    pub status: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<u32>,
    pub logic: Option<Expr>,
}

#[derive(Debug, thiserror::Error)]
pub enum ExplainError {
    #[error("cannot read `{}`: {source}", path.display())]
    Read { path: PathBuf, source: crate::sources::ReadError },
    #[error("`{}`: cannot tell whether this is a Sigma, Elastic or Splunk rule", .0.display())]
    UnknownVendor(PathBuf),
}

/// The rules in one file, as `explain` prints them.
pub fn explain_file(path: &Path, fields: &FieldTable, attack: Option<&Attack>) -> Result<Vec<Explained>, ExplainError> {
    let text =
        crate::sources::read_text(path).map_err(|source| ExplainError::Read { path: path.to_owned(), source })?;
    let extension = path.extension().and_then(|e| e.to_str()).unwrap_or_default();
    let vendor =
        atlas_frontend::recognize(extension, &text).ok_or_else(|| ExplainError::UnknownVendor(path.to_owned()))?;
    let shown = path.display().to_string();
    let macros = if vendor == Vendor::Splunk { crate::macros::for_file(path) } else { MacroTable::default() };
    // The app's checker reads a pasted file through the same function.
    let outcome = query::parse(Input::File(vendor), &shown, &text, &Context { fields, macros: &macros });
    Ok(lines(&shown, vendor, outcome, attack))
}

fn lines(file: &str, vendor: Vendor, outcome: FileOutcome, attack: Option<&Attack>) -> Vec<Explained> {
    let resolver = attack.map(Resolver::new);
    let mut out: Vec<Explained> = outcome
        .rules
        .into_iter()
        .map(|parsed| {
            let rule = parsed.rule;
            let techniques = rule
                .techniques
                .iter()
                .map(|id| match resolver.as_ref().map(|r| r.technique(id)) {
                    Some(Resolution::Replaced { by, .. }) => by,
                    _ => id.clone(),
                })
                .collect();
            Explained {
                file: file.to_owned(),
                id: Some(rule.id),
                title: Some(rule.title),
                vendor: Some(vendor),
                techniques,
                status: rule.status.as_str().to_owned(),
                reason: rule.reason,
                line: None,
                logic: rule.logic,
            }
        })
        .collect();
    if out.is_empty() {
        let (status, reason, line) = match (&outcome.skipped, outcome.diagnostics.first()) {
            (Some(reason), _) => ("skipped".to_owned(), Some(reason.clone()), None),
            (None, Some(d)) => (ParseStatus::Error.as_str().to_owned(), Some(d.message.clone()), d.line),
            (None, None) => (ParseStatus::Error.as_str().to_owned(), Some("no rule in the file".into()), None),
        };
        out.push(Explained {
            file: file.to_owned(),
            id: None,
            title: None,
            vendor: Some(vendor),
            techniques: Vec::new(),
            status,
            reason,
            line,
            logic: None,
        });
    }
    out
}

impl Explained {
    /// The line for a file that could not be explained at all.
    pub fn failed(file: &Path, error: &ExplainError) -> Explained {
        Explained {
            file: file.display().to_string(),
            id: None,
            title: None,
            vendor: None,
            techniques: Vec::new(),
            status: ParseStatus::Error.as_str().to_owned(),
            reason: Some(error.to_string()),
            line: None,
            logic: None,
        }
    }
}
