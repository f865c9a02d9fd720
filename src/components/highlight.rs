//! A rule's text with its syntax coloured: the tokens the builder wrote
//! into the rule's detail (`atlas_catalog::highlight`) as spans with a class
//! each, and the text between them as plain text nodes. Catalog text is only
//! ever text here.

use atlas_catalog::highlight::decode;
use leptos::prelude::*;

/// The text of a rule coloured by its `tokens` (`RuleDetail::highlight`;
/// none: plain).
pub fn highlighted(text: &str, tokens: &[u32]) -> AnyView {
    let mut parts: Vec<AnyView> = Vec::new();
    let mut at = 0;
    for token in decode(tokens, text) {
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
