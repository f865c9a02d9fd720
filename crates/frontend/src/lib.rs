//! Rule Atlas front ends: the text of one rule file in, its rules (as the
//! catalog's predicate model) and diagnostics out.
//!
//! Pure: no file system, threads, clock or environment, so the same code runs
//! in the builder and in the browser (it builds for wasm32). What a front end
//! needs besides the file's text comes as data in a [`Context`]: the field
//! table, and for Splunk the repository's search macros. The builder is the
//! I/O shell around it: finding and reading files, parallelism, ATT&CK, the
//! event catalog, writing.
//!
//! One module per vendor (`sigma`, `elastic`, `splunk`), each behind the
//! [`FrontEnd`] trait; [`front_end`] is the one table of vendors.

pub mod diagnostic;
pub mod elastic;
pub mod fieldtable;
/// The bodies of the fuzz targets in `fuzz/` (docs/fuzzing.md).
#[doc(hidden)]
pub mod fuzzing;
pub mod leaf;
pub mod limits;
pub mod outcome;
pub mod pattern;
pub mod problem;
pub mod query;
pub mod sigma;
pub mod splunk;
pub mod syntax;
pub mod yaml;

use atlas_catalog::{FieldTable, Vendor};

use crate::outcome::FileOutcome;
use crate::splunk::MacroTable;

/// What a front end parses a file with, besides its text.
#[derive(Clone, Copy)]
pub struct Context<'a> {
    pub fields: &'a FieldTable,
    /// Splunk's search macros (empty for the other vendors, and for Splunk
    /// detections read without their repository).
    pub macros: &'a MacroTable,
}

/// A vendor's public rule repository: where links point and where its rules
/// live in a clone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Repository {
    pub url: &'static str,
    /// The branch rule links point into.
    pub branch: &'static str,
    /// Folders under the clone's root that hold rules to show.
    pub rule_folders: &'static [&'static str],
    /// Folders under the root, inside the rule folders, that do not.
    pub excluded: &'static [&'static str],
    /// Extensions of rule files.
    pub extensions: &'static [&'static str],
}

impl Repository {
    /// Link to a file of the repository, by its path inside it.
    pub fn file_url(&self, rel_path: &str) -> String {
        atlas_catalog::model::blob_url(self.url, self.branch, rel_path)
    }
}

/// One rule language family: a vendor's repository and its rule files.
pub trait FrontEnd: Sync {
    fn vendor(&self) -> Vendor;

    fn repository(&self) -> &'static Repository;

    /// Whether a file (its extension, without the dot, and its text) looks
    /// like one of this vendor's rule files, for files of unknown origin.
    fn recognizes(&self, extension: &str, text: &str) -> bool;

    /// Reads one file; `path` is how diagnostics and rule links name it (the
    /// path inside its repository). The outcome is settled (see
    /// [`outcome::settle`]).
    fn parse(&self, path: &str, text: &str, context: &Context) -> FileOutcome;
}

/// The front end of a vendor.
pub fn front_end(vendor: Vendor) -> &'static dyn FrontEnd {
    match vendor {
        Vendor::Sigma => &sigma::Sigma,
        Vendor::Elastic => &elastic::Elastic,
        Vendor::Splunk => &splunk::Splunk,
    }
}

/// The repository of a vendor.
pub fn repository(vendor: Vendor) -> &'static Repository {
    front_end(vendor).repository()
}

/// Which vendor's rule file this is, for a file given without saying
/// (`rule-atlas explain`, a rule pasted into the checker).
pub fn recognize(extension: &str, text: &str) -> Option<Vendor> {
    Vendor::ALL.into_iter().find(|&vendor| front_end(vendor).recognizes(extension, text))
}

/// Whether `key:` starts a line of `text` (a top-level YAML key, found
/// without parsing).
fn has_top_level_key(text: &str, key: &str) -> bool {
    text.lines().any(|line| line.strip_prefix(key).is_some_and(|rest| rest.starts_with(':')))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_are_recognized_by_extension_and_top_level_keys() {
        assert_eq!(recognize("toml", "[rule]\nname = \"x\""), Some(Vendor::Elastic));
        assert_eq!(recognize("yml", "title: x\nlogsource:\n  product: windows\n"), Some(Vendor::Sigma));
        assert_eq!(recognize("yaml", "title: x\ndetection:\n  sel: {a: b}\n"), Some(Vendor::Sigma));
        assert_eq!(recognize("yml", "name: x\nsearch: '| tstats count'\n"), Some(Vendor::Splunk));
        assert_eq!(recognize("yml", "owner: someone\n"), None);
        assert_eq!(recognize("md", "detection: x\n"), None);
    }

    #[test]
    fn one_place_for_repository_links() {
        assert_eq!(
            repository(Vendor::Sigma).file_url("rules/a.yml"),
            "https://github.com/SigmaHQ/sigma/blob/master/rules/a.yml"
        );
        assert_eq!(
            repository(Vendor::Elastic).file_url("rules/a.toml"),
            "https://github.com/elastic/detection-rules/blob/main/rules/a.toml"
        );
        assert_eq!(
            repository(Vendor::Splunk).file_url("detections/a.yml"),
            "https://github.com/splunk/security_content/blob/develop/detections/a.yml"
        );
    }
}
