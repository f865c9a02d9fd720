//! What a front end makes of one file: rules (with their detail) and
//! diagnostics, and the rules every outcome is settled by.

use atlas_catalog::predicate::MAX_DEPTH;
use atlas_catalog::{Op, ParseStatus, Rule, RuleDetail, Vendor};

use crate::diagnostic::Diagnostic;
use crate::problem::Problems;

/// One rule read from a file.
#[derive(Debug, Clone)]
pub struct ParsedRule {
    /// Techniques are as tagged (uppercase IDs such as `T1204.002`); the
    /// build resolves them against ATT&CK afterwards.
    pub rule: Rule,
    pub detail: RuleDetail,
    /// Line of the rule in its file (for multi-document files and reports).
    pub line: Option<u32>,
}

/// Everything read from one file.
#[derive(Debug, Clone, Default)]
pub struct FileOutcome {
    pub rules: Vec<ParsedRule>,
    pub diagnostics: Vec<Diagnostic>,
    /// Set when the file is deliberately not shown (deprecated rule, not a
    /// rule at all), with the reason.
    pub skipped: Option<String>,
}

impl FileOutcome {
    pub fn skipped(reason: impl Into<String>) -> Self {
        FileOutcome { skipped: Some(reason.into()), ..Default::default() }
    }

    pub fn failed(diagnostic: Diagnostic) -> Self {
        FileOutcome { diagnostics: vec![diagnostic], ..Default::default() }
    }
}

/// A rule with every field empty but the identity; front ends fill the rest.
pub fn empty_rule(vendor: Vendor, id: String, title: String, path: &str, url: String, language: &str) -> Rule {
    Rule {
        id,
        vendor,
        title,
        path: path.to_owned(),
        url,
        status: ParseStatus::Parsed,
        reason: None,
        techniques: Vec::new(),
        tactics: Vec::new(),
        tags: Vec::new(),
        severity: None,
        maturity: None,
        kind: None,
        language: language.to_owned(),
        authors: Vec::new(),
        date: None,
        modified: None,
        description: String::new(),
        references: Vec::new(),
        false_positives: Vec::new(),
        log_source: Vec::new(),
        attributes: Vec::new(),
        logic: None,
        events: Vec::new(),
    }
}

/// Normalizes a technique ID as tagged (`t1204.002`, ` T1204 `) to `T1204.002`,
/// or `None` if it is not one.
pub fn technique_id(text: &str) -> Option<String> {
    let id = text.trim().to_ascii_uppercase();
    let rest = id.strip_prefix('T')?;
    let (main, sub) = match rest.split_once('.') {
        Some((main, sub)) => (main, Some(sub)),
        None => (rest, None),
    };
    let digits = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_digit());
    (digits(main, 4) && sub.is_none_or(|s| digits(s, 3))).then_some(id)
}

/// Every front end's outcome passes through here: a tree deeper than the
/// catalog allows is cut to [`MAX_DEPTH`](atlas_catalog::predicate::MAX_DEPTH)
/// (what every reader of the catalog can read), and a tree that keeps a
/// condition as written (an `Op::Raw` leaf) means part of the logic was not
/// understood, so the rule cannot be `parsed` (docs/catalog-format.md).
pub fn settle(mut outcome: FileOutcome) -> FileOutcome {
    for parsed in &mut outcome.rules {
        let rule = &mut parsed.rule;
        let mut problems = Problems::default();
        if let Some(logic) = rule.logic.take() {
            let (logic, cut) = logic.within_depth_limit();
            rule.logic = Some(logic);
            if cut {
                let message = format!("limit exceeded: logic nested deeper than {MAX_DEPTH} levels");
                problems.partial("limit exceeded", message, None);
            }
        }
        let has_raw = rule.logic.as_ref().is_some_and(|logic| logic.leaves().iter().any(|leaf| leaf.op == Op::Raw));
        if has_raw && rule.status == ParseStatus::Parsed && problems.is_empty() {
            problems.partial("condition kept as written", "condition kept as written", None);
        }
        outcome.diagnostics.extend(problems.settle(rule, &parsed.detail.text));
    }
    outcome
}

/// Records a problem on a rule: the worst status wins, reasons accumulate.
pub fn downgrade(rule: &mut Rule, status: ParseStatus, reason: &str) {
    let rank = |s: ParseStatus| match s {
        ParseStatus::Parsed => 0,
        ParseStatus::NoQuery => 1,
        ParseStatus::Partial => 2,
        ParseStatus::Unsupported => 3,
        ParseStatus::Error => 4,
    };
    if rank(status) > rank(rule.status) {
        rule.status = status;
    }
    match &mut rule.reason {
        Some(existing) if !existing.split("; ").any(|r| r == reason) => {
            existing.push_str("; ");
            existing.push_str(reason);
        }
        Some(_) => {}
        None => rule.reason = Some(reason.to_owned()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn technique_ids() {
        assert_eq!(technique_id("t1204.002").as_deref(), Some("T1204.002"));
        assert_eq!(technique_id("T1059").as_deref(), Some("T1059"));
        assert_eq!(technique_id("t12"), None);
        assert_eq!(technique_id("execution"), None);
        assert_eq!(technique_id("T1059.1"), None);
    }
}
