//! The TOML schema of an Elastic detection rule, as far as the catalog reads
//! it, and how its metadata fills a catalog [`Rule`]: identity, ATT&CK
//! mapping, log sources, and the labelled attributes a detection engineer
//! wants to see (risk score, thresholds, new-terms windows, ML jobs…).

use serde::Deserialize;
use toml::{Spanned, Value};

use atlas_catalog::Rule;

use crate::outcome::technique_id;

/// A rule file: `[metadata]` and `[rule]` (other tables are ignored).
#[derive(Debug, Deserialize)]
pub struct RuleFile {
    #[serde(default)]
    pub metadata: Metadata,
    pub rule: RuleSection,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct Metadata {
    pub creation_date: Option<Value>,
    pub updated_date: Option<Value>,
    pub maturity: Option<String>,
    pub integration: Option<OneOrMany>,
    pub min_stack_version: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct RuleSection {
    pub rule_id: Option<String>,
    pub name: Option<String>,
    pub description: String,
    #[serde(rename = "type")]
    pub kind: Option<String>,
    /// Spanned, like `query` and `filters`: diagnostics point into the file.
    pub language: Option<Spanned<String>>,
    pub query: Option<Spanned<String>>,
    pub severity: Option<String>,
    pub risk_score: Option<Value>,
    pub author: Vec<String>,
    pub references: Vec<String>,
    pub false_positives: Vec<String>,
    pub tags: Vec<String>,
    pub index: Vec<String>,
    pub data_view_id: Option<String>,
    pub note: Option<String>,
    pub setup: Option<String>,
    pub building_block_type: Option<String>,
    pub threat: Vec<Threat>,
    pub filters: Option<Spanned<Vec<Value>>>,
    pub exceptions_list: Vec<Value>,
    pub event_category_override: Option<String>,
    pub timestamp_override: Option<String>,
    pub threshold: Option<Threshold>,
    pub new_terms: Option<NewTerms>,
    pub machine_learning_job_id: Option<OneOrMany>,
    pub anomaly_threshold: Option<Value>,
    pub threat_index: Vec<String>,
    pub threat_query: Option<String>,
    pub threat_mapping: Vec<ThreatMapping>,
    pub threat_indicator_path: Option<String>,
    pub alert_suppression: Option<Value>,
    pub interval: Option<String>,
    pub from: Option<String>,
    pub max_signals: Option<Value>,
    pub rule_name_override: Option<String>,
}

/// A string or a list of strings (`machine_learning_job_id`, `integration`).
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum OneOrMany {
    One(String),
    Many(Vec<String>),
}

impl OneOrMany {
    pub fn items(&self) -> Vec<String> {
        match self {
            OneOrMany::One(one) => vec![one.clone()],
            OneOrMany::Many(many) => many.clone(),
        }
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct Threat {
    pub framework: Option<String>,
    pub tactic: Option<Reference>,
    pub technique: Vec<Technique>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct Reference {
    pub id: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct Technique {
    pub id: String,
    pub subtechnique: Vec<Reference>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct Threshold {
    pub field: Option<OneOrMany>,
    pub value: Option<Value>,
    pub cardinality: Vec<Cardinality>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct Cardinality {
    pub field: String,
    pub value: Option<Value>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct NewTerms {
    pub value: Option<OneOrMany>,
    pub history_window_start: Vec<HistoryWindow>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct HistoryWindow {
    pub value: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ThreatMapping {
    pub entries: Vec<MappingEntry>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct MappingEntry {
    pub field: String,
    pub value: String,
}

/// A TOML scalar as text (dates may be written as TOML dates or strings).
pub fn value_text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// Fills the descriptive fields of `rule` from the TOML.
pub fn fill(rule: &mut Rule, file: &RuleFile) {
    let section = &file.rule;
    rule.description = section.description.trim().to_owned();
    rule.kind = section.kind.clone();
    rule.severity = section.severity.clone();
    rule.maturity = file.metadata.maturity.clone();
    rule.authors = section.author.clone();
    rule.date = file.metadata.creation_date.as_ref().map(value_text);
    rule.modified = file.metadata.updated_date.as_ref().map(value_text);
    rule.references = section.references.clone();
    rule.false_positives = section.false_positives.clone();
    rule.tags = section.tags.clone();
    fill_attack(rule, &section.threat);
    rule.log_source = log_source(file);
    rule.attributes = attributes(file);
}

/// Technique and sub-technique IDs, and tactic IDs, from `[[rule.threat]]`.
fn fill_attack(rule: &mut Rule, threats: &[Threat]) {
    let push = |list: &mut Vec<String>, id: String| {
        if !list.contains(&id) {
            list.push(id);
        }
    };
    for threat in threats {
        let attack = threat.framework.as_deref().is_none_or(|f| f.eq_ignore_ascii_case("MITRE ATT&CK"));
        if !attack {
            continue;
        }
        if let Some(tactic) = &threat.tactic {
            let id = tactic.id.trim().to_ascii_uppercase();
            if !id.is_empty() {
                push(&mut rule.tactics, id);
            }
        }
        for technique in &threat.technique {
            let subs = technique.subtechnique.iter().map(|s| s.id.as_str());
            for id in std::iter::once(technique.id.as_str()).chain(subs).filter_map(technique_id) {
                push(&mut rule.techniques, id);
            }
        }
    }
}

/// Indices, the data view, and the integrations the rule reads.
fn log_source(file: &RuleFile) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = file.rule.index.iter().map(|i| ("index".to_owned(), i.clone())).collect();
    if let Some(view) = &file.rule.data_view_id {
        out.push(("data view".to_owned(), view.clone()));
    }
    for integration in file.metadata.integration.iter().flat_map(OneOrMany::items) {
        out.push(("integration".to_owned(), integration));
    }
    out
}

/// The labelled facts of the rule other than its query.
fn attributes(file: &RuleFile) -> Vec<(String, String)> {
    let rule = &file.rule;
    let mut out = Attributes::default();
    out.add_opt("rule type", rule.kind.clone());
    out.add_opt("risk score", rule.risk_score.as_ref().map(value_text));
    out.add_opt("building block", rule.building_block_type.clone());
    if let Some(threshold) = &rule.threshold {
        threshold_attributes(&mut out, threshold);
    }
    if let Some(new_terms) = &rule.new_terms {
        let fields = new_terms.value.iter().flat_map(OneOrMany::items).collect::<Vec<_>>();
        out.add("new terms fields", fields.join(", "));
        for window in &new_terms.history_window_start {
            out.add("new terms history window", window.value.clone());
        }
    }
    for job in rule.machine_learning_job_id.iter().flat_map(OneOrMany::items) {
        out.add("machine learning job", job);
    }
    out.add_opt("anomaly threshold", rule.anomaly_threshold.as_ref().map(value_text));
    threat_match_attributes(&mut out, rule);
    for list in &rule.exceptions_list {
        let id = list.get("list_id").or_else(|| list.get("id")).map(value_text);
        out.add_opt("exceptions list", id);
    }
    out.add_opt("event category override", rule.event_category_override.clone());
    out.add_opt("timestamp override", rule.timestamp_override.clone());
    out.add_opt("rule name override", rule.rule_name_override.clone());
    out.add_opt("interval", rule.interval.clone());
    out.add_opt("look-back from", rule.from.clone());
    out.add_opt("max signals", rule.max_signals.as_ref().map(value_text));
    if let Some(suppression) = &rule.alert_suppression {
        let group_by = suppression.get("group_by").and_then(Value::as_array);
        let fields = group_by.map(|fields| fields.iter().map(value_text).collect::<Vec<_>>().join(", "));
        out.add_opt("alert suppression by", fields);
    }
    out.add_opt("min stack version", file.metadata.min_stack_version.clone());
    out.0
}

fn threshold_attributes(out: &mut Attributes, threshold: &Threshold) {
    let fields = threshold.field.iter().flat_map(OneOrMany::items).collect::<Vec<_>>();
    if !fields.is_empty() {
        out.add("threshold fields", fields.join(", "));
    }
    out.add_opt("threshold value", threshold.value.as_ref().map(|v| format!(">= {}", value_text(v))));
    for cardinality in &threshold.cardinality {
        let value = cardinality.value.as_ref().map(value_text).unwrap_or_default();
        out.add("threshold cardinality", format!("distinct {} >= {value}", cardinality.field));
    }
}

fn threat_match_attributes(out: &mut Attributes, rule: &RuleSection) {
    for index in &rule.threat_index {
        out.add("threat index", index.clone());
    }
    out.add_opt("threat query", rule.threat_query.as_ref().map(|q| q.trim().to_owned()));
    for mapping in &rule.threat_mapping {
        let entries: Vec<String> = mapping.entries.iter().map(|e| format!("{} = {}", e.field, e.value)).collect();
        if !entries.is_empty() {
            out.add("threat mapping", entries.join(" and "));
        }
    }
    out.add_opt("threat indicator path", rule.threat_indicator_path.clone());
}

/// Attribute pairs, skipping empty values.
#[derive(Default)]
struct Attributes(Vec<(String, String)>);

impl Attributes {
    fn add(&mut self, label: &str, value: String) {
        if !value.trim().is_empty() {
            self.0.push((label.to_owned(), value));
        }
    }

    fn add_opt(&mut self, label: &str, value: Option<String>) {
        if let Some(value) = value {
            self.add(label, value);
        }
    }
}
