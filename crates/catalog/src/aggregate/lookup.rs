//! The rules behind a guide row (a field, or a triple under a technique, over
//! an event's readers or in the whole catalog) and the triples of one rule
//! with their corpus reach.

use crate::indicator::{IndicatorKey, key};
use crate::predicate::{Expr, Polarity};

use super::Atlas;
use super::atlas::to_u32;

/// What a guide row stands for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RowQuery {
    /// Rules looking at a canonical field (in an indicator test).
    Field(String),
    /// Rules using a triple as an indicator or as an exclusion.
    Key { key: IndicatorKey, polarity: Polarity },
}

/// The rules, ascending, that match the row; `scope` (ascending positions,
/// such as the rules under a technique) narrows them, `None` means the whole
/// catalog.
pub fn rules_for_row(atlas: &Atlas, scope: Option<&[u32]>, query: &RowQuery) -> Vec<u32> {
    match query {
        RowQuery::Key { key, polarity } => {
            let all = atlas.index_of(*polarity).rules(key);
            match scope {
                None => all.to_vec(),
                Some(scope) => all.iter().copied().filter(|p| scope.binary_search(p).is_ok()).collect(),
            }
        }
        RowQuery::Field(field) => {
            let every: Vec<u32>;
            let scope = match scope {
                Some(scope) => scope,
                None => {
                    every = (0..to_u32(atlas.rules().len())).collect();
                    &every
                }
            };
            scope.iter().copied().filter(|&p| looks_at(atlas, p, field)).collect()
        }
    }
}

/// The rules a row is scoped to, ascending: those under a technique, those
/// reading an event (or one of its per-call events), both, or `None` for the
/// whole catalog. An event the catalog does not know scopes to no rule.
pub fn row_scope(atlas: &Atlas, technique: Option<&str>, event: Option<&str>) -> Option<Vec<u32>> {
    let under = technique.map(|t| atlas.rules_under(t));
    let Some(event) = event else { return under };
    let reading = atlas.event_position(event).map(|e| atlas.rules_reading(e)).unwrap_or_default();
    Some(match under {
        Some(under) => reading.into_iter().filter(|r| under.binary_search(r).is_ok()).collect(),
        None => reading,
    })
}

fn looks_at(atlas: &Atlas, position: u32, field: &str) -> bool {
    let Some(logic) = atlas.rule(position).and_then(|r| r.logic.as_ref()) else { return false };
    let mut found = false;
    logic.for_each_leaf(|leaf, polarity| {
        if !found && polarity == Polarity::Indicator && &*key(leaf, atlas.fields()).field == field {
            found = true;
        }
    });
    found
}

/// A triple of a rule and the number of rules in the catalog using it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyReach {
    pub key: IndicatorKey,
    pub reach: u32,
}

/// A rule's distinct indicator (or exclusion) triples, in the order the rule
/// first uses them.
pub fn rule_keys(atlas: &Atlas, position: u32, polarity: Polarity) -> Vec<KeyReach> {
    let Some(logic) = atlas.rule(position).and_then(|r| r.logic.as_ref()) else { return vec![] };
    expr_keys(atlas, logic, polarity)
}

/// The distinct indicator (or exclusion) triples of any tree (a rule's, a
/// draft's), in the order it first uses them, with their reach in the catalog.
pub fn expr_keys(atlas: &Atlas, logic: &Expr, polarity: Polarity) -> Vec<KeyReach> {
    let mut out: Vec<KeyReach> = Vec::new();
    logic.for_each_leaf(|leaf, p| {
        if p != polarity {
            return;
        }
        let key = key(leaf, atlas.fields());
        if !out.iter().any(|k| k.key == key) {
            let reach = to_u32(atlas.index_of(polarity).reach(&key));
            out.push(KeyReach { key, reach });
        }
    });
    out
}

#[cfg(test)]
mod tests {
    use super::super::fixture::atlas;
    use super::*;
    use crate::predicate::Op;

    fn k(field: &str, op: Op, value: &str) -> IndicatorKey {
        IndicatorKey { field: field.into(), op, value: value.into() }
    }

    #[test]
    fn a_triple_under_a_technique_and_in_the_catalog() {
        let atlas = atlas();
        let scope = atlas.rules_under("T1204");
        let query = RowQuery::Key { key: k("process.name", Op::Eq, "mshta.exe"), polarity: Polarity::Indicator };
        assert_eq!(rules_for_row(&atlas, Some(&scope), &query), [0, 1, 2]);
        // The corpus reach link: r7 too.
        assert_eq!(rules_for_row(&atlas, None, &query), [0, 1, 2, 6]);
        let exclusion =
            RowQuery::Key { key: k("process.parent.name", Op::Eq, "explorer.exe"), polarity: Polarity::Exclusion };
        assert_eq!(rules_for_row(&atlas, None, &exclusion), [0, 1, 2, 3]);
        // As an indicator, explorer.exe is a process name in r5 only.
        let indicator =
            RowQuery::Key { key: k("process.parent.name", Op::Eq, "explorer.exe"), polarity: Polarity::Indicator };
        assert!(rules_for_row(&atlas, None, &indicator).is_empty());
    }

    #[test]
    fn a_field_under_a_technique() {
        let atlas = atlas();
        let scope = atlas.rules_under("T1204");
        assert_eq!(rules_for_row(&atlas, Some(&scope), &RowQuery::Field("process.command_line".into())), [0, 2]);
        assert_eq!(rules_for_row(&atlas, None, &RowQuery::Field("process.command_line".into())), [0, 2, 3, 5, 7]);
    }

    #[test]
    fn rows_scoped_to_an_event() {
        let atlas = atlas();
        assert_eq!(row_scope(&atlas, None, None), None);
        assert_eq!(row_scope(&atlas, Some("T1204"), None), Some(vec![0, 1, 2, 4]));
        // Security 4688: r1, r3, r4; the Security log adds r8.
        assert_eq!(row_scope(&atlas, None, Some("win-security")), Some(vec![0, 2, 3, 7]));
        assert_eq!(row_scope(&atlas, Some("T1204"), Some("win-security-4688")), Some(vec![0, 2]));
        assert_eq!(row_scope(&atlas, None, Some("nope")), Some(vec![]));
        let scope = row_scope(&atlas, None, Some("sysmon-1")).expect("scoped");
        assert_eq!(rules_for_row(&atlas, Some(&scope), &RowQuery::Field("process.parent.name".into())), [0, 1]);
    }

    #[test]
    fn a_rules_triples_once_each() {
        let atlas = atlas();
        let keys: Vec<_> =
            rule_keys(&atlas, 1, Polarity::Indicator).into_iter().map(|k| (k.key.to_string(), k.reach)).collect();
        assert_eq!(
            keys,
            [("process.name eq mshta.exe".to_owned(), 4), ("process.parent.name eq winword.exe".to_owned(), 2)]
        );
        assert_eq!(rule_keys(&atlas, 1, Polarity::Exclusion)[0].reach, 4);
        assert!(rule_keys(&atlas, 4, Polarity::Exclusion).is_empty());
    }
}
