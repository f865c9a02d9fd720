//! The catalog-wide indicator index: which rules use each normalized
//! (field, operator, value) triple. It gives a triple's corpus reach, the
//! rules behind a guide row, and how many indicators the vendors share.

use std::collections::BTreeMap;

use rustc_hash::FxHashMap;

use crate::fields::FieldTable;
use crate::indicator::{IndicatorKey, key};
use crate::model::{Rule, Vendor};
use crate::predicate::Polarity;

/// Rules per triple, for one polarity (indicators or exclusions).
#[derive(Debug, Default, Clone)]
pub struct IndicatorIndex {
    /// Rule positions (in the catalog's rule list), ascending, each once.
    by_key: FxHashMap<IndicatorKey, Vec<u32>>,
}

impl IndicatorIndex {
    /// Indexes every rule's leaves of the given polarity.
    pub fn build(rules: &[Rule], fields: &FieldTable, polarity: Polarity) -> Self {
        let mut by_key: FxHashMap<IndicatorKey, Vec<u32>> = FxHashMap::default();
        for (position, rule) in rules.iter().enumerate() {
            let Some(logic) = &rule.logic else { continue };
            let position = u32::try_from(position).unwrap_or(u32::MAX);
            logic.for_each_leaf(|leaf, p| {
                if p == polarity {
                    let rules = by_key.entry(key(leaf, fields)).or_default();
                    // Leaves come rule by rule, so a repeat is always the last entry.
                    if rules.last() != Some(&position) {
                        rules.push(position);
                    }
                }
            });
        }
        IndicatorIndex { by_key }
    }

    /// How many rules in the catalog use the triple.
    pub fn reach(&self, key: &IndicatorKey) -> usize {
        self.by_key.get(key).map_or(0, Vec::len)
    }

    /// The positions of the rules that use the triple.
    pub fn rules(&self, key: &IndicatorKey) -> &[u32] {
        self.by_key.get(key).map_or(&[], Vec::as_slice)
    }

    pub fn len(&self) -> usize {
        self.by_key.len()
    }

    pub fn is_empty(&self) -> bool {
        self.by_key.is_empty()
    }

    pub fn keys(&self) -> impl Iterator<Item = &IndicatorKey> {
        self.by_key.keys()
    }

    /// For each set of two or more vendors, the number of triples used by
    /// rules of every vendor in the set (`sigma+elastic`, …, `sigma+elastic+splunk`).
    /// Low numbers mean normalization fails to collapse equal indicators.
    pub fn vendor_overlap(&self, rules: &[Rule]) -> BTreeMap<String, usize> {
        let mut counts: BTreeMap<String, usize> = BTreeMap::new();
        let pairs = [
            vec![Vendor::Sigma, Vendor::Elastic],
            vec![Vendor::Sigma, Vendor::Splunk],
            vec![Vendor::Elastic, Vendor::Splunk],
            vec![Vendor::Sigma, Vendor::Elastic, Vendor::Splunk],
        ];
        for set in &pairs {
            let name = set.iter().map(|v| v.as_str()).collect::<Vec<_>>().join("+");
            counts.insert(name, 0);
        }
        for positions in self.by_key.values() {
            let mut present = [false; 3];
            for &p in positions {
                if let Some(rule) = rules.get(p as usize) {
                    present[rule.vendor as usize] = true;
                }
            }
            for set in &pairs {
                if set.iter().all(|v| present[*v as usize]) {
                    let name = set.iter().map(|v| v.as_str()).collect::<Vec<_>>().join("+");
                    *counts.entry(name).or_default() += 1;
                }
            }
        }
        counts
    }
}
