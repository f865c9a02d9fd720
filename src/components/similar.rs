//! A rule page's similar rules: the rules of any vendor sharing its
//! normalized indicator triples (rarer ones weighing more), with the triples
//! they share, those that look like ports of it marked
//! (`atlas_catalog::aggregate::similar_rules` says what a port is).

use std::sync::Arc;

use atlas_catalog::IndicatorKey;
use atlas_catalog::aggregate::{Atlas, SimilarRule, similar_rules};
use atlas_catalog::export::csv;
use atlas_catalog::number::fixed;
use leptos::prelude::*;

use super::export::CsvButton;
use super::pattern::value_view;
use super::vendor::VendorBadge;
use crate::url::Links;

/// Rules listed besides the ports.
const LIMIT: usize = 10;
/// Shared triples listed per rule before "and N more".
const SHOWN_TRIPLES: usize = 4;

/// The section, for the rule at `position` whose indicator triples are `own`.
pub fn similar_section(atlas: &Arc<Atlas>, position: u32, own: &[IndicatorKey]) -> impl IntoView + use<> {
    let links = expect_context::<Links>();
    let found = similar_rules(atlas, position, own, LIMIT);
    let ports = found.iter().filter(|s| s.port).count();
    let id = atlas.rule(position).map(|r| r.id.clone()).unwrap_or_default();
    let heading = match ports {
        0 => format!("Similar rules ({})", found.len()),
        1 => format!("Similar rules ({}, 1 likely port)", found.len()),
        n => format!("Similar rules ({}, {n} likely ports)", found.len()),
    };
    let body = if own.is_empty() {
        view! { <p class="empty">"This rule has no indicator triple to compare."</p> }.into_any()
    } else if found.is_empty() {
        view! { <p class="empty">"No other rule looks for any of this rule's indicator triples."</p> }.into_any()
    } else {
        let rows = found.iter().filter_map(|s| row(atlas, &links, s)).collect_view();
        let csv_button = {
            let atlas = Arc::clone(atlas);
            let table = Callback::new(move |()| csv::similar(&atlas, &found));
            view! { <CsvButton name=vec![id, "similar".into()] what="the similar rules".into() table/> }
        };
        view! {
            <table class="data similar-rules">
                <thead>
                    <tr>
                        <th scope="col">"Rule"</th>
                        <th scope="col">"Vendor"</th>
                        <th scope="col" class="num" title="The sum of ln(rules in the catalog / rules using it) over the shared triples">"Score"</th>
                        <th scope="col">"Shared indicator triples"</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
            <div class="table-tools">{csv_button}</div>
        }
        .into_any()
    };
    view! {
        <section class="similar">
            <h2>{heading}</h2>
            <p class="explain">
                "Rules of any vendor that look for the same normalized (field, operator, value) triples as this one, a rare shared triple weighing more than a common one. "
                "A likely port is another vendor's rule with nearly the same triples — at least 2 shared, and at least 4/5 of all the two look for — the same logic in another language."
            </p>
            {body}
        </section>
    }
}

fn row(atlas: &Atlas, links: &Links, similar: &SimilarRule) -> Option<impl IntoView + use<>> {
    let rule = atlas.rule(similar.rule)?;
    let port = similar.port.then(|| {
        let title = format!(
            "{} of its {} indicator triples shared, {}% of all the two look for",
            similar.shared.len(),
            similar.triples,
            fixed(similar.jaccard * 100.0, 0)
        );
        view! { " " <span class="chip port" title=title>"likely port"</span> }
    });
    let more = similar.shared.len().saturating_sub(SHOWN_TRIPLES);
    let triples = similar
        .shared
        .iter()
        .take(SHOWN_TRIPLES)
        .map(|key| {
            let field = if key.field.is_empty() { "(any field)".to_owned() } else { key.field.to_string() };
            view! { <li><span class="field">{field}</span> " " <span class="op">{key.op.as_str()}</span> " " {value_view(key.op, &key.value)}</li> }
        })
        .collect_view();
    Some(view! {
        <tr class:port=similar.port>
            <td><a href=links.rule(&rule.id)>{rule.title.clone()}</a> {port}</td>
            <td><VendorBadge vendor=rule.vendor/></td>
            <td class="num">{fixed(similar.score, 1)}</td>
            <td>
                <span class="muted">{format!("{} of its {}", similar.shared.len(), similar.triples)}</span>
                <ul class="plain shared">{triples}</ul>
                {(more > 0).then(|| view! { <span class="muted">{format!("and {more} more")}</span> })}
            </td>
        </tr>
    })
}
