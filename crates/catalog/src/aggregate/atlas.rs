//! [`Atlas`]: a loaded catalog and the indexes every view needs, built once.
//!
//! The app deserializes the catalog once and wraps it here; after that each
//! view is a lookup or a pass over a technique's few hundred rules, never over
//! the whole corpus. The two triple indexes (the costliest, a walk over every
//! leaf of every rule) are built on first use, so a cold link to the coverage
//! matrix, which needs neither, renders sooner.

use std::sync::OnceLock;

use rustc_hash::FxHashMap;

use crate::fields::FieldTable;
use crate::index::IndicatorIndex;
use crate::model::{Catalog, Event, Rule, Technique};
use crate::predicate::Polarity;

use super::order;
use super::search::SearchIndex;
use super::values::ValueIndex;

/// The catalog with its prepared indexes.
#[derive(Debug)]
pub struct Atlas {
    catalog: Catalog,
    fields: FieldTable,
    indicators: OnceLock<IndicatorIndex>,
    exclusions: OnceLock<IndicatorIndex>,
    /// The value search over both (built on first use).
    pub(super) values: OnceLock<ValueIndex>,
    search: SearchIndex,
    /// Rule id → position in `catalog.rules` (the first, should ids repeat).
    rule_ids: FxHashMap<String, u32>,
    /// Technique id → position in `catalog.attack.techniques`.
    technique_ids: FxHashMap<String, u32>,
    /// Technique id as tagged → positions of the rules tagged with exactly it.
    tagged: FxHashMap<String, Vec<u32>>,
    /// Parent technique id → its sub-technique ids, from ATT&CK and from the
    /// tags themselves (rules may tag sub-techniques ATT&CK does not list).
    subs: FxHashMap<String, Vec<String>>,
    /// Event id → position in `catalog.events`.
    event_ids: FxHashMap<String, u32>,
    /// Event position → positions of the rules that read exactly it, ascending.
    event_rules: Vec<Vec<u32>>,
    /// Event position → positions of its per-call events (those naming it as
    /// `parent`), in catalog order.
    event_children: Vec<Vec<u32>>,
}

impl Atlas {
    /// Builds every index over the catalog.
    pub fn new(catalog: Catalog) -> Atlas {
        let fields = FieldTable::new(catalog.fields.clone());
        let search = SearchIndex::new(&catalog);
        let mut rule_ids = FxHashMap::with_capacity_and_hasher(catalog.rules.len(), Default::default());
        let mut tagged: FxHashMap<String, Vec<u32>> = FxHashMap::default();
        for (position, rule) in catalog.rules.iter().enumerate() {
            let position = to_u32(position);
            rule_ids.entry(rule.id.clone()).or_insert(position);
            for id in &rule.techniques {
                let rules = tagged.entry(normalize_technique_id(id)).or_default();
                if rules.last() != Some(&position) {
                    rules.push(position);
                }
            }
        }
        let technique_ids = catalog
            .attack
            .techniques
            .iter()
            .enumerate()
            .map(|(i, t)| (normalize_technique_id(&t.id), to_u32(i)))
            .collect();
        let subs = sub_techniques(&catalog, &tagged);
        let event_ids: FxHashMap<String, u32> =
            catalog.events.iter().enumerate().map(|(i, e)| (e.id.clone(), to_u32(i))).collect();
        let (event_rules, event_children) = event_indexes(&catalog, &event_ids);
        let (indicators, exclusions) = (OnceLock::new(), OnceLock::new());
        Atlas {
            catalog,
            fields,
            indicators,
            exclusions,
            values: OnceLock::new(),
            search,
            rule_ids,
            technique_ids,
            tagged,
            subs,
            event_ids,
            event_rules,
            event_children,
        }
    }

    pub fn catalog(&self) -> &Catalog {
        &self.catalog
    }

    pub fn rules(&self) -> &[Rule] {
        &self.catalog.rules
    }

    /// The rule at a position taken from one of the indexes.
    pub fn rule(&self, position: u32) -> Option<&Rule> {
        self.catalog.rules.get(position as usize)
    }

    /// The position of the rule with the given id.
    pub fn rule_position(&self, id: &str) -> Option<u32> {
        self.rule_ids.get(id).copied()
    }

    pub fn fields(&self) -> &FieldTable {
        &self.fields
    }

    /// The index of triples rules look for, or of triples they exclude
    /// (built on first use).
    pub fn index_of(&self, polarity: Polarity) -> &IndicatorIndex {
        let (cell, polarity) = match polarity {
            Polarity::Exclusion => (&self.exclusions, Polarity::Exclusion),
            _ => (&self.indicators, Polarity::Indicator),
        };
        cell.get_or_init(|| IndicatorIndex::build(&self.catalog.rules, &self.fields, polarity))
    }

    pub fn search_index(&self) -> &SearchIndex {
        &self.search
    }

    /// The ATT&CK technique or sub-technique with this id (any case).
    pub fn technique(&self, id: &str) -> Option<&Technique> {
        let position = *self.technique_ids.get(&normalize_technique_id(id))?;
        self.catalog.attack.techniques.get(position as usize)
    }

    /// A technique's display name, or its id when ATT&CK does not know it.
    pub fn technique_name<'a>(&'a self, id: &'a str) -> &'a str {
        self.technique(id).map_or(id, |t| t.name.as_str())
    }

    /// Rules tagged with exactly this id (a parent does not include its subs).
    pub fn tagged(&self, id: &str) -> &[u32] {
        self.tagged.get(&normalize_technique_id(id)).map_or(&[], Vec::as_slice)
    }

    /// The sub-technique ids of a parent technique, in id order.
    pub fn subtechniques(&self, id: &str) -> &[String] {
        self.subs.get(&normalize_technique_id(id)).map_or(&[], Vec::as_slice)
    }

    /// The position of a catalog event in `catalog.events`.
    pub fn event_position(&self, id: &str) -> Option<u32> {
        self.event_ids.get(id).copied()
    }

    /// The catalog event at a position taken from one of the indexes.
    pub fn event(&self, position: u32) -> Option<&Event> {
        self.catalog.events.get(position as usize)
    }

    /// The rules that read exactly this event, ascending.
    pub fn event_rules(&self, position: u32) -> &[u32] {
        self.event_rules.get(position as usize).map_or(&[], Vec::as_slice)
    }

    /// The per-call events of a service-level event, in catalog order.
    pub fn event_children(&self, position: u32) -> &[u32] {
        self.event_children.get(position as usize).map_or(&[], Vec::as_slice)
    }

    /// The rules that read an event or one of its per-call events, ascending,
    /// each once: reading CloudTrail's `ConsoleLogin` is reading CloudTrail.
    pub fn rules_reading(&self, position: u32) -> Vec<u32> {
        let mut rules = self.event_rules(position).to_vec();
        for &child in self.event_children(position) {
            rules.extend_from_slice(self.event_rules(child));
        }
        order::sort_dedup(&mut rules);
        rules
    }

    /// Whether ATT&CK or at least one rule knows the id.
    pub fn knows_technique(&self, id: &str) -> bool {
        self.technique(id).is_some() || !self.tagged(id).is_empty()
    }

    /// The rules under a technique, ascending, each once: a parent technique
    /// rolls up its sub-techniques' rules, a sub-technique has only its own.
    pub fn rules_under(&self, id: &str) -> Vec<u32> {
        let mut rules = self.tagged(id).to_vec();
        for sub in self.subtechniques(id) {
            rules.extend_from_slice(self.tagged(sub));
        }
        order::sort_dedup(&mut rules);
        rules
    }

    /// Technique ids rules tag that this ATT&CK version does not know, with
    /// their rule counts, most-tagged first.
    pub fn unknown_techniques(&self) -> Vec<(String, u32)> {
        let mut unknown: Vec<(String, u32)> = self
            .tagged
            .iter()
            .filter(|(id, _)| !self.technique_ids.contains_key(*id))
            .map(|(id, rules)| (id.clone(), to_u32(rules.len())))
            .collect();
        order::sort_by(&mut unknown, |a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        unknown
    }
}

/// Technique ids are upper case in ATT&CK (`T1059.001`); tags and URLs may
/// not be.
pub fn normalize_technique_id(id: &str) -> String {
    id.trim().to_ascii_uppercase()
}

/// Event → rules and event → per-call events, one pass over the rules' few
/// event ids and one over the events.
fn event_indexes(catalog: &Catalog, event_ids: &FxHashMap<String, u32>) -> (Vec<Vec<u32>>, Vec<Vec<u32>>) {
    let mut rules: Vec<Vec<u32>> = vec![Vec::new(); catalog.events.len()];
    for (position, rule) in catalog.rules.iter().enumerate() {
        let position = to_u32(position);
        for event in rule.events.iter().filter_map(|id| event_ids.get(id)) {
            let readers = &mut rules[*event as usize];
            // Rules come in position order, so a repeated id is the last one pushed.
            if readers.last() != Some(&position) {
                readers.push(position);
            }
        }
    }
    let mut children: Vec<Vec<u32>> = vec![Vec::new(); catalog.events.len()];
    for (position, event) in catalog.events.iter().enumerate() {
        let parent = event.parent.as_ref().and_then(|p| event_ids.get(p)).filter(|&&p| p as usize != position);
        if let Some(&parent) = parent {
            children[parent as usize].push(to_u32(position));
        }
    }
    (rules, children)
}

fn sub_techniques(catalog: &Catalog, tagged: &FxHashMap<String, Vec<u32>>) -> FxHashMap<String, Vec<String>> {
    let mut subs: FxHashMap<String, Vec<String>> = FxHashMap::default();
    let known = catalog.attack.techniques.iter().map(|t| normalize_technique_id(&t.id));
    for id in known.chain(tagged.keys().cloned()) {
        if let Some((parent, _)) = id.split_once('.') {
            subs.entry(parent.to_owned()).or_default().push(id.clone());
        }
    }
    for ids in subs.values_mut() {
        order::sort_dedup(ids);
    }
    subs
}

pub(crate) fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::super::fixture::atlas;

    #[test]
    fn parents_roll_up_their_subtechniques() {
        let atlas = atlas();
        // T1204 is tagged by r1 and r2; T1204.002 by r2, r3 and r5 (r2 counts once).
        assert_eq!(atlas.tagged("T1204").len(), 2);
        assert_eq!(atlas.rules_under("T1204").len(), 4);
        assert_eq!(atlas.rules_under("t1204.002").len(), 3);
        assert_eq!(atlas.subtechniques("T1204"), ["T1204.001", "T1204.002"]);
    }

    #[test]
    fn lookups_by_id() {
        let atlas = atlas();
        assert_eq!(atlas.rule_position("r3"), Some(2));
        assert!(atlas.rule_position("nope").is_none());
        assert_eq!(atlas.technique_name("T1059.001"), "PowerShell");
        // Tagged by a rule, unknown to ATT&CK: still a technique the app can show.
        assert!(atlas.knows_technique("T1999") && atlas.technique("T1999").is_none());
        assert_eq!(atlas.unknown_techniques(), [("T1999".to_owned(), 1)]);
        assert!(!atlas.knows_technique("T4242"));
    }

    #[test]
    fn events_index_their_readers_and_per_call_events() {
        let atlas = atlas();
        let at = |id: &str| atlas.event_position(id).expect("event");
        assert_eq!(atlas.event_rules(at("sysmon-1")), [0, 1, 2, 3, 5, 6]);
        assert_eq!(atlas.event_rules(at("win-security-4688")), [0, 2, 3]);
        assert_eq!(atlas.event_children(at("sysmon")), [at("sysmon-1"), at("sysmon-11")]);
        // A service-level event: its own readers and those of its per-call events, once each.
        assert_eq!(atlas.rules_reading(at("win-security")), [0, 2, 3, 7]);
        assert_eq!(atlas.rules_reading(at("sysmon")), [0, 1, 2, 3, 4, 5, 6]);
        assert!(atlas.event_rules(99).is_empty() && atlas.event(99).is_none());
    }
}
