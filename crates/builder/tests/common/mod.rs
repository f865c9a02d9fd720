//! Helpers shared by the builder's integration tests.
#![allow(dead_code)]

use std::path::PathBuf;

/// The shared corpus: `RULE_ATLAS_CORPUS`, else `../shared/corpus` beside the
/// workspace (where CI and this machine keep it).
pub fn corpus_dir() -> PathBuf {
    match std::env::var_os("RULE_ATLAS_CORPUS") {
        Some(dir) => PathBuf::from(dir),
        None => PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus"),
    }
}

/// The builder's own test fixtures.
pub fn fixtures_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

use atlas_catalog::Expr;

/// A compact, unambiguous rendering of a predicate tree for assertions:
/// `(and (eq Image|process.executable "x") (not (exists User|user.name)))`.
/// Each leaf shows its source field, and after `|` the canonical field when it
/// differs; `~` after the operator marks a case-sensitive test.
pub fn sexpr(expr: &Expr) -> String {
    match expr {
        Expr::And(operands) => format!("(and {})", operands.iter().map(sexpr).collect::<Vec<_>>().join(" ")),
        Expr::Or(operands) => format!("(or {})", operands.iter().map(sexpr).collect::<Vec<_>>().join(" ")),
        Expr::Not(inner) => format!("(not {})", sexpr(inner)),
        Expr::Leaf(leaf) => {
            let source = leaf.source_field.as_deref().unwrap_or("*");
            let field = match (&leaf.field, &leaf.source_field) {
                (Some(f), Some(s)) if f != s => format!("{source}|{f}"),
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
