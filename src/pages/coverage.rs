//! `/`: the ATT&CK coverage matrix with its filters (vendor, platform,
//! event, order, coverage gap) and search, all kept in the URL query.

use std::sync::Arc;

use atlas_catalog::Vendor;
use atlas_catalog::aggregate::{
    Atlas, Cell, CellOrder, Coverage, CoverageFilter, Gap, VendorSet, coverage, platforms, shade, shade_legend,
};
use atlas_catalog::export::navigator::{self, Site};
use atlas_catalog::export::{csv, file_name};
use leptos::prelude::*;

use crate::components::event_filter::{EventFilter, EventFilterNote};
use crate::components::export::{download, download_csv, report};
use crate::components::search::{SearchBox, SearchResults};
use crate::components::status::with_atlas;
use crate::components::vendor::VendorTally;
use crate::state::{QueryWriter, query_param};
use crate::url::{Links, param, set_title};

/// The coverage page.
#[component]
pub fn CoveragePage() -> impl IntoView {
    set_title("ATT&CK coverage");
    with_atlas(|atlas| view! { <CoverageView atlas/> }.into_any())
}

/// The filters, search and matrix over a loaded catalog.
#[component]
fn CoverageView(atlas: Arc<Atlas>) -> impl IntoView {
    let writer = QueryWriter::new();
    let vendor_param = query_param(param::VENDOR);
    let platform = query_param(param::PLATFORM);
    let order = query_param(param::ORDER);
    let query = query_param(param::QUERY);
    let event = query_param(param::EVENT);
    let gap = query_param(param::GAP);
    let vendors = Memo::new(move |_| vendor_param.with(|v| VendorSet::parse(v)));
    let filter = Memo::new(move |_| CoverageFilter {
        vendors: vendors.get(),
        platform: platform.with(|p| (!p.is_empty()).then(|| p.clone())),
        event: event.with(|e| (!e.is_empty()).then(|| e.clone())),
        order: order.with(|o| CellOrder::parse(o)),
        gap: gap.with(|g| Gap::parse(g)),
    });
    let matrix = {
        let atlas = Arc::clone(&atlas);
        Memo::new(move |_| filter.with(|f| coverage(&atlas, f)))
    };
    let links = expect_context::<Links>();
    let note_writer = writer.clone();
    let event_writer = writer.clone();
    let gap_writer = writer.clone();
    let on_search = {
        let writer = writer.clone();
        Callback::new(move |text: String| writer.set(param::QUERY, &text))
    };
    view! {
        <h1 class="page-title">"ATT&CK coverage"</h1>
        <div class="toolbar">
            <SearchBox value=query on_input=on_search/>
            <VendorFilter vendors writer=writer.clone()/>
            <PlatformFilter options=platforms(&atlas) platform writer=writer.clone()/>
            <label class="select">
                "Order "
                <select
                    prop:value=move || order.with(|o| CellOrder::parse(o).as_str())
                    on:change=move |ev| writer.set(param::ORDER, CellOrder::parse(&event_target_value(&ev)).to_param())
                >
                    <option value=CellOrder::Name.as_str()>"by name"</option>
                    <option value=CellOrder::Rules.as_str()>"by rules"</option>
                </select>
            </label>
            <EventFilter atlas=Arc::clone(&atlas) event writer=event_writer/>
            <GapFilter gap writer=gap_writer/>
        </div>
        <EventFilterNote atlas=Arc::clone(&atlas) event writer=note_writer/>
        <SearchResults atlas=Arc::clone(&atlas) query vendors/>
        <p class="summary">{move || matrix.with(|m| summary(m, filter.with(|f| f.gap)))}</p>
        <Exports atlas=Arc::clone(&atlas) filter matrix/>
        <Legend/>
        <div class="matrix-scroll">{move || matrix.with(|m| matrix_view(m, &links, filter.with(|f| f.gap.is_some())))}</div>
        <Unmapped atlas/>
    }
}

fn summary(m: &Coverage, gap: Option<Gap>) -> String {
    match gap {
        None => format!(
            "{} of {} techniques have at least one rule · {} rules mapped to them",
            m.covered, m.techniques, m.rules
        ),
        Some(gap) => format!(
            "{} techniques and sub-techniques {} · {} rules mapped to the techniques shown",
            m.in_gap,
            gap.label(),
            m.rules
        ),
    }
}

/// The coverage gap the matrix is limited to.
#[component]
fn GapFilter(gap: Memo<String>, writer: QueryWriter) -> impl IntoView {
    let options =
        Gap::all().into_iter().map(|g| view! { <option value=g.to_param()>{g.label()}</option> }).collect_view();
    view! {
        <label class="select">
            "Gaps "
            <select
                prop:value=move || gap.with(|g| Gap::parse(g).map(Gap::to_param).unwrap_or_default())
                on:change=move |ev| writer.set(param::GAP, &Gap::parse(&event_target_value(&ev)).map(Gap::to_param).unwrap_or_default())
            >
                <option value="">"every technique"</option>
                {options}
            </select>
        </label>
    }
}

/// Toggle buttons, one per vendor; none pressed means every vendor.
#[component]
fn VendorFilter(vendors: Memo<VendorSet>, writer: QueryWriter) -> impl IntoView {
    let buttons = Vendor::ALL
        .into_iter()
        .map(|vendor| {
            let writer = writer.clone();
            let pressed = move || (!vendors.get().is_all() && vendors.get().contains(vendor)).to_string();
            view! {
                <button
                    type="button"
                    class=format!("toggle vendor-{}", vendor.as_str())
                    aria-pressed=pressed
                    on:click=move |_| writer.set(param::VENDOR, &vendors.get_untracked().toggled(vendor).to_param())
                >
                    {vendor.label()}
                </button>
            }
        })
        .collect_view();
    view! {
        <div class="vendors" role="group" aria-label="Vendors (none selected: all)">
            {buttons}
        </div>
    }
}

/// The ATT&CK platform the matrix is limited to.
#[component]
fn PlatformFilter(options: Vec<String>, platform: Memo<String>, writer: QueryWriter) -> impl IntoView {
    let options = options.into_iter().map(|p| view! { <option value=p.clone()>{p.clone()}</option> }).collect_view();
    view! {
        <label class="select">
            "Platform "
            <select prop:value=move || platform.get() on:change=move |ev| writer.set(param::PLATFORM, &event_target_value(&ev))>
                <option value="">"all"</option>
                {options}
            </select>
        </label>
    }
}

/// The matrix as filtered, to take away: an ATT&CK Navigator layer and CSV.
#[component]
fn Exports(atlas: Arc<Atlas>, filter: Memo<CoverageFilter>, matrix: Memo<Coverage>) -> impl IntoView {
    let links = expect_context::<Links>();
    let layer = move |_| {
        let location = window().location();
        let base = format!("{}{}", location.origin().unwrap_or_default(), links.base());
        let view = location.href().unwrap_or_default();
        let text = filter.with_untracked(|f| {
            matrix.with_untracked(|m| navigator::layer(&atlas, f, m, Site { base: &base, view: &view }))
        });
        report(download(&file_name(&["navigator-layer"], "json"), "application/json", &text));
    };
    let table = move |_| {
        let gap = filter.with_untracked(|f| f.gap.is_some());
        matrix.with_untracked(|m| download_csv(&["coverage"], &csv::coverage(m, gap)));
    };
    view! {
        <p class="exports">
            "Download the matrix as filtered: "
            <button type="button" class="export layer" on:click=layer title="An ATT&CK Navigator layer (format 4.5): score = rules, a comment with the rules per vendor, a link per technique">
                "Navigator layer ↓"
            </button>
            " "
            <button type="button" class="export csv" on:click=table aria-label="Download the matrix as CSV">
                "CSV ↓"
            </button>
        </p>
    }
}

/// What the shades mean.
#[component]
fn Legend() -> impl IntoView {
    let items = shade_legend()
        .into_iter()
        .map(|(step, label)| view! { <span class=format!("swatch shade-{step}")>{label}</span> })
        .collect_view();
    view! {
        <div class="legend" aria-hidden="true">
            "Rules per technique: "
            {items}
        </div>
    }
}

/// The columns; in a gap view, cells list their sub-techniques in the gap
/// from the start.
fn matrix_view(m: &Coverage, links: &Links, gap: bool) -> impl IntoView + use<> {
    let columns = m
        .columns
        .iter()
        .map(|column| {
            let cells = column
                .cells
                .iter()
                .map(|cell| view! { <MatrixCell cell=cell.clone() links=links.clone() expanded=gap/> })
                .collect_view();
            view! {
                <section class="tactic" aria-label=column.name.clone()>
                    <h2>
                        <span class="clamp">{column.name.clone()}</span>
                        <span class="count">{format!("{}/{}", column.covered, column.cells.len())}</span>
                    </h2>
                    <ul>{cells}</ul>
                </section>
            }
        })
        .collect_view();
    view! { <div class="matrix">{columns}</div> }
}

/// One technique: name, id, rules per vendor, and its sub-techniques on
/// demand (or at once, with `expanded`). A cell outside the gap, shown for
/// its sub-techniques in it, is marked.
#[component]
fn MatrixCell(cell: Cell, links: Links, expanded: bool) -> impl IntoView {
    let expanded = RwSignal::new(expanded && !cell.subs.is_empty());
    let total = cell.counts.total();
    let subs = cell.subs.clone();
    let toggle = (!subs.is_empty()).then(|| {
        let label = format!("{} sub-techniques", subs.len());
        view! {
            <button
                type="button"
                class="expand"
                aria-expanded=move || expanded.get().to_string()
                aria-label=format!("{label} of {}", cell.name)
                on:click=move |_| expanded.update(|e| *e = !*e)
            >
                {move || if expanded.get() { "▾" } else { "▸" }}
                {format!(" {}", subs.len())}
            </button>
        }
    });
    let sub_list = {
        let links = links.clone();
        move || {
            expanded.get().then(|| {
                let items = subs
                    .iter()
                    .map(|sub| {
                        view! {
                            <li class=format!("sub shade-{}", shade(sub.counts.total()))>
                                <a href=links.technique(&sub.id)>
                                    <span class="name">{sub.name.clone()}</span>
                                    <span class="id">{sub.id.clone()}</span>
                                </a>
                                <span class="tallies">
                                    <VendorTally counts=sub.counts/>
                                </span>
                            </li>
                        }
                    })
                    .collect_view();
                view! { <ul class="subs">{items}</ul> }
            })
        }
    };
    view! {
        <li class=format!("cell shade-{}", shade(total)) class:outside-gap=!cell.in_gap>
            <div class="cell-head">
                <a href=links.technique(&cell.id) title=cell_title(&cell)>
                    <span class="name">{cell.name.clone()}</span>
                </a>
                <div class="cell-meta">
                    <span class="id">{cell.id.clone()}</span>
                    <VendorTally counts=cell.counts/>
                    {toggle}
                </div>
            </div>
            {sub_list}
        </li>
    }
}

/// A cell's tooltip: id, name, rules, and why a cell outside the gap shows.
fn cell_title(cell: &Cell) -> String {
    let outside = if cell.in_gap { "" } else { " (shown for its sub-techniques in the gap)" };
    format!("{} {} — {} rules{outside}", cell.id, cell.name, cell.counts.total())
}

/// Rules the matrix cannot place: tags ATT&CK does not know, or no tag.
#[component]
fn Unmapped(atlas: Arc<Atlas>) -> impl IntoView {
    let links = expect_context::<Links>();
    let unknown = atlas.unknown_techniques();
    let untagged = atlas.untagged_rules();
    let unknown_view = (!unknown.is_empty()).then(|| {
        let items = unknown
            .into_iter()
            .map(|(id, n)| view! { <a href=links.technique(&id)>{format!("{id} ({n})")}</a> " " })
            .collect_view();
        view! {
            <p>
                {format!("Technique IDs ATT&CK {} does not know, tagged by rules: ", atlas.catalog().attack.version)}
                {items}
            </p>
        }
    });
    view! {
        <div class="unmapped">
            {unknown_view}
            <p>{format!("{untagged} rules tag no ATT&CK technique and appear in no cell.")}</p>
        </div>
    }
}
