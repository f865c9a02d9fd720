//! Sigma front end: rule YAML (metadata, logsource, detection) into catalog
//! rules. `detection` and its submodules turn the detection block into the
//! predicate model; this module reads files and metadata.

pub mod condition;
pub mod detection;
pub mod modifiers;

use atlas_catalog::{FieldTable, ParseStatus, Rule, RuleDetail, Vendor};

use crate::diagnostic::{Diagnostic, Severity};
use crate::leaf::LeafMaker;
use crate::outcome::{FileOutcome, ParsedRule, downgrade, empty_rule, settle, technique_id};
use crate::problem::Problems;
use crate::syntax::Span;
use crate::yaml::Yaml;
use crate::{Context, FrontEnd, Repository};

/// The Sigma front end.
pub struct Sigma;

static REPOSITORY: Repository = Repository {
    url: "https://github.com/SigmaHQ/sigma",
    branch: "master",
    // deprecated/ and unsupported/ sit beside these, not inside.
    rule_folders: &["rules", "rules-emerging-threats", "rules-threat-hunting", "rules-compliance", "rules-placeholder"],
    excluded: &[],
    extensions: &["yml", "yaml"],
};

impl FrontEnd for Sigma {
    fn vendor(&self) -> Vendor {
        Vendor::Sigma
    }

    fn repository(&self) -> &'static Repository {
        &REPOSITORY
    }

    fn recognizes(&self, extension: &str, text: &str) -> bool {
        REPOSITORY.extensions.contains(&extension) && RULE_KEYS.iter().any(|key| crate::has_top_level_key(text, key))
    }

    fn parse(&self, path: &str, text: &str, context: &Context) -> FileOutcome {
        settle(parse_file(path, text, context.fields))
    }
}

/// The top-level keys of which a Sigma rule of some kind has at least one.
const RULE_KEYS: [&str; 4] = ["detection", "logsource", "correlation", "filter"];

/// Reads one Sigma file (`rel_path` is its path inside the repository).
pub fn parse_file(rel_path: &str, text: &str, fields: &FieldTable) -> FileOutcome {
    let documents: Vec<Yaml> = match crate::yaml::parse_documents(text) {
        Ok(documents) => documents,
        Err(error) => {
            let line = Some(error.line);
            let message = format!("not valid YAML: {error}");
            return FileOutcome::failed(
                Diagnostic::new(Vendor::Sigma, rel_path, Severity::Error, "invalid YAML", message).at_line(line),
            );
        }
    };
    if documents.len() > 1 || documents.first().is_some_and(|d| d.get("action").is_some()) {
        return legacy_collection(rel_path, text, &documents);
    }
    let Some(document) = documents.first().filter(|d| is_rule(d)) else {
        return FileOutcome::skipped("not a Sigma rule (no `detection`, `logsource`, `correlation` or `filter`)");
    };
    let mut outcome = FileOutcome::default();
    let parsed = parse_rule(rel_path, text, document, fields, &mut outcome.diagnostics);
    outcome.rules.push(parsed);
    outcome
}

/// Legacy multi-document rule collections (`action: global`) merge documents
/// in ways Sigma 2 dropped; they are reported, one rule per document with a
/// title, as unsupported.
/// Whether a YAML document is a Sigma rule (of any kind) rather than some
/// other YAML file kept beside the rules.
fn is_rule(document: &Yaml) -> bool {
    document.is_map() && RULE_KEYS.iter().any(|k| document.get(k).is_some())
}

fn legacy_collection(rel_path: &str, text: &str, documents: &[Yaml]) -> FileOutcome {
    let reason = "legacy multi-document rule collection (action: global)";
    let mut outcome = FileOutcome::default();
    for (i, document) in documents.iter().enumerate() {
        let Some(title) = document.text("title") else { continue };
        let id = document.text("id").unwrap_or_else(|| format!("{rel_path}#{}", i + 1));
        let mut rule = empty_rule(
            Vendor::Sigma,
            id.clone(),
            title,
            rel_path,
            crate::repository(Vendor::Sigma).file_url(rel_path),
            "sigma",
        );
        downgrade(&mut rule, ParseStatus::Unsupported, reason);
        outcome
            .diagnostics
            .push(Diagnostic::new(Vendor::Sigma, rel_path, Severity::Warning, reason, reason).for_rule(&id));
        outcome.rules.push(ParsedRule {
            rule,
            detail: RuleDetail { text: text.to_owned(), ..Default::default() },
            line: None,
        });
    }
    if outcome.rules.is_empty() {
        outcome.diagnostics.push(Diagnostic::new(Vendor::Sigma, rel_path, Severity::Error, reason, reason));
    }
    outcome
}

fn parse_rule(
    rel_path: &str,
    text: &str,
    doc: &Yaml,
    fields: &FieldTable,
    diagnostics: &mut Vec<Diagnostic>,
) -> ParsedRule {
    let id = doc.text("id").unwrap_or_else(|| {
        diagnostics.push(
            Diagnostic::new(
                Vendor::Sigma,
                rel_path,
                Severity::Warning,
                "missing id",
                "the rule has no `id`; the path stands in for it",
            )
            .at_line(Some(1)),
        );
        rel_path.to_owned()
    });
    let title = doc.text("title").unwrap_or_else(|| rel_path.rsplit('/').next().unwrap_or(rel_path).to_owned());
    let mut rule =
        empty_rule(Vendor::Sigma, id, title, rel_path, crate::repository(Vendor::Sigma).file_url(rel_path), "sigma");
    read_metadata(doc, &mut rule);
    let mut problems = Problems::default();
    read_logic(text, doc, fields, &mut rule, &mut problems);
    diagnostics.extend(problems.settle(&mut rule, text));
    ParsedRule { rule, detail: RuleDetail { text: text.to_owned(), ..Default::default() }, line: Some(1) }
}

fn read_metadata(doc: &Yaml, rule: &mut Rule) {
    rule.description = doc.text("description").unwrap_or_default();
    rule.maturity = doc.text("status");
    rule.severity = doc.text("level");
    rule.date = doc.text("date");
    rule.modified = doc.text("modified");
    rule.references = doc.texts("references");
    rule.false_positives = doc.texts("falsepositives");
    rule.authors = doc
        .text("author")
        .map(|a| a.split(", ").map(|s| s.trim().to_owned()).filter(|s| !s.is_empty()).collect())
        .unwrap_or_default();
    for tag in doc.texts("tags") {
        classify_tag(&tag, rule);
    }
    if let Some(logsource) = doc.get("logsource") {
        for key in ["product", "category", "service", "definition"] {
            if let Some(value) = logsource.text(key) {
                rule.log_source.push((key.to_owned(), value));
            }
        }
    }
}

/// `attack.t1204.002` → technique, `attack.execution` → tactic, anything else
/// (`cve.2021-44228`, `attack.s0002`, `detection.threat-hunting`) → tag.
fn classify_tag(tag: &str, rule: &mut Rule) {
    let lower = tag.trim().to_ascii_lowercase();
    match lower.strip_prefix("attack.") {
        Some(rest) => {
            if let Some(id) = technique_id(rest) {
                if !rule.techniques.contains(&id) {
                    rule.techniques.push(id);
                }
            } else if is_tactic_name(rest) {
                let tactic = rest.replace('_', "-");
                if !rule.tactics.contains(&tactic) {
                    rule.tactics.push(tactic);
                }
            } else {
                rule.tags.push(tag.to_owned());
            }
        }
        None => rule.tags.push(tag.to_owned()),
    }
}

/// Tactic tags are words (`privilege-escalation`); groups (`g0032`),
/// software (`s0002`) and data sources (`ds0005`) are letters and digits.
fn is_tactic_name(text: &str) -> bool {
    let is_object_id = text.len() >= 2
        && text.chars().skip_while(|c| c.is_ascii_alphabetic()).all(|c| c.is_ascii_digit())
        && text.chars().any(|c| c.is_ascii_digit());
    !is_object_id && text.chars().all(|c| c.is_ascii_lowercase() || c == '-' || c == '_')
}

fn read_logic(text: &str, doc: &Yaml, fields: &FieldTable, rule: &mut Rule, problems: &mut Problems) {
    for (key, what) in [("correlation", "correlation rule"), ("filter", "filter rule")] {
        if let Some(found) = doc.key(key)
            && doc.get("detection").is_none()
        {
            let message = format!("{what}: not read into the catalog");
            problems.push(ParseStatus::Unsupported, what, message, Some(found.span));
            return;
        }
    }
    let Some(detection) = doc.get("detection") else {
        problems.error("no detection", "the rule has no `detection`", None);
        return;
    };
    let maker = LeafMaker::new(fields, Vendor::Sigma);
    match detection::to_expr(detection, text, &maker) {
        Ok(expr) => rule.logic = Some(expr),
        Err((error, span)) => {
            let status = if error.is_unsupported() { ParseStatus::Unsupported } else { ParseStatus::Error };
            let span = (span != Span::default()).then_some(span).or_else(|| doc.key("detection").map(|k| k.span));
            problems.push(status, error.reason(), error.to_string(), span);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_split_into_techniques_tactics_and_others() {
        let mut rule = empty_rule(Vendor::Sigma, "x".into(), "t".into(), "p", String::new(), "sigma");
        for tag in [
            "attack.t1204.002",
            "attack.execution",
            "attack.defense_evasion",
            "attack.s0002",
            "attack.g0032",
            "cve.2021-1675",
            "attack.T1059",
        ] {
            classify_tag(tag, &mut rule);
        }
        assert_eq!(rule.techniques, ["T1204.002", "T1059"]);
        assert_eq!(rule.tactics, ["execution", "defense-evasion"]);
        assert_eq!(rule.tags, ["attack.s0002", "attack.g0032", "cve.2021-1675"]);
    }
}
