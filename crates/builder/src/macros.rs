//! Loading Splunk search macros from disk, for the Splunk front end (which
//! takes them as data): a clone's macros/ folder, or the macro definitions
//! kept beside the detections in any other folder.

use std::collections::BTreeMap;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use atlas_catalog::macros::{MacroDefinition, MacroFile};
use atlas_frontend::splunk::{self, MacroDef, MacroTable};

use crate::sources;

/// The macros of a source folder, and the macro files that could not be read.
#[derive(Debug, Default)]
pub struct Macros {
    pub table: MacroTable,
    /// The definitions read, in reading order (the table keeps the last of
    /// a repeated call key).
    pub defs: Vec<MacroDef>,
    /// One line per unreadable macro file (each skipped).
    pub warnings: Vec<String>,
}

impl Macros {
    /// `macros.json`: the definitions the table holds, by call key.
    pub fn file(&self) -> MacroFile {
        let mut by_key: BTreeMap<String, &MacroDef> = BTreeMap::new();
        for def in &self.defs {
            by_key.insert(def.key(), def);
        }
        let macros = by_key
            .into_values()
            .map(|def| MacroDefinition {
                name: def.name.clone(),
                arguments: def.arguments.clone(),
                definition: def.definition.clone(),
            })
            .collect();
        MacroFile::new(macros)
    }
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
    Macros { table: MacroTable::new(defs.clone()), defs, warnings }
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

#[cfg(test)]
mod tests {
    use super::*;

    fn def(name: &str, arguments: &[&str], definition: &str) -> MacroDef {
        MacroDef {
            name: name.into(),
            arguments: arguments.iter().map(|a| (*a).to_owned()).collect(),
            definition: definition.into(),
        }
    }

    #[test]
    fn the_file_holds_what_the_table_holds_by_call_key() {
        let defs = vec![
            def("sysmon", &[], "first"),
            def("ctime", &["field"], "convert ctime($field$)"),
            def("sysmon", &[], "second"),
        ];
        let macros = Macros { table: MacroTable::new(defs.clone()), defs, warnings: vec![] };
        let file = macros.file();
        let listed: Vec<(&str, usize, &str)> =
            file.macros.iter().map(|m| (m.name.as_str(), m.arguments.len(), m.definition.as_str())).collect();
        // `ctime(1)` sorts before `sysmon`; the later `sysmon` wins, as in the table.
        assert_eq!(listed, [("ctime", 1, "convert ctime($field$)"), ("sysmon", 0, "second")]);
        assert_eq!(macros.table.get("sysmon").map(|d| d.definition.as_str()), Some("second"));
        assert_eq!(
            serde_json::to_string(&file).unwrap().get(..40),
            Some(r#"{"format":"rule-atlas-macros","version":"#)
        );
    }
}
