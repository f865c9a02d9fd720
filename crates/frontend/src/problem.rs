//! The one way a front end says that a rule is not fully read: problems go
//! into a [`Problems`] sink (status, category, message, span in the file),
//! and [`Problems::settle`] turns them into the rule's status and reason and
//! into diagnostics with line and column.

use atlas_catalog::{ParseStatus, Rule};

use crate::diagnostic::{Diagnostic, Severity};
use crate::outcome::downgrade;
use crate::syntax::{LineIndex, Span};

/// One thing that keeps a rule from being fully parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// What it makes of the rule (the worst problem decides).
    pub status: ParseStatus,
    /// Short, stable, for counting (`unknown modifier`, `limit exceeded`).
    pub category: String,
    /// The sentence recorded on the rule and shown with the diagnostic.
    pub message: String,
    /// Where in the file, when known (byte offsets).
    pub span: Option<Span>,
}

/// The problems found while reading one rule.
#[derive(Debug, Clone, Default)]
pub struct Problems {
    found: Vec<Problem>,
}

impl Problems {
    pub fn push(
        &mut self,
        status: ParseStatus,
        category: impl Into<String>,
        message: impl Into<String>,
        span: Option<Span>,
    ) {
        self.found.push(Problem { status, category: category.into(), message: message.into(), span });
    }

    /// Part of the logic is not in the tree.
    pub fn partial(&mut self, category: impl Into<String>, message: impl Into<String>, span: Option<Span>) {
        self.push(ParseStatus::Partial, category, message, span);
    }

    /// The rule is malformed.
    pub fn error(&mut self, category: impl Into<String>, message: impl Into<String>, span: Option<Span>) {
        self.push(ParseStatus::Error, category, message, span);
    }

    pub fn is_empty(&self) -> bool {
        self.found.is_empty()
    }

    pub fn iter(&self) -> impl Iterator<Item = &Problem> {
        self.found.iter()
    }

    /// Moves every span through `map`: from the text the problems were
    /// found in (a query) to the file it is written in.
    pub fn map_spans(&mut self, mut map: impl FnMut(Span) -> Span) {
        for problem in &mut self.found {
            problem.span = problem.span.map(&mut map);
        }
    }

    /// Records every problem on the rule (the worst status wins, reasons
    /// accumulate) and returns them as diagnostics of the file `text`.
    pub fn settle(self, rule: &mut Rule, text: &str) -> Vec<Diagnostic> {
        if self.found.is_empty() {
            return Vec::new();
        }
        let lines = LineIndex::new(text);
        self.found
            .into_iter()
            .map(|problem| {
                downgrade(rule, problem.status, &problem.message);
                let severity = match problem.status {
                    ParseStatus::Error => Severity::Error,
                    ParseStatus::Partial | ParseStatus::Unsupported => Severity::Warning,
                    ParseStatus::Parsed | ParseStatus::NoQuery => Severity::Info,
                };
                let position = problem.span.map(|span| lines.position(span.start));
                Diagnostic::new(rule.vendor, &rule.path, severity, problem.category, problem.message)
                    .at(position)
                    .for_rule(&rule.id)
            })
            .collect()
    }
}

impl IntoIterator for Problems {
    type Item = Problem;
    type IntoIter = std::vec::IntoIter<Problem>;

    fn into_iter(self) -> Self::IntoIter {
        self.found.into_iter()
    }
}
