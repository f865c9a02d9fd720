//! Rule Atlas, the browser app: fetches the catalog once, computes every
//! count, ranking and grouping in WASM (with `atlas_catalog::aggregate`), and
//! routes between the coverage matrix, technique pages, authoring guides,
//! rule pages, rule lists and event pages, and checks a pasted rule against
//! the catalog (`/check`, whose parsers load in a worker of their own). Every view has a path URL (see
//! docs/app.md for how deep links work on a static host).

pub mod boot;
pub mod checker;
pub mod components;
pub mod json_path;
pub mod load;
pub mod pages;
pub mod state;
pub mod url;
pub mod warmup;

use leptos::prelude::*;
use leptos_router::components::{FlatRoutes, Route, Router};
use leptos_router::path;

pub use state::AppState;

use crate::load::{DetailCache, load_atlas};
use crate::pages::{
    AboutPage, CheckPage, CoveragePage, EventPage, GuidePage, NotFound, RulePage, RulesPage, TechniquePage, ValuesPage,
};
use crate::url::Links;

/// The app: context, layout and routes.
#[component]
pub fn App() -> impl IntoView {
    let links = Links::new(url::base_path());
    provide_context(links.clone());
    provide_context(AppState { atlas: LocalResource::new(load_atlas), details: DetailCache::new() });
    view! {
        <Router base=links.base().to_owned()>
            <a class="skip" href="#main">
                "Skip to content"
            </a>
            <Header/>
            <main id="main" tabindex="-1">
                <DemoBanner/>
                <FlatRoutes fallback=|| view! { <NotFound/> }>
                    <Route path=path!("/") view=CoveragePage/>
                    <Route path=path!("/technique/:id") view=TechniquePage/>
                    <Route path=path!("/technique/:id/guide") view=GuidePage/>
                    <Route path=path!("/rule/:id") view=RulePage/>
                    <Route path=path!("/rules") view=RulesPage/>
                    <Route path=path!("/event/:id") view=EventPage/>
                    <Route path=path!("/about") view=AboutPage/>
                    <Route path=path!("/values") view=ValuesPage/>
                    <Route path=path!("/check") view=CheckPage/>
                </FlatRoutes>
            </main>
            <Footer/>
        </Router>
    }
}

/// The bar on every page; static, so it does not move when the catalog arrives.
#[component]
fn Header() -> impl IntoView {
    let links = expect_context::<Links>();
    // Rendered once, inside the router.
    url::navigate_percent_links();
    view! {
        <header class="top">
            <a class="brand" href=links.home()>
                <span class="logo" aria-hidden="true">"◆"</span>
                "Rule Atlas"
            </a>
            <nav aria-label="Main">
                <a href=links.home()>"ATT&CK coverage"</a>
                <a href=links.values()>"Value search"</a>
                <a href=links.check()>"Check a rule"</a>
            </nav>
        </header>
    }
}

/// On the demo catalog (built from the repository's fixture rules), what it
/// is and how to build the real atlas, above every page.
#[component]
fn DemoBanner() -> impl IntoView {
    let state = expect_context::<AppState>();
    move || {
        let Some(Ok(atlas)) = state.atlas.get() else { return None };
        let catalog = atlas.catalog();
        catalog.demo.then(|| {
            let rules = catalog.rules.len();
            view! {
                <aside class="demo-banner" role="note">
                    <strong>"Demo catalog: "</strong>
                    {format!("{rules} test rules from the Rule Atlas repository, not the public rule repositories. ")}
                    "To see the atlas of today's Sigma, Elastic and Splunk rules, run "
                    <code>"scripts/serve.sh"</code>
                    " (it fetches them and ATT&CK)."
                </aside>
            }
        })
    }
}

/// Where the catalog comes from: each rule source at its commit (linked
/// upstream), the ATT&CK release, and a link to the about page.
#[component]
fn Footer() -> impl IntoView {
    let state = expect_context::<AppState>();
    let links = expect_context::<Links>();
    let about = links.about();
    let sources = move || {
        let Some(Ok(atlas)) = state.atlas.get() else { return None };
        let catalog = atlas.catalog();
        let items = catalog
            .sources
            .iter()
            .map(|source| {
                let label = format!("{} {} rules", source.vendor.label(), source.rules);
                let at = match (source.commit_url(), source.short_commit()) {
                    (Some(url), Some(short)) => {
                        let short: String = short.chars().take(7).collect();
                        view! { " @ " <a href=url>{short}</a> }.into_any()
                    }
                    _ => view! { {format!(" ({})", source.revision)}}.into_any(),
                };
                view! { <span class="source">{label}{at}</span> }
            })
            .collect_view();
        let attack = format!("ATT&CK {}", catalog.attack.version);
        Some(view! { {items} <span class="source">{attack}</span> })
    };
    view! {
        <footer class="bottom">
            <p>
                {sources}
                <a class="about-link" href=about>
                    "About this catalog"
                </a>
            </p>
        </footer>
    }
}
