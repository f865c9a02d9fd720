//! `/event/:id`: one catalog event. Its facts and description, its ATT&CK
//! data components with the log sources ATT&CK names for them, the fields
//! the rules reading it filter on, its per-call events (or the service event
//! it belongs to), the techniques those rules are tagged with, and the rules.

use std::sync::Arc;

use atlas_catalog::Vendor;
use atlas_catalog::aggregate::{Atlas, ComponentRef, EventView, TechniqueCount, VendorCounts, event_view};
use leptos::prelude::*;

use super::found_or_unknown;
use super::technique::{event_row, id_param};
use crate::components::count_table::{CountRow, CountTable};
use crate::components::description::Description;
use crate::components::guide_tables::FieldsTable;
use crate::components::rule_table::RuleTable;
use crate::components::status::with_atlas;
use crate::components::vendor::rules_label;
use crate::url::{Links, Scope, set_title};

/// The event page.
#[component]
pub fn EventPage() -> impl IntoView {
    let id = id_param();
    with_atlas(move |atlas| view! { <EventBody atlas id/> }.into_any())
}

#[component]
fn EventBody(atlas: Arc<Atlas>, id: Memo<String>) -> impl IntoView {
    let find = {
        let atlas = Arc::clone(&atlas);
        move |id: &str| event_view(&atlas, id)
    };
    found_or_unknown(id, "event", find, move |view| {
        set_title(&format!("{} · {}", view.event.name, view.event.source));
        content(&atlas, view).into_any()
    })
}

fn content(atlas: &Arc<Atlas>, view: EventView) -> impl IntoView + use<> {
    let links = expect_context::<Links>();
    let event = &view.event;
    let parent = view.parent.as_ref().map(|p| view! { <a href=links.event(&p.id)>{p.name.clone()}</a> " › " });
    let fields_intro = format!(
        "The canonical fields the {} reading this event test in their indicators, most rules first. \
         The How column shows the operators authors use and how often each appears; sample values are examples to start from. \
         Fields marked “not listed” are not among the fields the event catalog lists for this event \
         (often fields of the log pipeline, such as event.category, rather than of the event).",
        rules_label(view.rules.len())
    );
    let carried = (!event.fields.is_empty()).then(|| {
        let items = event.fields.iter().map(|f| view! { <li><code>{f.clone()}</code></li> }).collect_view();
        view! {
            <h3>"Fields the event carries"</h3>
            <p class="explain">"As the event catalog lists them, in canonical names."</p>
            <ul class="chips carried">{items}</ul>
        }
    });
    let children = (!view.children.is_empty()).then(|| {
        let rows = view.children.iter().filter_map(|c| child_row(atlas, &links, c.event, c.counts)).collect();
        view! {
            <section class="per-call">
                <h2>{format!("Events of this source ({})", view.children.len())}</h2>
                <p class="explain">"The events and API calls of this source that rules name, each with the rules reading it."</p>
                <CountTable rows label="Event" detail="ATT&CK data component" noun="events" class="event-children" first=25/>
            </section>
        }
    });
    let techniques = technique_rows(atlas, &links, &view.techniques);
    view! {
        <nav class="breadcrumb" aria-label="Breadcrumb">
            <a href=links.home()>"ATT&CK coverage"</a>
            " › "
            {parent}
            <span aria-current="page">"Event"</span>
        </nav>
        <h1 class="event-title">
            {event.name.clone()}
            " "
            <span class="id">{event.id.clone()}</span>
        </h1>
        {facts(&links, &view)}
        <p class="prose description">{event.description.clone()}</p>
        <DataComponents components=view.components.clone() code=event.code.clone()/>
        {children}
        <section class="event-fields">
            <h2>{format!("Fields filtered most ({} distinct)", view.fields.len())}</h2>
            <p class="explain">{fields_intro}</p>
            <FieldsTable rows=view.fields.clone() scope=Scope::Event(event.id.clone()) listed=event.fields.clone()/>
            {carried}
        </section>
        <section class="event-techniques">
            <h2>{format!("Techniques ({})", view.techniques.len())}</h2>
            <p class="explain">
                "The techniques the rules reading this event are tagged with; a technique counts the rules of its sub-techniques, as on its own page."
            </p>
            <CountTable rows=techniques label="Technique" detail="Tactics" noun="techniques" class="event-techniques" first=25/>
        </section>
        <section class="event-rules">
            <h2>{format!("Rules reading this event ({})", view.rules.len())}</h2>
            <RuleTable atlas=Arc::clone(atlas) rules=view.rules.clone() name=vec![event.id.clone(), "rules".into()]/>
        </section>
    }
}

/// Source, platform, code, channel and the rules per vendor.
fn facts(links: &Links, view: &EventView) -> impl IntoView + use<> {
    let event = &view.event;
    let optional =
        |label: &'static str, value: Option<String>| value.map(|v| view! { <dt>{label}</dt><dd><code>{v}</code></dd> });
    let per_vendor = Vendor::ALL
        .into_iter()
        .filter(|v| view.counts.get(*v) > 0)
        .map(|v| format!("{} {}", v.label(), view.counts.get(v)))
        .collect::<Vec<_>>()
        .join(" · ");
    let through_events = u32::try_from(view.rules.len()).unwrap_or(u32::MAX).saturating_sub(view.direct);
    let reading = if through_events > 0 {
        format!(
            "{}: {} read the source as a whole, {through_events} one of its events",
            rules_label(view.rules.len()),
            view.direct
        )
    } else {
        rules_label(view.rules.len())
    };
    let matrix = (!view.rules.is_empty()).then(|| {
        view! { " · " <a class="on-matrix" href=links.coverage_of_event(&event.id)>"their ATT&CK coverage →"</a> }
    });
    view! {
        <dl class="facts event-facts">
            <dt>"Source"</dt>
            <dd>{event.source.clone()}</dd>
            <dt>"Platform"</dt>
            <dd>{event.platform.clone()}</dd>
            {optional("Code", event.code.clone())}
            {optional("Channel", event.channel.clone())}
            <dt>"Rules"</dt>
            <dd>
                {reading}
                {(!per_vendor.is_empty()).then(|| format!(" — {per_vendor}"))}
                {matrix}
            </dd>
        </dl>
    }
}

/// Each ATT&CK data component: name, description, the log sources ATT&CK
/// lists for it (those naming the event's code first, the rest folded). With
/// several components (service-level events), each is folded to its name.
#[component]
fn DataComponents(components: Vec<ComponentRef>, code: Option<String>) -> impl IntoView {
    let n = components.len();
    let items = components
        .into_iter()
        .map(|c| {
            let ComponentRef { component, naming } = c;
            let naming_view = (!naming.is_empty()).then(|| {
                let pairs = naming
                    .into_iter()
                    .map(|(n, ch)| view! { <span class="pair"><code>{n}</code> " " <code>{ch}</code></span> " " })
                    .collect_view();
                view! { <p class="naming">{format!("ATT&CK log sources naming {}: ", code.clone().unwrap_or_default())} {pairs}</p> }
            });
            let all = (!component.log_sources.is_empty()).then(|| {
                let rows = component
                    .log_sources
                    .iter()
                    .map(|(n, ch)| view! { <tr><td><code>{n.clone()}</code></td><td>{ch.clone()}</td></tr> })
                    .collect_view();
                view! {
                    <details class="all-sources">
                        <summary>{format!("All {} log sources ATT&CK lists for {}", component.log_sources.len(), component.id)}</summary>
                        <table class="data log-source-table">
                            <thead><tr><th scope="col">"Log source"</th><th scope="col">"Channel"</th></tr></thead>
                            <tbody>{rows}</tbody>
                        </table>
                    </details>
                }
            });
            view! {
                <li class="component">
                    <details open=n == 1>
                        <summary><h3><span class="id">{component.id.clone()}</span> " " {component.name.clone()}</h3></summary>
                        <div class="prose">
                            <Description text=component.description.clone()/>
                        </div>
                        {naming_view}
                        {all}
                    </details>
                </li>
            }
        })
        .collect_view();
    let empty = (n == 0)
        .then(|| view! { <p class="empty">"The event catalog links no ATT&CK data component to this event."</p> });
    view! {
        <section class="data-components">
            <h2>{if n == 1 { "ATT&CK data component" } else { "ATT&CK data components" }}</h2>
            {empty}
            <ul class="plain components">{items}</ul>
        </section>
    }
}

/// A per-call event's row: its source is the page's, so the second column
/// names its data components instead.
fn child_row(atlas: &Atlas, links: &Links, position: u32, counts: VendorCounts) -> Option<CountRow> {
    let attack = &atlas.catalog().attack;
    let names = atlas
        .event(position)?
        .data_components
        .iter()
        .map(|id| attack.data_component(id).map_or(id.as_str(), |c| c.name.as_str()));
    let detail = names.collect::<Vec<_>>().join(", ");
    event_row(atlas, links, position, counts).map(|row| CountRow { detail, ..row })
}

fn technique_rows(atlas: &Atlas, links: &Links, techniques: &[TechniqueCount]) -> Vec<CountRow> {
    let attack = &atlas.catalog().attack;
    techniques
        .iter()
        .map(|t| {
            let detail = atlas
                .technique(&t.id)
                .map(|technique| technique.tactics.iter().map(|s| attack.tactic_name(s)).collect::<Vec<_>>().join(", "))
                .unwrap_or_default();
            CountRow { href: links.technique(&t.id), name: t.name.clone(), tag: t.id.clone(), detail, counts: t.counts }
        })
        .collect()
}
