//! The rules most like a set of indicators, across every vendor: rules that
//! look for the same normalized triples, a rare triple weighing more than a
//! common one.
//!
//! A rule's score is the sum, over the triples it shares, of the triple's
//! inverse document frequency `ln(N / reach)` (N rules in the catalog, reach
//! the rules using the triple): sharing `process.name eq mshta.exe` (a few
//! dozen rules) says more than sharing `event.category eq process` (hundreds),
//! and a triple every rule uses says nothing. The candidates come from the
//! catalog's triple → rules index (built once, on first use), so the cost is
//! the sum of the triples' reach, not a pass over the catalog.

use rustc_hash::FxHashMap;

use crate::indicator::IndicatorKey;
use crate::predicate::Polarity;

use super::Atlas;
use super::order;

/// A rule like the given indicators.
#[derive(Debug, Clone, PartialEq)]
pub struct Similar {
    /// Position of the rule in the catalog.
    pub rule: u32,
    /// Sum of the shared triples' `ln(N / reach)`.
    pub score: f64,
    /// The triples it shares, rarest first.
    pub shared: Vec<IndicatorKey>,
}

/// The `limit` rules sharing most (by weight) of the indicator triples
/// `keys`, best first; `exclude_rule` (an id) is left out, so that a rule's
/// own page or its draft in the checker does not list the rule itself. Ties
/// go to the rule sharing more triples, then to catalog order.
pub fn similar(atlas: &Atlas, keys: &[IndicatorKey], exclude_rule: Option<&str>, limit: usize) -> Vec<Similar> {
    let index = atlas.index_of(Polarity::Indicator);
    let total = atlas.rules().len() as f64;
    let excluded = exclude_rule.and_then(|id| atlas.rule_position(id));
    // The distinct keys some rule uses, with their weights, rarest first.
    let mut weighted: Vec<(&IndicatorKey, f64)> = Vec::with_capacity(keys.len());
    for key in keys {
        let reach = index.reach(key);
        if reach > 0 && !weighted.iter().any(|(k, _)| *k == key) {
            weighted.push((key, (total / reach as f64).ln()));
        }
    }
    order::sort_by(&mut weighted, |a, b| b.1.total_cmp(&a.1).then_with(|| a.0.cmp(b.0)));
    // Rule → (score, indexes into `weighted` of the keys it shares).
    let mut scores: FxHashMap<u32, (f64, Vec<u32>)> = FxHashMap::default();
    for (i, (key, weight)) in weighted.iter().enumerate() {
        for &rule in index.rules(key) {
            if Some(rule) == excluded {
                continue;
            }
            let entry = scores.entry(rule).or_insert((0.0, Vec::new()));
            entry.0 += weight;
            entry.1.push(u32::try_from(i).unwrap_or(u32::MAX));
        }
    }
    let mut ranked: Vec<(u32, f64, Vec<u32>)> = scores
        .into_iter()
        .filter(|(_, (score, _))| *score > 0.0)
        .map(|(rule, (score, keys))| (rule, score, keys))
        .collect();
    order::sort_by(&mut ranked, |a, b| b.1.total_cmp(&a.1).then_with(|| b.2.len().cmp(&a.2.len())).then(a.0.cmp(&b.0)));
    ranked.truncate(limit);
    ranked
        .into_iter()
        .map(|(rule, score, shared)| Similar {
            rule,
            score,
            shared: shared.into_iter().filter_map(|i| weighted.get(i as usize)).map(|(k, _)| (*k).clone()).collect(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::super::fixture::atlas;
    use super::*;
    use crate::predicate::Op;

    fn k(field: &str, op: Op, value: &str) -> IndicatorKey {
        IndicatorKey { field: field.into(), op, value: value.into() }
    }

    fn ids(atlas: &Atlas, found: &[Similar]) -> Vec<(String, usize)> {
        found.iter().map(|s| (atlas.rule(s.rule).unwrap().id.clone(), s.shared.len())).collect()
    }

    #[test]
    fn rarer_shared_triples_weigh_more() {
        let atlas = atlas();
        let mshta = k("process.name", Op::Eq, "mshta.exe");
        let winword = k("process.parent.name", Op::Eq, "winword.exe");
        let http = k("process.command_line", Op::Wildcard, "*http*");
        let found = similar(&atlas, &[mshta.clone(), winword.clone(), http.clone()], None, 10);
        // r1 shares all three; r2 mshta and winword (reach 2: weighs ln 4);
        // r3 mshta and http (reach 4 each: ln 2 each); then one key each, in
        // catalog order.
        assert_eq!(
            ids(&atlas, &found),
            [
                ("r1".into(), 3),
                ("r2".into(), 2),
                ("r3".into(), 2),
                ("r4".into(), 1),
                ("r7".into(), 1),
                ("r8".into(), 1)
            ]
        );
        let ln = |x: f64| x.ln();
        assert!((found[0].score - (ln(2.0) + ln(4.0) + ln(2.0))).abs() < 1e-9);
        assert!((found[1].score - (ln(2.0) + ln(4.0))).abs() < 1e-9);
        // Shared keys rarest first.
        assert_eq!(found[1].shared, [winword, mshta]);
    }

    #[test]
    fn the_rule_itself_and_unknown_keys_are_left_out() {
        let atlas = atlas();
        let keys =
            [k("process.name", Op::Eq, "mshta.exe"), k("nope", Op::Eq, "x"), k("process.name", Op::Eq, "mshta.exe")];
        let found = similar(&atlas, &keys, Some("r2"), 2);
        assert_eq!(ids(&atlas, &found), [("r1".into(), 1), ("r3".into(), 1)]);
        assert!(similar(&atlas, &[], None, 5).is_empty());
        assert!(similar(&atlas, &[k("nope", Op::Eq, "x")], None, 5).is_empty());
    }
}
