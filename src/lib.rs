//! Rule Atlas, the browser app: fetches the catalog once, computes every
//! count, ranking and grouping in WASM (with `atlas_catalog::aggregate`), and
//! routes between the coverage matrix, technique pages, authoring guides,
//! rule pages, rule lists and event pages. Every view has a path URL (see
//! docs/app.md for how deep links work on a static host).

pub mod boot;
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
use crate::pages::{CoveragePage, EventPage, GuidePage, NotFound, RulePage, RulesPage, TechniquePage};
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
                <FlatRoutes fallback=|| view! { <NotFound/> }>
                    <Route path=path!("/") view=CoveragePage/>
                    <Route path=path!("/technique/:id") view=TechniquePage/>
                    <Route path=path!("/technique/:id/guide") view=GuidePage/>
                    <Route path=path!("/rule/:id") view=RulePage/>
                    <Route path=path!("/rules") view=RulesPage/>
                    <Route path=path!("/event/:id") view=EventPage/>
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
            </nav>
        </header>
    }
}

/// Where the catalog comes from: builder, ATT&CK release, rule sources.
#[component]
fn Footer() -> impl IntoView {
    let state = expect_context::<AppState>();
    let about = move || {
        let Some(Ok(atlas)) = state.atlas.get() else { return String::new() };
        let catalog = atlas.catalog();
        let sources = catalog
            .sources
            .iter()
            .map(|s| format!("{} {} rules ({})", s.vendor.label(), s.rules, s.revision))
            .collect::<Vec<_>>()
            .join(" · ");
        format!("Catalog by {} · ATT&CK {} · {sources}", catalog.generator, catalog.attack.version)
    };
    view! {
        <footer class="bottom">
            <p>{about}</p>
        </footer>
    }
}
