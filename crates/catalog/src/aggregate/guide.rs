//! The authoring guide of a technique: what the rules under it filter on,
//! which (field, operator, value) triples they look for, and which they
//! exclude. Rows are keyed by the normalized [`IndicatorKey`], so equal tests
//! written differently by different vendors meet in one row, and each rule
//! counts at most once per row however often it repeats a test.

use std::hash::Hash;

use rustc_hash::FxHashMap;

use crate::indicator::{IndicatorKey, key};
use crate::predicate::{FieldName, Op, Polarity};

use super::Atlas;
use super::atlas::to_u32;
use super::order;

/// How many sample values a field row keeps.
const SAMPLES: usize = 3;

/// The three tables of the guide.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Guide {
    /// Rules the guide was computed from.
    pub rules: u32,
    /// Fields filtered most (indicator tests only), most rules first.
    pub fields: Vec<FieldRow>,
    /// Top indicator values, most rules first.
    pub indicators: Vec<ValueRow>,
    /// Common exclusions (tests under a top-level `not`), most rules first.
    pub exclusions: Vec<ValueRow>,
}

/// A canonical field and how the rules test it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldRow {
    /// Canonical field of the indicator key; empty for field-less searches.
    pub field: String,
    /// The field names as the rules write them, most rules first.
    pub source_fields: Vec<String>,
    /// Rules testing the field.
    pub rules: u32,
    /// Operators as the rules write them, with the rules using each.
    pub ops: Vec<OpCount>,
    /// The values most rules test the field for (normalized), a few only,
    /// each with its operator (which says whether it is a pattern).
    pub samples: Vec<(Op, String)>,
}

/// An operator and the number of rules using it on a field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OpCount {
    pub op: Op,
    pub rules: u32,
}

/// A triple and the rules using it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValueRow {
    pub key: IndicatorKey,
    /// Rules under the technique using the triple.
    pub rules: u32,
    /// Rules in the whole catalog using it; `None` when they are all under
    /// the technique (the triple is specific to it).
    pub reach: Option<u32>,
}

/// Counts each rule once per key: `last` is the last rule counted.
struct Tally<K> {
    counts: FxHashMap<K, (u32, u32)>,
}

impl<K: Eq + Hash> Tally<K> {
    fn new() -> Self {
        Tally { counts: FxHashMap::default() }
    }

    fn bump(&mut self, key: K, rule: u32) {
        let (last, count) = self.counts.entry(key).or_insert((u32::MAX, 0));
        if *last != rule {
            *last = rule;
            *count += 1;
        }
    }

    /// Keys by count, most first, ties in key order.
    fn ranked(self) -> Vec<(K, u32)>
    where
        K: Ord,
    {
        let mut out: Vec<(K, u32)> = self.counts.into_iter().map(|(k, (_, n))| (k, n)).collect();
        order::sort_by(&mut out, |a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        out
    }
}

/// Per-field tallies while scanning the rules.
struct FieldTally {
    rules: Tally<()>,
    sources: Tally<FieldName>,
    ops: Tally<Op>,
    values: Tally<(Op, String)>,
}

/// Computes the guide over the given rules (positions in the catalog).
pub fn guide(atlas: &Atlas, rules: &[u32]) -> Guide {
    let scan = scan(atlas, rules, true);
    Guide {
        rules: to_u32(rules.len()),
        fields: field_rows(scan.fields),
        indicators: value_rows(atlas, scan.indicators, Polarity::Indicator),
        exclusions: value_rows(atlas, scan.exclusions, Polarity::Exclusion),
    }
}

/// The guide's "fields filtered most" table alone, over the given rules:
/// no triple tallies and no corpus reach, so the catalog-wide triple
/// indexes are not built for it.
pub fn fields_filtered(atlas: &Atlas, rules: &[u32]) -> Vec<FieldRow> {
    field_rows(scan(atlas, rules, false).fields)
}

/// What one pass over the rules' leaves tallies.
struct Scan {
    fields: FxHashMap<FieldName, FieldTally>,
    indicators: Tally<IndicatorKey>,
    exclusions: Tally<IndicatorKey>,
}

/// Tallies fields and, with `triples`, the indicator and exclusion triples.
fn scan(atlas: &Atlas, rules: &[u32], triples: bool) -> Scan {
    let mut out = Scan { fields: FxHashMap::default(), indicators: Tally::new(), exclusions: Tally::new() };
    for &position in rules {
        let Some(logic) = atlas.rule(position).and_then(|r| r.logic.as_ref()) else { continue };
        logic.for_each_leaf(|leaf, polarity| match polarity {
            Polarity::Indicator => {
                let key = key(leaf, atlas.fields());
                let tally = out.fields.entry(key.field.clone()).or_insert_with(|| FieldTally {
                    rules: Tally::new(),
                    sources: Tally::new(),
                    ops: Tally::new(),
                    values: Tally::new(),
                });
                tally.rules.bump((), position);
                tally.sources.bump(leaf.source_field.clone().unwrap_or_default(), position);
                tally.ops.bump(leaf.op, position);
                if !key.value.is_empty() {
                    tally.values.bump((key.op, key.value.clone()), position);
                }
                if triples {
                    out.indicators.bump(key, position);
                }
            }
            Polarity::Exclusion if triples => out.exclusions.bump(key(leaf, atlas.fields()), position),
            Polarity::Exclusion | Polarity::Other => {}
        });
    }
    out
}

fn field_rows(fields: FxHashMap<FieldName, FieldTally>) -> Vec<FieldRow> {
    let mut rows: Vec<FieldRow> = fields
        .into_iter()
        .map(|(field, tally)| FieldRow {
            field: field.to_string(),
            rules: tally.rules.ranked().first().map_or(0, |(_, n)| *n),
            source_fields: tally.sources.ranked().into_iter().map(|(s, _)| s.to_string()).collect(),
            ops: tally.ops.ranked().into_iter().map(|(op, rules)| OpCount { op, rules }).collect(),
            samples: tally.values.ranked().into_iter().take(SAMPLES).map(|(v, _)| v).collect(),
        })
        .collect();
    order::sort_by(&mut rows, |a, b| b.rules.cmp(&a.rules).then_with(|| a.field.cmp(&b.field)));
    rows
}

fn value_rows(atlas: &Atlas, tally: Tally<IndicatorKey>, polarity: Polarity) -> Vec<ValueRow> {
    let index = atlas.index_of(polarity);
    tally
        .ranked()
        .into_iter()
        .map(|(key, rules)| {
            let reach = to_u32(index.reach(&key));
            ValueRow { reach: (reach > rules).then_some(reach), key, rules }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::super::fixture::atlas;
    use super::*;

    fn row(key: &IndicatorKey) -> String {
        key.to_string()
    }

    #[test]
    fn top_indicator_values_with_corpus_reach() {
        let atlas = atlas();
        let guide = guide(&atlas, &atlas.rules_under("T1204"));
        assert_eq!(guide.rules, 4);
        let rows: Vec<_> = guide.indicators.iter().map(|r| (row(&r.key), r.rules, r.reach)).collect();
        assert_eq!(
            rows,
            [
                // r1 (Image *\mshta.exe), r2 (twice: once), r3; r7 outside the technique.
                ("process.name eq mshta.exe".to_owned(), 3, Some(4)),
                // r1 and r3 here; r4 and r8 elsewhere.
                ("process.command_line wildcard *http*".to_owned(), 2, Some(4)),
                // Only r1 and r2 in the whole catalog: blank reach.
                ("process.parent.name eq winword.exe".to_owned(), 2, None),
                ("file.extension eq lnk".to_owned(), 1, None),
                ("process.command_line wildcard *javascript:*".to_owned(), 1, None),
                ("process.name eq explorer.exe".to_owned(), 1, None),
            ]
        );
    }

    #[test]
    fn common_exclusions() {
        let atlas = atlas();
        let guide = guide(&atlas, &atlas.rules_under("T1204"));
        let rows: Vec<_> = guide.exclusions.iter().map(|r| (row(&r.key), r.rules, r.reach)).collect();
        // explorer.exe as a parent is excluded by r1, r2, r3 and, outside, r4.
        assert_eq!(
            rows,
            [
                ("process.parent.name eq explorer.exe".to_owned(), 3, Some(4)),
                (r"process.command_line wildcard *\teams\\*".to_owned(), 1, None)
            ]
        );
    }

    #[test]
    fn fields_filtered_most_count_each_rule_once() {
        let atlas = atlas();
        let guide = guide(&atlas, &atlas.rules_under("T1204"));
        let names: Vec<_> = guide.fields.iter().map(|f| (f.field.as_str(), f.rules)).collect();
        assert_eq!(
            names,
            [("process.name", 4), ("process.command_line", 2), ("process.parent.name", 2), ("file.extension", 1)]
        );
        let name = &guide.fields[0];
        // Sigma's Image (r1, r5), Elastic's process.name (r2, written twice), Splunk's process_name (r3).
        assert_eq!(name.source_fields, ["Image", "process.name", "process_name"]);
        assert_eq!(name.ops, [OpCount { op: Op::Eq, rules: 2 }, OpCount { op: Op::Wildcard, rules: 2 }]);
        assert_eq!(name.samples, [(Op::Eq, "mshta.exe".into()), (Op::Eq, "explorer.exe".into())]);
        assert_eq!(guide.fields[1].samples, [(Op::Wildcard, "*http*".into()), (Op::Wildcard, "*javascript:*".into())]);
    }

    #[test]
    fn a_subtechnique_guide_uses_only_its_rules() {
        let atlas = atlas();
        let guide = guide(&atlas, &atlas.rules_under("T1204.002"));
        assert_eq!(guide.rules, 3);
        // r2 and r3 look for mshta.exe; r1 is tagged with the parent only.
        assert_eq!((guide.indicators[0].rules, guide.indicators[0].reach), (2, Some(4)));
        assert!(guide.exclusions.iter().all(|r| r.key.value == "explorer.exe"));
    }

    #[test]
    fn fields_alone_match_the_guide() {
        let atlas = atlas();
        for rules in [atlas.rules_under("T1204"), atlas.rules_under("T1059"), vec![0, 1, 2, 3, 4, 5, 6, 7]] {
            assert_eq!(fields_filtered(&atlas, &rules), guide(&atlas, &rules).fields);
        }
    }

    #[test]
    fn no_rules_no_rows() {
        let atlas = atlas();
        assert_eq!(guide(&atlas, &[]), Guide::default());
    }
}
