//! Shared app state: the catalog resource, the link builder and the detail
//! cache in context, and the URL query as reactive state.
//!
//! Filters and search live in the query string. Typing replaces the current
//! history entry instead of pushing one per keystroke, so Back leaves the
//! view rather than undoing letters.

use std::sync::Arc;

use leptos::prelude::*;
use leptos_router::NavigateOptions;
use leptos_router::hooks::{use_location, use_navigate, use_query_map};

use crate::load::{AtlasResult, DetailCache};
use crate::url::query_string;

/// What every view can reach through `expect_context`.
#[derive(Clone, Copy)]
pub struct AppState {
    /// The catalog, fetched and indexed once.
    pub atlas: LocalResource<AtlasResult>,
    /// Rule detail shards fetched so far.
    pub details: DetailCache,
}

/// The value of a query parameter, empty when absent.
pub fn query_param(name: &'static str) -> Memo<String> {
    let query = use_query_map();
    Memo::new(move |_| query.with(|q| q.get(name).unwrap_or_default()))
}

/// The router's navigate function.
type Navigate = Arc<dyn Fn(&str, NavigateOptions) + Send + Sync>;

/// Writes query parameters of the current view.
#[derive(Clone)]
pub struct QueryWriter {
    navigate: Navigate,
    location: leptos_router::location::Location,
}

impl QueryWriter {
    /// Call while building a component (it reads the router from context).
    #[allow(clippy::new_without_default)]
    pub fn new() -> QueryWriter {
        QueryWriter { navigate: Arc::new(use_navigate()), location: use_location() }
    }

    /// Sets one parameter (an empty value removes it), replacing the current
    /// history entry.
    pub fn set(&self, name: &str, value: &str) {
        let path = self.location.pathname.get_untracked();
        let current = self.location.query.get_untracked();
        let mut pairs: Vec<(String, String)> = Vec::new();
        for (key, old) in &current {
            if key.as_ref() != name {
                pairs.push((key.to_string(), old.to_owned()));
            }
        }
        pairs.push((name.to_owned(), value.to_owned()));
        let borrowed: Vec<(&str, &str)> = pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        let target = format!("{path}{}", query_string(&borrowed));
        // `resolve: false`: the path already carries the base.
        let options = NavigateOptions { resolve: false, replace: true, scroll: false, ..Default::default() };
        (self.navigate)(&target, options);
    }
}
