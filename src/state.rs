//! Shared app state: the catalog, the link builder and the detail
//! cache in context, and the URL query as reactive state.
//!
//! Filters and search live in the query string. Typing replaces the current
//! history entry instead of pushing one per keystroke, so Back leaves the
//! view rather than undoing letters.

use leptos::prelude::*;

use crate::load::{AtlasResult, DetailCache};
use crate::router::{Router, use_router};

/// What every view can reach through `expect_context`.
#[derive(Clone, Copy)]
pub struct AppState {
    /// The catalog, fetched and indexed once: `None` while it loads.
    pub atlas: ReadSignal<Option<AtlasResult>>,
    /// Rule detail shards fetched so far.
    pub details: DetailCache,
}

/// The value of a query parameter, empty when absent.
pub fn query_param(name: &'static str) -> Memo<String> {
    crate::router::query_param(name)
}

/// Writes query parameters of the current view.
#[derive(Clone)]
pub struct QueryWriter {
    router: Router,
}

impl QueryWriter {
    /// Call while building a component (it reads the router from context).
    #[allow(clippy::new_without_default)]
    pub fn new() -> QueryWriter {
        QueryWriter { router: use_router() }
    }

    /// Sets one parameter (an empty value removes it), replacing the current
    /// history entry.
    pub fn set(&self, name: &str, value: &str) {
        self.router.set_query(name, value);
    }
}
