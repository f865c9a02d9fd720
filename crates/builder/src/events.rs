//! The event catalog: which log events each rule reads (issue 6; being written).

use atlas_catalog::{Attack, Event};

use crate::frontend::ParsedRule;
use crate::report::BuildReport;

/// Sets `events` on every rule and returns the catalog's event list.
pub fn assign(_rules: &mut [ParsedRule], _attack: &Attack, _report: &mut BuildReport) -> Vec<Event> {
    Vec::new()
}
