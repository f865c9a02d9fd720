//! The not-found views: an address no route matches, and an id the catalog
//! does not know. Both offer a way back.

use leptos::prelude::*;

use crate::url::{Links, set_title};

/// Any path no route matches.
#[component]
pub fn NotFound() -> impl IntoView {
    set_title("Page not found");
    view! {
        <section class="not-found">
            <h1>"Page not found"</h1>
            <p>"Nothing in Rule Atlas lives at this address."</p>
            <BackLinks/>
        </section>
    }
}

/// A technique or rule id the catalog does not know.
#[component]
pub fn Unknown(
    /// "technique" or "rule".
    kind: &'static str,
    id: String,
) -> impl IntoView {
    set_title(&format!("Unknown {kind} {id}"));
    view! {
        <section class="not-found">
            <h1>{format!("No {kind} “{id}” in this catalog")}</h1>
            <p>
                {format!("The catalog has no {kind} with this id. It may have been removed upstream, or the link may be mistyped.")}
            </p>
            <BackLinks/>
        </section>
    }
}

/// Back in history when there is history, and to the matrix always.
#[component]
fn BackLinks() -> impl IntoView {
    let links = expect_context::<Links>();
    let back = move |_| {
        if let Ok(history) = window().history() {
            let _ = history.back();
        }
    };
    view! {
        <p class="back">
            <a href=links.home()>"Go to the ATT&CK coverage matrix"</a>
            " or "
            <button type="button" class="link" on:click=back>
                "go back"
            </button>
        </p>
    }
}
