//! Loading Splunk search macros from disk, for the Splunk front end (which
//! takes them as data): a clone's macros/ folder, or the macro definitions
//! kept beside the detections in any other folder.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use atlas_frontend::splunk::{self, MacroTable};

use crate::sources;

/// The macros of a source folder, and the macro files that could not be read.
#[derive(Debug, Default)]
pub struct Macros {
    pub table: MacroTable,
    /// One line per unreadable macro file (each skipped).
    pub warnings: Vec<String>,
}

/// The macros of a source folder: its macros/ folder when it has one (a
/// clone of splunk/security_content), else the macro definitions among
/// `files` (a folder of detections with their macros beside them). Only an
/// unreadable macros/ folder is an error.
pub fn load(root: &Path, files: &[PathBuf]) -> io::Result<Macros> {
    let dir = root.join("macros");
    if dir.is_dir() {
        let mut paths: Vec<PathBuf> = fs::read_dir(&dir)
            .map_err(|e| io::Error::new(e.kind(), format!("cannot read the macros folder `{}`: {e}", dir.display())))?
            .filter_map(Result::ok)
            .map(|entry| entry.path())
            .filter(|path| path.extension().is_some_and(|e| e == "yml" || e == "yaml"))
            .collect();
        paths.sort();
        return Ok(read(&paths, false));
    }
    Ok(read(files, true))
}

/// Reads macro files; with `only_macros`, files that are detections are
/// passed over.
fn read(paths: &[PathBuf], only_macros: bool) -> Macros {
    let mut defs = Vec::new();
    let mut warnings = Vec::new();
    for path in paths {
        let text = match sources::read_text(path) {
            Ok(text) => text,
            Err(error) => {
                warnings.push(format!("{}: {error}", path.display()));
                continue;
            }
        };
        if only_macros && !splunk::is_macro_file(&text) {
            continue;
        }
        match splunk::macros::parse_macro(&text) {
            Ok(def) => defs.push(def),
            Err(message) => warnings.push(format!("{}: {message}", path.display())),
        }
    }
    Macros { table: MacroTable::new(defs), warnings }
}

/// The macros a single detection file sees (for `explain`): those of the
/// nearest folder above it that has a macros/ folder, if any.
pub fn for_file(file: &Path) -> MacroTable {
    file.ancestors()
        .skip(1)
        .find(|dir| dir.join("macros").is_dir())
        .and_then(|root| load(root, &[]).ok())
        .map(|macros| macros.table)
        .unwrap_or_default()
}
