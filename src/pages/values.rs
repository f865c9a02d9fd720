//! `/values?q=…`: value search. A value as it would be typed into a rule
//! (`mshta.exe`, `\Temp\`, `4688`, `ConsoleLogin`) or a field name finds the
//! normalized (field, operator, value) triples that hold it across the whole
//! catalog, each with its reach and a link to the rules behind it.

use std::sync::Arc;
use std::time::Duration;

use atlas_catalog::Polarity;
use atlas_catalog::aggregate::{Atlas, ValueHit, ValueHits};
use atlas_catalog::export::csv;
use leptos::prelude::*;

use crate::components::export::CsvButton;
use crate::components::pattern::value_view;
use crate::components::status::with_atlas;
use crate::state::{QueryWriter, query_param};
use crate::url::{Links, param, set_title};

/// Triples listed; the rest are counted (and in the CSV).
const LIMIT: usize = 100;

/// The value search page.
#[component]
pub fn ValuesPage() -> impl IntoView {
    set_title("Value search");
    let query = query_param(param::QUERY);
    with_atlas(move |atlas| view! { <ValuesBody atlas query/> }.into_any())
}

#[component]
fn ValuesBody(atlas: Arc<Atlas>, query: Memo<String>) -> impl IntoView {
    let writer = QueryWriter::new();
    {
        // Built once the page is up, so that the first keystroke finds it.
        let atlas = Arc::clone(&atlas);
        set_timeout(move || _ = atlas.value_index(), Duration::ZERO);
    }
    let hits = {
        let atlas = Arc::clone(&atlas);
        Memo::new(move |_| {
            query
                .with(|q| if q.trim().is_empty() { ValueHits::default() } else { atlas.value_index().search(q, LIMIT) })
        })
    };
    let links = expect_context::<Links>();
    let csv_button = {
        let atlas = Arc::clone(&atlas);
        move || {
            let q = query.get();
            (!q.trim().is_empty()).then(|| {
                let atlas = Arc::clone(&atlas);
                let name = vec!["values".to_owned(), q.clone()];
                let table = Callback::new(move |()| csv::value_hits(&atlas.value_index().search(&q, usize::MAX).hits));
                view! { <CsvButton name what="every triple found".into() table/> }
            })
        }
    };
    let results = move || {
        let found = hits.get();
        if query.with(|q| q.trim().is_empty()) {
            return ().into_any();
        }
        let summary = match (found.total, found.hits.len()) {
            (0, _) => "No triple in the catalog holds this value or field.".to_owned(),
            (1, _) => "1 triple".to_owned(),
            (n, shown) if shown < n => format!("{n} triples; the first {shown}, closest first"),
            (n, _) => format!("{n} triples, closest first"),
        };
        let rows = found.hits.into_iter().map(|hit| hit_row(&links, hit)).collect_view();
        view! {
            <p class="summary value-summary" role="status" data-query=query.get_untracked()>{summary}</p>
            <table class="data value-hits">
                <thead>
                    <tr>
                        <th scope="col">"Field"</th>
                        <th scope="col">"Operator"</th>
                        <th scope="col">"Value"</th>
                        <th scope="col">"As"</th>
                        <th scope="col" class="num" title="Rules in the catalog using the triple">"Reach"</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        }
        .into_any()
    };
    view! {
        <h1 class="page-title">"Value search"</h1>
        <p class="explain">
            "A value as you would write it in a rule (mshta.exe, \\Temp\\, 4688, ConsoleLogin) or a field name: every normalized "
            "(field, operator, value) triple of the catalog that holds it, as an indicator or as an exclusion, with the rules in the "
            "catalog using it. Patterns are searched as they read: \\Temp\\ finds *\\Temp\\* however a vendor escapes it."
        </p>
        <div class="search" role="search">
            <label for="value-input" class="visually-hidden">"Search values and fields"</label>
            <input
                id="value-input"
                type="search"
                placeholder="mshta.exe, \\Temp\\, 4688, ConsoleLogin, process.name…"
                autocomplete="off"
                spellcheck="false"
                prop:value=move || query.get()
                on:input=move |ev| writer.set(param::QUERY, &event_target_value(&ev))
            />
        </div>
        <div class="value-results">{results}</div>
        <div class="table-tools">{csv_button}</div>
    }
}

fn hit_row(links: &Links, hit: ValueHit) -> impl IntoView + use<> {
    let href = links.rules_with_key(None, &hit.key, hit.polarity);
    let field = if hit.key.field.is_empty() { "(any field)".to_owned() } else { hit.key.field.to_string() };
    let kind = if hit.polarity == Polarity::Exclusion { "exclusion" } else { "indicator" };
    view! {
        <tr>
            <td class="field">{field}</td>
            <td class="op">{hit.key.op.as_str()}</td>
            <td><a href=href.clone() class="value">{value_view(hit.key.op, &hit.key.value)}</a></td>
            <td class=format!("kind {kind}")>{kind}</td>
            <td class="num"><a href=href title="The rules in the catalog using this triple">{hit.reach}</a></td>
        </tr>
    }
}
