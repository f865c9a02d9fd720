//! Splunk security_content front end (detection YAML, SPL with macros).

use std::path::{Path, PathBuf};

use atlas_catalog::FieldTable;

use crate::frontend::FileOutcome;

/// What a detection needs from the rest of the repository (macros, data sources).
#[derive(Debug, Default)]
pub struct SplunkRepo {}

impl SplunkRepo {
    /// Loads macros/ and data_sources/ from a clone of splunk/security_content.
    pub fn load(_root: &Path) -> Result<SplunkRepo, std::io::Error> {
        Ok(SplunkRepo {})
    }
}

/// The active detection files of a clone of splunk/security_content.
pub fn detection_files(_root: &Path) -> Vec<PathBuf> {
    Vec::new()
}

/// Reads one detection file (`rel_path` is its path inside the repository).
pub fn parse_file(_rel_path: &str, _text: &str, _fields: &FieldTable, _repo: &SplunkRepo) -> FileOutcome {
    FileOutcome::skipped("the Splunk front end is not written yet")
}

/// Walks up from a detection file to the repository root (the folder with macros/).
pub fn find_repo_root(file: &Path) -> Option<PathBuf> {
    file.ancestors().skip(1).find(|dir| dir.join("macros").is_dir()).map(Path::to_path_buf)
}
