//! `rule-atlas explain`: one JSON line per rule in the given files, so people
//! and tests can check how a single rule was read.

use std::path::{Path, PathBuf};

use atlas_catalog::{Attack, Expr, FieldTable, ParseStatus, Vendor};
use serde::Serialize;

use crate::attack::{Resolution, Resolver};
use crate::frontend::{self, FileOutcome};
use crate::{elastic, sigma, splunk};

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

/// Which repository format a file is in: TOML is Elastic; YAML with a
/// `detection` block is Sigma, with a `search` is Splunk.
pub fn detect_vendor(path: &Path, text: &str) -> Option<Vendor> {
    if path.extension().is_some_and(|e| e == "toml") {
        return Some(Vendor::Elastic);
    }
    let top_level = |key: &str| text.lines().any(|line| line.starts_with(key));
    if top_level("detection:") || top_level("logsource:") {
        Some(Vendor::Sigma)
    } else if top_level("search:") {
        Some(Vendor::Splunk)
    } else {
        None
    }
}

/// The rules in one file, as `explain` prints them.
pub fn explain_file(path: &Path, fields: &FieldTable, attack: Option<&Attack>) -> Result<Vec<Explained>, ExplainError> {
    let text =
        crate::sources::read_text(path).map_err(|source| ExplainError::Read { path: path.to_owned(), source })?;
    let vendor = detect_vendor(path, &text).ok_or_else(|| ExplainError::UnknownVendor(path.to_owned()))?;
    let shown = path.display().to_string();
    let outcome = match vendor {
        Vendor::Sigma => sigma::parse_file(&shown, &text, fields),
        Vendor::Elastic => elastic::parse_file(&shown, &text, fields),
        Vendor::Splunk => {
            let repo =
                splunk::find_repo_root(path).and_then(|root| splunk::SplunkRepo::load(&root).ok()).unwrap_or_default();
            splunk::parse_file(&shown, &text, fields, &repo)
        }
    };
    Ok(lines(&shown, vendor, frontend::settle(outcome), attack))
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
