//! The canonical field table: ECS-style canonical names and the names each
//! vendor writes for them. The data is `data/fields.toml` (documented in
//! docs/fields.md); this module only holds the types and the lookup.

use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};

use crate::model::Vendor;
use crate::object::deserialize_object;

/// The field table as written in `data/fields.toml`.
pub const FIELDS_TOML: &str = include_str!("../data/fields.toml");

/// The event catalog as written in `data/events.toml` (docs/events.md); the
/// builder reads it, the catalog carries the events rules use.
pub const EVENTS_TOML: &str = include_str!("../data/events.toml");

/// One canonical field and its aliases.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldDef {
    /// Canonical (ECS-style) name.
    pub name: String,
    #[serde(default)]
    pub description: String,
    /// Names in Sigma rules (Windows event / Sysmon names and taxonomy names).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sigma: Vec<String>,
    /// ECS or integration names in Elastic rules, besides the canonical name.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub elastic: Vec<String>,
    /// Splunk CIM names (after the data-model prefix is stripped) and raw names.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub splunk: Vec<String>,
    /// More raw names Splunk searches test behind their source macros (the
    /// source's own names, such as Sysmon's `Image`), which are matched only
    /// as written, after the canonical names.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub splunk_raw: Vec<String>,
    /// The path field whose last component this field is (process.name is the
    /// basename of process.executable): a path test for `*\name.exe` is the
    /// same indicator as `name == name.exe`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub basename_of: Option<String>,
    /// The path field whose extension this field is (file.extension of
    /// file.path): `*.lnk` on the path is the indicator `extension == lnk`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extension_of: Option<String>,
}
deserialize_object!(FieldDef {
    name,
    description: default,
    sigma: default,
    elastic: default,
    splunk: default,
    splunk_raw: default,
    basename_of: default,
    extension_of: default
});

impl FieldDef {
    /// The aliases a vendor writes for this field.
    pub fn aliases(&self, vendor: Vendor) -> &[String] {
        match vendor {
            Vendor::Sigma => &self.sigma,
            Vendor::Elastic => &self.elastic,
            Vendor::Splunk => &self.splunk,
        }
    }

    /// The raw names a vendor writes for this field that are matched only as
    /// written (see [`FieldTable::canonical`]).
    pub fn raw_names(&self, vendor: Vendor) -> &[String] {
        match vendor {
            Vendor::Splunk => &self.splunk_raw,
            Vendor::Sigma | Vendor::Elastic => &[],
        }
    }
}

/// The table file's top level.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct FieldFile {
    #[serde(rename = "field", default)]
    pub fields: Vec<FieldDef>,
}

/// Field definitions indexed for lookup.
#[derive(Debug, Clone, Default)]
pub struct FieldTable {
    fields: Vec<FieldDef>,
    by_vendor: FxHashMap<(Vendor, String), usize>,
    by_name: FxHashMap<String, usize>,
    by_raw: FxHashMap<(Vendor, String), usize>,
    by_lowercase: FxHashMap<(Vendor, String), usize>,
    basename: FxHashMap<String, usize>,
    extension: FxHashMap<String, usize>,
}

impl FieldTable {
    pub fn new(fields: Vec<FieldDef>) -> Self {
        let mut table = FieldTable { fields, ..Default::default() };
        for (i, def) in table.fields.iter().enumerate() {
            table.by_name.entry(def.name.clone()).or_insert(i);
            for vendor in Vendor::ALL {
                for alias in def.aliases(vendor) {
                    table.by_vendor.entry((vendor, alias.clone())).or_insert(i);
                    table.by_lowercase.entry((vendor, alias.to_lowercase())).or_insert(i);
                }
                table.by_lowercase.entry((vendor, def.name.to_lowercase())).or_insert(i);
                for raw in def.raw_names(vendor) {
                    table.by_raw.entry((vendor, raw.clone())).or_insert(i);
                }
            }
            if let Some(path) = &def.basename_of {
                table.basename.insert(path.clone(), i);
            }
            if let Some(path) = &def.extension_of {
                table.extension.insert(path.clone(), i);
            }
        }
        table
    }

    pub fn fields(&self) -> &[FieldDef] {
        &self.fields
    }

    /// The canonical name for a field as a vendor writes it, if the table
    /// knows it: the vendor's own alias first, then a canonical name, then
    /// one of the vendor's raw names (Splunk's `Image`, behind a Sysmon
    /// source macro) as written, then the vendor's aliases ignoring case.
    /// Every vendor is looked up the same way, in its own names only.
    pub fn canonical(&self, vendor: Vendor, source: &str) -> Option<&str> {
        let key = (vendor, source.to_owned());
        self.by_vendor
            .get(&key)
            .or_else(|| self.by_name.get(source))
            .or_else(|| self.by_raw.get(&key))
            .or_else(|| self.by_lowercase.get(&(vendor, source.to_lowercase())))
            .map(|&i| self.fields[i].name.as_str())
    }

    /// The canonical name, or the source name itself when the table does not
    /// know it (so vendor-specific fields still group with themselves).
    pub fn resolve(&self, vendor: Vendor, source: &str) -> String {
        self.canonical(vendor, source).unwrap_or(source).to_owned()
    }

    /// The name field whose value is the last path component of `path_field`.
    pub fn basename_field(&self, path_field: &str) -> Option<&str> {
        self.basename.get(path_field).map(|&i| self.fields[i].name.as_str())
    }

    /// The extension field of `path_field`.
    pub fn extension_field(&self, path_field: &str) -> Option<&str> {
        self.extension.get(path_field).map(|&i| self.fields[i].name.as_str())
    }

    pub fn get(&self, canonical: &str) -> Option<&FieldDef> {
        self.by_name.get(canonical).map(|&i| &self.fields[i])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn def(name: &str, sigma: &[&str], splunk: &[&str], splunk_raw: &[&str]) -> FieldDef {
        let names = |names: &[&str]| names.iter().map(|n| (*n).to_owned()).collect();
        FieldDef {
            name: name.into(),
            description: String::new(),
            sigma: names(sigma),
            elastic: vec![],
            splunk: names(splunk),
            splunk_raw: names(splunk_raw),
            basename_of: None,
            extension_of: None,
        }
    }

    fn table() -> FieldTable {
        let name = FieldDef {
            basename_of: Some("process.executable".into()),
            ..def("process.name", &[], &["process_name"], &[])
        };
        // `process.name` as a raw name stands for the test of precedence.
        let executable = def("process.executable", &["Image"], &["process_path"], &["Image", "process.name"]);
        let status = def("winlog.event_data.Status", &["Status"], &[], &["Status"]);
        FieldTable::new(vec![executable, name, status])
    }

    #[test]
    fn lookup_order() {
        let t = table();
        assert_eq!(t.canonical(Vendor::Sigma, "Image"), Some("process.executable"));
        assert_eq!(t.canonical(Vendor::Sigma, "image"), Some("process.executable"));
        assert_eq!(t.canonical(Vendor::Splunk, "process_name"), Some("process.name"));
        assert_eq!(t.canonical(Vendor::Splunk, "PROCESS_PATH"), Some("process.executable"));
        assert_eq!(t.canonical(Vendor::Elastic, "process.name"), Some("process.name"));
        // Raw names: as written only, and after the canonical names.
        assert_eq!(t.canonical(Vendor::Splunk, "Image"), Some("process.executable"));
        assert_eq!(t.canonical(Vendor::Splunk, "Status"), Some("winlog.event_data.Status"));
        assert_eq!(t.canonical(Vendor::Splunk, "status"), None);
        assert_eq!(t.canonical(Vendor::Splunk, "image"), None);
        assert_eq!(t.canonical(Vendor::Splunk, "process.name"), Some("process.name"));
        // No vendor reads another's names.
        assert_eq!(t.canonical(Vendor::Elastic, "Image"), None);
        assert_eq!(t.canonical(Vendor::Elastic, "process_path"), None);
        assert_eq!(t.canonical(Vendor::Sigma, "process_path"), None);
        assert_eq!(t.resolve(Vendor::Sigma, "Foo"), "Foo");
        assert_eq!(t.basename_field("process.executable"), Some("process.name"));
    }
}
