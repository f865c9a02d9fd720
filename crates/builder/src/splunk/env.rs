//! Where each field of a pipeline comes from, as commands run: an event field
//! (possibly renamed), or a value the pipeline computed (an aggregate, an
//! `eval`, a `rex` extraction, a lookup output). Filters on event fields are
//! rule logic; filters on computed values are thresholds or post-processing.
//!
//! Also the data-model prefixes: `Processes.process_name` in a `tstats` over
//! `Endpoint.Processes` is the field `process_name`.

use std::collections::{HashMap, HashSet};

/// Root objects of the Splunk CIM data models, the prefixes their fields
/// carry (`All_Traffic.dest_port`).
const CIM_OBJECTS: &[&str] = &[
    "Account_Management",
    "Alerts",
    "All_Application_State",
    "All_Certificates",
    "All_Changes",
    "All_Data_Access",
    "All_Databases",
    "All_Email",
    "All_Inventory",
    "All_Performance",
    "All_Risk",
    "All_Sessions",
    "All_Ticket_Management",
    "All_Traffic",
    "All_Updates",
    "Authentication",
    "DHCP",
    "DNS",
    "Filesystem",
    "IDS_Attacks",
    "Malware_Attacks",
    "Ports",
    "Processes",
    "Registry",
    "Search_Activity",
    "Services",
    "SSL",
    "Updates",
    "Vulnerabilities",
    "Web",
];

/// How a computed value was made, which decides how a filter on it is
/// recorded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Computed {
    /// By `stats`, `eventstats`, `tstats`…: a filter on it is a threshold.
    Aggregate,
    /// By `eval`, `rex`, `lookup`, an ML model…, or `_time`: a filter on it is
    /// post-processing.
    Derived,
}

impl Computed {
    /// The attribute label a filter on such a value is recorded under.
    pub fn label(self) -> &'static str {
        match self {
            Computed::Aggregate => "threshold",
            Computed::Derived => "post-processing filter",
        }
    }
}

/// What a field name stands for at some point of a pipeline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    /// The event field of that (data-model-stripped) name.
    Source(String),
    Computed(Computed),
}

/// `rename prefix.* as *`-style renames, applied to names not otherwise known.
#[derive(Debug, Clone)]
struct WildcardRename {
    from: (String, String),
    to: (String, String),
}

impl WildcardRename {
    /// The name `name` had before this rename, if the rename produced it.
    fn original(&self, name: &str) -> Option<String> {
        let middle = name
            .strip_prefix(self.to.0.as_str())?
            .strip_suffix(self.to.1.as_str())?;
        Some(format!("{}{middle}{}", self.from.0, self.from.1))
    }
}

/// The provenance of field names as the pipeline runs.
#[derive(Debug, Clone, Default)]
pub struct FieldEnv {
    /// Names the pipeline defined or redefined.
    defined: HashMap<String, Origin>,
    wildcard_renames: Vec<WildcardRename>,
    /// After a transforming command only the names in `defined` exist;
    /// others name values made by that command, computed as `made_by`.
    transformed: bool,
    made_by: Option<Computed>,
    /// After a command that adds fields of unknown names (a lookup without
    /// OUTPUT, an ML model), names not seen before are taken as computed.
    opaque: bool,
    seen: HashSet<String>,
    /// The data-model objects whose prefixes are stripped.
    objects: HashSet<String>,
}

impl FieldEnv {
    pub fn new() -> Self {
        Self::default()
    }

    /// Whether a transforming command has run.
    pub fn is_transformed(&self) -> bool {
        self.transformed
    }

    /// Records that the search reads a data model (`Endpoint.Processes`), so
    /// its object prefixes are stripped from now on.
    pub fn use_data_model(&mut self, model: &str) {
        if let Some(object) = model.rsplit('.').next().filter(|o| !o.is_empty()) {
            self.objects.insert(object.to_owned());
        }
        for object in CIM_OBJECTS {
            self.objects.insert((*object).to_owned());
        }
    }

    pub fn uses_data_model(&self) -> bool {
        !self.objects.is_empty()
    }

    /// The field name without its data-model prefix, when it has one.
    pub fn strip(&self, name: &str) -> String {
        match name.split_once('.') {
            Some((object, rest)) if !rest.is_empty() && self.objects.contains(object) => {
                rest.to_owned()
            }
            _ => name.to_owned(),
        }
    }

    /// Inside `tstats … where … by …` every dotted name is `Object.field`.
    pub fn strip_any(&mut self, name: &str) -> String {
        match name.split_once('.') {
            Some((object, rest)) if !rest.is_empty() && !object.is_empty() => {
                self.objects.insert(object.to_owned());
                rest.to_owned()
            }
            _ => name.to_owned(),
        }
    }

    /// What `name` (already stripped) refers to.
    pub fn resolve(&self, name: &str) -> Origin {
        self.resolve_before(name, self.wildcard_renames.len())
    }

    /// Resolution seeing only the first `renames` wildcard renames: a renamed
    /// name is looked up as it was before its rename, so cycles of renames
    /// cannot loop.
    fn resolve_before(&self, name: &str, renames: usize) -> Origin {
        let mut name = name.to_owned();
        let mut renames = renames;
        loop {
            if name == "_time" {
                return Origin::Computed(Computed::Derived);
            }
            if let Some(origin) = self.defined.get(&name) {
                return origin.clone();
            }
            let earlier = self.wildcard_renames.get(..renames).unwrap_or_default();
            match earlier
                .iter()
                .enumerate()
                .rev()
                .find_map(|(i, rule)| rule.original(&name).map(|o| (i, o)))
            {
                Some((i, original)) => {
                    name = original;
                    renames = i;
                }
                None => break,
            }
        }
        if self.transformed {
            return Origin::Computed(self.made_by.unwrap_or(Computed::Aggregate));
        }
        if self.opaque && !self.seen.contains(&name) {
            return Origin::Computed(Computed::Derived);
        }
        Origin::Source(name)
    }

    /// Marks an event field as used, so it stays an event field after an
    /// opaque command.
    pub fn note_source(&mut self, name: &str) {
        if !self.seen.contains(name) {
            self.seen.insert(name.to_owned());
        }
    }

    /// `rename from as to`; a wildcard in both names renames by pattern.
    pub fn rename(&mut self, from: &str, to: &str) {
        if let (Some(from), Some(to)) = (from.split_once('*'), to.split_once('*')) {
            self.wildcard_renames.push(WildcardRename {
                from: (from.0.to_owned(), from.1.to_owned()),
                to: (to.0.to_owned(), to.1.to_owned()),
            });
            return;
        }
        let origin = self.resolve(from);
        if let Origin::Source(name) = &origin {
            self.note_source(&name.clone());
        }
        self.defined.insert(to.to_owned(), origin);
    }

    /// `name` now holds what `origin` says (an `eval` copy, an aggregate).
    pub fn define(&mut self, name: &str, origin: Origin) {
        self.defined.insert(name.to_owned(), origin);
    }

    /// A transforming command: only its group-by fields (keeping their
    /// origin) and its outputs exist afterwards.
    pub fn transform(&mut self, by: &[String], outputs: Vec<(String, Origin)>) {
        let mut defined: HashMap<String, Origin> = by
            .iter()
            .map(|name| (name.clone(), self.resolve(name)))
            .collect();
        defined.extend(outputs);
        self.defined = defined;
        self.wildcard_renames.clear();
        self.transformed = true;
        self.made_by = Some(Computed::Aggregate);
    }

    /// A command whose results replace the events entirely with values of
    /// its own making (`map`): no name refers to an event field any more.
    pub fn replace_all(&mut self) {
        self.defined.clear();
        self.wildcard_renames.clear();
        self.transformed = true;
        self.made_by = Some(Computed::Derived);
    }

    /// A `join` adds the fields of the subsearch's results, described by
    /// `joined` (the provenance at the end of the subsearch). Names defined
    /// on both sides keep this side's meaning, as Splunk keeps the main
    /// search's values unless `overwrite` is set.
    pub fn join(&mut self, joined: FieldEnv) {
        for (name, origin) in joined.defined {
            self.defined.entry(name).or_insert(origin);
        }
        self.transformed = self.transformed && joined.transformed;
        self.opaque |= joined.opaque;
        self.seen.extend(joined.seen);
        self.objects.extend(joined.objects);
    }

    /// `stats latest(*) as * by …` carries every field through.
    pub fn keep_all_fields(&mut self) {
        self.transformed = false;
    }

    /// A command that adds fields whose names are not known.
    pub fn make_opaque(&mut self) {
        self.opaque = true;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefixes_and_provenance() {
        let mut env = FieldEnv::new();
        assert_eq!(
            env.strip("Processes.process_name"),
            "Processes.process_name"
        );
        env.use_data_model("Endpoint.Processes");
        assert_eq!(env.strip("Processes.process_name"), "process_name");
        assert_eq!(env.strip("userIdentity.arn"), "userIdentity.arn");
        assert_eq!(env.strip_any("Custom_Object.x.y"), "x.y");
        assert_eq!(env.strip("Custom_Object.z"), "z");

        env.rename("dest", "host_name");
        assert_eq!(env.resolve("host_name"), Origin::Source("dest".into()));
        env.define("n", Origin::Computed(Computed::Derived));
        env.transform(
            &["host_name".into()],
            vec![("count".into(), Origin::Computed(Computed::Aggregate))],
        );
        assert_eq!(env.resolve("host_name"), Origin::Source("dest".into()));
        assert_eq!(env.resolve("count"), Origin::Computed(Computed::Aggregate));
        assert_eq!(env.resolve("n"), Origin::Computed(Computed::Aggregate));
        assert_eq!(env.resolve("_time"), Origin::Computed(Computed::Derived));
    }

    #[test]
    fn wildcard_renames_map_back() {
        let mut env = FieldEnv::new();
        env.rename("properties.*", "*");
        assert_eq!(
            env.resolve("status.errorCode"),
            Origin::Source("properties.status.errorCode".into())
        );
    }

    #[test]
    fn rename_cycles_end() {
        let mut env = FieldEnv::new();
        env.rename("*", "x_*");
        env.rename("x_*", "*");
        assert_eq!(env.resolve("a"), Origin::Source("a".into()));
        assert_eq!(env.resolve("x_a"), Origin::Source("x_a".into()));
    }

    #[test]
    fn opaque_commands_hide_unseen_names() {
        let mut env = FieldEnv::new();
        env.note_source("process");
        env.make_opaque();
        assert_eq!(env.resolve("process"), Origin::Source("process".into()));
        assert_eq!(
            env.resolve("isOutlier"),
            Origin::Computed(Computed::Derived)
        );
    }
}
