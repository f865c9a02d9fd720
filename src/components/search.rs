//! The search box and its results: techniques by ID or name, rules by title,
//! updated as you type.

use std::sync::Arc;

use atlas_catalog::aggregate::{Atlas, SearchHits, VendorSet};
use leptos::prelude::*;

use super::vendor::VendorBadge;
use crate::url::Links;

/// How many hits of each kind are listed.
const LIMIT: usize = 12;

/// A search input bound to a value kept elsewhere (the URL).
#[component]
pub fn SearchBox(
    value: Memo<String>,
    /// Called with the new text on every keystroke.
    on_input: Callback<String>,
) -> impl IntoView {
    view! {
        <div class="search" role="search">
            <label for="search-input" class="visually-hidden">
                "Search techniques and rules"
            </label>
            <input
                id="search-input"
                type="search"
                placeholder="Search techniques (T1204, phishing) and rules by title"
                autocomplete="off"
                spellcheck="false"
                prop:value=move || value.get()
                on:input=move |ev| on_input.run(event_target_value(&ev))
            />
        </div>
    }
}

/// The techniques and rules matching the query, with counts; nothing when
/// the query is empty.
#[component]
pub fn SearchResults(atlas: Arc<Atlas>, query: Memo<String>, vendors: Memo<VendorSet>) -> impl IntoView {
    let hits = {
        let atlas = Arc::clone(&atlas);
        Memo::new(move |_| {
            let vendors = vendors.get();
            query.with(|q| {
                atlas.search_index().search(q, LIMIT, |p| atlas.rule(p).is_some_and(|r| vendors.contains(r.vendor)))
            })
        })
    };
    let links = expect_context::<Links>();
    move || {
        let hits = hits.get();
        if query.with(|q| q.trim().is_empty()) {
            return ().into_any();
        }
        results(&atlas, &links, hits).into_any()
    }
}

fn results(atlas: &Atlas, links: &Links, hits: SearchHits) -> impl IntoView + use<> {
    let techniques = &atlas.catalog().attack.techniques;
    let technique_items = hits
        .techniques
        .iter()
        .filter_map(|&i| techniques.get(i as usize))
        .map(|t| {
            view! {
                <li>
                    <a href=links.technique(&t.id)>
                        <span class="id">{t.id.clone()}</span>
                        " "
                        {t.name.clone()}
                    </a>
                </li>
            }
        })
        .collect_view();
    let rule_items = hits
        .rules
        .iter()
        .filter_map(|&p| atlas.rule(p))
        .map(|r| {
            view! {
                <li>
                    <VendorBadge vendor=r.vendor/>
                    " "
                    <a href=links.rule(&r.id)>{r.title.clone()}</a>
                </li>
            }
        })
        .collect_view();
    view! {
        <div class="search-results" aria-live="polite">
            <section>
                <h2>{count_heading("Techniques", hits.techniques.len(), hits.technique_total)}</h2>
                <ul>{technique_items}</ul>
            </section>
            <section>
                <h2>{count_heading("Rules", hits.rules.len(), hits.rule_total)}</h2>
                <ul>{rule_items}</ul>
            </section>
        </div>
    }
}

fn count_heading(kind: &str, shown: usize, total: usize) -> String {
    if shown < total { format!("{kind}: first {shown} of {total}") } else { format!("{kind}: {total}") }
}
