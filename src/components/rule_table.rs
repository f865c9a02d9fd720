//! A sortable table of rules (title, vendor, techniques, severity, parse
//! status), as the rules-behind-a-row view lists them.

use std::sync::Arc;

use atlas_catalog::aggregate::Atlas;
use atlas_catalog::export::csv;
use leptos::prelude::*;

use super::export::CsvButton;
use super::table::{FIRST_ROWS, ShowAll, Sort, SortHeader, SortKey, sort_rows};
use super::vendor::VendorBadge;
use crate::url::Links;

/// A table of the rules at the given positions.
#[component]
pub fn RuleTable(
    atlas: Arc<Atlas>,
    rules: Vec<u32>,
    /// The CSV file name's parts (default `rules`).
    #[prop(optional)]
    name: Vec<String>,
) -> impl IntoView {
    let links = expect_context::<Links>();
    let csv_button = {
        let (atlas, rules) = (Arc::clone(&atlas), rules.clone());
        let name = if name.is_empty() { vec!["rules".to_owned()] } else { name };
        view! {
            <CsvButton name what="the rules".into() table=Callback::new(move |()| csv::rules(&atlas, &rules))/>
        }
    };
    let sort = RwSignal::new(Sort::new(0, false));
    let show_all = RwSignal::new(false);
    let total = rules.len();
    let body = {
        let atlas = Arc::clone(&atlas);
        move || {
            let mut rows: Vec<u32> = rules.clone();
            sort_rows(&mut rows, sort.get(), |&p, column| {
                let Some(rule) = atlas.rule(p) else { return SortKey::Num(0) };
                match column {
                    0 => SortKey::text(&rule.title),
                    1 => SortKey::text(rule.vendor.label()),
                    2 => SortKey::text(&rule.techniques.join(" ")),
                    3 => SortKey::Num(u64::from(rule.severity_rank())),
                    _ => SortKey::text(rule.status.as_str()),
                }
            });
            let limit = if show_all.get() { usize::MAX } else { FIRST_ROWS };
            rows.into_iter().take(limit).filter_map(|p| row(&atlas, &links, p)).collect_view()
        }
    };
    view! {
        <table class="data rules">
            <thead>
                <tr>
                    <SortHeader label="Rule" column=0 sort/>
                    <SortHeader label="Vendor" column=1 sort/>
                    <SortHeader label="Techniques" column=2 sort/>
                    <SortHeader label="Severity" column=3 sort numeric=true/>
                    <SortHeader label="Parsed" column=4 sort/>
                </tr>
            </thead>
            <tbody>{body}</tbody>
        </table>
        <div class="table-tools">{csv_button}</div>
        <ShowAll total all=show_all noun="rules"/>
    }
}

fn row(atlas: &Atlas, links: &Links, position: u32) -> Option<impl IntoView + use<>> {
    let rule = atlas.rule(position)?;
    let techniques = rule
        .techniques
        .iter()
        .map(|id| view! { <a href=links.technique(id) title=atlas.technique_name(id).to_owned()>{id.clone()}</a> " " })
        .collect_view();
    Some(view! {
        <tr>
            <td>
                <a href=links.rule(&rule.id)>{rule.title.clone()}</a>
            </td>
            <td>
                <VendorBadge vendor=rule.vendor/>
            </td>
            <td class="techniques">{techniques}</td>
            <td>{rule.severity.clone()}</td>
            <td class=format!("parse-{}", rule.status.as_str())>{rule.status.label()}</td>
        </tr>
    })
}
