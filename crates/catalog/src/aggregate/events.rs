//! The event catalog in the views: the events a technique's rules read, with
//! rules per vendor, and an event's own view (its ATT&CK data components, the
//! fields rules filter on in it, the techniques and rules that read it).
//!
//! Work here is proportional to the rules involved: the event → rules index
//! is built once in [`Atlas::new`].

use rustc_hash::FxHashMap;

use crate::model::{DataComponent, Event};

use super::Atlas;
use super::atlas::{normalize_technique_id, to_u32};
use super::guide::{FieldRow, fields_filtered};
use super::order;
use super::vendors::VendorCounts;

/// A catalog event and how many of the given rules read it, per vendor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventCount {
    /// Position in `catalog.events`.
    pub event: u32,
    pub counts: VendorCounts,
}

/// The catalog events the given rules read, most rules first, ties in
/// catalog order (empty while the catalog has no event list). Each rule
/// counts once per event.
pub fn events_covered(atlas: &Atlas, rules: &[u32]) -> Vec<EventCount> {
    let mut counts: FxHashMap<u32, VendorCounts> = FxHashMap::default();
    for rule in rules.iter().filter_map(|&p| atlas.rule(p)) {
        let mut read: Vec<u32> = rule.events.iter().filter_map(|id| atlas.event_position(id)).collect();
        order::sort_dedup(&mut read);
        for event in read {
            counts.entry(event).or_default().add(rule.vendor);
        }
    }
    let mut out: Vec<EventCount> = counts.into_iter().map(|(event, counts)| EventCount { event, counts }).collect();
    order::sort_by(&mut out, |a, b| b.counts.total().cmp(&a.counts.total()).then_with(|| a.event.cmp(&b.event)));
    out
}

/// Every catalog event with the rules reading it or one of its per-call
/// events, most rules first, ties in catalog order: the choices of the
/// coverage view's event filter.
pub fn event_choices(atlas: &Atlas) -> Vec<(u32, u32)> {
    let mut out: Vec<(u32, u32)> =
        (0..to_u32(atlas.catalog().events.len())).map(|e| (e, to_u32(atlas.rules_reading(e).len()))).collect();
    order::sort_by(&mut out, |a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    out
}

/// What the event view shows besides the event's own facts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventView {
    pub event: Event,
    /// The service-level event a per-call event belongs to.
    pub parent: Option<Event>,
    /// The per-call events of a service-level event, with the rules reading
    /// each, most rules first.
    pub children: Vec<EventCount>,
    /// The event's ATT&CK data components, in the event's order.
    pub components: Vec<ComponentRef>,
    /// Rules that read the event or one of its per-call events, ascending.
    pub rules: Vec<u32>,
    /// Of those, the rules that read the event itself.
    pub direct: u32,
    /// `rules` per vendor.
    pub counts: VendorCounts,
    /// Techniques the rules are tagged with (a parent counts the rules of its
    /// sub-techniques, as on its own page), most rules first.
    pub techniques: Vec<TechniqueCount>,
    /// The canonical fields the rules' indicators test, most rules first.
    pub fields: Vec<FieldRow>,
}

/// An ATT&CK data component of an event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ComponentRef {
    /// ATT&CK's component; only the id when the bundle does not know it.
    pub component: DataComponent,
    /// The component's log sources whose channel names the event's code
    /// (`WinEventLog:Sysmon` / `EventCode=1` for Sysmon 1).
    pub naming: Vec<(String, String)>,
}

/// A technique and the rules tagged with it (or a sub-technique) that read
/// an event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TechniqueCount {
    pub id: String,
    pub name: String,
    pub counts: VendorCounts,
}

/// The view of an event, or `None` when the catalog has no event with this id.
pub fn event_view(atlas: &Atlas, id: &str) -> Option<EventView> {
    let position = atlas.event_position(id)?;
    let event = atlas.event(position)?.clone();
    let parent = event.parent.as_deref().and_then(|p| atlas.event_position(p)).and_then(|p| atlas.event(p)).cloned();
    let mut children: Vec<EventCount> = atlas
        .event_children(position)
        .iter()
        .map(|&child| EventCount { event: child, counts: VendorCounts::of(atlas, atlas.event_rules(child)) })
        .collect();
    order::sort_by(&mut children, |a, b| b.counts.total().cmp(&a.counts.total()).then_with(|| a.event.cmp(&b.event)));
    let rules = atlas.rules_reading(position);
    let components = event.data_components.iter().map(|dc| component(atlas, dc, event.code.as_deref())).collect();
    Some(EventView {
        parent,
        children,
        components,
        direct: to_u32(atlas.event_rules(position).len()),
        counts: VendorCounts::of(atlas, &rules),
        techniques: techniques_of(atlas, &rules),
        fields: fields_filtered(atlas, &rules),
        rules,
        event,
    })
}

fn component(atlas: &Atlas, id: &str, code: Option<&str>) -> ComponentRef {
    let known = atlas.catalog().attack.data_component(id);
    let component = known.cloned().unwrap_or_else(|| DataComponent {
        id: id.to_owned(),
        name: id.to_owned(),
        description: String::new(),
        log_sources: vec![],
    });
    let naming = match code {
        Some(code) => component.log_sources.iter().filter(|(_, channel)| names_code(channel, code)).cloned().collect(),
        None => vec![],
    };
    ComponentRef { component, naming }
}

/// Whether an ATT&CK log-source channel names a code: `EventCode=4624, 4648`
/// names 4624; `ConsoleLogin, AssumeRole` names ConsoleLogin. Items are
/// separated by commas, bars or " or ", each read after any `key=`.
pub fn names_code(channel: &str, code: &str) -> bool {
    let code = code.trim();
    !code.is_empty()
        && channel
            .split([',', '|'])
            .flat_map(|part| part.split(" or "))
            .map(|item| item.rsplit_once('=').map_or(item, |(_, value)| value).trim())
            .any(|item| item.eq_ignore_ascii_case(code))
}

/// Rules per technique id as tagged, a sub-technique also counting for its
/// parent; each rule once per technique.
fn techniques_of(atlas: &Atlas, rules: &[u32]) -> Vec<TechniqueCount> {
    let mut counts: FxHashMap<String, VendorCounts> = FxHashMap::default();
    for rule in rules.iter().filter_map(|&p| atlas.rule(p)) {
        let mut ids: Vec<String> = Vec::with_capacity(rule.techniques.len() * 2);
        for id in rule.techniques.iter().map(|t| normalize_technique_id(t)) {
            if let Some((parent, _)) = id.split_once('.') {
                ids.push(parent.to_owned());
            }
            ids.push(id);
        }
        order::sort_dedup(&mut ids);
        for id in ids {
            counts.entry(id).or_default().add(rule.vendor);
        }
    }
    let mut out: Vec<TechniqueCount> = counts
        .into_iter()
        .map(|(id, counts)| TechniqueCount { name: atlas.technique_name(&id).to_owned(), id, counts })
        .collect();
    order::sort_by(&mut out, |a, b| b.counts.total().cmp(&a.counts.total()).then_with(|| a.id.cmp(&b.id)));
    out
}

#[cfg(test)]
mod tests {
    use super::super::fixture::atlas;
    use super::*;
    use crate::model::Vendor;
    use crate::predicate::Op;

    /// (Sigma, Elastic, Splunk) of a count.
    fn split(counts: &VendorCounts) -> (u32, u32, u32) {
        (counts.get(Vendor::Sigma), counts.get(Vendor::Elastic), counts.get(Vendor::Splunk))
    }

    fn ids(atlas: &Atlas, counts: &[EventCount]) -> Vec<(String, (u32, u32, u32))> {
        counts.iter().map(|c| (atlas.event(c.event).expect("event").id.clone(), split(&c.counts))).collect()
    }

    #[test]
    fn events_covered_count_rules_per_vendor() {
        let atlas = atlas();
        // T1204: r1 (Sigma), r2 (Elastic), r3 (Splunk), r5 (Sigma).
        let covered = events_covered(&atlas, &atlas.rules_under("T1204"));
        assert_eq!(
            ids(&atlas, &covered),
            [
                ("sysmon-1".to_owned(), (1, 1, 1)),          // r1, r2, r3
                ("win-security-4688".to_owned(), (1, 0, 1)), // r1, r3
                ("sysmon-11".to_owned(), (1, 0, 0)),         // r5
            ]
        );
        // T1059.001: r4 (Sigma) reads both, r6 (Elastic) Sysmon 1 only.
        let covered = events_covered(&atlas, &atlas.rules_under("T1059.001"));
        assert_eq!(
            ids(&atlas, &covered),
            [("sysmon-1".to_owned(), (1, 1, 0)), ("win-security-4688".to_owned(), (1, 0, 0))]
        );
        assert!(events_covered(&atlas, &[]).is_empty());
    }

    #[test]
    fn choices_rank_events_by_their_readers() {
        // sysmon 7 (its events' readers), sysmon-1 6, win-security 4, 4688 3,
        // then sysmon-11, m365 and its call 1 each.
        assert_eq!(event_choices(&atlas()), [(0, 7), (1, 6), (3, 4), (4, 3), (2, 1), (5, 1), (6, 1)]);
    }

    #[test]
    fn an_event_with_its_techniques_and_fields() {
        let atlas = atlas();
        let view = event_view(&atlas, "sysmon-1").expect("known");
        assert_eq!(view.rules, [0, 1, 2, 3, 5, 6]);
        assert_eq!((view.direct, split(&view.counts)), (6, (3, 2, 1)));
        assert_eq!(view.parent.as_ref().map(|p| p.id.as_str()), Some("sysmon"));
        assert!(view.children.is_empty());
        // Parents count their sub-techniques' rules, as on the technique page:
        // T1204 here (3) is T1204's Sysmon 1 row there.
        let techniques: Vec<_> = view.techniques.iter().map(|t| (t.id.as_str(), t.counts.total())).collect();
        assert_eq!(
            techniques,
            [
                ("T1204", 3),
                ("T1059", 2),     // r4 via T1059.001, r6 tagged with both: once
                ("T1059.001", 2), // r4, r6
                ("T1204.002", 2), // r2, r3
                ("T1218", 1),
                ("T1218.005", 1),
                ("T1999", 1), // unknown to ATT&CK: named by its id
            ]
        );
        assert_eq!(view.techniques[6].name, "T1999");
        assert_eq!(split(&view.techniques[0].counts), (1, 1, 1));
        // Image *\mshta.exe (r1, r7), process.name (r2, r3, r6), Image *\powershell.exe (r4).
        let fields: Vec<_> = view.fields.iter().map(|f| (f.field.as_str(), f.rules)).collect();
        assert_eq!(fields, [("process.name", 6), ("process.command_line", 4), ("process.parent.name", 2)]);
        let name = &view.fields[0];
        assert_eq!(name.ops.iter().map(|o| (o.op, o.rules)).collect::<Vec<_>>(), [(Op::Eq, 3), (Op::Wildcard, 3)]);
        let values = |row: &FieldRow| row.samples.iter().map(|(_, v)| v.clone()).collect::<Vec<String>>();
        assert_eq!(values(name), ["mshta.exe", "powershell.exe"]);
        assert_eq!(values(&view.fields[1]), ["*http*", "*-enc*", "*javascript:*"]);
    }

    #[test]
    fn data_components_with_the_log_sources_naming_the_event() {
        let atlas = atlas();
        let view = event_view(&atlas, "sysmon-1").expect("known");
        let dc = &view.components[0];
        assert_eq!((dc.component.id.as_str(), dc.component.name.as_str()), ("DC0032", "Process Creation"));
        assert_eq!(dc.component.log_sources.len(), 3);
        assert_eq!(dc.naming, [("WinEventLog:Sysmon".to_owned(), "EventCode=1".to_owned())]);
        // A component the bundle does not know keeps its id.
        let view = event_view(&atlas, "sysmon-11").expect("known");
        let components: Vec<_> = view.components.iter().map(|c| (c.component.name.as_str(), c.naming.len())).collect();
        assert_eq!(components, [("File Creation", 1), ("DC9999", 0)]);
        assert!(names_code("EventCode=4624, 4648", "4648"));
        assert!(names_code("ConsoleLogin | AssumeRole", "consolelogin"));
        assert!(names_code("verb=create or verb=patch", "patch"));
        assert!(!names_code("EventCode=11, 23", "1") && !names_code("EventCode=1", ""));
    }

    #[test]
    fn parents_and_per_call_events() {
        let atlas = atlas();
        // The Security log: r8 reads it without naming an event; r1, r3, r4 read 4688.
        let view = event_view(&atlas, "win-security").expect("known");
        assert_eq!(ids(&atlas, &view.children), [("win-security-4688".to_owned(), (2, 0, 1))]);
        assert_eq!(view.rules, [0, 2, 3, 7]);
        assert_eq!((view.direct, split(&view.counts)), (1, (3, 0, 1)));
        assert!(view.parent.is_none());
        let sysmon = event_view(&atlas, "sysmon").expect("known");
        assert_eq!(
            ids(&atlas, &sysmon.children),
            [("sysmon-1".to_owned(), (3, 2, 1)), ("sysmon-11".to_owned(), (1, 0, 0))]
        );
        assert_eq!((sysmon.direct, sysmon.rules.len()), (0, 7));
        // Ids with a colon, spaces and a dot are ids like any other.
        let consent = event_view(&atlas, "m365:Consent to application.").expect("known");
        assert_eq!((consent.rules.as_slice(), consent.parent.map(|p| p.id)), (&[7][..], Some("m365".to_owned())));
        assert!(consent.techniques.is_empty() && consent.components.is_empty());
        assert!(event_view(&atlas, "sysmon-99").is_none());
        assert!(event_view(&atlas, "SYSMON-1").is_none());
    }
}
