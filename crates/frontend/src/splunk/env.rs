//! Where each field of a pipeline comes from, as commands run: an event field
//! (possibly renamed), or a value the pipeline computed (an aggregate, an
//! `eval`, a `rex` extraction, a lookup output). Filters on event fields are
//! rule logic; filters on computed values are thresholds or post-processing.
//!
//! Also the data-model prefixes: `Processes.process_name` in a `tstats` over
//! `Endpoint.Processes` is the field `process_name`. The object a name was
//! stripped from is remembered, because some CIM names mean different things
//! in different data models (`Web.status` is an HTTP status, `All_Changes.status`
//! an outcome).
//!
//! And the 0/1 flags an `eval` computes from a condition on event fields
//! (`eval m=if(match(f, "re"), 1, 0)`): a later `m=1` is that condition.

use std::collections::{HashMap, HashSet};

use atlas_catalog::Expr;

use super::search::CmpOp;

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

/// Child datasets of the CIM whose fields carry the child's name after the
/// root object's (`All_Changes.Instance_Changes.image_id`).
const CIM_CHILD_OBJECTS: &[&str] = &["Account_Management", "Instance_Changes"];

/// How a computed value was made, which decides how a filter on it is read
/// (docs/computed-columns.md).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Computed {
    /// By `stats`, `eventstats`, `tstats`…, with the aggregate as written
    /// (`dc(user)`): a filter on it is a threshold.
    Aggregate(String),
    /// Output of a `lookup` of `table` keyed on the event fields `keys`: a
    /// filter on it selects events by what the lookup says of them.
    Lookup { table: String, keys: String },
    /// `_time`, or a value made from it (`bin _time`): a filter on it is a
    /// time window.
    Time,
    /// By `eval`, `rex`, `spath`, an ML model…, with its definition as
    /// written: a filter on it selects events in a way the model cannot
    /// trace to event fields.
    Derived(String),
}

impl Computed {
    /// A value computed in a way Rule Atlas does not describe further.
    pub fn derived(definition: impl Into<String>) -> Self {
        Computed::Derived(definition.into())
    }

    /// An aggregate output, defined by its function and argument.
    pub fn aggregate(function: &str, argument: Option<&str>) -> Self {
        Computed::Aggregate(match argument {
            Some(argument) => format!("{function}({argument})"),
            None => function.to_owned(),
        })
    }
}

/// A field name a filter tests that is not an event field: the name and
/// how its value was made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Untraced {
    pub name: String,
    pub how: Computed,
}

/// What a field name stands for at some point of a pipeline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    /// The event field of that (data-model-stripped) name.
    Source(String),
    Computed(Computed),
}

/// A field an `eval` set to one of two values by a condition on event
/// fields: `if(cond, 1, 0)` or `if(cond, "true", "false")`.
#[derive(Debug, Clone, PartialEq)]
pub struct Flag {
    /// The condition, already in the predicate model.
    pub condition: Expr,
    /// The value when the condition holds (`1`, `true`) and when it does not.
    pub set: String,
    pub unset: String,
}

impl Flag {
    /// What `flag <op> literal` says about the events: the condition when
    /// only the set value passes the test, its negation when only the unset
    /// value does, nothing when both or neither do (`flag>=0`, `flag=2`).
    pub fn reading(&self, op: CmpOp, literal: &str, case_sensitive: bool) -> Option<Expr> {
        let set = compares(&self.set, op, literal, case_sensitive)?;
        let unset = compares(&self.unset, op, literal, case_sensitive)?;
        match (set, unset) {
            (true, false) => Some(self.condition.clone()),
            (false, true) => Some(Expr::negate(self.condition.clone())),
            _ => None,
        }
    }
}

/// `value <op> literal`: numerically when both are numbers, as text for
/// `=` / `!=` otherwise; `None` for an ordering of texts.
fn compares(value: &str, op: CmpOp, literal: &str, case_sensitive: bool) -> Option<bool> {
    let ordering = match (value.parse::<f64>(), literal.parse::<f64>()) {
        (Ok(a), Ok(b)) => a.partial_cmp(&b)?,
        _ => {
            let equal = if case_sensitive { value == literal } else { value.eq_ignore_ascii_case(literal) };
            return match op {
                CmpOp::Eq => Some(equal),
                CmpOp::Ne => Some(!equal),
                _ => None,
            };
        }
    };
    Some(match op {
        CmpOp::Eq => ordering.is_eq(),
        CmpOp::Ne => ordering.is_ne(),
        CmpOp::Lt => ordering.is_lt(),
        CmpOp::Le => ordering.is_le(),
        CmpOp::Gt => ordering.is_gt(),
        CmpOp::Ge => ordering.is_ge(),
    })
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
        let middle = name.strip_prefix(self.to.0.as_str())?.strip_suffix(self.to.1.as_str())?;
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
    /// OUTPUT, an ML model), names not seen before are taken as computed,
    /// by the command named here.
    opaque: Option<String>,
    seen: HashSet<String>,
    /// The data-model objects whose prefixes are stripped.
    objects: HashSet<String>,
    /// The object each stripped name was first stripped from
    /// (`status` → `Web`).
    stripped_from: HashMap<String, String>,
    /// Names that currently hold a flag.
    flags: HashMap<String, Flag>,
    /// Names holding an event field in folded case (`lower(f)`): a test of
    /// them is a case-insensitive test of the field.
    folded: HashSet<String>,
    /// Names holding a value that is an event field of another name (the
    /// EXECVE arguments joined are the command line), with that field's
    /// canonical name.
    canonical: HashMap<String, String>,
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
    pub fn strip(&mut self, name: &str) -> String {
        match name.split_once('.') {
            Some((object, rest)) if !rest.is_empty() && self.objects.contains(object) => {
                self.note_object(rest, object);
                rest.to_owned()
            }
            _ => name.to_owned(),
        }
    }

    /// Inside `tstats … where … by …` every dotted name is `Object.field`,
    /// or `Object.Child.field` for a child dataset whose fields carry its
    /// name too (`All_Changes.Instance_Changes.image_id`): detections drop
    /// both prefixes, one `drop_dm_object_name` after the other.
    pub fn strip_any(&mut self, name: &str) -> String {
        match name.split_once('.') {
            Some((object, rest)) if !rest.is_empty() && !object.is_empty() => {
                self.objects.insert(object.to_owned());
                let rest = match rest.split_once('.') {
                    Some((child, field)) if !field.is_empty() && CIM_CHILD_OBJECTS.contains(&child) => {
                        self.objects.insert(child.to_owned());
                        field
                    }
                    _ => rest,
                };
                self.note_object(rest, object);
                rest.to_owned()
            }
            _ => name.to_owned(),
        }
    }

    /// The first object wins: a search reads its own data model before the
    /// ones a later command brings in.
    fn note_object(&mut self, name: &str, object: &str) {
        // A wildcard rename (`rename All_Traffic.* as *`) names no field.
        if !name.contains('*') && !self.stripped_from.contains_key(name) {
            self.stripped_from.insert(name.to_owned(), object.to_owned());
        }
    }

    /// The data-model object an event field was stripped from
    /// (`Web` for `status` after `Web.status`), if it was.
    pub fn object_of(&self, name: &str) -> Option<&str> {
        self.stripped_from.get(name).map(String::as_str)
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
                return Origin::Computed(Computed::Time);
            }
            if let Some(origin) = self.defined.get(&name) {
                return origin.clone();
            }
            let earlier = self.wildcard_renames.get(..renames).unwrap_or_default();
            match earlier.iter().enumerate().rev().find_map(|(i, rule)| rule.original(&name).map(|o| (i, o))) {
                Some((i, original)) => {
                    name = original;
                    renames = i;
                }
                None => break,
            }
        }
        // A command of undeclared outputs (a lookup without OUTPUT, a model's
        // `apply`, `addtotals`) may have added the name, also after a
        // transforming command: its value is not one of the aggregates.
        if let Some(command) = self.opaque.as_ref().filter(|_| !self.seen.contains(&name)) {
            return Origin::Computed(Computed::derived(format!("a field `{command}` may have added")));
        }
        if self.transformed {
            return Origin::Computed(self.made_by.clone().unwrap_or_else(|| Computed::aggregate("stats", None)));
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
        let flag = self.flags.get(from).cloned();
        let folded = self.folded.contains(from);
        let canonical = self.canonical.get(from).cloned();
        self.define(to, origin);
        if let Some(flag) = flag {
            self.flags.insert(to.to_owned(), flag);
        }
        if folded {
            self.folded.insert(to.to_owned());
        }
        if let Some(canonical) = canonical {
            self.canonical.insert(to.to_owned(), canonical);
        }
    }

    /// `name` now holds what `origin` says (an `eval` copy, an aggregate).
    pub fn define(&mut self, name: &str, origin: Origin) {
        self.flags.remove(name);
        self.folded.remove(name);
        self.canonical.remove(name);
        self.defined.insert(name.to_owned(), origin);
    }

    /// `name` now holds an event field's value in folded case.
    pub fn define_folded(&mut self, name: &str, origin: Origin) {
        self.define(name, origin);
        self.folded.insert(name.to_owned());
    }

    /// `name` now holds the value of the event field whose canonical name
    /// is `canonical`, under a name of its own (`process_exec`).
    pub fn define_as_canonical(&mut self, name: &str, canonical: &str) {
        self.define(name, Origin::Source(name.to_owned()));
        self.canonical.insert(name.to_owned(), canonical.to_owned());
        self.note_source(name);
    }

    /// Whether `name` holds a field's value in folded case.
    pub fn is_folded(&self, name: &str) -> bool {
        self.folded.contains(name)
    }

    /// The canonical field a name stands for, when the pipeline says so.
    pub fn canonical_of(&self, name: &str) -> Option<&str> {
        self.canonical.get(name).map(String::as_str)
    }

    /// `name` is now a flag computed from event fields (see [`Flag`]),
    /// defined as `definition`.
    pub fn define_flag(&mut self, name: &str, flag: Flag, definition: &str) {
        self.define(name, Origin::Computed(Computed::derived(definition)));
        self.flags.insert(name.to_owned(), flag);
    }

    /// The flag `name` holds, if it holds one.
    pub fn flag(&self, name: &str) -> Option<&Flag> {
        self.flags.get(name)
    }

    /// A transforming command: only its group-by fields (keeping their
    /// origin) and its outputs exist afterwards.
    pub fn transform(&mut self, by: &[String], outputs: Vec<(String, Origin)>) {
        let mut defined: HashMap<String, Origin> = by.iter().map(|name| (name.clone(), self.resolve(name))).collect();
        // A flag grouped by still holds its value; outputs are new values.
        self.flags.retain(|name, _| by.contains(name) && !outputs.iter().any(|(output, _)| output == name));
        defined.extend(outputs);
        self.defined = defined;
        self.wildcard_renames.clear();
        self.folded.retain(|name| by.contains(name));
        self.canonical.retain(|name, _| by.contains(name));
        // Fields an earlier command added without saying which are gone.
        self.opaque = None;
        self.transformed = true;
        self.made_by = Some(Computed::aggregate("stats", None));
    }

    /// A command whose results replace the events entirely with values of
    /// its own making (`map`): no name refers to an event field any more.
    pub fn replace_all(&mut self) {
        self.defined.clear();
        self.flags.clear();
        self.wildcard_renames.clear();
        self.folded.clear();
        self.canonical.clear();
        self.transformed = true;
        self.made_by = Some(Computed::derived("map"));
    }

    /// A `join` adds the fields of the subsearch's results, described by
    /// `joined` (the provenance at the end of the subsearch). Names defined
    /// on both sides keep this side's meaning, as Splunk keeps the main
    /// search's values unless `overwrite` is set.
    pub fn join(&mut self, joined: FieldEnv) {
        for (name, flag) in joined.flags {
            if !self.defined.contains_key(&name) {
                self.flags.insert(name, flag);
            }
        }
        for (name, origin) in joined.defined {
            self.defined.entry(name).or_insert(origin);
        }
        self.transformed = self.transformed && joined.transformed;
        if self.opaque.is_none() {
            self.opaque = joined.opaque;
        }
        self.seen.extend(joined.seen);
        self.objects.extend(joined.objects);
        for (name, object) in joined.stripped_from {
            self.stripped_from.entry(name).or_insert(object);
        }
        for name in joined.folded {
            if !self.defined.contains_key(&name) {
                self.folded.insert(name);
            }
        }
        for (name, canonical) in joined.canonical {
            self.canonical.entry(name).or_insert(canonical);
        }
    }

    /// `stats latest(*) as * by …` carries every field through.
    pub fn keep_all_fields(&mut self) {
        self.transformed = false;
    }

    /// A command (`command`, as named to people) that adds fields whose
    /// names are not known.
    pub fn make_opaque(&mut self, command: &str) {
        self.opaque = Some(command.to_owned());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefixes_and_provenance() {
        let mut env = FieldEnv::new();
        assert_eq!(env.strip("Processes.process_name"), "Processes.process_name");
        env.use_data_model("Endpoint.Processes");
        assert_eq!(env.strip("Processes.process_name"), "process_name");
        assert_eq!(env.strip("userIdentity.arn"), "userIdentity.arn");
        assert_eq!(env.strip_any("Custom_Object.x.y"), "x.y");
        assert_eq!(env.strip("Custom_Object.z"), "z");

        env.rename("dest", "host_name");
        assert_eq!(env.resolve("host_name"), Origin::Source("dest".into()));
        env.define("n", Origin::Computed(Computed::derived("len(x)")));
        let count = Origin::Computed(Computed::aggregate("count", None));
        env.transform(&["host_name".into()], vec![("count".into(), count.clone())]);
        assert_eq!(env.resolve("host_name"), Origin::Source("dest".into()));
        assert_eq!(env.resolve("count"), count);
        assert_eq!(env.resolve("n"), Origin::Computed(Computed::aggregate("stats", None)));
        assert_eq!(env.resolve("_time"), Origin::Computed(Computed::Time));
    }

    #[test]
    fn child_dataset_prefixes_are_stripped_too() {
        let mut env = FieldEnv::new();
        env.use_data_model("Change");
        assert_eq!(env.strip_any("All_Changes.Instance_Changes.image_id"), "image_id");
        assert_eq!(env.strip_any("All_Changes.Account_Management.src_user"), "src_user");
        assert_eq!(env.object_of("image_id"), Some("All_Changes"));
        // Only known child datasets: another dotted field keeps its dots.
        assert_eq!(env.strip_any("All_Changes.object_attrs.name"), "object_attrs.name");
        // After `drop_dm_object_name("All_Changes")` alone, the child prefix goes too.
        assert_eq!(env.strip("Instance_Changes.instance_type"), "instance_type");
        // A grouped-by child field is an event field after the aggregation.
        let by = vec![env.strip_any("All_Changes.Instance_Changes.instance_type")];
        env.transform(&by, Vec::new());
        assert_eq!(env.resolve("instance_type"), Origin::Source("instance_type".into()));
    }

    #[test]
    fn the_object_a_name_was_stripped_from_is_remembered() {
        let mut env = FieldEnv::new();
        env.use_data_model("Web");
        assert_eq!(env.strip("Web.status"), "status");
        assert_eq!(env.strip_any("All_Changes.status"), "status");
        assert_eq!(env.strip_any("All_Traffic.dest"), "dest");
        assert_eq!(env.strip("All_Traffic.*"), "*");
        assert_eq!(env.object_of("status"), Some("Web"));
        assert_eq!(env.object_of("dest"), Some("All_Traffic"));
        assert_eq!(env.object_of("*"), None);
        assert_eq!(env.object_of("user"), None);
        // A joined subsearch's objects fill in, they do not override.
        let mut joined = FieldEnv::new();
        joined.strip_any("Processes.dest");
        joined.strip_any("Processes.user");
        env.join(joined);
        assert_eq!(env.object_of("dest"), Some("All_Traffic"));
        assert_eq!(env.object_of("user"), Some("Processes"));
    }

    #[test]
    fn flags_read_as_their_condition_or_its_negation() {
        let condition = Expr::Leaf(atlas_catalog::Leaf::new(Some("f"), atlas_catalog::Op::Eq, Some("x".into()), false));
        let numeric = Flag { condition: condition.clone(), set: "1".into(), unset: "0".into() };
        let negated = Expr::negate(condition.clone());
        assert_eq!(numeric.reading(CmpOp::Eq, "1", false), Some(condition.clone()));
        assert_eq!(numeric.reading(CmpOp::Gt, "0", false), Some(condition.clone()));
        assert_eq!(numeric.reading(CmpOp::Ge, "1.0", false), Some(condition.clone()));
        assert_eq!(numeric.reading(CmpOp::Eq, "0", false), Some(negated.clone()));
        assert_eq!(numeric.reading(CmpOp::Ne, "1", false), Some(negated.clone()));
        assert_eq!(numeric.reading(CmpOp::Lt, "1", false), Some(negated.clone()));
        assert_eq!(numeric.reading(CmpOp::Ge, "0", false), None);
        assert_eq!(numeric.reading(CmpOp::Eq, "2", false), None);
        let boolean = Flag { condition: condition.clone(), set: "true".into(), unset: "false".into() };
        assert_eq!(boolean.reading(CmpOp::Eq, "TRUE", false), Some(condition.clone()));
        assert_eq!(boolean.reading(CmpOp::Eq, "TRUE", true), None);
        assert_eq!(boolean.reading(CmpOp::Ne, "true", true), Some(negated));
        assert_eq!(boolean.reading(CmpOp::Gt, "a", false), None);
    }

    #[test]
    fn flags_follow_renames_and_end_when_redefined() {
        let condition = Expr::Leaf(atlas_catalog::Leaf::new(Some("f"), atlas_catalog::Op::Eq, Some("x".into()), false));
        let flag = Flag { condition, set: "1".into(), unset: "0".into() };
        let mut env = FieldEnv::new();
        env.define_flag("m", flag.clone(), "if(f=\"x\", 1, 0)");
        assert_eq!(env.resolve("m"), Origin::Computed(Computed::derived("if(f=\"x\", 1, 0)")));
        env.rename("m", "n");
        assert_eq!(env.flag("n"), Some(&flag));
        env.define("m", Origin::Computed(Computed::derived("x")));
        assert_eq!(env.flag("m"), None);
        // Grouped by, a flag keeps its value; an aggregate output does not.
        env.transform(&["n".into()], vec![("count".into(), Origin::Computed(Computed::aggregate("count", None)))]);
        assert_eq!(env.flag("n"), Some(&flag));
        env.transform(&[], Vec::new());
        assert_eq!(env.flag("n"), None);
    }

    #[test]
    fn wildcard_renames_map_back() {
        let mut env = FieldEnv::new();
        env.rename("properties.*", "*");
        assert_eq!(env.resolve("status.errorCode"), Origin::Source("properties.status.errorCode".into()));
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
        env.make_opaque("fit");
        assert_eq!(env.resolve("process"), Origin::Source("process".into()));
        assert!(matches!(env.resolve("isOutlier"), Origin::Computed(Computed::Derived(_))));
    }
}
