//! Pieces shared by the pages: loading and error states, sortable tables,
//! vendor badges, the predicate tree, ATT&CK text, guide tables, rule tables,
//! tables of rules per vendor, search and the event filter.

pub mod count_table;
pub mod description;
pub mod event_filter;
pub mod export;
pub mod guide_tables;
pub mod highlight;
pub mod pattern;
pub mod predicate;
pub mod rule_table;
pub mod search;
pub mod similar;
pub mod status;
pub mod table;
pub mod vendor;
