//! Helpers for the Elastic front end's unit tests: a compact rendering of
//! predicate trees that is easy to check by hand.

use atlas_catalog::{Expr, FieldTable};

/// `(and (eq~ a "1") (not (exists b)))`: each leaf is its operator (`~` when
/// case-sensitive), its source field (`*` for none; `src|canonical` when the
/// field table renames it) and its value.
pub fn sexpr(expr: &Expr) -> String {
    let list = |ops: &[Expr]| ops.iter().map(sexpr).collect::<Vec<_>>().join(" ");
    match expr {
        Expr::And(ops) => format!("(and {})", list(ops)),
        Expr::Or(ops) => format!("(or {})", list(ops)),
        Expr::Not(inner) => format!("(not {})", sexpr(inner)),
        Expr::Leaf(leaf) => {
            let source = leaf.source_field.as_deref().unwrap_or("*");
            let field = match &leaf.field {
                Some(f) if &**f != source => format!("{source}|{f}"),
                _ => source.to_owned(),
            };
            let cased = if leaf.case_sensitive { "~" } else { "" };
            match &leaf.value {
                Some(value) => format!("({}{cased} {field} \"{value}\")", leaf.op),
                None => format!("({}{cased} {field})", leaf.op),
            }
        }
    }
}

/// An empty field table: every field resolves to itself.
pub fn no_fields() -> FieldTable {
    FieldTable::default()
}
