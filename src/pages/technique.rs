//! `/technique/:id`: the technique as ATT&CK describes it, the events the
//! catalog covers, a summary of the authoring guide, and the rules under it
//! grouped by vendor.

use std::sync::Arc;

use atlas_catalog::Polarity;
use atlas_catalog::aggregate::{
    Atlas, Guide, TechniqueView, VendorCounts, VendorGroup, events_covered, guide, log_sources, technique_view,
};
use atlas_catalog::export::csv;
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

use super::found_or_unknown;
use crate::components::count_table::{CountRow, CountTable};
use crate::components::description::Description;
use crate::components::export::CsvButton;
use crate::components::guide_tables::{
    EXCLUSIONS_TEXT, FIELDS_TEXT, FieldsTable, VALUES_TEXT, ValuesTable, intro_text,
};
use crate::components::status::with_atlas;
use crate::components::vendor::{VendorBadge, rules_label};
use crate::url::{Links, Scope, external, set_title};

/// Rows of each guide table shown in the summary.
const SUMMARY_ROWS: usize = 5;
/// Events listed before "Show all".
const EVENT_ROWS: usize = 12;

/// The technique page.
#[component]
pub fn TechniquePage() -> impl IntoView {
    let id = id_param();
    with_atlas(move |atlas| view! { <TechniqueBody atlas id/> }.into_any())
}

/// The `:id` route parameter.
pub(crate) fn id_param() -> Memo<String> {
    let params = use_params_map();
    Memo::new(move |_| params.with(|p| p.get("id").unwrap_or_default()))
}

#[component]
fn TechniqueBody(atlas: Arc<Atlas>, id: Memo<String>) -> impl IntoView {
    let find = {
        let atlas = Arc::clone(&atlas);
        move |id: &str| technique_view(&atlas, id)
    };
    found_or_unknown(id, "technique", find, move |view| {
        set_title(&format!("{} {}", view.id, view.name));
        content(&atlas, view).into_any()
    })
}

fn content(atlas: &Arc<Atlas>, view: TechniqueView) -> impl IntoView + use<> {
    let links = expect_context::<Links>();
    let description = atlas.technique(&view.id).map(|t| t.description.clone()).unwrap_or_default();
    let guide = guide(atlas, &view.rules);
    let groups = view.groups.clone();
    let rules_csv = {
        let (atlas, rules) = (Arc::clone(atlas), view.rules.clone());
        let table = Callback::new(move |()| csv::rules(&atlas, &rules));
        view! { <CsvButton name=vec![view.id.clone(), "rules".into()] what="the rules under this technique".into() table/> }
    };
    view! {
        <TechniqueHeading atlas=Arc::clone(atlas) view=view.clone() current="Technique"/>
        <section class="prose description">
            <Description text=description/>
        </section>
        <SubTechniques view=view.clone()/>
        <EventsCovered atlas=Arc::clone(atlas) rules=view.rules.clone()/>
        <GuideSummary guide id=view.id.clone() links=links.clone()/>
        <section class="technique-rules">
            <h2>"Rules under this technique"</h2>
            <p class="explain">
                "Every rule in the catalog tagged with this technique, grouped by vendor. Click a rule title for its full predicates, exclusions, and indicators."
            </p>
            {groups.into_iter().map(|g| vendor_group(atlas, &links, g)).collect_view()}
            <div class="table-tools">{rules_csv}</div>
        </section>
    }
}

/// Breadcrumb, name, ID and ATT&CK facts; shared with the guide page.
#[component]
pub(crate) fn TechniqueHeading(atlas: Arc<Atlas>, view: TechniqueView, current: &'static str) -> impl IntoView {
    let links = expect_context::<Links>();
    let technique = atlas.technique(&view.id).cloned();
    let attack = &atlas.catalog().attack;
    let tactics = technique
        .as_ref()
        .map(|t| t.tactics.iter().map(|s| attack.tactic_name(s)).collect::<Vec<_>>().join(", "))
        .unwrap_or_default();
    let platforms = technique.as_ref().map(|t| t.platforms.join(", ")).unwrap_or_default();
    let mitre = technique.as_ref().and_then(|t| external(&t.url).map(str::to_owned));
    let parent = view.parent.clone().map(|(id, name)| view! { <a href=links.technique(&id)>{name}</a> " › " });
    let unknown = (!view.known).then(|| format!("Not in ATT&CK {}: only rules tag this ID.", attack.version));
    let deprecated = technique.as_ref().is_some_and(|t| t.deprecated).then_some("Deprecated in ATT&CK.");
    view! {
        <nav class="breadcrumb" aria-label="Breadcrumb">
            <a href=links.home()>"ATT&CK coverage"</a>
            " › "
            {parent}
            <span aria-current="page">{current}</span>
        </nav>
        <h1 class="technique-title">
            {view.name.clone()}
            " "
            <span class="id">{view.id.clone()}</span>
        </h1>
        <dl class="facts">
            <dt>"Tactics"</dt>
            <dd>{tactics}</dd>
            <dt>"Platforms"</dt>
            <dd>{platforms}</dd>
            <dt>"Rules"</dt>
            <dd>{rules_label(view.rules.len())}</dd>
            <dt>"ATT&CK"</dt>
            <dd>
                {mitre.map(|url| view! { <a href=url rel="external noopener" target="_blank">"attack.mitre.org ↗"</a> })}
                {unknown}
                {deprecated}
            </dd>
        </dl>
    }
}

/// The catalog events the technique's rules read, with the rules per vendor
/// behind each; while the catalog has no event list (or no rule under the
/// technique reads a listed event), the log sources the rules name instead.
#[component]
fn EventsCovered(atlas: Arc<Atlas>, rules: Vec<u32>) -> impl IntoView {
    let links = expect_context::<Links>();
    let events = events_covered(&atlas, &rules);
    let summary = match (atlas.catalog().events.is_empty(), events.len()) {
        (true, _) => "The catalog has no event list yet, so no events are tagged with this technique. Until it does, these are the log sources its rules read:".to_owned(),
        (false, 0) => "No catalog event is read by the rules under this technique. The log sources they name:".to_owned(),
        (false, 1) => "1 catalog event is tagged with this technique by at least one rule.".to_owned(),
        (false, n) => format!("{n} catalog events are tagged with this technique by at least one rule."),
    };
    let table = (!events.is_empty()).then(|| {
        let rows = events.iter().filter_map(|e| event_row(&atlas, &links, e.event, e.counts)).collect();
        view! {
            <p class="explain">
                "Each event with the rules under this technique that read it, per vendor. Open an event for its fields, data component and every rule reading it."
            </p>
            <CountTable rows label="Event" detail="Source" noun="events" class="events-covered" first=EVENT_ROWS/>
        }
    });
    let sources = events.is_empty().then(|| {
        let items = log_sources(&atlas, &rules)
            .into_iter()
            .map(|e| {
                let pairs = e.pairs.iter().map(|(k, v)| format!("{k}: {v}")).collect::<Vec<_>>().join(" · ");
                view! { <li><code>{pairs}</code> " " <span class="muted">{rules_label(e.rules as usize)}</span></li> }
            })
            .collect_view();
        view! { <ul class="log-sources">{items}</ul> }
    });
    view! {
        <section class="events">
            <h2>"Events covered"</h2>
            <p class="events-summary">{summary}</p>
            {table}
            {sources}
        </section>
    }
}

/// A table row for a catalog event: its name linked to its view, its code,
/// its source.
pub(crate) fn event_row(atlas: &Atlas, links: &Links, position: u32, counts: VendorCounts) -> Option<CountRow> {
    let event = atlas.event(position)?;
    // "CloudTrail ConsoleLogin" already says its code.
    let code = event.code.as_deref().filter(|c| !event.name.to_lowercase().contains(&c.to_lowercase()));
    Some(CountRow {
        href: links.event(&event.id),
        name: event.name.clone(),
        tag: code.unwrap_or_default().to_owned(),
        detail: event.source.clone(),
        counts,
    })
}

/// A parent's sub-techniques with their rule counts.
#[component]
fn SubTechniques(view: TechniqueView) -> impl IntoView {
    let links = expect_context::<Links>();
    (!view.subtechniques.is_empty()).then(|| {
        let items = view
            .subtechniques
            .into_iter()
            .map(|(id, name, n)| {
                view! {
                    <li class:zero=n == 0>
                        <a href=links.technique(&id)>
                            <span class="id">{id.clone()}</span>
                            " "
                            {name}
                        </a>
                        " "
                        <span class="muted">{n}</span>
                    </li>
                }
            })
            .collect_view();
        view! {
            <section class="subtechniques">
                <h2>"Sub-techniques"</h2>
                <ul class="chips">{items}</ul>
            </section>
        }
    })
}

/// The top rows of each guide table, linking to the full guide.
#[component]
fn GuideSummary(guide: Guide, id: String, links: Links) -> impl IntoView {
    let full = links.guide(&id);
    let section = |title: &str, distinct: usize, text: &'static str| {
        view! {
            <h3>{format!("{title} ({distinct} distinct)")}</h3>
            <p class="explain">{text}</p>
        }
    };
    view! {
        <section class="guide-summary">
            <h2>"Authoring guide"</h2>
            <p class="explain">{intro_text(guide.rules as usize)}</p>
            {section("Fields filtered most", guide.fields.len(), FIELDS_TEXT)}
            <FieldsTable rows=guide.fields scope=Scope::Technique(id.clone()) limit=SUMMARY_ROWS/>
            {section("Top indicator values", guide.indicators.len(), VALUES_TEXT)}
            <ValuesTable rows=guide.indicators technique=id.clone() polarity=Polarity::Indicator limit=SUMMARY_ROWS/>
            {section("Common exclusions", guide.exclusions.len(), EXCLUSIONS_TEXT)}
            <ValuesTable rows=guide.exclusions technique=id.clone() polarity=Polarity::Exclusion limit=SUMMARY_ROWS/>
            <p class="more">
                <a href=full>"Full authoring guide →"</a>
            </p>
        </section>
    }
}

fn vendor_group(atlas: &Atlas, links: &Links, group: VendorGroup) -> impl IntoView + use<> {
    let items = group
        .rules
        .iter()
        .map(|r| {
            let rule_id = atlas.rule(r.position).map(|rule| links.rule(&rule.id));
            let tags = r
                .tagged
                .iter()
                .map(|t| view! { <a class="tag" href=links.technique(t)>{t.clone()}</a> })
                .collect_view();
            view! {
                <li>
                    <span class="clamp">
                        <a class="title" href=rule_id>{r.title.clone()}</a>
                        " "
                        {tags}
                    </span>
                </li>
            }
        })
        .collect_view();
    view! {
        <h3 class="vendor-group">
            <VendorBadge vendor=group.vendor/>
            " "
            {rules_label(group.rules.len())}
        </h3>
        <ul class="rule-list">{items}</ul>
    }
}
