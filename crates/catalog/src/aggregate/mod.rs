//! The aggregations the app runs over a loaded catalog: the coverage matrix,
//! a technique's rules grouped by vendor, the authoring guide, search, and the
//! rules behind a guide row.
//!
//! Everything here is a pure function over an [`Atlas`], the catalog plus the
//! indexes built once when it is loaded, so each view is computed in
//! milliseconds and is unit-tested natively. Results hold rule positions and
//! small owned strings rather than borrows, so the app can keep them in
//! reactive memos. Nothing here branches on the vendor: vendors are only
//! counted and grouped.

mod atlas;
mod coverage;
mod description;
mod guide;
mod lookup;
pub mod order;
mod search;
mod technique;

#[cfg(test)]
mod fixture;

pub use atlas::{Atlas, normalize_technique_id};
pub use coverage::{
    Cell, CellOrder, Column, Coverage, CoverageFilter, SubCell, VendorCounts, VendorSet, coverage, platforms, shade,
};
pub use description::{Block, Span, description_blocks};
pub use guide::{FieldRow, Guide, OpCount, ValueRow, guide};
pub use lookup::{KeyReach, RowQuery, rule_keys, rules_for_row};
pub use search::{SearchHits, SearchIndex};
pub use technique::{
    EventCount, LogSourceCount, RuleRef, TechniqueView, VendorGroup, events_covered, log_sources, technique_view,
};
