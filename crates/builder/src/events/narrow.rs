//! Narrowing: from the sources and events a rule's labels point at to the
//! events it reads, using its own predicates (event codes, API calls, ECS
//! categories and actions), and the order in which the results count.

use atlas_catalog::Expr;

use super::facts::{self, Facts};
use super::reach::{Aim, Reach, Reaches};
use super::table::{EcsHint, EventIx, EventTable, Generate, Source, SourceIx, code_key};

/// One event a rule reads: listed in the table, or made from a code the
/// rule names (an API call, an unlisted event id).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Found {
    Known(EventIx),
    New { source: SourceIx, code: String },
}

/// The events a rule reads, best evidence first: events its predicates or
/// labels name; else the roots of the sources its specific labels name; else
/// the roots reached through broad labels (preferring a declared fallback).
pub fn resolve(table: &EventTable, reaches: &Reaches, facts: &Facts, logic: Option<&Expr>) -> Vec<Found> {
    let found = resolve_reaches(table, &reaches.list, facts, logic);
    if !found.is_empty() {
        return found;
    }
    resolve_reaches(table, &reaches.data_models, facts, logic)
}

fn resolve_reaches(table: &EventTable, reaches: &[Reach], facts: &Facts, logic: Option<&Expr>) -> Vec<Found> {
    let mut strong: Vec<Found> = Vec::new();
    let mut specific_roots: Vec<Found> = Vec::new();
    let mut broad_roots: Vec<SourceIx> = Vec::new();
    let mut listed: Vec<EventIx> = Vec::new();
    let mut by_category: Vec<EventIx> = Vec::new();
    for reach in reaches {
        match &reach.aim {
            Aim::Event(ix) => listed.push(*ix),
            Aim::Code(source, code) => {
                let found = code_event(table, *source, code, true).unwrap_or(Found::Known(table.sources[*source].root));
                push(&mut strong, found);
            }
            Aim::Source(ix) => match narrow_source(table, *ix, reach.broad, facts, logic) {
                Narrowed::ByCode(found) => found.into_iter().for_each(|f| push(&mut strong, f)),
                Narrowed::ByCategory(found) => {
                    for ix in found {
                        if !by_category.contains(&ix) {
                            by_category.push(ix);
                        }
                    }
                }
                Narrowed::No if reach.broad => broad_roots.push(*ix),
                Narrowed::No => push(&mut specific_roots, Found::Known(table.sources[*ix].root)),
            },
        }
    }
    for ix in by_field_affinity(table, by_category, logic) {
        push(&mut strong, Found::Known(ix));
    }
    for ix in filter_listed(table, &listed, facts) {
        push(&mut strong, Found::Known(ix));
    }
    if !strong.is_empty() {
        return strong;
    }
    if !specific_roots.is_empty() {
        return specific_roots;
    }
    let fallback: Vec<SourceIx> = broad_roots.iter().copied().filter(|&ix| table.sources[ix].def.fallback).collect();
    let roots = if fallback.is_empty() { broad_roots } else { fallback };
    let mut out = Vec::new();
    for ix in roots {
        push(&mut out, Found::Known(table.sources[ix].root));
    }
    out
}

fn push(list: &mut Vec<Found>, found: Found) {
    if !list.contains(&found) {
        list.push(found);
    }
}

/// How a source was narrowed.
enum Narrowed {
    /// By codes (event ids, API calls) the rule tests.
    ByCode(Vec<Found>),
    /// By the ECS categories, types or actions the rule tests.
    ByCategory(Vec<EventIx>),
    No,
}

/// The events of one source the rule's predicates name, if they name any.
/// Through a broad label only listed codes count: `event.code: "4104"` over
/// `winlogbeat-*` is not an unknown Sysmon event.
fn narrow_source(table: &EventTable, ix: SourceIx, broad: bool, facts: &Facts, logic: Option<&Expr>) -> Narrowed {
    let source = &table.sources[ix];
    let mut found = Vec::new();
    if !source.verb_fields.is_empty() {
        for (verb, resource) in facts::pairs(logic, &source.verb_fields, &source.resource_fields) {
            let Some(resource) = resource else { continue };
            let code = format!("{} {resource}", verb.as_deref().unwrap_or("*"));
            found.extend(code_event(table, ix, &code, !broad));
        }
    }
    for test in facts.values_on(&source.code_fields) {
        found.extend(code_event(table, ix, &test.value, !broad));
    }
    if !found.is_empty() {
        return Narrowed::ByCode(found);
    }
    let by_category = by_ecs(table, source, facts);
    if by_category.is_empty() { Narrowed::No } else { Narrowed::ByCategory(by_category) }
}

/// An ECS category matches every event of that category; when the rule's
/// fields belong to some of them only (a `process` rule on
/// `powershell.file.script_block_text` reads script block logging, not
/// process creation; a `file` rule on `file.extension` reads file events, not
/// named pipes), the events that carry none of its fields are dropped.
fn by_field_affinity(table: &EventTable, events: Vec<EventIx>, logic: Option<&Expr>) -> Vec<EventIx> {
    if events.len() < 2 {
        return events;
    }
    let fields = facts::indicator_fields(logic);
    let carries = |ix: EventIx| table.entry(ix).fields.iter().any(|f| fields.iter().any(|r| r.eq_ignore_ascii_case(f)));
    let kept: Vec<EventIx> = events.iter().copied().filter(|&ix| carries(ix)).collect();
    if kept.is_empty() { events } else { kept }
}

/// The event of `source` a code names: listed, aliased, or (when the source
/// generates events and `generate` allows) a new one.
pub fn code_event(table: &EventTable, ix: SourceIx, code: &str, generate: bool) -> Option<Found> {
    let source = &table.sources[ix];
    let key = code_key(code);
    if let Some(&event) = source.by_code.get(&key).or_else(|| source.aliases.get(&key)) {
        return Some(Found::Known(event));
    }
    let code = code.trim();
    let valid = match source.def.generate {
        Generate::None => false,
        Generate::Number => !code.is_empty() && code.bytes().all(|b| b.is_ascii_digit()),
        Generate::Any => !code.is_empty() && code.len() <= 200 && !code.contains(['*', '\n']),
    };
    (generate && valid).then(|| Found::New { source: ix, code: code.to_owned() })
}

/// Events of a source whose ECS hints match the rule's categories and types
/// (narrowed by its actions where that leaves some), or, without categories,
/// whose actions the rule names.
fn by_ecs(table: &EventTable, source: &Source, facts: &Facts) -> Vec<EventIx> {
    let events = source.events.iter().copied();
    if !facts.categories.is_empty() {
        let matching: Vec<EventIx> =
            events.filter(|&ix| table.entry(ix).ecs.iter().any(|hint| ecs_matches(hint, facts))).collect();
        let by_action: Vec<EventIx> = matching.iter().copied().filter(|&ix| names_action(table, ix, facts)).collect();
        return if by_action.is_empty() { matching } else { by_action };
    }
    if facts.actions.is_empty() {
        return Vec::new();
    }
    events.filter(|&ix| names_action(table, ix, facts)).collect()
}

/// A typed hint needs the rule's type when it tests one; an untyped hint
/// only matches rules that test no type.
fn ecs_matches(hint: &EcsHint, facts: &Facts) -> bool {
    if !facts.categories.contains(&hint.category) {
        return false;
    }
    match &hint.kind {
        Some(kind) => facts.types.is_empty() || facts.types.contains(kind),
        None => facts.types.is_empty(),
    }
}

fn names_action(table: &EventTable, ix: EventIx, facts: &Facts) -> bool {
    table.entry(ix).actions.iter().any(|a| facts.actions.contains(a))
}

/// Events a label names directly, kept unless the rule's predicates pick
/// others among them (Sigma `registry_event` + `EventID: 13` keeps Sysmon 13
/// only; `process_creation` + `EventID: 4688` keeps Security 4688 only).
fn filter_listed(table: &EventTable, listed: &[EventIx], facts: &Facts) -> Vec<EventIx> {
    let kept: Vec<EventIx> = listed.iter().copied().filter(|&ix| keeps(table, ix, facts)).collect();
    if kept.is_empty() { listed.to_vec() } else { kept }
}

fn keeps(table: &EventTable, ix: EventIx, facts: &Facts) -> bool {
    let entry = table.entry(ix);
    let source = table.source_of(ix);
    let codes = facts.values_on(&source.code_fields);
    if !codes.is_empty() {
        let key = entry.code.as_deref().map(code_key);
        return key.is_some_and(|key| codes.iter().any(|test| test.key == key));
    }
    if !facts.categories.is_empty() && !entry.ecs.is_empty() {
        return entry.ecs.iter().any(|hint| ecs_matches(hint, facts));
    }
    true
}
