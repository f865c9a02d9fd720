//! `macros.json`: the Splunk search macros a build read (name, arguments,
//! definition), written beside `catalog.json` so that the app's checker
//! expands the macros of a pasted search exactly as the build expanded the
//! detections' (docs/catalog-format.md).

use serde::{Deserialize, Serialize};

/// The `format` tag of `macros.json`.
pub const MACROS_FORMAT: &str = "rule-atlas-macros";
/// Bumped on any change a reader must know about.
pub const MACROS_VERSION: u32 = 1;

/// The whole file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MacroFile {
    pub format: String,
    pub version: u32,
    /// Sorted by call key (`name`, or `name(n)` with n arguments), each key once.
    pub macros: Vec<MacroDefinition>,
}

/// One macro, as its `macros/<name>.yml` defines it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MacroDefinition {
    pub name: String,
    /// Argument names, substituted where the definition writes `$name$`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub arguments: Vec<String>,
    pub definition: String,
}

impl MacroFile {
    pub fn new(macros: Vec<MacroDefinition>) -> MacroFile {
        MacroFile { format: MACROS_FORMAT.into(), version: MACROS_VERSION, macros }
    }
}
