//! The event catalog and the rule → events mapping (docs/events.md).
//!
//! `crates/catalog/data/events.toml` lists the log sources and event types
//! rules read (`table`). Each rule's log-source labels point at sources and
//! events (`reach`); its own indicator predicates — event codes, API calls,
//! ECS categories — narrow them (`facts`, `narrow`); the events used, with
//! per-API-call events generated from the calls rules name, become the
//! catalog's event list, linked to ATT&CK data components (`materialize`).

mod facts;
mod materialize;
mod narrow;
mod reach;
pub mod table;

use std::collections::{BTreeMap, HashMap};

use atlas_catalog::{Attack, Event, Rule, Vendor};

use crate::report::{BuildReport, EventMapping, EventsSummary};
use atlas_frontend::diagnostic::{Diagnostic, Severity};
use atlas_frontend::outcome::ParsedRule;
use facts::Facts;
use materialize::{AttackLinks, EventRef, Registry};
use narrow::Found;
use table::EventTable;

/// Where the shipped table lives, for diagnostics about it.
const TABLE_PATH: &str = "crates/catalog/data/events.toml";

/// How one rule maps.
#[derive(Debug, Clone, Default)]
pub struct Mapping {
    found: Vec<Found>,
    /// Whether the rule names a log source, index, data model or macro.
    pub names_log_source: bool,
    /// Why the rule has no events, when it has none.
    pub reason: Option<String>,
}

/// Sets `events` on every rule and returns the catalog's event list: every
/// event some rule reads, with the parent (service-level) events of those.
pub fn assign(rules: &mut [ParsedRule], attack: &Attack, report: &mut BuildReport) -> Vec<Event> {
    let table = match EventTable::shipped() {
        Ok(table) => table,
        Err(error) => {
            let message = format!("the event catalog cannot be used, rules get no events: {error}");
            report.diagnostics.push(Diagnostic::new(
                Vendor::Sigma,
                TABLE_PATH,
                Severity::Error,
                "event catalog",
                message,
            ));
            return Vec::new();
        }
    };
    let links = AttackLinks::new(&attack.data_components);
    let mut registry = Registry::default();
    let mut tallies: BTreeMap<Vendor, EventMapping> = BTreeMap::new();
    let mut refs: Vec<Vec<EventRef>> = Vec::with_capacity(rules.len());
    for parsed in rules.iter() {
        let mapping = map_rule(&table, &parsed.rule);
        count(tallies.entry(parsed.rule.vendor).or_default(), &mapping);
        if let Some(reason) = &mapping.reason {
            report.diagnostics.push(unmapped(parsed, reason));
        }
        refs.push(registry.record(&mapping.found));
    }
    let (events, ids) = registry.finish(&table, &links);
    let position: HashMap<&str, usize> = events.iter().enumerate().map(|(i, e)| (e.id.as_str(), i)).collect();
    for (parsed, rule_refs) in rules.iter_mut().zip(refs) {
        let mut rule_events: Vec<String> = rule_refs.iter().filter_map(|r| ids.get(r).cloned()).collect();
        rule_events.sort_by_key(|id| position.get(id.as_str()).copied().unwrap_or(usize::MAX));
        rule_events.dedup();
        parsed.rule.events = rule_events;
    }
    report.events = EventsSummary { listed: events.len(), vendors: tallies };
    events
}

/// The events one rule reads, before ids are given to generated events.
pub fn map_rule(table: &EventTable, rule: &Rule) -> Mapping {
    let facts = Facts::of(table, rule.logic.as_ref());
    let reaches = reach::of(table, rule, &facts);
    let found = narrow::resolve(table, &reaches, &facts, rule.logic.as_ref());
    let names_log_source = !reaches.named.is_empty();
    let reason = found.is_empty().then(|| unmapped_reason(rule, &reaches));
    Mapping { found, names_log_source, reason }
}

/// Whether a rule names a log source, index, data model or base macro: the
/// rules the mapped share is measured over.
pub fn names_log_source(rule: &Rule) -> bool {
    rule.log_source.iter().any(|(label, _)| match rule.vendor {
        Vendor::Sigma => matches!(label.as_str(), "product" | "category" | "service"),
        Vendor::Elastic => label == "index",
        Vendor::Splunk => matches!(label.as_str(), "data source" | "data model" | "macro"),
    })
}

/// A stable reason, specific enough to act on: the labels the table lacks.
fn unmapped_reason(rule: &Rule, reaches: &reach::Reaches) -> String {
    let vendor = rule.vendor.as_str();
    if reaches.named.is_empty() {
        return format!("no events: {vendor} rule names no log source");
    }
    if reaches.unknown.is_empty() {
        return format!("no events: {vendor} generic log source only ({})", reaches.named.join(", "));
    }
    match rule.vendor {
        Vendor::Sigma => format!("no events: sigma logsource {}", reaches.unknown.join(", ")),
        Vendor::Elastic => format!("no events: elastic index {}", reaches.unknown.join(", ")),
        Vendor::Splunk => format!("no events: splunk {}", reaches.unknown.join(", ")),
    }
}

fn unmapped(parsed: &ParsedRule, reason: &str) -> Diagnostic {
    let rule = &parsed.rule;
    let message = format!("`{}` reads no event of the event catalog", rule.title);
    Diagnostic::new(rule.vendor, &rule.path, Severity::Info, reason, message).at_line(parsed.line).for_rule(&rule.id)
}

/// Adds one rule's mapping to its vendor's counts.
fn count(tally: &mut EventMapping, mapping: &Mapping) {
    let mapped = !mapping.found.is_empty();
    tally.rules += 1;
    tally.mapped += usize::from(mapped);
    if mapping.names_log_source {
        tally.naming_a_log_source += 1;
        tally.mapped_of_those += usize::from(mapped);
    }
    if let Some(reason) = &mapping.reason {
        *tally.unmapped.entry(reason.clone()).or_default() += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_table_loads() {
        let table = EventTable::shipped().expect("events.toml loads");
        assert!(table.by_id.contains_key("sysmon-1"));
        assert!(table.by_id.contains_key("win-security-4688"));
        assert!(table.by_id.contains_key("aws-cloudtrail"));
        for n in 1..=29 {
            assert!(table.by_id.contains_key(&format!("sysmon-{n}")), "sysmon-{n} is missing");
        }
    }

    #[test]
    fn event_fields_are_canonical_fields() {
        let table = EventTable::shipped().expect("events.toml loads");
        let fields = atlas_frontend::fieldtable::load().expect("fields.toml loads");
        let sources = table.sources.iter().flat_map(|s| s.def.fields.iter());
        for field in sources.chain(table.entries.iter().flat_map(|e| e.fields.iter())) {
            assert!(fields.get(field).is_some(), "{field} is not in fields.toml");
        }
    }
}
