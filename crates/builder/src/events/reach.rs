//! From a rule's log-source labels to what they point at in the event
//! table, per vendor: Sigma logsource triples; Elastic index patterns,
//! datasets and providers; Splunk data sources, base macros, sourcetypes and
//! data models.

use atlas_catalog::{Rule, Vendor};

use super::facts::Facts;
use super::table::{EventIx, EventTable, SigmaLogsource, SourceIx, Target, index_key};

/// What one label points at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Aim {
    /// A whole source; the rule's predicates may narrow it.
    Source(SourceIx),
    /// One event, named by the label itself.
    Event(EventIx),
    /// One code of a source, named by the label (`Sysmon EventID 13`).
    Code(SourceIx, String),
}

/// An aim and whether its label was broad (pointed at several sources, such
/// as `winlogbeat-*`): the root of a broad source is a last resort.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reach {
    pub aim: Aim,
    pub broad: bool,
}

/// Everything a rule's labels point at.
#[derive(Debug, Clone, Default)]
pub struct Reaches {
    pub list: Vec<Reach>,
    /// Events of the Splunk data models, used only when nothing else maps.
    pub data_models: Vec<Reach>,
    /// Labels that name a log source (the denominator of the mapped share).
    pub named: Vec<String>,
    /// Named labels the table does not know.
    pub unknown: Vec<String>,
}

impl Reaches {
    fn add(&mut self, table: &EventTable, targets: &[Target]) {
        let sources = targets.iter().filter(|t| matches!(t, Target::Source(_))).count();
        for target in targets {
            let aim = match *target {
                Target::Source(ix) => Aim::Source(ix),
                Target::Event(ix) => Aim::Event(ix),
            };
            let broad = sources > 1 || matches!(target, Target::Source(ix) if table.sources[*ix].def.fallback);
            push_reach(&mut self.list, Reach { aim, broad });
        }
    }
}

fn push_reach(list: &mut Vec<Reach>, reach: Reach) {
    if !list.contains(&reach) {
        list.push(reach);
    }
}

/// Index patterns that cover every integration: they name no source.
const GENERIC_INDICES: [&str; 5] = ["logs", "filebeat", "metrics", "traces", "ml_beaconing.all"];

/// The reaches of one rule.
pub fn of(table: &EventTable, rule: &Rule, facts: &Facts) -> Reaches {
    match rule.vendor {
        Vendor::Sigma => sigma(table, &rule.log_source),
        Vendor::Elastic => elastic(table, &rule.log_source, facts),
        Vendor::Splunk => splunk(table, &rule.log_source),
    }
}

fn sigma(table: &EventTable, labels: &[(String, String)]) -> Reaches {
    let mut reaches = Reaches::default();
    let mut logsource = SigmaLogsource::default();
    for (label, value) in labels {
        let slot = match label.as_str() {
            "product" => &mut logsource.product,
            "category" => &mut logsource.category,
            "service" => &mut logsource.service,
            _ => continue,
        };
        *slot = Some(value.clone());
    }
    let key = logsource.key();
    if key == SigmaLogsource::default() {
        return reaches;
    }
    let text = sigma_text(&key);
    reaches.named.push(text.clone());
    match table.sigma.get(&key) {
        Some(targets) => reaches.add(table, targets),
        None => reaches.unknown.push(text),
    }
    reaches
}

/// `product=windows category=process_creation`, for reasons.
pub fn sigma_text(key: &SigmaLogsource) -> String {
    let parts = [("product", &key.product), ("category", &key.category), ("service", &key.service)];
    parts.iter().filter_map(|(k, v)| v.as_ref().map(|v| format!("{k}={v}"))).collect::<Vec<_>>().join(" ")
}

fn elastic(table: &EventTable, labels: &[(String, String)], facts: &Facts) -> Reaches {
    let mut reaches = Reaches::default();
    for (label, value) in labels {
        if label != "index" {
            continue;
        }
        reaches.named.push(value.clone());
        let key = index_key(value);
        if GENERIC_INDICES.contains(&key.as_str()) || GENERIC_INDICES.contains(&value.as_str()) {
            continue;
        }
        let targets = index_targets(table, &key, value.ends_with('*'));
        if targets.is_empty() {
            reaches.unknown.push(value.clone());
        } else {
            reaches.add(table, &targets);
        }
    }
    // A dataset or provider the rule tests is more specific than the indices
    // it searches (`filebeat-*` + `event.dataset:aws.cloudtrail`).
    for (values, lookup) in [(&facts.providers, &table.elastic_provider), (&facts.datasets, &table.elastic_dataset)] {
        let mut specific = Reaches::default();
        for value in values {
            if let Some(targets) = lookup.get(value) {
                specific.add(table, targets);
            }
        }
        if !specific.list.is_empty() {
            reaches.list = specific.list;
            break;
        }
    }
    reaches
}

/// The targets of an index pattern: an exact entry; else, for a wildcard
/// pattern, every entry it covers; else the longest entry that is a prefix of
/// it (`logs-aws.cloudtrail-default`).
fn index_targets(table: &EventTable, key: &str, wildcard: bool) -> Vec<Target> {
    if let Some(targets) = table.elastic_index.get(key) {
        return targets.clone();
    }
    let mut out: Vec<Target> = Vec::new();
    if wildcard {
        let mut covered: Vec<(&String, &Vec<Target>)> =
            table.elastic_index.iter().filter(|(k, _)| k.starts_with(key)).collect();
        covered.sort_by(|a, b| a.0.cmp(b.0));
        for (_, targets) in covered {
            for target in targets {
                if !out.contains(target) {
                    out.push(*target);
                }
            }
        }
        if !out.is_empty() {
            return out;
        }
    }
    let longest = table.elastic_index.iter().filter(|(k, _)| key.starts_with(k.as_str())).max_by_key(|(k, _)| k.len());
    longest.map(|(_, targets)| targets.clone()).unwrap_or_default()
}

fn splunk(table: &EventTable, labels: &[(String, String)]) -> Reaches {
    let mut reaches = Reaches::default();
    // Sources, sourcetypes, indexes and eventtypes mostly come from the
    // expansion of a macro (`sysmon` selects both the Windows and the Linux
    // Sysmon source): they count only when macros and data sources map to
    // nothing.
    let mut selected = Reaches::default();
    for (label, value) in labels {
        let lookup = match label.as_str() {
            "macro" => &table.splunk_macro,
            "sourcetype" => &table.splunk_sourcetype,
            "source" => &table.splunk_source,
            "index" => &table.splunk_index,
            "eventtype" => &table.splunk_eventtype,
            "data source" => {
                reaches.named.push(format!("data source {value}"));
                data_source(table, value, &mut reaches);
                continue;
            }
            "data model" => {
                reaches.named.push(format!("data model {value}"));
                match table.splunk_data_model.get(&value.trim().to_ascii_lowercase()) {
                    Some(targets) => {
                        let mut models = Reaches::default();
                        models.add(table, targets);
                        for reach in models.list {
                            push_reach(&mut reaches.data_models, reach);
                        }
                    }
                    None => reaches.unknown.push(format!("data model {value}")),
                }
                continue;
            }
            _ => continue,
        };
        let targets = lookup.get(&value.trim().to_ascii_lowercase());
        if label == "macro" {
            reaches.named.push(format!("macro {value}"));
            match targets {
                Some(targets) => reaches.add(table, targets),
                None => reaches.unknown.push(format!("macro {value}")),
            }
        } else if let Some(targets) = targets {
            selected.add(table, targets);
        }
    }
    if reaches.list.is_empty() {
        reaches.list = selected.list;
    }
    reaches
}

/// A Splunk `data_source` name: an event's exact name, or a source's prefix
/// followed by a code (`Windows Event Log Security 4624`).
fn data_source(table: &EventTable, name: &str, reaches: &mut Reaches) {
    let lower = name.trim().to_ascii_lowercase();
    if let Some(targets) = table.splunk_data_source.get(&lower) {
        reaches.add(table, targets);
        return;
    }
    let prefix = table.splunk_data_source_prefix.iter().find(|(prefix, _)| {
        lower == *prefix || (lower.starts_with(prefix.as_str()) && lower[prefix.len()..].starts_with(' '))
    });
    match prefix {
        Some((prefix, source)) => {
            let code = name.trim().get(prefix.len()..).unwrap_or_default().trim();
            let aim = if code.is_empty() { Aim::Source(*source) } else { Aim::Code(*source, code.to_owned()) };
            push_reach(&mut reaches.list, Reach { aim, broad: false });
        }
        None => reaches.unknown.push(format!("data source {name}")),
    }
}
