//! One module per route.

mod coverage;
mod event;
mod guide;
mod not_found;
mod rule;
mod rules;
mod technique;

pub use coverage::CoveragePage;
pub use event::EventPage;
pub use guide::GuidePage;
pub use not_found::{NotFound, Unknown};
pub use rule::RulePage;
pub use rules::RulesPage;
pub use technique::TechniquePage;
