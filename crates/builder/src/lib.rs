//! Rule Atlas builder: the I/O shell around the front ends
//! (`atlas_frontend`). It finds and reads the rule files of the Sigma,
//! Elastic and Splunk repositories (or any folder of rules), parses them in
//! parallel, resolves ATT&CK, maps rules to the event catalog, and writes the
//! versioned JSON catalog with its build report.
//!
//! `sources` finds and reads files, `macros` loads Splunk's macros, `attack`
//! loads ATT&CK, `events` maps rules to log events, `build` runs a whole
//! build, `explain` reads single files, `report` is the build report.

pub mod attack;
pub mod build;
pub mod events;
pub mod explain;
pub mod macros;
pub mod report;
pub mod sources;
