//! A rule's text with its syntax coloured: the tokens of
//! `atlas_catalog::highlight` as spans with a class each, and the text
//! between them as plain text nodes. Catalog text is only ever text here.

use atlas_catalog::highlight::highlight;
use leptos::prelude::*;

/// The text of a rule in `language` (the catalog's name for its query
/// language, which also says the file's format), coloured.
pub fn highlighted(text: &str, language: &str) -> AnyView {
    let mut parts: Vec<AnyView> = Vec::new();
    let mut at = 0;
    for token in highlight(text, language) {
        if token.start > at {
            parts.push(text[at..token.start].to_owned().into_any());
        }
        let part = text[token.start..token.end].to_owned();
        parts.push(view! { <span class=token.class.css()>{part}</span> }.into_any());
        at = token.end;
    }
    if at < text.len() {
        parts.push(text[at..].to_owned().into_any());
    }
    parts.into_any()
}
