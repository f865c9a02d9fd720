//! Rule Atlas, the browser app: fetches the catalog once, computes every
//! count, ranking and grouping in WASM (with `atlas_catalog::aggregate`), and
//! routes between the coverage matrix, technique pages, authoring guides,
//! rule pages, rule lists and event pages. Every view has a path URL (see
//! docs/app.md for how deep links work on a static host).

pub mod components;
pub mod load;
pub mod pages;
pub mod router;
pub mod state;
pub mod url;
pub mod warmup;

use leptos::prelude::*;

pub use state::AppState;

use crate::load::{DetailCache, load_atlas};
use crate::pages::{CoveragePage, EventPage, GuidePage, NotFound, RulePage, RulesPage, TechniquePage};
use crate::router::{Route, Router};
use crate::url::Links;

/// The app: context, layout and routes.
#[component]
pub fn App() -> impl IntoView {
    let links = Links::new(url::base_path());
    provide_context(links.clone());
    let atlas = RwSignal::new(None);
    leptos::task::spawn_local(async move { atlas.set(Some(load_atlas().await)) });
    provide_context(AppState { atlas: atlas.read_only(), details: DetailCache::new() });
    let router = Router::provide(links.base().to_owned());
    let page = move || match router.route() {
        Route::Coverage => view! { <CoveragePage/> }.into_any(),
        Route::Technique => view! { <TechniquePage/> }.into_any(),
        Route::Guide => view! { <GuidePage/> }.into_any(),
        Route::Rule => view! { <RulePage/> }.into_any(),
        Route::Rules => view! { <RulesPage/> }.into_any(),
        Route::Event => view! { <EventPage/> }.into_any(),
        Route::NotFound => view! { <NotFound/> }.into_any(),
    };
    view! {
        <a class="skip" href="#main">
            "Skip to content"
        </a>
        <Header/>
        <main id="main" tabindex="-1">
            {page}
        </main>
        <Footer/>
    }
}

/// The bar on every page; static, so it does not move when the catalog arrives.
#[component]
fn Header() -> impl IntoView {
    let links = expect_context::<Links>();
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
