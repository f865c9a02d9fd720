//! `/check`: a draft rule held against the whole atlas. The page itself —
//! editor, controls, the answer — lives in the checker's own WASM module
//! (`crates/checker`, its `page`), with the worker that reads the text: this
//! view loads that module when it opens, gives it a place, and lends it
//! what only the app has (`src/checker.rs`). The other views load none of
//! it, and the app's own WASM carries none of it.

use leptos::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::HtmlElement;

use crate::checker;
use crate::state::query_param;
use crate::url::{Links, param, set_title};

/// The id of the element the checker's page is built into.
const ROOT: &str = "check-page";

/// The checker page.
#[component]
pub fn CheckPage() -> impl IntoView {
    set_title("Check a rule");
    let links = expect_context::<Links>();
    let rule = query_param(param::RULE).get_untracked();
    // Opened once the view is in the document (found by its id: a node
    // ref's `on_load` costs ~1 KB of WASM more). The view may have been
    // left already: then its root is gone.
    set_timeout(
        move || {
            let root = document().get_element_by_id(ROOT).and_then(|e| e.dyn_into::<HtmlElement>().ok());
            if let Some(root) = root {
                checker::open(root, &links, rule);
            }
        },
        std::time::Duration::ZERO,
    );
    on_cleanup(checker::close);
    view! {
        <div class="check-page" id=ROOT>
            <h1>"Check a rule"</h1>
            <p class="empty">"Loading the checker…"</p>
        </div>
    }
}
