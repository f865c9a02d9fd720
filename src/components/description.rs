//! An ATT&CK description rendered as text nodes: paragraphs, lists, code,
//! links to other techniques inside the app and other links outside it.

use atlas_catalog::aggregate::{Block, Span, description_blocks};
use leptos::prelude::*;

use crate::url::{Links, external};

/// The description of a technique.
#[component]
pub fn Description(text: String) -> impl IntoView {
    let links = expect_context::<Links>();
    description_blocks(&text)
        .into_iter()
        .map(|block| match block {
            Block::Paragraph(spans) => view! { <p>{spans_view(&links, spans)}</p> }.into_any(),
            Block::List(items) => {
                let items =
                    items.into_iter().map(|spans| view! { <li>{spans_view(&links, spans)}</li> }).collect_view();
                view! { <ul>{items}</ul> }.into_any()
            }
        })
        .collect_view()
}

fn spans_view(links: &Links, spans: Vec<Span>) -> impl IntoView + use<> {
    spans
        .into_iter()
        .map(|span| match span {
            Span::Text(text) => text.into_any(),
            Span::Code(code) => view! { <code>{code}</code> }.into_any(),
            Span::Technique { text, id } => view! { <a href=links.technique(&id)>{text}</a> }.into_any(),
            Span::Link { text, url } => match external(&url) {
                Some(url) => view! {
                    <a href=url.to_owned() rel="external noopener" target="_blank">
                        {text}
                    </a>
                }
                .into_any(),
                None => text.into_any(),
            },
        })
        .collect_view()
}
