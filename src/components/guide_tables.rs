//! The three tables of the authoring guide, used in full on the guide page
//! and cut to their top rows in the technique page's summary. Every row links
//! through to the rules behind it.

use std::sync::Arc;

use atlas_catalog::aggregate::{FieldRow, ValueRow};
use atlas_catalog::export::csv;
use atlas_catalog::{IndicatorKey, Polarity};
use leptos::prelude::*;

use super::export::CsvButton;
use super::pattern::value_view;
use super::table::{FIRST_ROWS, ShowAll, Sort, SortHeader, SortKey, sort_rows};
use crate::url::{Links, Scope};

/// Shown for a field-less search (a Sigma keyword, a Splunk free term).
const ANY_FIELD: &str = "(any field)";

/// Fields filtered most: canonical field, the names it collapsed from, the
/// rules, how they test it and sample values.
#[component]
pub fn FieldsTable(
    rows: Vec<FieldRow>,
    /// The rules the rows were computed over (for the row links).
    scope: Scope,
    /// Keep only the top rows (the summary).
    #[prop(optional)]
    limit: Option<usize>,
    /// The fields an event carries: when there are any, the others are
    /// marked (event view).
    #[prop(optional)]
    listed: Vec<String>,
) -> impl IntoView {
    let links = expect_context::<Links>();
    let sort = RwSignal::new(Sort::new(2, true));
    let all = RwSignal::new(limit.is_some());
    // The file holds every row, the summary's too.
    let every = Arc::new(rows);
    let for_csv = Arc::clone(&every);
    let scope_id = match &scope {
        Scope::Technique(id) | Scope::Event(id) => id.clone(),
    };
    let csv_button = view! {
        <CsvButton
            name=vec![scope_id, "fields".into()]
            what="the fields table".into()
            table=Callback::new(move |()| csv::fields(&for_csv))
        />
    };
    let rows: Vec<FieldRow> = every.iter().take(limit.unwrap_or(usize::MAX)).cloned().collect();
    let total = rows.len();
    let body = move || {
        let mut rows = rows.clone();
        sort_rows(&mut rows, sort.get(), |r, column| match column {
            0 => SortKey::text(&r.field),
            1 => SortKey::text(r.source_fields.first().map_or("", String::as_str)),
            _ => SortKey::Num(u64::from(r.rules)),
        });
        let shown = if all.get() { total } else { FIRST_ROWS };
        let rows = rows
            .into_iter()
            .take(shown)
            .map(|row| {
                let unlisted = !listed.is_empty() && !row.field.is_empty() && !listed.contains(&row.field);
                field_row(&links, &scope, row, unlisted)
            })
            .collect_view();
        (rows, (total == 0).then(|| view! { <tr><td colspan="5" class="empty">"None."</td></tr> }))
    };
    view! {
        <table class="data guide-fields">
            <thead>
                <tr>
                    <SortHeader label="Field" column=0 sort/>
                    <SortHeader label="Written as" column=1 sort hint="The field names the rules write, which normalize to this field"/>
                    <SortHeader label="Rules" column=2 sort numeric=true/>
                    <th scope="col">"How"</th>
                    <th scope="col">"Sample values"</th>
                </tr>
            </thead>
            <tbody>{body}</tbody>
        </table>
        <div class="table-tools">{csv_button}</div>
        <ShowAll total all noun="fields"/>
    }
}

fn field_row(links: &Links, scope: &Scope, row: FieldRow, unlisted: bool) -> impl IntoView + use<> {
    let href = links.rules_with_field(scope, &row.field);
    let name = if row.field.is_empty() { ANY_FIELD.to_owned() } else { row.field };
    let sources = row
        .source_fields
        .into_iter()
        .map(|s| view! { <code>{if s.is_empty() { ANY_FIELD.to_owned() } else { s }}</code> " " })
        .collect_view();
    let how = row
        .ops
        .into_iter()
        .map(|o| view! { <span class="chip">{o.op.as_str()} " " <b>{o.rules}</b></span> })
        .collect_view();
    let samples = row.samples.into_iter().map(|(op, v)| view! { {value_view(op, &v)} " " }).collect_view();
    view! {
        <tr>
            <td>
                <a href=href class="field">{name}</a>
                {unlisted.then(|| view! { <span class="unlisted" title="The event catalog does not list this field for the event">"not listed"</span> })}
            </td>
            <td class="sources">{sources}</td>
            <td class="num">{row.rules}</td>
            <td class="how">{how}</td>
            <td class="samples">{samples}</td>
        </tr>
    }
}

/// Top indicator values or common exclusions: (field, operator, value)
/// triples with the rules under the technique using each, and corpus reach.
#[component]
pub fn ValuesTable(
    rows: Vec<ValueRow>,
    technique: String,
    /// Indicators or exclusions, for the row links.
    polarity: Polarity,
    #[prop(optional)] limit: Option<usize>,
) -> impl IntoView {
    let links = expect_context::<Links>();
    let sort = RwSignal::new(Sort::new(3, true));
    let all = RwSignal::new(limit.is_some());
    let every = Arc::new(rows);
    let for_csv = Arc::clone(&every);
    let (kind, what) = match polarity {
        Polarity::Exclusion => ("exclusions", "the common exclusions"),
        _ => ("indicators", "the top indicator values"),
    };
    let csv_button = view! {
        <CsvButton
            name=vec![technique.clone(), kind.into()]
            what=what.into()
            table=Callback::new(move |()| csv::values(&for_csv))
        />
    };
    let rows: Vec<ValueRow> = every.iter().take(limit.unwrap_or(usize::MAX)).cloned().collect();
    let total = rows.len();
    let body = move || {
        let mut rows = rows.clone();
        sort_rows(&mut rows, sort.get(), |r, column| match column {
            0 => SortKey::text(&r.key.field),
            1 => SortKey::text(r.key.op.as_str()),
            2 => SortKey::text(&r.key.value),
            3 => SortKey::Num(u64::from(r.rules)),
            _ => SortKey::Num(u64::from(r.reach.unwrap_or(0))),
        });
        let shown = if all.get() { total } else { FIRST_ROWS };
        let rows = rows.into_iter().take(shown).map(|row| value_row(&links, &technique, polarity, row)).collect_view();
        (rows, (total == 0).then(|| view! { <tr><td colspan="5" class="empty">"None."</td></tr> }))
    };
    view! {
        <table class="data guide-values">
            <thead>
                <tr>
                    <SortHeader label="Field" column=0 sort/>
                    <SortHeader label="Operator" column=1 sort/>
                    <SortHeader label="Value" column=2 sort/>
                    <SortHeader label="Rules" column=3 sort numeric=true/>
                    <SortHeader label="Corpus reach" column=4 sort numeric=true hint="Rules in the whole catalog using the same triple; blank when only rules under this technique use it"/>
                </tr>
            </thead>
            <tbody>{body}</tbody>
        </table>
        <div class="table-tools">{csv_button}</div>
        <ShowAll total all noun="triples"/>
    }
}

fn value_row(links: &Links, technique: &str, polarity: Polarity, row: ValueRow) -> impl IntoView + use<> {
    let here = links.rules_with_key(Some(technique), &row.key, polarity);
    let reach = row.reach.map(|n| {
        let everywhere = links.rules_with_key(None, &row.key, polarity);
        view! { <a href=everywhere title="Every rule in the catalog using this triple">{n}</a> }
    });
    let value = value_view(row.key.op, &row.key.value);
    let field = if row.key.field.is_empty() { ANY_FIELD.to_owned() } else { row.key.field.to_string() };
    view! {
        <tr>
            <td class="field">{field}</td>
            <td class="op">{row.key.op.as_str()}</td>
            <td>
                <a href=here.clone() class="value">
                    {value}
                </a>
            </td>
            <td class="num">
                <a href=here.clone()>{row.rules}</a>
            </td>
            <td class="num reach">{reach}</td>
        </tr>
    }
}

/// A triple's value as a table shows it: `exists` / `null` tests have none,
/// and an empty string must still be visible (and clickable).
pub fn shown_value(key: &IndicatorKey) -> String {
    match (key.op.has_value(), key.value.is_empty()) {
        (false, _) => "(no value)".to_owned(),
        (true, true) => "(empty)".to_owned(),
        (true, false) => key.value.clone(),
    }
}

/// The guide's introduction; `{n}` is the number of rules.
pub fn intro_text(rules: usize) -> String {
    format!(
        "Patterns shared across the {} under this technique: which fields they filter on, what specific values they look for, and what they exclude. \
         Field names are normalized across vendors so Sigma's Image, Elastic's process.name, and Splunk's process_name collapse into one row. \
         Each rule contributes at most once per row.",
        super::vendor::rules_label(rules)
    )
}

pub const FIELDS_TEXT: &str = "The fields most rules look at when detecting this technique. The How column shows the operators authors use \
    (eq, wildcard, regex_match, match) and how often each appears. Sample values are concrete examples to start from, not an exhaustive list.";

pub const VALUES_TEXT: &str = "Specific (field, operator, value) combinations the rules check for, ranked by how many rules under this technique use each one. \
    The Corpus reach column counts how many rules across the entire catalog (any technique) check the same combination. \
    High numbers point to widely-used indicators that are likely noisy on their own; combine them with another condition for useful signal. \
    Blank means the combination is specific to rules under this technique.";

pub const EXCLUSIONS_TEXT: &str = "Field/operator/value combinations that rules under this technique routinely exclude (top-level not() clauses). \
    These are the false-positive paths the community has learned to filter out. \
    A new rule that ignores the high-count entries here will likely fire on the same noisy paths.";
