//! A rule's logic as a detection engineer reads it: nested `and` / `or` /
//! `not` blocks of `field op value` tests, with the field as the rule writes
//! it and its canonical name beside it when they differ. A list of values
//! tested the same way (Sigma's value lists, `field in (…)`) reads as one
//! line: `Image like any of …`.

use atlas_catalog::{Expr, Leaf, Op};
use leptos::prelude::*;

use super::pattern::value_view;

/// The predicate tree of one rule.
#[component]
pub fn PredicateTree(
    /// The rule's logic (a clone of one rule's tree, small).
    expr: Expr,
) -> impl IntoView {
    view! { <div class="predicate">{node(&expr)}</div> }
}

fn node(expr: &Expr) -> AnyView {
    match expr {
        Expr::Leaf(leaf) => view! { <div class="test">{test(leaf, None)}</div> }.into_any(),
        Expr::Not(inner) => view! {
            <div class="not">
                <span class="kw">"not"</span>
                {node(inner)}
            </div>
        }
        .into_any(),
        Expr::And(operands) => junction("and", "all of", operands),
        Expr::Or(operands) => junction("or", "any of", operands),
    }
}

/// The operands of an `and` / `or`, one per line, the connective in front of
/// all but the first, inside a bracket that shows the grouping. Runs of
/// operands testing the same field the same way share one line.
fn junction(keyword: &'static str, quantifier: &'static str, operands: &[Expr]) -> AnyView {
    let groups = same_test_runs(operands);
    if let [Group::Run(leaves)] = groups.as_slice() {
        return view! { <div class="test">{test(leaves[0], Some((quantifier, leaves)))}</div> }.into_any();
    }
    let rows = groups
        .iter()
        .enumerate()
        .map(|(i, group)| {
            let content = match group {
                Group::Run(leaves) => {
                    view! { <div class="test">{test(leaves[0], Some((quantifier, leaves)))}</div> }.into_any()
                }
                Group::One(operand) => node(operand),
            };
            view! {
                <div class="operand">
                    <span class="kw connective">{if i == 0 { "" } else { keyword }}</span>
                    {content}
                </div>
            }
        })
        .collect_view();
    view! { <div class=format!("junction {keyword}")>{rows}</div> }.into_any()
}

/// An operand of a junction, or a run of leaves written as one list.
enum Group<'a> {
    One(&'a Expr),
    Run(Vec<&'a Leaf>),
}

/// Splits operands into runs of two or more consecutive leaves that test the
/// same field with the same operator, and the other operands.
fn same_test_runs(operands: &[Expr]) -> Vec<Group<'_>> {
    let mut groups: Vec<Group> = Vec::new();
    for operand in operands {
        let leaf = match operand {
            Expr::Leaf(leaf) if leaf.op.has_value() && leaf.op != Op::Raw => leaf,
            other => {
                groups.push(Group::One(other));
                continue;
            }
        };
        let previous: Option<&Leaf> = match groups.last() {
            Some(&Group::One(Expr::Leaf(previous))) => Some(previous),
            _ => None,
        };
        match (groups.last_mut(), previous) {
            (Some(Group::Run(run)), _) if same_test(run[0], leaf) => run.push(leaf),
            (_, Some(previous)) if same_test(previous, leaf) => {
                groups.pop();
                groups.push(Group::Run(vec![previous, leaf]));
            }
            _ => groups.push(Group::One(operand)),
        }
    }
    groups
}

fn same_test(a: &Leaf, b: &Leaf) -> bool {
    a.source_field == b.source_field
        && a.field == b.field
        && a.op == b.op
        && a.case_sensitive == b.case_sensitive
        && a.op.has_value()
        && a.op != Op::Raw
}

/// `Image like '*\mshta.exe'`, or with a list, `Image like any of 'a' 'b'`.
fn test(leaf: &Leaf, list: Option<(&'static str, &[&Leaf])>) -> impl IntoView + use<> {
    if leaf.op == Op::Raw {
        return view! {
            <span class="op">"condition"</span>
            " "
            <code class="value raw">{leaf.value.clone().unwrap_or_default()}</code>
        }
        .into_any();
    }
    let written = leaf.source_field.clone().or_else(|| leaf.field.clone());
    let canonical = leaf.field.clone().filter(|f| Some(f) != written.as_ref());
    let values = match list {
        Some((quantifier, leaves)) => {
            let chips = leaves.iter().map(|l| value(l)).collect_view();
            view! { <span class="kw">{quantifier}</span> " " <span class="values">{chips}</span> }.into_any()
        }
        None if leaf.op.has_value() => value(leaf).into_any(),
        None => ().into_any(),
    };
    view! {
        <span class="field">{written.map_or_else(|| "any field".to_owned(), |w| w.to_string())}</span>
        {canonical.map(|c| view! { <span class="canonical" title="canonical field">{c}</span> })}
        " "
        <span class="op">{leaf.op.symbol()}</span>
        " "
        {values}
        {leaf.case_sensitive.then(|| view! { <span class="flag">"case-sensitive"</span> })}
    }
    .into_any()
}

/// A leaf's value as it reads (the quotes around it are drawn by the
/// stylesheet, so that a copy gives the value alone).
fn value(leaf: &Leaf) -> AnyView {
    value_view(leaf.op, leaf.value.as_deref().unwrap_or_default())
}
