//! `/rule/:id`: one rule. What catalog.json holds (techniques, log source,
//! parse status, logic) renders at once; the descriptive metadata and the
//! original text come from the rule's detail shard, fetched on demand.

use std::sync::Arc;

use atlas_catalog::aggregate::{Atlas, KeyReach, rule_keys};
use atlas_catalog::{IndicatorKey, Polarity, Rule, RuleAbout, RuleDetail};
use leptos::prelude::*;

use super::Unknown;
use super::technique::id_param;
use crate::AppState;
use crate::components::event_filter::event_label;
use crate::components::highlight::highlighted;
use crate::components::pattern::value_view;
use crate::components::predicate::PredicateTree;
use crate::components::similar::similar_section;
use crate::components::status::{Loading, with_atlas};
use crate::components::vendor::VendorBadge;
use crate::load::LoadError;
use crate::url::{Links, external, set_title};

/// The rule page.
#[component]
pub fn RulePage() -> impl IntoView {
    let id = id_param();
    with_atlas(move |atlas| view! { <RuleBody atlas id/> }.into_any())
}

#[component]
fn RuleBody(atlas: Arc<Atlas>, id: Memo<String>) -> impl IntoView {
    let state = expect_context::<AppState>();
    let shards = atlas.catalog().detail_shards;
    let detail = LocalResource::new(move || state.details.detail(id.get(), shards));
    move || {
        let id = id.get();
        match atlas.rule_position(&id) {
            None => view! { <Unknown kind="rule" id/> }.into_any(),
            Some(position) => content(&atlas, position, detail).into_any(),
        }
    }
}

type DetailResource = LocalResource<Result<Option<RuleDetail>, LoadError>>;

fn content(atlas: &Arc<Atlas>, position: u32, detail: DetailResource) -> impl IntoView + use<> {
    let links = expect_context::<Links>();
    let Some(rule) = atlas.rule(position).cloned() else { return ().into_any() };
    set_title(&rule.title);
    let indicators = rule_keys(atlas, position, Polarity::Indicator);
    let exclusions = rule_keys(atlas, position, Polarity::Exclusion);
    let own: Vec<IndicatorKey> = indicators.iter().map(|k| k.key.clone()).collect();
    let first_technique = rule.techniques.first().map(|t| view! { <a href=links.technique(t)>{t.clone()}</a> " › " });
    let upstream = upstream_url(atlas, &rule);
    let logic = match rule.logic.clone() {
        Some(expr) => view! { <PredicateTree expr/> }.into_any(),
        None => view! { <p class="empty">"This rule has no logic the catalog could read."</p> }.into_any(),
    };
    let about = {
        let rule = rule.clone();
        move || match detail.get() {
            None => view! { <Loading what="the rule text"/> }.into_any(),
            Some(Err(error)) => detail_failed(&rule, &error, upstream.clone()).into_any(),
            Some(Ok(detail)) => detail_view(&rule, detail, upstream.clone()).into_any(),
        }
    };
    view! {
        <nav class="breadcrumb" aria-label="Breadcrumb">
            <a href=links.home()>"ATT&CK coverage"</a>
            " › "
            {first_technique}
            <span aria-current="page">"Rule"</span>
        </nav>
        <h1 class="rule-title">{rule.title.clone()}</h1>
        <p class="badges">
            <VendorBadge vendor=rule.vendor/>
            {rule.severity.clone().map(|s| {
                let class = format!("severity severity-{}", s.to_lowercase());
                view! { <span class=class>{s}</span> }
            })}
            {rule.maturity.clone().map(|m| view! { <span class="chip">{m}</span> })}
            <span class=format!("status status-{}", rule.status.as_str())>{format!("parse: {}", rule.status.label())}</span>
            <a class="open-checker" href=links.check_rule(&rule.id) title="Edit a copy of this rule in the checker">"Open in checker"</a>
        </p>
        {facts(atlas, &links, &rule)}
        <section class="logic">
            <h2>"Detection logic"</h2>
            {logic}
        </section>
        <div class="two-col">
            {key_table(&links, "Indicators", "What the rule looks for (tests under no not).", indicators, Polarity::Indicator)}
            {key_table(&links, "Exclusions", "What the rule filters out (tests under a top-level not).", exclusions, Polarity::Exclusion)}
        </div>
        {similar_section(atlas, position, &own)}
        {about}
    }
    .into_any()
}

/// The facts catalog.json holds about a rule.
fn facts(atlas: &Atlas, links: &Links, rule: &Rule) -> impl IntoView + use<> {
    let techniques = rule
        .techniques
        .iter()
        .map(|id| view! { <li><a href=links.technique(id)><span class="id">{id.clone()}</span> " " {atlas.technique_name(id).to_owned()}</a></li> })
        .collect_view();
    let pairs = |pairs: &[(String, String)]| {
        pairs
            .iter()
            .map(|(k, v)| view! { <li><span class="muted">{format!("{k}: ")}</span><code>{v.clone()}</code></li> })
            .collect_view()
    };
    let attack = &atlas.catalog().attack;
    let tactics = rule.tactics.iter().map(|t| attack.tactic_name(t)).collect::<Vec<_>>().join(", ");
    let reason = rule.reason.clone().map(|r| view! { <span class="reason">{format!(" — {r}")}</span> });
    let events = rule
        .events
        .iter()
        .filter_map(|id| atlas.event_position(id).and_then(|p| atlas.event(p)))
        .map(|e| view! { <li><a href=links.event(&e.id)>{event_label(e)}</a></li> })
        .collect::<Vec<_>>();
    let events = (!events.is_empty())
        .then(|| view! { <dt>"Events read"</dt><dd><ul class="plain events-read">{events}</ul></dd> });
    view! {
        <dl class="facts rule-facts">
            <dt>"Techniques"</dt>
            <dd><ul class="plain">{techniques}</ul>{rule.techniques.is_empty().then_some("none tagged")}</dd>
            {fact("Tactics", tactics)}
            <dt>"Log source"</dt>
            <dd><ul class="plain">{pairs(&rule.log_source)}</ul></dd>
            {events}
            <dt>"Language"</dt>
            <dd>{rule.language.clone()} {rule.kind.clone().map(|k| format!(" · {k}"))}</dd>
            <dt>"Parse status"</dt>
            <dd>{rule.status.label()} {reason}</dd>
            <dt>"File"</dt>
            <dd><code>{rule.path.clone()}</code></dd>
        </dl>
    }
}

/// A `<dt>`/`<dd>` pair, left out when there is nothing to say.
fn fact(label: &'static str, value: String) -> Option<impl IntoView + use<>> {
    (!value.is_empty()).then(|| view! { <dt>{label}</dt><dd>{value}</dd> })
}

/// A rule's distinct triples with their corpus reach, linking to the rules
/// that share each.
fn key_table(
    links: &Links,
    title: &'static str,
    explain: &'static str,
    keys: Vec<KeyReach>,
    polarity: Polarity,
) -> impl IntoView + use<> {
    let rows = keys
        .iter()
        .map(|k| {
            let field = if k.key.field.is_empty() { "(any field)".to_owned() } else { k.key.field.to_string() };
            let value = value_view(k.key.op, &k.key.value);
            view! {
                <tr>
                    <td class="field">{field}</td>
                    <td class="op">{k.key.op.as_str()}</td>
                    <td>{value}</td>
                    <td class="num"><a href=links.rules_with_key(None, &k.key, polarity) title="Rules in the catalog using this triple">{k.reach}</a></td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <section class="keys">
            <h2>{format!("{title} ({})", keys.len())}</h2>
            <p class="explain">{explain} " Normalized as in the authoring guide; Reach counts the rules in the catalog using the same triple."</p>
            {if keys.is_empty() {
                view! { <p class="empty">"None."</p> }.into_any()
            } else {
                view! {
                    <table class="data">
                        <thead><tr><th scope="col">"Field"</th><th scope="col">"Operator"</th><th scope="col">"Value"</th><th scope="col" class="num">"Reach"</th></tr></thead>
                        <tbody>{rows}</tbody>
                    </table>
                }.into_any()
            }}
        </section>
    }
}

/// The file upstream, from the source the rule was read from (for links
/// to follow, only an http(s) one).
fn upstream_url(atlas: &Atlas, rule: &Rule) -> Option<String> {
    atlas.catalog().file_url(rule).and_then(|url| external(&url).map(str::to_owned))
}

/// Description, authorship, references, false positives, attributes, long
/// sections and the original text, from the detail shard.
fn detail_view(rule: &Rule, detail: Option<RuleDetail>, fallback_url: Option<String>) -> impl IntoView + use<> {
    let listed = detail.is_some();
    let detail = detail.unwrap_or_default();
    // Older catalogs keep the metadata on the rule itself.
    let about =
        if detail.about == RuleAbout::default() { RuleAbout::take_from(&mut rule.clone()) } else { detail.about };
    let url = external(&about.url).map(str::to_owned).or(fallback_url);
    let list = |items: &[String]| {
        items
            .iter()
            .map(|item| match external(item) {
                Some(href) => view! { <li><a href=href.to_owned() rel="external noopener" target="_blank">{item.clone()}</a></li> }.into_any(),
                None => view! { <li>{item.clone()}</li> }.into_any(),
            })
            .collect_view()
    };
    let dated = [("Date", about.date.clone()), ("Modified", about.modified.clone())]
        .into_iter()
        .filter_map(|(k, v)| v.map(|v| view! { <dt>{k}</dt><dd>{v}</dd> }))
        .collect_view();
    let attributes =
        about.attributes.iter().map(|(k, v)| view! { <dt>{k.clone()}</dt><dd>{v.clone()}</dd> }).collect_view();
    let sections = detail
        .sections
        .into_iter()
        .map(|(title, text)| view! { <h3>{title}</h3><div class="pre-wrap">{text}</div> })
        .collect_view();
    let references = (!about.references.is_empty())
        .then(|| view! { <h3>"References"</h3><ul class="refs">{list(&about.references)}</ul> });
    let false_positives = (!about.false_positives.is_empty())
        .then(|| view! { <h3>"False positives"</h3><ul>{list(&about.false_positives)}</ul> });
    view! {
        <section class="about">
            <h2>"About"</h2>
            <p class="prose">{about.description.clone()}</p>
            <dl class="facts">
                <dt>"Upstream"</dt>
                <dd>{url.map(|u| view! { <a href=u rel="external noopener" target="_blank">"rule file ↗"</a> })}</dd>
                {fact("Authors", about.authors.join(", "))}
                {dated}
                {attributes}
                {fact("Tags", about.tags.join(", "))}
            </dl>
            {references}
            {false_positives}
            {sections}
        </section>
        <section class="source">
            <h2>"Rule text"</h2>
            {if listed {
                view! { <pre class="rule-text" data-language=rule.language.clone()><code>{highlighted(&detail.text, &detail.highlight)}</code></pre> }.into_any()
            } else {
                view! { <p class="empty">"The catalog's detail file does not list this rule, so its text cannot be shown."</p> }.into_any()
            }}
        </section>
    }
}

/// The rule-text section when the rule's detail shard could not be loaded:
/// the rest of the page comes from catalog.json and stands as it is.
fn detail_failed(rule: &Rule, error: &LoadError, upstream: Option<String>) -> impl IntoView + use<> {
    let hint = match error {
        LoadError::Network { .. } => "Check the connection, then reload the page.",
        LoadError::Status { .. } | LoadError::Html { .. } => {
            "The site is missing this part of the catalog (catalog/details/)."
        }
        _ => "This part of the catalog is damaged: rebuild the catalog with `rule-atlas build`.",
    };
    // Older catalogs keep the descriptive metadata on the rule itself.
    let url = external(&rule.url).map(str::to_owned).or(upstream);
    view! {
        <section class="source">
            <h2>"Rule text"</h2>
            <div class="detail-error" role="alert">
                <p class="error-message">{format!("The rule text could not be loaded: {error}")}</p>
                <p>
                    {hint}
                    {url.map(|u| view! { " The rule is also " <a href=u rel="external noopener" target="_blank">"upstream ↗"</a> "." })}
                </p>
            </div>
        </section>
    }
}
