//! Rule Atlas builder: reads the Sigma, Elastic and Splunk rule repositories
//! and an ATT&CK STIX bundle, turns every rule's logic into the shared
//! predicate model, and writes the versioned JSON catalog.
//!
//! One module per rule-language front end (`sigma`, `elastic`, `splunk`), each
//! turning text into the model of `atlas_catalog`; `attack` loads ATT&CK;
//! `build` runs them over whole repositories; `explain` over single files.

pub mod attack;
pub mod build;
pub mod diagnostic;
pub mod elastic;
pub mod events;
pub mod explain;
pub mod fieldtable;
pub mod frontend;
pub mod limits;
pub mod report;
pub mod sigma;
pub mod sources;
pub mod splunk;
pub mod yaml;
