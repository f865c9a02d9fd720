//! The checker's answer as the app shows it, written as [`Part`]s the app
//! renders as they are: the reading (what the text was read as, notes,
//! diagnostics with their place in the text, each rule's status and tree)
//! and, once the atlas is loaded, each rule held against the catalog with
//! `atlas_catalog::aggregate` (indicators and exclusions with their reach,
//! the common ones flagged; the guide rows of its techniques it uses; the
//! rules most like it). Building the answer here rather than in the app
//! keeps the checker's views out of the WASM every other view loads.
//!
//! The vendor only picks a label and a badge class; links name app views
//! ([`Target`]), whose URLs the app writes.

use atlas_catalog::aggregate::{Atlas, DraftKey, GuideCheck, draft_keys, draft_techniques, guide_check, similar};
use atlas_catalog::check::{CheckAnswer, Element, Part, Target};
use atlas_catalog::{Expr, IndicatorKey, Polarity, Vendor};

use crate::{CheckDiagnostic, Checked, CheckedRule};

/// Rows of each guide table compared.
const GUIDE_ROWS: usize = 10;
/// Similar rules listed.
const SIMILAR: usize = 10;
/// Techniques compared at once when a rule tags several.
const TECHNIQUES: usize = 3;

/// "1 rule", "2 rules".
fn count_rules(n: usize) -> String {
    if n == 1 { "1 rule".to_owned() } else { format!("{n} rules") }
}

/// The answer to a reading: against the atlas when there is one (else
/// `Err` says why not), compared with `technique`'s guide if one is chosen,
/// else with those each rule tags; `took_ms` is the reading's time.
pub fn answer(checked: &Checked, atlas: Result<&Atlas, &str>, technique: Option<&str>, took_ms: u32) -> CheckAnswer {
    let rules = checked.rules.len();
    let summary = (!checked.read_as.is_empty()).then(|| {
        let count = count_rules(rules);
        let guessed =
            if checked.guessed { " (guessed from the text: choose the language above if it is not)" } else { "" };
        Element::new("p", "check-summary")
            .text("Read as ")
            .child(Element::new("strong", "").text(checked.read_as.clone()))
            .text(format!("{guessed} · {count} · read in {took_ms} ms"))
    });
    let splunk = checked.rules.iter().any(|r| r.vendor == Vendor::Splunk);
    let pending = match atlas {
        Err(why) if rules > 0 && !why.is_empty() => Some(format!("Not yet held against the catalog: {why}.")),
        _ => None,
    };
    let notes = [
        checked.error.clone().map(|e| ("check-error", e)),
        checked.skipped.as_ref().map(|s| ("check-note", format!("Not read: {s}."))),
        (splunk && checked.macros == 0).then(|| {
            (
                "check-note",
                "The catalog carries no Splunk macro definitions (macros.json): macros are not expanded.".to_owned(),
            )
        }),
        (checked.fragment.is_none() && checked.error.is_none())
            .then(|| ("check-note", "This text is too long to share in a link; share the file instead.".to_owned())),
        (rules == 0 && checked.error.is_none() && checked.skipped.is_none() && checked.diagnostics.is_empty())
            .then(|| ("check-note", "No rule was found in the text.".to_owned())),
        pending.map(|p| ("check-note", p)),
    ]
    .into_iter()
    .flatten()
    .map(|(class, message)| Element::new("p", class).attr("role", "status").text(message));
    let body = Element::new("div", "check-answer")
        .attr("data-seq", checked.seq.to_string())
        .maybe(summary)
        .children(notes)
        .maybe(diagnostics(&checked.diagnostics))
        .children(checked.rules.iter().map(|rule| rule_view(rule, atlas.ok(), technique)));
    CheckAnswer {
        seq: checked.seq,
        text: checked.text.clone(),
        kind: checked.kind,
        fragment: checked.fragment.clone(),
        parts: vec![Part::Element(body)],
    }
}

/// One rule read from the text, held against the atlas when there is one.
fn rule_view(rule: &CheckedRule, atlas: Option<&Atlas>, technique: Option<&str>) -> Element {
    let tree = rule.logic.as_deref().map(serde_json::from_str::<Expr>);
    let logic = match (&rule.logic, &tree) {
        (Some(json), Some(Ok(_))) => Part::Tree(json.clone()),
        (_, Some(Err(error))) => {
            Element::new("p", "check-error").text(format!("The tree could not be read: {error}")).into()
        }
        // Still a `.check-tree`, without `data-logic`: explain's `null`.
        _ => Element::new("p", "empty check-tree").text("No logic was read from this rule.").into(),
    };
    let expr = tree.and_then(Result::ok);
    let tagged = match atlas {
        Some(atlas) => draft_techniques(atlas, &rule.techniques),
        None => rule.techniques.clone(),
    };
    let techniques = tagged.iter().map(|id| {
        let name = atlas.map_or(String::new(), |a| format!(" {}", a.technique_name(id)));
        let text = Element::new("span", "id").text(id.clone());
        Element::new("li", "").part(Part::Link(Target::Technique(id.clone()), vec![text.into(), Part::text(name)]))
    });
    let mut badges = Element::new("p", "badges").child(badge(rule.vendor)).child(
        Element::new("span", &format!("status status-{}", rule.status.as_str()))
            .text(format!("parse: {}", rule.status.label())),
    );
    if let Some(reason) = &rule.reason {
        badges = badges.child(Element::new("span", "reason").text(format!(" — {reason}")));
    }
    let facts =
        Element::new("dl", "facts")
            .child(Element::new("dt", "").text("Techniques"))
            .child(
                Element::new("dd", "")
                    .child(Element::new("ul", "plain").children(techniques))
                    .text(if tagged.is_empty() { "none tagged" } else { "" }),
            )
            .child(Element::new("dt", "").text("Language"))
            .child(Element::new("dd", "").text(rule.language.clone()));
    let tree_json = rule.logic.as_ref().map(|json| {
        Element::new("details", "tree-json")
            .child(Element::new("summary", "").text("The tree as JSON, as rule-atlas explain prints it"))
            .child(Element::new("pre", "").child(Element::new("code", "").text(json.clone())))
    });
    let section = Element::new("section", "checked-rule")
        .child(Element::new("h2", "rule-title").text(rule.title.clone()))
        .child(badges)
        .child(facts)
        .maybe(diagnostics(&rule.diagnostics))
        .child(
            Element::new("section", "logic")
                .child(Element::new("h3", "").text("Detection logic"))
                .part(logic)
                .maybe(tree_json),
        );
    match (atlas, expr) {
        (Some(atlas), Some(expr)) => against_atlas(section, atlas, rule, &expr, &tagged, technique),
        (Some(atlas), None) => against_atlas(section, atlas, rule, &Expr::and(Vec::new()), &tagged, technique),
        (None, _) => section,
    }
}

/// A rule's tests with their reach, the guides compared, the rules like it.
fn against_atlas(
    section: Element,
    atlas: &Atlas,
    rule: &CheckedRule,
    expr: &Expr,
    tagged: &[String],
    technique: Option<&str>,
) -> Element {
    let indicators = draft_keys(atlas, expr, Polarity::Indicator);
    let exclusions = draft_keys(atlas, expr, Polarity::Exclusion);
    let compared: Vec<String> = match technique.map(str::trim).filter(|t| !t.is_empty()) {
        Some(chosen) => vec![chosen.to_owned()],
        None => tagged.iter().take(TECHNIQUES).cloned().collect(),
    };
    let logic = (!expr.leaves().is_empty()).then_some(expr);
    let guides = compared.iter().map(|t| guide_view(atlas, &guide_check(atlas, t, logic, GUIDE_ROWS)));
    let no_technique = compared.is_empty().then(|| {
        Element::new("p", "empty")
            .text("The rule tags no technique: name one above to compare it with that technique's authoring guide.")
    });
    let keys: Vec<IndicatorKey> = indicators.iter().map(|k| k.key.clone()).collect();
    section
        .child(
            Element::new("div", "two-col")
                .child(key_table(
                    "Indicators",
                    "What the rule looks for, normalized as in the guides; Reach counts the catalog's rules using the same test.",
                    &indicators,
                    false,
                ))
                .child(key_table("Exclusions", "What the rule filters out (tests under a top-level not).", &exclusions, true)),
        )
        .child(
            Element::new("section", "check-guides")
                .child(Element::new("h3", "").text("Against the authoring guide"))
                .maybe(no_technique)
                .children(guides),
        )
        .child(similar_view(atlas, &keys, &rule.id))
}

/// A vendor's badge: its label and the class that colors it.
fn badge(vendor: Vendor) -> Element {
    Element::new("span", &format!("vendor vendor-{}", vendor.as_str())).text(vendor.label())
}

/// Diagnostics, each with its place in the text (the app selects it in the
/// editor) and the line it points into with a caret under the column.
fn diagnostics(list: &[CheckDiagnostic]) -> Option<Element> {
    if list.is_empty() {
        return None;
    }
    let items = list.iter().map(|d| {
        let mut item = Element::new("li", &format!("diagnostic {}", d.severity))
            .child(Element::new("span", "severity").text(d.severity))
            .text(" ")
            .child(Element::new("span", "category").text(d.category.clone()))
            .text(": ")
            .child(Element::new("span", "message").text(d.message.clone()));
        if let Some(line) = d.line {
            let label = match d.column {
                Some(column) => format!("line {line}, column {column}"),
                None => format!("line {line}"),
            };
            item = item.text(" ").part(Part::Place(d.offset.unwrap_or_default(), label));
        }
        item.maybe(d.excerpt.as_ref().map(|e| Element::new("pre", "excerpt").text(e.clone())))
    });
    Some(Element::new("ul", "diagnostics").children(items))
}

/// A value as the guide tables show it.
fn shown_value(key: &IndicatorKey) -> String {
    match (key.op.has_value(), key.value.is_empty()) {
        (false, _) => "(no value)".to_owned(),
        (true, true) => "(empty)".to_owned(),
        (true, false) => key.value.clone(),
    }
}

/// A draft's triples with their corpus reach; common ones are flagged.
fn key_table(title: &str, explain: &str, keys: &[DraftKey], exclusion: bool) -> Element {
    let section = Element::new("section", "keys")
        .child(Element::new("h3", "").text(format!("{title} ({})", keys.len())))
        .child(Element::new("p", "explain").text(explain));
    if keys.is_empty() {
        return section.child(Element::new("p", "empty").text("None."));
    }
    let head = ["Field", "Operator", "Value", "Reach"]
        .map(|h| Element::new("th", if h == "Reach" { "num" } else { "" }).attr("scope", "col").text(h));
    let rows = keys.iter().map(|k| {
        let field = if k.key.field.is_empty() { "(any field)".to_owned() } else { k.key.field.to_string() };
        let common = k.common.then(|| {
            Element::new("span", "flag common")
                .attr("title", "Used by so many rules that it tells little on its own")
                .text("common: noisy on its own")
        });
        let reach = Part::Link(Target::Rules(k.key.clone(), exclusion), vec![Part::text(k.reach.to_string())]);
        Element::new("tr", if k.common { "common" } else { "" })
            .child(Element::new("td", "field").text(field))
            .child(Element::new("td", "op").text(k.key.op.as_str()))
            .child(
                Element::new("td", "")
                    .child(Element::new("code", "value").text(shown_value(&k.key)))
                    .text(" ")
                    .maybe(common),
            )
            .child(Element::new("td", "num").attr("title", "Rules in the catalog using this test").part(reach))
    });
    section.child(
        Element::new("table", "data")
            .child(Element::new("thead", "").child(Element::new("tr", "").children(head)))
            .child(Element::new("tbody", "").children(rows)),
    )
}

/// The top rows of one technique's guide, each marked used or not.
fn guide_view(atlas: &Atlas, check: &GuideCheck) -> Element {
    let name = format!("{} {}", check.technique, atlas.technique_name(&check.technique));
    let heading = Element::new("h4", "")
        .part(Part::Link(Target::Guide(check.technique.clone()), vec![Part::text(name)]))
        .text(format!(" · guide of {}", count_rules(check.rules as usize)));
    let out = Element::new("div", "guide-check").attr("data-technique", check.technique.clone()).child(heading);
    if check.rules == 0 {
        return out.child(Element::new("p", "empty").text("No rule is under this technique."));
    }
    let fields = check.fields.iter().map(|u| (u.used, u.row.field.clone(), u.row.rules)).collect();
    let indicators = check.indicators.iter().map(|u| (u.used, u.row.key.to_string(), u.row.rules)).collect();
    let exclusions = check.exclusions.iter().map(|u| (u.used, u.row.key.to_string(), u.row.rules)).collect();
    out.child(
        Element::new("div", "three-col")
            .child(marked("fields", "Fields filtered most", fields))
            .child(marked("indicators", "Top indicator values", indicators))
            .child(marked("exclusions", "Common exclusions", exclusions)),
    )
}

/// One guide table: its rows, each marked used by the draft (✓) or not.
fn marked(class: &str, title: &str, rows: Vec<(bool, String, u32)>) -> Element {
    let used = rows.iter().filter(|(used, _, _)| *used).count();
    let summary = format!("uses {used} of the top {}", rows.len());
    let items = rows.into_iter().map(|(used, label, rules)| {
        let (mark, said) = if used { ("✓", "used") } else { ("·", "not used") };
        Element::new("li", if used { "used" } else { "" })
            .child(Element::new("span", "mark").attr("aria-label", said).text(mark))
            .text(" ")
            .child(Element::new("code", "").text(label))
            .child(Element::new("span", "muted").text(format!(" {}", count_rules(rules as usize))))
    });
    Element::new("div", class)
        .child(Element::new("h5", "").text(title))
        .child(Element::new("p", "muted").text(summary))
        .child(Element::new("ul", "marks").children(items))
}

/// The rules most like the draft, with what they share.
fn similar_view(atlas: &Atlas, keys: &[IndicatorKey], own_id: &str) -> Element {
    let items: Vec<Element> = similar(atlas, keys, Some(own_id), SIMILAR)
        .into_iter()
        .filter_map(|s| Some((atlas.rule(s.rule)?, s)))
        .map(|(rule, s)| {
            let shared = s.shared.iter().map(|k| Element::new("code", "chip").text(k.to_string()));
            Element::new("li", "")
                .child(badge(rule.vendor))
                .text(" ")
                .part(Part::Link(Target::Rule(rule.id.clone()), vec![Part::text(rule.title.clone())]))
                .child(Element::new("span", "muted").text(format!(" · shares {}: ", s.shared.len())))
                .children(shared)
        })
        .collect();
    let empty = items
        .is_empty()
        .then(|| Element::new("p", "empty").text("No rule in the catalog shares an indicator with it."));
    Element::new("section", "similar")
        .child(Element::new("h3", "").text("Rules most like it"))
        .child(Element::new("p", "explain").text(
            "Rules of every vendor looking for the same normalized tests; a rare test shared weighs more than a common one.",
        ))
        .maybe(empty)
        .child(Element::new("ol", "similar-rules").children(items))
}
