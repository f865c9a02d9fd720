//! Splunk security_content front end: detection YAML (metadata and a `search`
//! in SPL), with the repository's search macros expanded before the query
//! is read into the shared predicate model.
//!
//! The parts, in the order a detection goes through them:
//! [`metadata`] (YAML into a [`Rule`](atlas_catalog::Rule)), [`text`]
//! (comments, pipeline stages), [`macros`] (expansion), [`search`] and
//! [`eval`] (the two expression languages), [`env`] (where each field of the
//! pipeline comes from), [`search_logic`] / [`where_logic`] (into predicates),
//! [`commands`] (arguments of field-shaping commands) and [`pipeline`]
//! (the walk over the commands).

pub mod commands;
pub mod env;
pub mod eval;
pub mod macros;
pub mod metadata;
pub mod pipeline;
pub mod search;
pub mod search_logic;
pub mod text;
pub mod where_logic;

use std::io;
use std::path::{Path, PathBuf};

use atlas_catalog::{FieldTable, ParseStatus, RuleDetail, Vendor};

use crate::diagnostic::{Diagnostic, Severity};
use crate::frontend::{FileOutcome, LeafMaker, ParsedRule, downgrade};
use macros::MacroTable;
use metadata::Detection;

/// What a detection needs from the rest of the repository: its macros.
#[derive(Debug, Default)]
pub struct SplunkRepo {
    macros: MacroTable,
    /// Macro files that could not be read (each skipped).
    warnings: Vec<String>,
}

impl SplunkRepo {
    /// Loads macros/ from a clone of splunk/security_content. Only an
    /// unreadable macros/ folder is an error; a malformed macro file is
    /// skipped and listed in [`SplunkRepo::warnings`].
    pub fn load(root: &Path) -> Result<SplunkRepo, io::Error> {
        let dir = root.join("macros");
        let (macros, warnings) = MacroTable::load_dir(&dir)
            .map_err(|e| io::Error::new(e.kind(), format!("cannot read the macros folder `{}`: {e}", dir.display())))?;
        Ok(SplunkRepo { macros, warnings })
    }

    /// The macros of a source folder: its macros/ folder when it has one (a
    /// clone of the repository), else the macro definitions among `files`
    /// (a folder of detections with their macros beside them).
    pub fn load_any(root: &Path, files: &[PathBuf]) -> Result<SplunkRepo, io::Error> {
        if root.join("macros").is_dir() {
            return Self::load(root);
        }
        let mut defs = Vec::new();
        let mut warnings = Vec::new();
        for path in files {
            let Ok(text) = crate::sources::read_text(path) else { continue };
            if !is_macro_file(&text) {
                continue;
            }
            match macros::parse_macro(&text) {
                Ok(def) => defs.push(def),
                Err(message) => warnings.push(format!("{}: {message}", path.display())),
            }
        }
        Ok(SplunkRepo { macros: MacroTable::new(defs), warnings })
    }

    /// A repository with the given macros (tests, `explain` without a clone).
    pub fn with_macros(macros: MacroTable) -> Self {
        SplunkRepo { macros, warnings: Vec::new() }
    }

    pub fn macros(&self) -> &MacroTable {
        &self.macros
    }

    pub fn warnings(&self) -> &[String] {
        &self.warnings
    }
}

/// A macro definition (`definition:` and no `search:` at the top level)
/// rather than a detection.
pub fn is_macro_file(text: &str) -> bool {
    let top_level = |key: &str| text.lines().any(|line| line.starts_with(key));
    top_level("definition:") && !top_level("search:")
}

/// Walks up from a detection file to the repository root (the folder with macros/).
pub fn find_repo_root(file: &Path) -> Option<PathBuf> {
    file.ancestors().skip(1).find(|dir| dir.join("macros").is_dir()).map(Path::to_path_buf)
}

/// Reads one detection file (`rel_path` is its path inside the repository).
pub fn parse_file(rel_path: &str, text: &str, fields: &FieldTable, repo: &SplunkRepo) -> FileOutcome {
    let detection = match crate::yaml::parse_documents(text) {
        Ok(documents) => documents.first().map(Detection::from_yaml).unwrap_or_default(),
        Err(error) => return FileOutcome::failed(yaml_error(rel_path, &error)),
    };
    if is_macro_file(text) {
        return FileOutcome::skipped("search macro (read with the macros)");
    }
    if !detection.is_detection() {
        return FileOutcome::skipped("not a Splunk detection (no `name`, `id` or `search`)");
    }
    if detection.is_deprecated() {
        return FileOutcome::skipped("deprecated detection (status: deprecated)");
    }
    let mut rule = detection.to_rule(rel_path);
    let mut diagnostics = Vec::new();
    match detection.search() {
        None => downgrade(&mut rule, ParseStatus::NoQuery, "the detection has no search"),
        Some(spl) => {
            let analysis = pipeline::analyze(spl, &repo.macros, LeafMaker::new(fields, Vendor::Splunk));
            rule.logic = analysis.logic;
            rule.log_source = metadata::dedup(analysis.log_source.into_iter().chain(rule.log_source));
            rule.attributes.extend(analysis.attributes);
            for problem in analysis.problems {
                downgrade(&mut rule, ParseStatus::Partial, &problem.message);
                let line = crate::diagnostic::line_of(text, "search:");
                diagnostics.push(
                    Diagnostic::new(Vendor::Splunk, rel_path, Severity::Warning, problem.category, problem.message)
                        .at_line(line)
                        .for_rule(&rule.id),
                );
            }
        }
    }
    let sections = detection.how_to_implement().map(|h| ("How to implement".to_owned(), h)).into_iter().collect();
    let detail = RuleDetail { text: text.to_owned(), sections, ..Default::default() };
    FileOutcome { rules: vec![ParsedRule { rule, detail, line: Some(1) }], diagnostics, skipped: None }
}

/// An unreadable detection: file, line and the parser's message.
fn yaml_error(rel_path: &str, error: &crate::yaml::YamlError) -> Diagnostic {
    Diagnostic::new(Vendor::Splunk, rel_path, Severity::Error, "invalid YAML", format!("not valid YAML: {error}"))
        .at_line(Some(error.line))
}
