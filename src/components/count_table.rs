//! A sortable table of linked items (events, techniques) with the number of
//! rules per vendor behind each: the technique page's events covered, an
//! event's per-call events and the techniques that read it.

use atlas_catalog::Vendor;
use atlas_catalog::aggregate::VendorCounts;
use atlas_catalog::export::csv;
use leptos::prelude::*;

use super::export::CsvButton;
use super::table::{ShowAll, Sort, SortHeader, SortKey, sort_rows};

/// One row: what it links to, its name, its id or code, one more column of
/// text, and the rules per vendor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CountRow {
    pub href: String,
    pub name: String,
    /// Shown after the name in the id style (`4688`, `T1059.001`).
    pub tag: String,
    /// The second column (an event's source, a technique's tactics).
    pub detail: String,
    pub counts: VendorCounts,
}

/// Column of the total: rows come ranked by it.
const TOTAL: u8 = 2 + Vendor::ALL.len() as u8;

/// The table, ranked by total rules; with `first`, only that many rows until
/// "Show all" is pressed.
#[component]
pub fn CountTable(
    rows: Vec<CountRow>,
    /// Header of the name column ("Event", "Technique").
    label: &'static str,
    /// Header of the second column ("Source", "Tactics").
    detail: &'static str,
    /// What the rows are, for the "Show all" button ("events").
    noun: &'static str,
    /// A class for the table, for styles and tests.
    class: &'static str,
    #[prop(optional)] first: Option<usize>,
) -> impl IntoView {
    let sort = RwSignal::new(Sort::new(TOTAL, true));
    let all = RwSignal::new(false);
    let total = rows.len();
    let csv_button = {
        let rows = rows.clone();
        let table = move |()| {
            let cells = rows.iter().map(|r| ([r.name.as_str(), r.tag.as_str(), r.detail.as_str()], r.counts));
            csv::vendor_counts([label, "Id", detail], cells)
        };
        view! { <CsvButton name=vec![class.to_owned()] what=format!("the {noun} table") table=Callback::new(table)/> }
    };
    let body = move || {
        let mut rows = rows.clone();
        sort_rows(&mut rows, sort.get(), |r, column| match column {
            0 => SortKey::text(&r.name),
            1 => SortKey::text(&r.detail),
            TOTAL => SortKey::Num(u64::from(r.counts.total())),
            n => Vendor::ALL
                .get(usize::from(n) - 2)
                .map_or(SortKey::Num(0), |v| SortKey::Num(u64::from(r.counts.get(*v)))),
        });
        let shown = if all.get() { total } else { first.unwrap_or(total) };
        rows.into_iter().take(shown).map(row).collect_view()
    };
    let vendor_headers = Vendor::ALL
        .into_iter()
        .zip(2..)
        .map(|(vendor, column)| view! { <SortHeader label=vendor.label() column sort numeric=true/> })
        .collect_view();
    view! {
        <table class=format!("data counts {class}")>
            <thead>
                <tr>
                    <SortHeader label column=0 sort/>
                    <SortHeader label=detail column=1 sort/>
                    {vendor_headers}
                    <SortHeader label="Total" column=TOTAL sort numeric=true/>
                </tr>
            </thead>
            <tbody>{body}</tbody>
        </table>
        <div class="table-tools">{csv_button}</div>
        <ShowAll total all noun first=first.unwrap_or(total)/>
    }
}

fn row(row: CountRow) -> impl IntoView {
    let vendors = Vendor::ALL
        .into_iter()
        .map(|vendor| {
            let n = row.counts.get(vendor);
            view! { <td class=format!("num vendor-count vendor-{}", vendor.as_str()) class:zero=n == 0>{n}</td> }
        })
        .collect_view();
    let tag = (!row.tag.is_empty()).then(|| view! { " " <span class="id">{row.tag.clone()}</span> });
    view! {
        <tr>
            <td class="name">
                <a href=row.href>{row.name}</a>
                {tag}
            </td>
            <td class="detail">{row.detail}</td>
            {vendors}
            <td class="num total">{row.counts.total()}</td>
        </tr>
    }
}
