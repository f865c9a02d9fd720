//! `/rules?field=…&op=…&value=…&kind=exclusion&technique=…&event=…`: the
//! rules behind a guide row. With `technique`, the rules under it; with
//! `event`, the rules reading it (an event view's fields table links here);
//! without either, every rule in the catalog (a corpus reach number links here).

use std::sync::Arc;

use atlas_catalog::aggregate::{Atlas, RowQuery, row_scope, rules_for_row};
use atlas_catalog::{IndicatorKey, Op, Polarity};
use leptos::prelude::*;

use crate::components::event_filter::event_label;
use crate::components::rule_table::RuleTable;
use crate::components::status::with_atlas;
use crate::components::vendor::rules_label;
use crate::state::query_param;
use crate::url::{Links, param, set_title};

/// What the query parameters ask for.
#[derive(Debug, Clone, PartialEq, Eq)]
struct RowParams {
    technique: String,
    event: String,
    field: String,
    op: String,
    value: String,
    exclusion: bool,
}

impl RowParams {
    /// The row the parameters describe: a triple when an operator is given,
    /// else a field.
    fn query(&self) -> Option<RowQuery> {
        if self.op.is_empty() {
            return Some(RowQuery::Field(self.field.clone()));
        }
        let op = Op::parse(&self.op)?;
        let polarity = if self.exclusion { Polarity::Exclusion } else { Polarity::Indicator };
        Some(RowQuery::Key {
            key: IndicatorKey { field: self.field.as_str().into(), op, value: self.value.clone() },
            polarity,
        })
    }
}

/// The rules-behind-a-row page.
#[component]
pub fn RulesPage() -> impl IntoView {
    let technique = query_param(param::TECHNIQUE);
    let event = query_param(param::EVENT);
    let field = query_param(param::FIELD);
    let op = query_param(param::OP);
    let value = query_param(param::VALUE);
    let kind = query_param(param::KIND);
    let params = Memo::new(move |_| RowParams {
        technique: technique.get(),
        event: event.get(),
        field: field.get(),
        op: op.get(),
        value: value.get(),
        exclusion: kind.with(|k| k == "exclusion"),
    });
    with_atlas(move |atlas| view! { <RulesBody atlas params/> }.into_any())
}

#[component]
fn RulesBody(atlas: Arc<Atlas>, params: Memo<RowParams>) -> impl IntoView {
    let links = expect_context::<Links>();
    move || {
        let p = params.get();
        let non_empty = |s: &str| (!s.is_empty()).then_some(s.to_owned());
        let scope = row_scope(&atlas, non_empty(&p.technique).as_deref(), non_empty(&p.event).as_deref());
        let Some(query) = p.query() else {
            set_title("Unknown operator");
            return view! { <p class="empty">{format!("“{}” is not an operator of the catalog.", p.op)}</p> }
                .into_any();
        };
        let rules = rules_for_row(&atlas, scope.as_deref(), &query);
        let heading = describe(&atlas, &p, &query, rules.len());
        set_title(&heading);
        let back = (!p.technique.is_empty()).then(|| {
            view! {
                <p class="back-to">
                    <a href=links.guide(&p.technique)>{format!("← Authoring guide of {} {}", p.technique, atlas.technique_name(&p.technique))}</a>
                </p>
            }
        });
        let back_to_event = event_name(&atlas, &p.event).map(|name| {
            view! {
                <p class="back-to">
                    <a href=links.event(&p.event)>{format!("← {name}")}</a>
                </p>
            }
        });
        view! {
            <nav class="breadcrumb" aria-label="Breadcrumb">
                <a href=links.home()>"ATT&CK coverage"</a>
                " › "
                <span aria-current="page">"Rules"</span>
            </nav>
            <h1 class="page-title">{heading}</h1>
            {back}
            {back_to_event}
            <RuleTable atlas=Arc::clone(&atlas) rules name=csv_name(&p)/>
        }
        .into_any()
    }
}

/// The CSV file's name: `rules`, the scope, the field and the value.
fn csv_name(p: &RowParams) -> Vec<String> {
    let parts = ["rules", &p.technique, &p.event, &p.field, &p.value];
    parts.into_iter().filter(|s| !s.is_empty()).map(str::to_owned).collect()
}

/// "Process creation (Sysmon 1)", for an event the catalog knows.
fn event_name(atlas: &Atlas, id: &str) -> Option<String> {
    atlas.event(atlas.event_position(id)?).map(event_label)
}

/// "3 rules under T1204 User Execution look for process.name eq mshta.exe",
/// "6 rules reading Process creation (Sysmon 1) test process.name".
fn describe(atlas: &Atlas, p: &RowParams, query: &RowQuery, n: usize) -> String {
    let mut scope = if p.technique.is_empty() {
        String::new()
    } else {
        format!("under {} {}", p.technique, atlas.technique_name(&p.technique))
    };
    if !p.event.is_empty() {
        let name = event_name(atlas, &p.event).unwrap_or_else(|| format!("the unknown event {}", p.event));
        scope = if scope.is_empty() { format!("reading {name}") } else { format!("{scope} reading {name}") };
    }
    if scope.is_empty() {
        scope = "in the catalog".to_owned();
    }
    let field = if p.field.is_empty() { "(any field)" } else { p.field.as_str() };
    let what = match query {
        RowQuery::Field(_) => format!("test {field}"),
        RowQuery::Key { key, polarity } => {
            let verb = if *polarity == Polarity::Exclusion { "exclude" } else { "look for" };
            let value = if key.op.has_value() { format!(" {}", key.value) } else { String::new() };
            format!("{verb} {field} {}{value}", key.op)
        }
    };
    format!("{} {scope} {what}", rules_label(n))
}
