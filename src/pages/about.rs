//! `/about`: where this catalog comes from — the builder, each rule source
//! with the commit it was read at (linked upstream), the ATT&CK release — and
//! how to build the atlas of today's public rules.

use std::sync::Arc;

use atlas_catalog::aggregate::Atlas;
use leptos::prelude::*;

use crate::components::status::with_atlas;
use crate::url::{external, set_title};

/// The about page.
#[component]
pub fn AboutPage() -> impl IntoView {
    set_title("About this catalog");
    with_atlas(|atlas| view! { <AboutBody atlas/> }.into_any())
}

#[component]
fn AboutBody(atlas: Arc<Atlas>) -> impl IntoView {
    let catalog = atlas.catalog();
    let rows = catalog
        .sources
        .iter()
        .map(|source| {
            let repository = external(&source.repository).map(str::to_owned);
            let name = source.repository.clone();
            let commit = match (source.commit_url(), source.short_commit()) {
                (Some(url), Some(short)) => view! { <a href=url><code>{short.to_owned()}</code></a> }.into_any(),
                _ => view! { <span class="muted">{format!("branch {}", source.revision)}</span> }.into_any(),
            };
            view! {
                <tr>
                    <td>{source.vendor.label()}</td>
                    <td>
                        {match repository {
                            Some(url) => view! { <a href=url>{name}</a> }.into_any(),
                            None => view! { <span>{name}</span> }.into_any(),
                        }}
                    </td>
                    <td>{commit}</td>
                    <td>{source.day().unwrap_or("").to_owned()}</td>
                    <td class="num">{source.rules}</td>
                </tr>
            }
        })
        .collect_view();
    let attack = &catalog.attack;
    let attack_line = match &attack.date {
        Some(date) => format!("ATT&CK {} (released {date}), from MITRE's attack-stix-data.", attack.version),
        None => format!("ATT&CK {}.", attack.version),
    };
    let demo = catalog.demo.then(|| {
        view! {
            <p class="demo-note">
                "This catalog is the demo built from the repository's own test rules, not from the public repositories."
            </p>
        }
    });
    view! {
        <section class="about">
            <h1>"About this catalog"</h1>
            {demo}
            <h2>"Rule sources"</h2>
            <table class="sources">
                <thead>
                    <tr>
                        <th>"Vendor"</th>
                        <th>"Repository"</th>
                        <th>"Read at"</th>
                        <th>"Date"</th>
                        <th class="num">"Rules"</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
            <h2>"ATT&CK"</h2>
            <p>{attack_line}</p>
            <h2>"Built by"</h2>
            <p>{catalog.generator.clone()}</p>
            <h2>"The atlas of today's public rules"</h2>
            <p>
                "From a clone of Rule Atlas, " <code>"scripts/serve.sh"</code>
                " fetches SigmaHQ/sigma, elastic/detection-rules, splunk/security_content and MITRE's ATT&CK bundle, builds the catalog and serves it; the published site refreshes itself every night."
            </p>
        </section>
    }
}
