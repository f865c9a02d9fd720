//! A rule's similar rules, across every vendor, and which of them look like
//! ports of it: the same logic written for another vendor.
//!
//! The ranking is [`similar`]'s (the sum of `ln(N / reach)` over the shared
//! normalized indicator triples: a rare shared triple weighs more than a
//! common one). A **port** is a rule of another vendor whose distinct
//! indicator triples B are nearly the rule's own A: they share at least
//! [`PORT_MIN_SHARED`] triples and their Jaccard index |A∩B| / |A∪B| is at
//! least [`PORT_JACCARD`]. Exclusions are left out (vendors filter noise in
//! their own ways), and so are rules of the same vendor (a near-copy there
//! is a variant, not a port). Since |A∩B| ≥ 0.8·|A∪B| ≥ 0.8·|A|, only rules
//! sharing that many triples are candidates, and past the listed rules a
//! candidate's own triples are counted only up to the most a port could have.

use crate::indicator::{IndicatorKey, key};
use crate::predicate::Polarity;

use super::Atlas;
#[cfg(doc)]
use super::lookup::rule_keys;
use super::similar::similar;

/// The least Jaccard index of two ports' indicator triples, 4/5 (compared
/// in integers: `5·|A∩B| ≥ 4·|A∪B|`).
pub const PORT_JACCARD: (usize, usize) = (4, 5);
/// The fewest indicator triples two ports share.
pub const PORT_MIN_SHARED: usize = 2;

/// A rule like another.
#[derive(Debug, Clone, PartialEq)]
pub struct SimilarRule {
    /// Position of the rule in the catalog.
    pub rule: u32,
    /// The similarity score (see [`similar`]).
    pub score: f64,
    /// The indicator triples the two share, rarest first.
    pub shared: Vec<IndicatorKey>,
    /// The rule's own distinct indicator triples.
    pub triples: usize,
    /// |A∩B| / |A∪B| of the two rules' triples.
    pub jaccard: f64,
    /// Another vendor's rule with (nearly) the same triples.
    pub port: bool,
}

/// The rules most like the rule at `position`, whose distinct indicator
/// triples are `own` (its page has them already: see [`rule_keys`]): the
/// `limit` best, and after them any port ranked lower, best first.
pub fn similar_rules(atlas: &Atlas, position: u32, own: &[IndicatorKey], limit: usize) -> Vec<SimilarRule> {
    let Some(rule) = atlas.rule(position) else { return vec![] };
    let a = own.len();
    let (num, den) = PORT_JACCARD;
    // |A∩B| ≥ 4/5·|A∪B| ≥ 4/5·|A|: a port shares that many of the rule's triples.
    let least_shared = (num * a).div_ceil(den).max(PORT_MIN_SHARED);
    let mut out = Vec::new();
    for (rank, found) in similar(atlas, own, Some(&rule.id), usize::MAX).into_iter().enumerate() {
        let s = found.shared.len();
        let other_vendor = atlas.rule(found.rule).is_some_and(|r| r.vendor != rule.vendor);
        let candidate = other_vendor && s >= least_shared;
        if rank >= limit && !candidate {
            continue;
        }
        // 5s ≥ 4(a + b − s) holds for b up to (9s − 4a) / 4.
        let most = ((den + num) * s).saturating_sub(num * a) / num;
        // Exact for a rule that is listed anyway; past the limit, only as far
        // as a port could go.
        let b = distinct_triples(atlas, found.rule, if rank < limit { usize::MAX } else { most });
        let union = (a + b).saturating_sub(s).max(1);
        let port = candidate && den * s >= num * union;
        if rank < limit || port {
            let jaccard = s as f64 / union as f64;
            out.push(SimilarRule {
                rule: found.rule,
                score: found.score,
                shared: found.shared,
                triples: b,
                jaccard,
                port,
            });
        }
    }
    out
}

/// The distinct indicator triples of a rule, counted up to `most + 1` (a
/// rule with more than `most` cannot be the port looked for).
fn distinct_triples(atlas: &Atlas, position: u32, most: usize) -> usize {
    let Some(logic) = atlas.rule(position).and_then(|r| r.logic.as_ref()) else { return 0 };
    let mut seen: Vec<IndicatorKey> = Vec::new();
    logic.for_each_leaf(|leaf, polarity| {
        if polarity == Polarity::Indicator && seen.len() <= most {
            let key = key(leaf, atlas.fields());
            if !seen.contains(&key) {
                seen.push(key);
            }
        }
    });
    seen.len()
}

#[cfg(test)]
mod tests {
    use super::super::fixture::catalog;
    use super::super::lookup::rule_keys;
    use super::*;
    use crate::model::Rule;

    /// A rule from its vendor and `(canonical field, op, value)` indicator leaves.
    fn rule(id: &str, vendor: &str, leaves: &[(&str, &str, &str)]) -> Rule {
        let leaves: Vec<_> = leaves
            .iter()
            .map(|(field, op, value)| {
                serde_json::json!({"field": field, "source_field": field, "op": op, "value": value, "case_sensitive": false})
            })
            .collect();
        serde_json::from_value(serde_json::json!({
            "id": id, "vendor": vendor, "title": id, "path": "p", "status": "parsed", "language": "x",
            "logic": {"and": leaves}
        }))
        .expect("rule")
    }

    const CERTUTIL: [(&str, &str, &str); 3] = [
        ("process.name", "eq", "certutil.exe"),
        ("process.command_line", "wildcard", "*urlcache*"),
        ("process.command_line", "wildcard", "*-f*"),
    ];

    fn atlas() -> Atlas {
        let mut catalog = catalog();
        let with = |extra: (&'static str, &'static str, &'static str)| {
            let mut leaves = CERTUTIL.to_vec();
            leaves.push(extra);
            leaves
        };
        catalog.rules.extend([
            // 8: the Sigma rule; 9: its Elastic port, the same triples
            // written twice over (Image → name, case folded).
            rule("sigma-certutil", "sigma", &CERTUTIL),
            rule(
                "elastic-certutil",
                "elastic",
                &[
                    ("process.executable", "wildcard", "*\\certutil.exe"),
                    ("process.name", "eq", "CERTUTIL.EXE"),
                    ("process.command_line", "wildcard", "*urlcache*"),
                    ("process.command_line", "wildcard", "*-f*"),
                ],
            ),
            // 10: Splunk, one triple more: 3 of 4 (0.75), no port.
            rule("splunk-certutil", "splunk", &with(("process.parent.name", "eq", "cmd.exe"))),
            // 11: Sigma again, the same triples: similar, but no port.
            rule("sigma-certutil-copy", "sigma", &CERTUTIL),
            // 12: Splunk, another triple more: 3 of 4 with the Sigma rules.
            rule("splunk-wide", "splunk", &with(("process.parent.name", "eq", "explorer.exe"))),
            // 13: Elastic, splunk-certutil's 4 triples and a fifth: 4 of 5.
            rule(
                "elastic-wide",
                "elastic",
                &[
                    CERTUTIL[0],
                    CERTUTIL[1],
                    CERTUTIL[2],
                    ("process.parent.name", "eq", "cmd.exe"),
                    ("process.args", "eq", "-split"),
                ],
            ),
        ]);
        Atlas::new(catalog)
    }

    fn like(atlas: &Atlas, position: u32, limit: usize) -> Vec<SimilarRule> {
        let own: Vec<IndicatorKey> =
            rule_keys(atlas, position, Polarity::Indicator).into_iter().map(|k| k.key).collect();
        similar_rules(atlas, position, &own, limit)
    }

    fn listed(atlas: &Atlas, id: &str, limit: usize) -> Vec<(String, usize, usize, bool)> {
        let position = atlas.rule_position(id).expect("rule");
        like(atlas, position, limit)
            .into_iter()
            .map(|s| (atlas.rule(s.rule).expect("rule").id.clone(), s.shared.len(), s.triples, s.port))
            .collect()
    }

    #[test]
    fn another_vendors_rule_with_the_same_triples_is_a_port() {
        let atlas = atlas();
        assert_eq!(
            listed(&atlas, "sigma-certutil", 10),
            [
                // The same score each: in catalog order.
                ("elastic-certutil".into(), 3, 3, true),
                ("splunk-certutil".into(), 3, 4, false),
                ("sigma-certutil-copy".into(), 3, 3, false),
                ("splunk-wide".into(), 3, 4, false),
                ("elastic-wide".into(), 3, 5, false),
            ]
        );
        let found = like(&atlas, atlas.rule_position("sigma-certutil").expect("rule"), 1);
        assert!((found[0].jaccard - 1.0).abs() < 1e-9);
        // Ports both ways, listed past the limit.
        assert_eq!(
            listed(&atlas, "elastic-certutil", 0),
            [("sigma-certutil".into(), 3, 3, true), ("sigma-certutil-copy".into(), 3, 3, true)]
        );
    }

    #[test]
    fn four_of_five_is_a_port() {
        let atlas = atlas();
        // splunk-certutil's 4 triples are 4 of elastic-wide's 5: 0.8.
        let ports = listed(&atlas, "splunk-certutil", 0);
        assert_eq!(ports, [("elastic-wide".into(), 4, 5, true)]);
        assert_eq!(listed(&atlas, "elastic-wide", 0), [("splunk-certutil".into(), 4, 4, true)]);
        // splunk-wide shares 3 of 5 with it (its parent is explorer.exe): none.
        assert!(listed(&atlas, "splunk-wide", 0).is_empty());
    }

    #[test]
    fn the_fixtures_word_rules_are_not_ports() {
        let atlas = atlas();
        // r1 (Sigma) and r2 (Elastic) share mshta and winword; r1 also looks
        // for http on the command line: 2 of 3.
        let r1 = listed(&atlas, "r1", 3);
        assert_eq!(r1[0], ("r2".into(), 2, 2, false));
        let found = like(&atlas, 0, 1);
        assert!((found[0].jaccard - 2.0 / 3.0).abs() < 1e-9);
        assert!(like(&atlas, 999, 5).is_empty());
    }
}
