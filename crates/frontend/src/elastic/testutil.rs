//! Helpers for the Elastic front end's unit tests. Expected trees are the
//! one-line `Display` of the predicate tree (`atlas_catalog::Expr`):
//! `(and (eq~ a "1") (not (exists b)))`.

use atlas_catalog::FieldTable;

/// An empty field table: every field resolves to itself.
pub fn no_fields() -> FieldTable {
    FieldTable::default()
}
