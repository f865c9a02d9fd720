//! Loads the canonical field table shipped in the catalog crate's data.

use atlas_catalog::FieldTable;
use atlas_catalog::fields::{FIELDS_TOML, FieldFile};

/// The field table from `crates/catalog/data/fields.toml`.
pub fn load() -> Result<FieldTable, toml::de::Error> {
    let file: FieldFile = toml::from_str(FIELDS_TOML)?;
    Ok(FieldTable::new(file.fields))
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use atlas_catalog::Vendor;

    use super::*;

    #[test]
    fn the_shipped_table_parses_without_conflicting_aliases() {
        let file: FieldFile = toml::from_str(FIELDS_TOML).expect("fields.toml parses");
        assert!(file.fields.len() >= 60, "only {} fields", file.fields.len());
        let mut seen = HashMap::new();
        for def in &file.fields {
            for vendor in Vendor::ALL {
                for alias in def.aliases(vendor) {
                    if let Some(other) = seen.insert((vendor, alias.clone()), def.name.clone()) {
                        panic!("{vendor:?} alias {alias} maps to both {other} and {}", def.name);
                    }
                }
            }
        }
    }

    #[test]
    fn the_three_vendors_meet_on_process_name() {
        let table = load().expect("fields.toml parses");
        assert_eq!(table.canonical(Vendor::Sigma, "Image"), Some("process.executable"));
        assert_eq!(table.canonical(Vendor::Elastic, "process.name"), Some("process.name"));
        assert_eq!(table.canonical(Vendor::Splunk, "process_name"), Some("process.name"));
        assert_eq!(table.canonical(Vendor::Splunk, "process"), Some("process.command_line"));
        assert_eq!(table.basename_field("process.executable"), Some("process.name"));
    }

    #[test]
    fn docs_list_every_canonical_field() {
        let docs = include_str!("../../../docs/fields.md");
        let file: FieldFile = toml::from_str(FIELDS_TOML).expect("fields.toml parses");
        for def in &file.fields {
            assert!(docs.contains(&format!("| `{}` |", def.name)), "docs/fields.md does not list {}", def.name);
        }
    }
}
