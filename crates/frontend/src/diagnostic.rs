//! Diagnostics: what the builder has to say about one input file or rule.
//! Every problem becomes one of these in build-report.json; none stops the build.

use std::fmt;

use atlas_catalog::{ParseStatus, Vendor};
use serde::{Deserialize, Serialize};

use crate::syntax::Position;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// The rule or file could not be read.
    Error,
    /// Part of the logic was not understood, or the rule uses a form Rule
    /// Atlas does not read.
    Warning,
    /// Worth knowing (a revoked technique replaced, a deprecated rule skipped).
    Info,
}

/// One finding about one file (and rule, where known).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Diagnostic {
    pub vendor: Vendor,
    /// Path inside the repository (or as given on the command line).
    pub file: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line: Option<u32>,
    /// 1-based, in characters, when the problem's place in the line is known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub column: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rule_id: Option<String>,
    pub severity: Severity,
    /// Short, stable category used to count diagnostics (`unknown modifier`).
    pub reason: String,
    /// The full message for people.
    pub message: String,
}

impl Diagnostic {
    pub fn new(
        vendor: Vendor,
        file: &str,
        severity: Severity,
        reason: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        Diagnostic {
            vendor,
            file: file.to_owned(),
            line: None,
            column: None,
            rule_id: None,
            severity,
            reason: reason.into(),
            message: message.into(),
        }
    }

    pub fn at_line(mut self, line: Option<u32>) -> Self {
        self.line = line;
        self
    }

    /// At a line and column of the file.
    pub fn at(mut self, position: Option<Position>) -> Self {
        self.line = position.map(|p| p.line);
        self.column = position.map(|p| p.column);
        self
    }

    pub fn for_rule(mut self, rule_id: &str) -> Self {
        self.rule_id = Some(rule_id.to_owned());
        self
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file)?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
            if let Some(column) = self.column {
                write!(f, ":{column}")?;
            }
        }
        write!(f, ": {:?}: {}", self.severity, self.message)
    }
}

/// The status a problem gives the rule it is found in.
pub fn status_for(severity: Severity) -> ParseStatus {
    match severity {
        Severity::Error => ParseStatus::Error,
        Severity::Warning => ParseStatus::Partial,
        Severity::Info => ParseStatus::Parsed,
    }
}

/// 1-based line of the first line of `text` that starts (after indentation)
/// with `needle`; for pointing at a YAML key when the parser gives no span.
pub fn line_of(text: &str, needle: &str) -> Option<u32> {
    text.lines().position(|line| line.trim_start().starts_with(needle)).and_then(|i| u32::try_from(i + 1).ok())
}
