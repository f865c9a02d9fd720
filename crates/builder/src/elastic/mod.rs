//! Elastic detection-rules front end (TOML metadata; KQL, EQL and ES|QL queries).

use std::path::{Path, PathBuf};

use atlas_catalog::FieldTable;

use crate::frontend::FileOutcome;

/// The active rule files of a clone of elastic/detection-rules.
pub fn rule_files(_root: &Path) -> Vec<PathBuf> {
    Vec::new()
}

/// Reads one rule file (`rel_path` is its path inside the repository).
pub fn parse_file(_rel_path: &str, _text: &str, _fields: &FieldTable) -> FileOutcome {
    FileOutcome::skipped("the Elastic front end is not written yet")
}
