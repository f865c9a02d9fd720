//! The aggregations the app runs over a loaded catalog: the coverage matrix,
//! a technique's rules grouped by vendor, the authoring guide, search, the
//! rules behind a guide row, the event catalog's views, and a draft rule
//! held against the catalog (its triples' reach, the guide rows it uses, the
//! rules most like it).
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
mod draft;
mod events;
mod guide;
mod lookup;
pub mod order;
mod ports;
mod search;
mod similar;
mod technique;
mod values;
mod vendors;

#[cfg(test)]
pub(crate) mod fixture;

pub use atlas::{Atlas, normalize_technique_id};
pub use coverage::{
    Cell, CellOrder, Column, Coverage, CoverageFilter, Gap, SubCell, coverage, platforms, shade, shade_legend,
};
pub use description::{Block, Span, description_blocks};
pub use draft::{
    COMMON_MIN_RULES, COMMON_PERCENT, DraftKey, GuideCheck, Used, common_threshold, comparable_techniques, draft_keys,
    draft_techniques, guide_check,
};
pub use events::{
    ComponentRef, EventCount, EventView, TechniqueCount, event_choices, event_view, events_covered, names_code,
};
pub use guide::{FieldRow, Guide, OpCount, ValueRow, fields_filtered, guide};
pub use lookup::{KeyReach, RowQuery, expr_keys, row_scope, rule_keys, rules_for_row};
pub use ports::{PORT_JACCARD, PORT_MIN_SHARED, SimilarRule, similar_rules};
pub use search::{SearchHits, SearchIndex};
pub use similar::{Similar, similar};
pub use technique::{LogSourceCount, RuleRef, TechniqueView, VendorGroup, log_sources, technique_view};
pub use values::{Rank, ValueHit, ValueHits, ValueIndex};
pub use vendors::{VendorCounts, VendorSet};
