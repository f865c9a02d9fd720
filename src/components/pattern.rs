//! A value as it reads: a pattern's wildcards drawn apart from its literal
//! characters, backslashes as the rule wrote them (`*\Temp\*`, not the
//! catalog's escaped `*\Temp\\*`), and a copy that gives the spelling a
//! Sigma rule takes (`atlas_catalog::pattern_text` says which and why).

use atlas_catalog::Op;
use atlas_catalog::pattern_text::{Piece, pieces, readable, sigma_between};
use leptos::prelude::*;

/// A value in a `<code class="value pattern">`; a value-less test or an
/// empty value says so, so that it is still seen (and clicked).
pub fn value_view(op: Op, value: &str) -> AnyView {
    if !op.has_value() {
        return view! { <code class="value empty-value">"(no value)"</code> }.into_any();
    }
    if value.is_empty() {
        return view! { <code class="value empty-value">"(empty)"</code> }.into_any();
    }
    let shown = pieces(op, value)
        .into_iter()
        .map(|piece| match piece {
            Piece::Text(text) => text.into_any(),
            Piece::AnyRun => view! { <span class="wc" title="wildcard: any characters">"*"</span> }.into_any(),
            Piece::AnyOne => view! { <span class="wc" title="wildcard: one character">"?"</span> }.into_any(),
        })
        .collect_view();
    let value = value.to_owned();
    view! { <code class="value pattern" on:copy=move |ev| copy_as_sigma(&ev, op, &value)>{shown}</code> }.into_any()
}

/// A copy of the value, or of part of it, gives its Sigma spelling. The
/// selection is found in the text as it reads (each character one token of
/// the value); a selection reaching outside the value is copied as is.
fn copy_as_sigma(ev: &web_sys::ClipboardEvent, op: Op, value: &str) {
    let Some(selection) = window().get_selection().ok().flatten() else { return };
    let selected = String::from(selection.to_string());
    let shown = readable(op, value);
    let Some(at) = shown.find(&selected).filter(|_| !selected.is_empty()) else { return };
    let start = shown[..at].chars().count();
    let text = sigma_between(op, value, start, start + selected.chars().count());
    if let Some(data) = ev.clipboard_data()
        && data.set_data("text/plain", &text).is_ok()
    {
        ev.prevent_default();
    }
}
