//! Turns what the rules read into the catalog's event list: gives generated
//! events (API calls, unlisted event ids) their ids, adds the parents of the
//! events used, and links every event to its ATT&CK data components.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use atlas_catalog::{DataComponent, Event};

use super::narrow::Found;
use super::table::{Entry, EventIx, EventTable, SourceIx, code_key};

/// Generated events seen so far, by source and code key, with how often each
/// spelling of the code occurred (the most frequent spelling names the event).
#[derive(Debug, Default)]
pub struct Registry {
    generated: BTreeMap<(SourceIx, String), BTreeMap<String, usize>>,
    used: BTreeSet<EventIx>,
}

/// A resolved event reference, once ids are assigned.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum EventRef {
    Known(EventIx),
    Generated(SourceIx, String),
}

impl Registry {
    /// Records the events one rule reads and returns their references.
    pub fn record(&mut self, found: &[Found]) -> Vec<EventRef> {
        found
            .iter()
            .map(|f| match f {
                Found::Known(ix) => {
                    self.used.insert(*ix);
                    EventRef::Known(*ix)
                }
                Found::New { source, code } => {
                    let key = code_key(code);
                    *self.generated.entry((*source, key.clone())).or_default().entry(code.clone()).or_default() += 1;
                    EventRef::Generated(*source, key)
                }
            })
            .collect()
    }

    /// The catalog's events (used ones and their parents, in table order
    /// with generated events after the listed ones of their source) and the
    /// id of every reference.
    pub fn finish(self, table: &EventTable, links: &AttackLinks) -> (Vec<Event>, HashMap<EventRef, String>) {
        let mut ids: HashMap<EventRef, String> = HashMap::new();
        let mut used_sources: BTreeSet<SourceIx> = self.used.iter().map(|&ix| table.entry(ix).source).collect();
        used_sources.extend(self.generated.keys().map(|(source, _)| *source));
        let mut events = Vec::new();
        for source_ix in used_sources {
            let source = &table.sources[source_ix];
            events.push(links.event(table, table.entry(source.root), None));
            ids.insert(EventRef::Known(source.root), source.def.id.clone());
            for &ix in source.events.iter().filter(|ix| self.used.contains(ix)) {
                let entry = table.entry(ix);
                events.push(links.event(table, entry, Some(source.def.id.clone())));
                ids.insert(EventRef::Known(ix), entry.id.clone());
            }
            let generated =
                self.generated.range((source_ix, String::new())..).take_while(|((s, _), _)| *s == source_ix);
            for ((_, key), spellings) in generated {
                let code = preferred_spelling(spellings);
                let id = format!("{}{}{code}", source.def.id, source.separator());
                let name = source.def.code_name.as_deref().unwrap_or("{code}").replace("{code}", &code);
                let entry = Entry {
                    id: id.clone(),
                    source: source_ix,
                    code: Some(code),
                    name,
                    description: String::new(),
                    data_components: Vec::new(),
                    fields: Vec::new(),
                    ecs: Vec::new(),
                    actions: Vec::new(),
                    is_root: false,
                };
                events.push(links.event(table, &entry, Some(source.def.id.clone())));
                ids.insert(EventRef::Generated(source_ix, key.clone()), id);
            }
        }
        (events, ids)
    }
}

/// The most frequent spelling; ties go to the alphabetically first.
fn preferred_spelling(spellings: &BTreeMap<String, usize>) -> String {
    let best = spellings.iter().max_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(a.0)));
    best.map(|(s, _)| s.clone()).unwrap_or_default()
}

/// ATT&CK's data components by the (log source name, code) pairs their
/// `x_mitre_log_sources` name: `WinEventLog:Sysmon` / `EventCode=1, 22`
/// yields (`winevtlog:sysmon`, `1`) and (…, `22`); `AWS:CloudTrail` /
/// `ConsoleLogin, AssumeRole` yields one pair per API call.
#[derive(Debug, Default)]
pub struct AttackLinks {
    by_pair: HashMap<(String, String), BTreeSet<String>>,
    known: BTreeSet<String>,
}

impl AttackLinks {
    pub fn new(components: &[DataComponent]) -> AttackLinks {
        let mut links = AttackLinks::default();
        for component in components {
            links.known.insert(component.id.clone());
            for (name, channel) in &component.log_sources {
                let name = name.trim().to_ascii_lowercase();
                for code in channel_codes(channel) {
                    links.by_pair.entry((name.clone(), code)).or_default().insert(component.id.clone());
                }
            }
        }
        links
    }

    /// The data components of an event: its own, and those whose log
    /// sources name its code on one of its source's ATT&CK log sources.
    fn components(&self, table: &EventTable, entry: &Entry) -> Vec<String> {
        let source = &table.sources[entry.source];
        let mut out: BTreeSet<String> = entry.data_components.iter().cloned().collect();
        if let Some(code) = &entry.code {
            let code = code.trim().to_ascii_lowercase();
            for name in &source.def.attack {
                if let Some(ids) = self.by_pair.get(&(name.trim().to_ascii_lowercase(), code.clone())) {
                    out.extend(ids.iter().cloned());
                }
            }
        }
        // Without an ATT&CK bundle every listed id is kept; with one, only
        // ids it knows.
        out.into_iter().filter(|id| self.known.is_empty() || self.known.contains(id)).collect()
    }

    /// The catalog form of a table entry.
    fn event(&self, table: &EventTable, entry: &Entry, parent: Option<String>) -> Event {
        let source = &table.sources[entry.source];
        let mut fields: Vec<String> = Vec::new();
        for field in source.def.fields.iter().chain(&entry.fields) {
            if !fields.contains(field) {
                fields.push(field.clone());
            }
        }
        let data_components = if entry.is_root {
            entry
                .data_components
                .iter()
                .filter(|id| self.known.is_empty() || self.known.contains(*id))
                .cloned()
                .collect()
        } else {
            self.components(table, entry)
        };
        Event {
            id: entry.id.clone(),
            name: entry.name.clone(),
            source: source.def.source.clone(),
            platform: source.def.platform.clone(),
            code: entry.code.clone(),
            channel: source.def.channel.clone(),
            description: if entry.description.is_empty() {
                source.def.description.clone()
            } else {
                entry.description.clone()
            },
            data_components,
            fields,
            parent,
        }
    }
}

/// The codes an ATT&CK log-source channel names: the numbers of
/// `EventCode=4103, 4104`; otherwise each comma-, bar- or `or`-separated part
/// (after any `key=`), and its last `:`-separated token.
fn channel_codes(channel: &str) -> Vec<String> {
    let lower = channel.trim().to_ascii_lowercase();
    if lower.contains("eventcode") || lower.contains("event id") {
        return lower.split(|c: char| !c.is_ascii_digit()).filter(|run| !run.is_empty()).map(str::to_owned).collect();
    }
    let mut out = vec![lower.clone()];
    for part in lower.split([',', '|', ';']).flat_map(|p| p.split(" or ")) {
        let part = part.trim();
        let part = part.rsplit('=').next().unwrap_or(part).trim();
        if part.is_empty() {
            continue;
        }
        out.push(part.to_owned());
        if let Some((_, last)) = part.rsplit_once(':') {
            out.push(last.trim().to_owned());
        }
    }
    out.sort();
    out.dedup();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn channels_name_codes() {
        assert_eq!(channel_codes("EventCode=4103, 4104"), ["4103", "4104"]);
        assert!(channel_codes("ConsoleLogin, AssumeRole, ListResources").contains(&"assumerole".to_owned()));
        assert!(
            channel_codes("eventName=ConsoleLogin | eventType=AwsConsoleSignIn").contains(&"consolelogin".to_owned())
        );
        assert!(channel_codes("ssm:GetCommandInvocation").contains(&"getcommandinvocation".to_owned()));
        assert!(channel_codes("Add member to role").contains(&"add member to role".to_owned()));
    }

    #[test]
    fn the_most_frequent_spelling_wins() {
        let spellings: BTreeMap<String, usize> =
            [("consolelogin".to_owned(), 1), ("ConsoleLogin".to_owned(), 3)].into();
        assert_eq!(preferred_spelling(&spellings), "ConsoleLogin");
        let tie: BTreeMap<String, usize> = [("b".to_owned(), 1), ("a".to_owned(), 1)].into();
        assert_eq!(preferred_spelling(&tie), "a");
    }
}
