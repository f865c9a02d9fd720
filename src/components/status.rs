//! Loading and error views, and [`with_atlas`], which every page wraps its
//! content in so that no page renders blank while the catalog loads or after
//! it failed to.

use std::sync::Arc;

use atlas_catalog::aggregate::Atlas;
use leptos::prelude::*;

use crate::AppState;
use crate::load::LoadError;

/// Renders `page` once the catalog is loaded; a loading view until then and
/// an error view naming what failed if it could not be loaded.
pub fn with_atlas(page: impl Fn(Arc<Atlas>) -> AnyView + Send + Sync + 'static) -> impl IntoView {
    // One non-generic render closure for every page keeps the WASM small.
    let page: Arc<dyn Fn(Arc<Atlas>) -> AnyView + Send + Sync> = Arc::new(page);
    let state = expect_context::<AppState>();
    // Only the resource is tracked here: pages track their own params inside,
    // so a navigation between two techniques does not rebuild this closure.
    move || match state.atlas.get() {
        None => view! { <Loading what="the catalog"/> }.into_any(),
        Some(Err(error)) => view! { <LoadFailed error/> }.into_any(),
        Some(Ok(atlas)) => page(atlas),
    }
}

/// A loading state that takes the room a page will take, so that nothing
/// jumps when the catalog arrives.
#[component]
pub fn Loading(
    /// What is being loaded, for the message.
    what: &'static str,
) -> impl IntoView {
    view! {
        <div class="loading" role="status" aria-live="polite">
            <div class="spinner" aria-hidden="true"></div>
            <p>"Loading " {what} "…"</p>
        </div>
    }
}

/// The error view: what failed, and what to try.
#[component]
pub fn LoadFailed(error: LoadError) -> impl IntoView {
    crate::url::set_title("Catalog failed to load");
    let hint = match &error {
        LoadError::Network { .. } => "Check the connection and that the site is still being served, then reload.",
        LoadError::Status { .. } | LoadError::Html { .. } => {
            "The catalog is missing from the site: publish catalog/ next to index.html."
        }
        LoadError::Json { .. } => "The catalog file is damaged or truncated: rebuild it with `rule-atlas build`.",
        LoadError::Schema { .. } => {
            "The catalog is damaged, or was not written by `rule-atlas build`: rebuild it with the builder that matches this app."
        }
        LoadError::Format { .. } | LoadError::Version { .. } => {
            "Rebuild the catalog with the builder that matches this app."
        }
    };
    view! {
        <section class="load-error" role="alert">
            <h1>"The catalog could not be loaded"</h1>
            <p class="error-message">{error.to_string()}</p>
            <p>{hint}</p>
        </section>
    }
}
