//! The event catalog as data: reads `crates/catalog/data/events.toml` and
//! builds, once per build, the lookups the mapping needs (Sigma logsource
//! triples, index patterns, datasets, Splunk macros and data sources → the
//! sources and events they name).

use std::collections::{BTreeMap, HashMap, HashSet};

use serde::Deserialize;

/// The shipped event catalog (docs/events.md).
pub use atlas_catalog::fields::EVENTS_TOML;

/// Why the shipped table cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum TableError {
    #[error("events.toml does not parse: {0}")]
    Parse(#[from] toml::de::Error),
    #[error("events.toml: event `{0}` names unknown source `{1}`")]
    UnknownSource(String, String),
    #[error("events.toml: event of source `{0}` has neither id nor code")]
    NoId(String),
    #[error("events.toml: id `{0}` is used twice")]
    DuplicateId(String),
    #[error("events.toml: alias `{0}` points at unknown event `{1}`")]
    UnknownAlias(String, String),
}

/// A Sigma logsource as the table writes it; keys left out must be absent.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SigmaLogsource {
    pub product: Option<String>,
    pub category: Option<String>,
    pub service: Option<String>,
}

impl SigmaLogsource {
    /// The lookup key: lowercase, as Sigma compares logsources.
    pub fn key(&self) -> SigmaLogsource {
        let lower = |v: &Option<String>| v.as_ref().map(|s| s.trim().to_ascii_lowercase());
        SigmaLogsource { product: lower(&self.product), category: lower(&self.category), service: lower(&self.service) }
    }
}

/// The mapping hints a source or an event carries (see the header of
/// events.toml).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct Hints {
    #[serde(default)]
    pub sigma: Vec<SigmaLogsource>,
    #[serde(default)]
    pub elastic_index: Vec<String>,
    #[serde(default)]
    pub elastic_dataset: Vec<String>,
    #[serde(default)]
    pub elastic_provider: Vec<String>,
    #[serde(default)]
    pub splunk_macro: Vec<String>,
    #[serde(default)]
    pub splunk_sourcetype: Vec<String>,
    #[serde(default)]
    pub splunk_source: Vec<String>,
    #[serde(default)]
    pub splunk_index: Vec<String>,
    #[serde(default)]
    pub splunk_eventtype: Vec<String>,
    #[serde(default)]
    pub splunk_data_source: Vec<String>,
    #[serde(default)]
    pub splunk_data_model: Vec<String>,
}

/// Whether codes the table does not list still make events.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Generate {
    #[default]
    None,
    /// Numeric codes only (Windows event ids).
    Number,
    /// Any literal value (API calls, operation names).
    Any,
}

/// `[[source]]` in events.toml.
#[derive(Debug, Clone, Deserialize)]
pub struct SourceDef {
    pub id: String,
    pub name: String,
    pub source: String,
    pub platform: String,
    pub channel: Option<String>,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub data_components: Vec<String>,
    #[serde(default)]
    pub fields: Vec<String>,
    #[serde(default)]
    pub codes: Vec<String>,
    #[serde(default)]
    pub verb_fields: Vec<String>,
    #[serde(default)]
    pub resource_fields: Vec<String>,
    #[serde(default)]
    pub generate: Generate,
    pub separator: Option<String>,
    pub code_name: Option<String>,
    #[serde(default)]
    pub attack: Vec<String>,
    #[serde(default)]
    pub aliases: BTreeMap<String, String>,
    #[serde(default)]
    pub fallback: bool,
    #[serde(default)]
    pub splunk_data_source_root: Vec<String>,
    #[serde(flatten)]
    pub hints: Hints,
}

/// `[[event]]` in events.toml.
#[derive(Debug, Clone, Deserialize)]
pub struct EventDef {
    pub source: String,
    pub id: Option<String>,
    pub code: Option<String>,
    pub name: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub data_components: Vec<String>,
    #[serde(default)]
    pub fields: Vec<String>,
    #[serde(default)]
    pub ecs: Vec<String>,
    #[serde(default)]
    pub actions: Vec<String>,
    #[serde(flatten)]
    pub hints: Hints,
}

#[derive(Debug, Clone, Deserialize)]
struct EventFile {
    #[serde(default)]
    source: Vec<SourceDef>,
    #[serde(default)]
    event: Vec<EventDef>,
}

pub type SourceIx = usize;
pub type EventIx = usize;

/// What a log-source label points at: a whole source (which the rule's
/// predicates may narrow) or one event.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Target {
    Source(SourceIx),
    Event(EventIx),
}

/// One source with its events, ready for lookups.
#[derive(Debug, Clone)]
pub struct Source {
    pub def: SourceDef,
    /// The event standing for the whole source.
    pub root: EventIx,
    /// Listed events, by [`code_key`] of their code.
    pub by_code: HashMap<String, EventIx>,
    /// Codes that name another source's event (`aliases`).
    pub aliases: HashMap<String, EventIx>,
    /// The listed events (not the root), in table order.
    pub events: Vec<EventIx>,
    /// `codes`, `verb_fields`, `resource_fields`, lowercased.
    pub code_fields: Vec<String>,
    pub verb_fields: Vec<String>,
    pub resource_fields: Vec<String>,
}

impl Source {
    pub fn separator(&self) -> &str {
        self.def.separator.as_deref().unwrap_or("-")
    }
}

/// One ECS hint: `category` or `category/type`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EcsHint {
    pub category: String,
    pub kind: Option<String>,
}

/// A listed event or a source's root event.
#[derive(Debug, Clone)]
pub struct Entry {
    pub id: String,
    pub source: SourceIx,
    pub code: Option<String>,
    pub name: String,
    pub description: String,
    pub data_components: Vec<String>,
    pub fields: Vec<String>,
    pub ecs: Vec<EcsHint>,
    /// Lowercased `actions`.
    pub actions: Vec<String>,
    pub is_root: bool,
}

/// The loaded table and every lookup the mapping uses.
#[derive(Debug, Clone, Default)]
pub struct EventTable {
    pub sources: Vec<Source>,
    pub entries: Vec<Entry>,
    pub by_id: HashMap<String, EventIx>,
    pub sigma: HashMap<SigmaLogsource, Vec<Target>>,
    pub elastic_index: HashMap<String, Vec<Target>>,
    pub elastic_dataset: HashMap<String, Vec<Target>>,
    pub elastic_provider: HashMap<String, Vec<Target>>,
    pub splunk_macro: HashMap<String, Vec<Target>>,
    pub splunk_sourcetype: HashMap<String, Vec<Target>>,
    pub splunk_source: HashMap<String, Vec<Target>>,
    pub splunk_index: HashMap<String, Vec<Target>>,
    pub splunk_eventtype: HashMap<String, Vec<Target>>,
    /// Exact Splunk data source names.
    pub splunk_data_source: HashMap<String, Vec<Target>>,
    /// Data source prefixes followed by a code, longest first.
    pub splunk_data_source_prefix: Vec<(String, SourceIx)>,
    pub splunk_data_model: HashMap<String, Vec<Target>>,
    /// Every field (as rules write it, lowercase) whose values select events:
    /// the sources' code, verb and resource fields and the ECS event fields.
    pub selector_fields: HashSet<String>,
}

/// ECS fields whose values say which events a rule reads.
const ECS_SELECTORS: [&str; 7] = [
    "event.category",
    "event.type",
    "event.action",
    "event.dataset",
    "data_stream.dataset",
    "event.module",
    "event.provider",
];

/// The key codes are compared by: case, spaces, `_` and `-` do not matter
/// (`ADD_USER`, `Add User`), since vendors spell the same code differently.
pub fn code_key(code: &str) -> String {
    code.chars().filter(|c| !matches!(c, ' ' | '_' | '-')).flat_map(char::to_lowercase).collect()
}

/// Index patterns are compared without their trailing wildcard and
/// separator (`logs-endpoint.events.process-*` = `logs-endpoint.events.process*`).
pub fn index_key(pattern: &str) -> String {
    pattern.trim().trim_end_matches(['*', '-', '.', '_']).to_ascii_lowercase()
}

impl EventTable {
    /// The table shipped with the builder.
    pub fn shipped() -> Result<EventTable, TableError> {
        EventTable::parse(EVENTS_TOML)
    }

    pub fn parse(text: &str) -> Result<EventTable, TableError> {
        let file: EventFile = toml::from_str(text)?;
        let mut table = EventTable::default();
        for def in file.source {
            table.add_source(def)?;
        }
        let mut event_hints = Vec::with_capacity(file.event.len());
        for mut def in file.event {
            let hints = std::mem::take(&mut def.hints);
            event_hints.push((table.add_event(def)?, hints));
        }
        table.resolve_aliases()?;
        table.index_hints(&event_hints);
        Ok(table)
    }

    pub fn entry(&self, ix: EventIx) -> &Entry {
        &self.entries[ix]
    }

    pub fn source_of(&self, ix: EventIx) -> &Source {
        &self.sources[self.entries[ix].source]
    }

    fn add_source(&mut self, def: SourceDef) -> Result<(), TableError> {
        let ix = self.sources.len();
        let root = self.push_entry(Entry {
            id: def.id.clone(),
            source: ix,
            code: None,
            name: def.name.clone(),
            description: def.description.clone(),
            data_components: def.data_components.clone(),
            fields: Vec::new(),
            ecs: Vec::new(),
            actions: Vec::new(),
            is_root: true,
        })?;
        let lower = |v: &[String]| v.iter().map(|s| s.to_ascii_lowercase()).collect();
        self.sources.push(Source {
            code_fields: lower(&def.codes),
            verb_fields: lower(&def.verb_fields),
            resource_fields: lower(&def.resource_fields),
            def,
            root,
            by_code: HashMap::new(),
            aliases: HashMap::new(),
            events: Vec::new(),
        });
        Ok(())
    }

    fn add_event(&mut self, def: EventDef) -> Result<EventIx, TableError> {
        let Some(source) = self.sources.iter().position(|s| s.def.id == def.source) else {
            return Err(TableError::UnknownSource(def.id.or(def.code).unwrap_or_default(), def.source));
        };
        let id = match (&def.id, &def.code) {
            (Some(id), _) => id.clone(),
            (None, Some(code)) => {
                format!("{}{}{code}", def.source, self.sources[source].separator())
            }
            (None, None) => return Err(TableError::NoId(def.source)),
        };
        let ix = self.push_entry(Entry {
            id,
            source,
            code: def.code.clone(),
            name: def.name,
            description: def.description,
            data_components: def.data_components,
            fields: def.fields,
            ecs: def.ecs.iter().map(|h| parse_ecs(h)).collect(),
            actions: def.actions.iter().map(|a| a.to_ascii_lowercase()).collect(),
            is_root: false,
        })?;
        let src = &mut self.sources[source];
        if let Some(code) = &def.code {
            src.by_code.insert(code_key(code), ix);
        }
        src.events.push(ix);
        Ok(ix)
    }

    fn push_entry(&mut self, entry: Entry) -> Result<EventIx, TableError> {
        let ix = self.entries.len();
        if self.by_id.insert(entry.id.clone(), ix).is_some() {
            return Err(TableError::DuplicateId(entry.id));
        }
        self.entries.push(entry);
        Ok(ix)
    }

    fn resolve_aliases(&mut self) -> Result<(), TableError> {
        for source in &mut self.sources {
            for (code, id) in &source.def.aliases {
                let ix = *self.by_id.get(id).ok_or_else(|| TableError::UnknownAlias(code.clone(), id.clone()))?;
                source.aliases.insert(code_key(code), ix);
            }
        }
        Ok(())
    }

    /// Builds the hint lookups from every source and event.
    fn index_hints(&mut self, event_hints: &[(EventIx, Hints)]) {
        let mut lookups = HintLookups::default();
        for (ix, source) in self.sources.iter().enumerate() {
            lookups.add(&source.def.hints, Target::Source(ix), true);
            for name in &source.def.splunk_data_source_root {
                push(&mut lookups.splunk_data_source, name.to_ascii_lowercase(), Target::Source(ix));
            }
            for prefix in &source.def.hints.splunk_data_source {
                self.splunk_data_source_prefix.push((prefix.to_ascii_lowercase(), ix));
            }
        }
        for (ix, hints) in event_hints {
            lookups.add(hints, Target::Event(*ix), false);
        }
        self.splunk_data_source_prefix.sort_by(|a, b| b.0.len().cmp(&a.0.len()).then(a.0.cmp(&b.0)));
        lookups.install(self);
        self.selector_fields = ECS_SELECTORS.iter().map(|f| (*f).to_owned()).collect();
        for source in &self.sources {
            let fields = source.code_fields.iter().chain(&source.verb_fields).chain(&source.resource_fields);
            self.selector_fields.extend(fields.cloned());
        }
    }
}

type Lookup = HashMap<String, Vec<Target>>;
type KeyFn = fn(&str) -> String;

/// Lookups under construction, moved into the table when complete.
#[derive(Default)]
struct HintLookups {
    sigma: HashMap<SigmaLogsource, Vec<Target>>,
    elastic_index: HashMap<String, Vec<Target>>,
    elastic_dataset: HashMap<String, Vec<Target>>,
    elastic_provider: HashMap<String, Vec<Target>>,
    splunk_macro: HashMap<String, Vec<Target>>,
    splunk_sourcetype: HashMap<String, Vec<Target>>,
    splunk_source: HashMap<String, Vec<Target>>,
    splunk_index: HashMap<String, Vec<Target>>,
    splunk_eventtype: HashMap<String, Vec<Target>>,
    splunk_data_source: HashMap<String, Vec<Target>>,
    splunk_data_model: HashMap<String, Vec<Target>>,
}

impl HintLookups {
    /// Adds one source's or event's hints. Splunk data sources on a source
    /// are prefixes (handled by the caller); on an event they are names.
    fn add(&mut self, hints: &Hints, target: Target, is_source: bool) {
        for logsource in &hints.sigma {
            push(&mut self.sigma, logsource.key(), target);
        }
        let lists: [(&mut Lookup, &Vec<String>, KeyFn); 9] = [
            (&mut self.elastic_index, &hints.elastic_index, index_key),
            (&mut self.elastic_dataset, &hints.elastic_dataset, lower),
            (&mut self.elastic_provider, &hints.elastic_provider, lower),
            (&mut self.splunk_macro, &hints.splunk_macro, lower),
            (&mut self.splunk_sourcetype, &hints.splunk_sourcetype, lower),
            (&mut self.splunk_source, &hints.splunk_source, lower),
            (&mut self.splunk_index, &hints.splunk_index, lower),
            (&mut self.splunk_eventtype, &hints.splunk_eventtype, lower),
            (&mut self.splunk_data_model, &hints.splunk_data_model, lower),
        ];
        for (map, values, key) in lists {
            for value in values {
                push(map, key(value), target);
            }
        }
        if !is_source {
            for name in &hints.splunk_data_source {
                push(&mut self.splunk_data_source, lower(name), target);
            }
        }
    }

    fn install(self, table: &mut EventTable) {
        table.sigma = self.sigma;
        table.elastic_index = self.elastic_index;
        table.elastic_dataset = self.elastic_dataset;
        table.elastic_provider = self.elastic_provider;
        table.splunk_macro = self.splunk_macro;
        table.splunk_sourcetype = self.splunk_sourcetype;
        table.splunk_source = self.splunk_source;
        table.splunk_index = self.splunk_index;
        table.splunk_eventtype = self.splunk_eventtype;
        table.splunk_data_source = self.splunk_data_source;
        table.splunk_data_model = self.splunk_data_model;
    }
}

fn lower(text: &str) -> String {
    text.trim().to_ascii_lowercase()
}

/// Adds a target under a key once.
fn push<K: std::hash::Hash + Eq>(map: &mut HashMap<K, Vec<Target>>, key: K, target: Target) {
    let list = map.entry(key).or_default();
    if !list.contains(&target) {
        list.push(target);
    }
}

fn parse_ecs(hint: &str) -> EcsHint {
    match hint.split_once('/') {
        Some((category, kind)) => EcsHint { category: lower(category), kind: Some(lower(kind)) },
        None => EcsHint { category: lower(hint), kind: None },
    }
}
