//! A draft rule held against the atlas (the app's checker): its triples with
//! their reach in the catalog, which of them are so common that they tell
//! little on their own, the techniques it tags as this ATT&CK release names
//! them, and what of a technique's authoring guide it uses.

use rustc_hash::FxHashSet;

use crate::indicator::{IndicatorKey, key};
use crate::predicate::{Expr, Polarity};

use super::Atlas;
use super::guide::{FieldRow, ValueRow, guide};
use super::lookup::expr_keys;
use super::normalize_technique_id;
use super::order;

/// A triple used by at least this share of the catalog's rules, in percent,
/// is common: noise on its own (`event.category eq process`, `process.name
/// eq cmd.exe`), worth having only beside rarer tests.
pub const COMMON_PERCENT: usize = 2;
/// …and by at least this many rules: in a small catalog two percent is a
/// rule or two, which says nothing about a triple.
pub const COMMON_MIN_RULES: u32 = 10;

/// The reach from which a triple is common in a catalog of `rules` rules.
pub fn common_threshold(rules: usize) -> u32 {
    let share = (rules * COMMON_PERCENT).div_ceil(100);
    u32::try_from(share).unwrap_or(u32::MAX).max(COMMON_MIN_RULES)
}

/// A triple of the draft, with the rules in the catalog using it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DraftKey {
    pub key: IndicatorKey,
    /// Rules in the catalog using the triple (with the same polarity).
    pub reach: u32,
    /// Used by so many rules that it tells little on its own
    /// ([`common_threshold`]).
    pub common: bool,
}

/// The draft's distinct indicator (or exclusion) triples, in the order it
/// first uses them.
pub fn draft_keys(atlas: &Atlas, logic: &Expr, polarity: Polarity) -> Vec<DraftKey> {
    let threshold = common_threshold(atlas.rules().len());
    expr_keys(atlas, logic, polarity)
        .into_iter()
        .map(|k| DraftKey { common: k.reach >= threshold, key: k.key, reach: k.reach })
        .collect()
}

/// The techniques a draft tags, as this ATT&CK release names them: upper
/// case, a revoked ID replaced by its successor, each once, in tag order.
pub fn draft_techniques(atlas: &Atlas, tagged: &[String]) -> Vec<String> {
    let revoked = &atlas.catalog().attack.revoked;
    let mut out: Vec<String> = Vec::new();
    for id in tagged {
        let id = normalize_technique_id(id);
        let id = revoked.iter().find(|(old, _)| *old == id).map_or(id, |(_, new)| new.clone());
        if !out.contains(&id) {
            out.push(id);
        }
    }
    out
}

/// A guide row and whether the draft uses it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Used<T> {
    pub row: T,
    pub used: bool,
}

/// The top rows of a technique's guide, each marked with whether the draft
/// uses it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GuideCheck {
    /// The technique, as its id is normalized.
    pub technique: String,
    /// Rules under the technique (those the guide is computed from).
    pub rules: u32,
    /// Fields filtered most: the draft tests the field (in an indicator).
    pub fields: Vec<Used<FieldRow>>,
    /// Top indicator values: the draft looks for the same triple.
    pub indicators: Vec<Used<ValueRow>>,
    /// Common exclusions: the draft excludes the same triple.
    pub exclusions: Vec<Used<ValueRow>>,
    /// Rows each table has in the full guide.
    pub totals: [usize; 3],
}

/// The first `rows` rows of each table of the technique's guide (rules
/// under it, as the guide page counts them), marked with what the draft
/// uses. A draft without logic uses nothing.
pub fn guide_check(atlas: &Atlas, technique: &str, draft: Option<&Expr>, rows: usize) -> GuideCheck {
    let technique = normalize_technique_id(technique);
    let full = guide(atlas, &atlas.rules_under(&technique));
    let mut fields: FxHashSet<String> = FxHashSet::default();
    let mut indicators: FxHashSet<IndicatorKey> = FxHashSet::default();
    let mut exclusions: FxHashSet<IndicatorKey> = FxHashSet::default();
    if let Some(logic) = draft {
        logic.for_each_leaf(|leaf, polarity| match polarity {
            Polarity::Indicator => {
                let key = key(leaf, atlas.fields());
                fields.insert(key.field.to_string());
                indicators.insert(key);
            }
            Polarity::Exclusion => {
                exclusions.insert(key(leaf, atlas.fields()));
            }
            Polarity::Other => {}
        });
    }
    let totals = [full.fields.len(), full.indicators.len(), full.exclusions.len()];
    let mark = |rows_of: Vec<ValueRow>, used: &FxHashSet<IndicatorKey>| -> Vec<Used<ValueRow>> {
        rows_of.into_iter().take(rows).map(|row| Used { used: used.contains(&row.key), row }).collect()
    };
    GuideCheck {
        technique,
        rules: full.rules,
        fields: full.fields.into_iter().take(rows).map(|row| Used { used: fields.contains(&row.field), row }).collect(),
        indicators: mark(full.indicators, &indicators),
        exclusions: mark(full.exclusions, &exclusions),
        totals,
    }
}

/// The techniques a draft can be compared with: those it tags (resolved),
/// then every other technique some rule is tagged with, in id order.
pub fn comparable_techniques(atlas: &Atlas, tagged: &[String]) -> Vec<String> {
    let mut out = draft_techniques(atlas, tagged);
    let mut others: Vec<String> = atlas
        .catalog()
        .attack
        .techniques
        .iter()
        .map(|t| normalize_technique_id(&t.id))
        .filter(|id| !atlas.rules_under(id).is_empty() && !out.contains(id))
        .collect();
    order::sort_dedup(&mut others);
    out.extend(others);
    out
}

#[cfg(test)]
mod tests {
    use super::super::fixture::{atlas, catalog};
    use super::*;
    use crate::predicate::{Leaf, Op};

    fn leaf(field: &str, op: Op, value: &str) -> Expr {
        Expr::Leaf(Leaf::new(Some(field), op, Some(value.into()), false))
    }

    /// process.executable `*\mshta.exe` and process.command_line `*http*`,
    /// not process.parent.executable `*\explorer.exe`.
    fn draft() -> Expr {
        Expr::and(vec![
            leaf("process.executable", Op::Wildcard, r"*\mshta.exe"),
            leaf("process.command_line", Op::Wildcard, "*http*"),
            Expr::negate(leaf("process.parent.executable", Op::Wildcard, r"*\explorer.exe")),
        ])
    }

    fn shown(keys: &[DraftKey]) -> Vec<(String, u32, bool)> {
        keys.iter().map(|k| (k.key.to_string(), k.reach, k.common)).collect()
    }

    #[test]
    fn common_means_two_percent_and_ten_rules() {
        assert_eq!(common_threshold(0), 10);
        assert_eq!(common_threshold(8), 10);
        assert_eq!(common_threshold(500), 10);
        assert_eq!(common_threshold(508), 11);
        assert_eq!(common_threshold(6_795), 136);
    }

    #[test]
    fn a_drafts_triples_with_their_reach() {
        let atlas = atlas();
        // r1, r2, r3, r7 look for mshta.exe; r1, r3, r4, r8 for http on the command line.
        assert_eq!(
            shown(&draft_keys(&atlas, &draft(), Polarity::Indicator)),
            [
                ("process.name eq mshta.exe".to_owned(), 4, false),
                ("process.command_line wildcard *http*".to_owned(), 4, false)
            ]
        );
        // r1 to r4 exclude explorer.exe as the parent.
        assert_eq!(
            shown(&draft_keys(&atlas, &draft(), Polarity::Exclusion)),
            [("process.parent.name eq explorer.exe".to_owned(), 4, false)]
        );
    }

    #[test]
    fn a_triple_is_common_from_the_threshold_on() {
        // 500 copies of r2 (mshta.exe from Word): in 508 rules the threshold
        // is 11, so mshta.exe (504 rules) is common and http (4) is not.
        let mut catalog = catalog();
        let copy = catalog.rules[1].clone();
        catalog.rules.extend((0..500).map(|i| crate::Rule { id: format!("copy{i}"), ..copy.clone() }));
        let atlas = Atlas::new(catalog);
        assert_eq!(
            shown(&draft_keys(&atlas, &draft(), Polarity::Indicator)),
            [
                ("process.name eq mshta.exe".to_owned(), 504, true),
                ("process.command_line wildcard *http*".to_owned(), 4, false)
            ]
        );
    }

    #[test]
    fn tagged_techniques_are_resolved() {
        let mut catalog = catalog();
        catalog.attack.revoked.push(("T1064".into(), "T1059".into()));
        let atlas = Atlas::new(catalog);
        let tagged = ["t1204".to_owned(), "T1064".to_owned(), "T1059".to_owned()];
        assert_eq!(draft_techniques(&atlas, &tagged), ["T1204", "T1059"]);
        let all = comparable_techniques(&atlas, &tagged);
        // Tagged first, then every technique with rules under it, by id.
        assert_eq!(all, ["T1204", "T1059", "T1059.001", "T1204.002", "T1218", "T1218.005"]);
    }

    #[test]
    fn the_guide_rows_the_draft_uses() {
        let atlas = atlas();
        let check = guide_check(&atlas, "t1204", Some(&draft()), 3);
        assert_eq!((check.technique.as_str(), check.rules, check.totals), ("T1204", 4, [4, 6, 2]));
        let fields: Vec<_> = check.fields.iter().map(|u| (u.row.field.as_str(), u.used)).collect();
        assert_eq!(fields, [("process.name", true), ("process.command_line", true), ("process.parent.name", false)]);
        let values: Vec<_> = check.indicators.iter().map(|u| (u.row.key.to_string(), u.used)).collect();
        assert_eq!(
            values,
            [
                ("process.name eq mshta.exe".to_owned(), true),
                ("process.command_line wildcard *http*".to_owned(), true),
                ("process.parent.name eq winword.exe".to_owned(), false)
            ]
        );
        let excluded: Vec<_> = check.exclusions.iter().map(|u| (u.row.key.to_string(), u.used)).collect();
        assert_eq!(
            excluded,
            [
                ("process.parent.name eq explorer.exe".to_owned(), true),
                (r"process.command_line wildcard *\teams\\*".to_owned(), false)
            ]
        );
        let nothing = guide_check(&atlas, "T1204", None, 10);
        assert!(nothing.fields.iter().chain(nothing.fields.iter()).all(|u| !u.used));
        assert_eq!(nothing.indicators.len(), 6);
    }
}
