//! Turns parsed search expressions into the shared predicate model (a CIDR
//! block as a value is a `cidr` test, a test of an `eval` flag is the flag's
//! condition), and lifts out what selects the log source (`index`, `source`,
//! `sourcetype`, `eventtype`…) the way Sigma's `logsource` does.

use std::net::IpAddr;

use atlas_catalog::wildcard::{self, Token};
use atlas_catalog::{Expr, Op};

use super::env::{Computed, Flag, Untraced};
use super::search::{Atom, CmpOp, Node, NodeKind, Value};
use super::text::tidy_subsearch;
use crate::leaf::LeafMaker;

/// Fields whose tests choose where events come from rather than what they
/// say. Field names are case-sensitive (`eventType` is an Okta field, not
/// `eventtype`). `Channel` is the Windows event log (`wineventlog_security`
/// tests it beside `source`), `nodename` a data-model node.
fn selector_label(field: &str) -> Option<&'static str> {
    match field {
        "index" => Some("index"),
        "source" => Some("source"),
        "sourcetype" => Some("sourcetype"),
        "eventtype" => Some("eventtype"),
        "Channel" => Some("channel"),
        "nodename" => Some("data model node"),
        _ => None,
    }
}

/// Time-range modifiers of the search command.
fn is_time_modifier(field: &str) -> bool {
    matches!(field, "earliest" | "latest" | "_index_earliest" | "_index_latest")
}

/// How the field names of a filter are resolved to event fields.
pub trait FieldSource {
    /// The event field `name` refers to, or how it was computed.
    fn source(&mut self, name: &str) -> Result<String, Untraced>;
    /// Whether `name` holds its field's value in folded case (`lower(f)`).
    fn folded(&self, name: &str) -> bool;
    /// Whether a free-text term still searches events (not after a
    /// transforming command, whose rows are not events).
    fn terms_allowed(&self) -> bool;
    /// The flag `name` holds, if an `eval` made it one (see [`Flag`]).
    fn flag(&self, name: &str) -> Option<Flag>;
}

/// What the search selects its events from and over which time.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Selection {
    pub log_source: Vec<(String, String)>,
    pub time_range: Vec<String>,
}

/// Removes the selector and time-modifier conditions that every result
/// must pass (operands of top-level ANDs, also inside the AND branches of an
/// OR), recording them in `selection`. Negated selectors and selectors OR-ed
/// with other conditions stay in the logic, where they mean something else.
pub fn take_selectors(node: Node, selection: &mut Selection) -> Option<Node> {
    if let Some(pairs) = selector_pairs(&node) {
        selection.log_source.extend(pairs);
        return None;
    }
    if let Some(text) = time_modifier(&node) {
        selection.time_range.push(text);
        return None;
    }
    let span = node.span;
    match node.kind {
        NodeKind::And(items) => {
            let rest: Vec<Node> = items.into_iter().filter_map(|n| take_selectors(n, selection)).collect();
            match rest.len() {
                0 => None,
                1 => rest.into_iter().next(),
                _ => Some(Node { kind: NodeKind::And(rest), span }),
            }
        }
        NodeKind::Or(items) => Some(Node { kind: NodeKind::Or(take_from_branches(items, selection)), span }),
        kind => Some(Node { kind, span }),
    }
}

/// Inside an OR, only AND branches give up their selectors, and only when
/// something else remains in every such branch.
fn take_from_branches(items: Vec<Node>, selection: &mut Selection) -> Vec<Node> {
    let mut trial = Selection::default();
    let mut out = Vec::with_capacity(items.len());
    for item in &items {
        if !matches!(item.kind, NodeKind::And(_)) {
            out.push(item.clone());
            continue;
        }
        match take_selectors(item.clone(), &mut trial) {
            Some(rest) => out.push(rest),
            None => return items,
        }
    }
    selection.log_source.extend(trial.log_source);
    selection.time_range.extend(trial.time_range);
    out
}

/// The (label, value) pairs of a tree made only of positive selector tests.
fn selector_pairs(node: &Node) -> Option<Vec<(String, String)>> {
    match &node.kind {
        NodeKind::Atom(Atom::Compare { field, op: CmpOp::Eq, value }) => {
            Some(vec![(selector_label(field)?.to_owned(), value.text())])
        }
        NodeKind::Atom(Atom::In { field, values }) => {
            let label = selector_label(field)?;
            Some(values.iter().map(|v| (label.to_owned(), v.text())).collect())
        }
        NodeKind::And(items) | NodeKind::Or(items) if !items.is_empty() => {
            let mut pairs = Vec::new();
            for item in items {
                pairs.extend(selector_pairs(item)?);
            }
            Some(pairs)
        }
        _ => None,
    }
}

fn time_modifier(node: &Node) -> Option<String> {
    match &node.kind {
        NodeKind::Atom(Atom::Compare { field, op: CmpOp::Eq, value }) if is_time_modifier(field) => {
            Some(format!("{field}={}", value.text()))
        }
        _ => None,
    }
}

/// Lowers a search expression. `Ok(None)` means it matches everything
/// (`*`, `()`); `Err` names how a field it tests was computed. Subsearches
/// become raw leaves and are listed in `subsearches`.
pub fn lower(
    node: &Node,
    maker: &LeafMaker<'_>,
    fields: &mut dyn FieldSource,
    subsearches: &mut Vec<String>,
) -> Result<Option<Expr>, Untraced> {
    Ok(match &node.kind {
        NodeKind::And(items) => junction(items, maker, fields, subsearches, false)?,
        NodeKind::Or(items) => junction(items, maker, fields, subsearches, true)?,
        NodeKind::Not(inner) => lower(inner, maker, fields, subsearches)?.map(Expr::negate),
        NodeKind::Atom(atom) => lower_atom(atom, maker, fields, subsearches)?,
    })
}

fn junction(
    items: &[Node],
    maker: &LeafMaker<'_>,
    fields: &mut dyn FieldSource,
    subsearches: &mut Vec<String>,
    is_or: bool,
) -> Result<Option<Expr>, Untraced> {
    let mut operands = Vec::with_capacity(items.len());
    for item in items {
        match lower(item, maker, fields, subsearches)? {
            Some(expr) => operands.push(expr),
            // An operand that matches everything decides an OR.
            None if is_or => return Ok(None),
            None => {}
        }
    }
    Ok((!operands.is_empty()).then(|| if is_or { Expr::or(operands) } else { Expr::and(operands) }))
}

fn lower_atom(
    atom: &Atom,
    maker: &LeafMaker<'_>,
    fields: &mut dyn FieldSource,
    subsearches: &mut Vec<String>,
) -> Result<Option<Expr>, Untraced> {
    Ok(match atom {
        Atom::Compare { field, op, value } => {
            if let Some(condition) = flag_reading(fields, field, *op, value) {
                return Ok(Some(condition));
            }
            let field = fields.source(field)?;
            Some(compare(maker, &field, *op, value))
        }
        Atom::In { field, values } => {
            let field = fields.source(field)?;
            let operands: Vec<Expr> = values.iter().map(|v| equals(maker, &field, v)).collect();
            (!operands.is_empty()).then(|| Expr::or(operands))
        }
        Atom::Term { value, case_sensitive } => {
            if !fields.terms_allowed() {
                // After a transforming command the rows are not events.
                let name = format!("the search term {}", value.raw);
                return Err(Untraced { name, how: Computed::aggregate("stats", None) });
            }
            let tokens = value_tokens(value);
            if tokens.iter().all(|t| *t == Token::AnyRun) {
                return Ok(None);
            }
            Some(maker.leaf(None, Op::Match, Some(wildcard::encode(&tokens)), *case_sensitive))
        }
        Atom::Subsearch(text) => {
            let text = tidy_subsearch(text);
            subsearches.push(text.clone());
            Some(maker.leaf(None, Op::Raw, Some(text), false))
        }
    })
}

/// `flag=1` on a flag an `eval` computed from a condition is that condition;
/// search values compare case-insensitively and a pattern is no flag value.
fn flag_reading(fields: &dyn FieldSource, field: &str, op: CmpOp, value: &Value) -> Option<Expr> {
    let flag = fields.flag(field)?;
    let literal = wildcard::literal(&value_tokens(value))?;
    flag.reading(op, &literal, false)
}

fn compare(maker: &LeafMaker<'_>, field: &str, op: CmpOp, value: &Value) -> Expr {
    let op = match op {
        CmpOp::Eq => return equals(maker, field, value),
        CmpOp::Ne => return differs(maker, field, equals(maker, field, value)),
        CmpOp::Lt => Op::Lt,
        CmpOp::Le => Op::Lte,
        CmpOp::Gt => Op::Gt,
        CmpOp::Ge => Op::Gte,
    };
    maker.leaf(Some(field), op, Some(value.text()), false)
}

/// `field!=value`: unlike `NOT field=value`, Splunk's `!=` only matches
/// events that have the field, with another value (docs/computed-columns.md,
/// "Splunk's `!=`"). `test` is the `=` test.
pub fn differs(maker: &LeafMaker<'_>, field: &str, test: Expr) -> Expr {
    Expr::and(vec![maker.leaf(Some(field), Op::Exists, None, false), Expr::negate(test)])
}

/// `field=value`: search values match case-insensitively, `*` is the only
/// wildcard and `field=*` tests that the field exists. A CIDR block
/// (`dest_ip=10.0.0.0/8`) matches the addresses inside it, as `cidrmatch()`
/// does in `where`.
fn equals(maker: &LeafMaker<'_>, field: &str, value: &Value) -> Expr {
    let tokens = value_tokens(value);
    if !tokens.is_empty() && tokens.iter().all(|t| *t == Token::AnyRun) {
        return maker.leaf(Some(field), Op::Exists, None, false);
    }
    match wildcard::literal(&tokens) {
        Some(text) if is_cidr_block(&text) => maker.leaf(Some(field), Op::Cidr, Some(text), false),
        _ => maker.pattern(Some(field), &tokens, false),
    }
}

/// `address/prefix` with an IPv4 or IPv6 address and a prefix length that
/// fits it (`10.0.0.0/8`, `fe80::/10`). A lone address is not a block: the
/// search command compares it as text.
pub fn is_cidr_block(text: &str) -> bool {
    let Some((address, prefix)) = text.split_once('/') else {
        return false;
    };
    let Ok(length) = prefix.parse::<u8>() else {
        return false;
    };
    // `parse::<u8>` accepts a leading `+`; a prefix is digits only.
    if !prefix.bytes().all(|b| b.is_ascii_digit()) {
        return false;
    }
    match address.parse::<IpAddr>() {
        Ok(IpAddr::V4(_)) => length <= 32,
        Ok(IpAddr::V6(_)) => length <= 128,
        Err(_) => false,
    }
}

/// A search value in the catalog's pattern tokens (see [`pattern::SPL_SEARCH`]).
pub fn value_tokens(value: &Value) -> Vec<Token> {
    wildcard::read(&value.raw, &crate::pattern::SPL_SEARCH)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cidr_blocks() {
        for block in
            ["10.0.0.0/8", "192.168.0.0/16", "0.0.0.0/0", "1.2.3.4/32", "fe80::/10", "::1/128", "2001:db8::/32"]
        {
            assert!(is_cidr_block(block), "{block}");
        }
        for text in
            ["10.0.0.0", "10.0.0.0/33", "::/129", "10.0.0/8", "10.0.0.0/+8", "10.0.0.0/", "a/8", "/api/v1/8", "10.*/8"]
        {
            assert!(!is_cidr_block(text), "{text}");
        }
    }
}
