//! Rule Atlas catalog: the types the builder writes and the app reads, the one
//! predicate model every vendor's rules are turned into, the canonical field
//! table, and the aggregations the app runs. Pure: no I/O, builds for wasm32
//! and native alike.

pub mod aggregate;
pub mod check;
pub mod export;
pub mod expr_json;
pub mod fields;
pub mod highlight;
pub mod index;
pub mod indicator;
pub mod macros;
pub mod model;
pub mod number;
mod object;
pub mod pattern_text;
pub mod predicate;
pub mod wildcard;

pub use fields::{FieldDef, FieldTable};
pub use indicator::IndicatorKey;
pub use model::{
    Attack, Catalog, DataComponent, Event, ParseStatus, Rule, RuleAbout, RuleDetail, Source, Tactic, Technique, Vendor,
};
pub use predicate::{Expr, Leaf, Op, Polarity};
