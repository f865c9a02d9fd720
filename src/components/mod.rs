//! Pieces shared by the pages: loading and error states, sortable tables,
//! vendor badges, the predicate tree, ATT&CK text, guide tables, rule tables
//! and search.

pub mod description;
pub mod guide_tables;
pub mod predicate;
pub mod rule_table;
pub mod search;
pub mod status;
pub mod table;
pub mod vendor;
