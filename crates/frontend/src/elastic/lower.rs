//! Helpers shared by the EQL and ES|QL lowerings (syntax tree → model): what a
//! query reading produces, literal values, and the `raw` leaf that keeps a
//! condition the model cannot express exactly as the rule writes it.

use atlas_catalog::{Expr, Op};

use super::expr::{CompareOp, Node, NodeKind};
use crate::leaf::LeafMaker;
use crate::syntax::Span;

/// What reading one query produced besides its tree.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct QueryLogic {
    /// The predicate tree; `None` when the query tests nothing (`any where true`).
    pub logic: Option<Expr>,
    /// Labelled facts for the rule page (sequence keys, thresholds…).
    pub attributes: Vec<(String, String)>,
    /// Sources the query itself names (ES|QL `FROM` patterns).
    pub log_source: Vec<(String, String)>,
    /// Why parts of the logic are only kept as text (each makes the rule
    /// partial), one entry per distinct message.
    pub partial: Vec<Kept>,
}

/// Why a part of the query is only kept as text, and where it is.
#[derive(Debug, Clone, PartialEq)]
pub struct Kept {
    /// Short and stable, for counting (`EQL function kept as text`).
    pub category: String,
    /// The reason recorded on the rule (`EQL function length() kept as text`).
    pub message: String,
    /// Where in the query (the first part with this message).
    pub span: Span,
}

impl QueryLogic {
    pub fn attribute(&mut self, label: &str, value: impl Into<String>) {
        self.attributes.push((label.to_owned(), value.into()));
    }

    /// Records a part kept as text, once per message.
    pub fn partial(&mut self, category: impl Into<String>, message: impl Into<String>, span: Span) {
        let message = message.into();
        if !self.partial.iter().any(|kept| kept.message == message) {
            self.partial.push(Kept { category: category.into(), message, span });
        }
    }

    /// The messages of the parts kept as text, in order.
    pub fn reasons(&self) -> Vec<String> {
        self.partial.iter().map(|kept| kept.message.clone()).collect()
    }
}

/// The text of a constant, if the node is one (strings, numbers, booleans).
pub fn constant(node: &Node) -> Option<String> {
    match &node.kind {
        NodeKind::Str(s) => Some(s.clone()),
        NodeKind::Number(n) => Some(n.clone()),
        NodeKind::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// Every constant of a list, or `None` if any item is not one.
pub fn constants(nodes: &[Node]) -> Option<Vec<String>> {
    nodes.iter().map(constant).collect()
}

/// The field name, if the node is a field.
pub fn field_name(node: &Node) -> Option<&str> {
    match &node.kind {
        NodeKind::Field(name) => Some(name),
        _ => None,
    }
}

/// Distinct field names under a node, in order of appearance.
pub fn fields_in(node: &Node) -> Vec<&str> {
    let mut out = Vec::new();
    collect(node, &mut |n| {
        if let NodeKind::Field(name) = &n.kind
            && !out.contains(&name.as_str())
        {
            out.push(name.as_str());
        }
    });
    out
}

/// Distinct function names under a node, lower-cased.
pub fn calls_in(node: &Node) -> Vec<String> {
    let mut out = Vec::new();
    collect(node, &mut |n| {
        if let NodeKind::Call { name, .. } = &n.kind {
            let name = name.to_ascii_lowercase();
            if !out.contains(&name) {
                out.push(name);
            }
        }
    });
    out
}

/// Visits a node and everything under it. The parser caps nesting, so the
/// recursion is bounded.
pub fn collect<'n>(node: &'n Node, visit: &mut impl FnMut(&'n Node)) {
    visit(node);
    match &node.kind {
        NodeKind::Or(ops) | NodeKind::And(ops) => ops.iter().for_each(|op| collect(op, visit)),
        NodeKind::Not(inner) => collect(inner, visit),
        NodeKind::Compare { lhs, rhs, .. } => {
            collect(lhs, visit);
            collect(rhs, visit);
        }
        NodeKind::Pattern { lhs, patterns: list, .. } | NodeKind::In { lhs, list, .. } => {
            collect(lhs, visit);
            list.iter().for_each(|item| collect(item, visit));
        }
        NodeKind::IsNull { operand, .. } => collect(operand, visit),
        NodeKind::Call { args, .. } | NodeKind::Computed(args) => args.iter().for_each(|arg| collect(arg, visit)),
        _ => {}
    }
}

/// A condition kept as written: `raw` with the text of the node, on its field
/// when it tests exactly one.
pub fn raw_leaf(maker: &LeafMaker<'_>, node: &Node, source: &str) -> Expr {
    let fields = fields_in(node);
    let field = match fields.as_slice() {
        [only] => Some(*only),
        _ => None,
    };
    let text = squeeze_whitespace(node.span.text(source));
    maker.leaf(field, Op::Raw, Some(text), false)
}

/// Records why a condition is kept as text: one reason per function it calls
/// (so the rule names each; they are counted together as `<language>
/// function kept as text`), else arithmetic, else the condition.
pub fn keep_raw(out: &mut QueryLogic, language: &str, node: &Node) {
    let calls = calls_in(node);
    for call in &calls {
        let message = format!("{language} function {call}() kept as text");
        out.partial(format!("{language} function kept as text"), message, node.span);
    }
    if !calls.is_empty() {
        return;
    }
    let mut computed = false;
    collect(node, &mut |n| computed |= matches!(n.kind, NodeKind::Computed(_)));
    let what = if computed { "arithmetic" } else { "condition" };
    let message = format!("{language} {what} kept as text");
    out.partial(message.clone(), message, node.span);
}

/// Joins the lines of a multi-line condition with single spaces so raw
/// conditions read as one line; whitespace within a line is kept as written.
pub fn squeeze_whitespace(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for line in text.lines().map(str::trim).filter(|l| !l.is_empty()) {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(line);
    }
    out
}

/// The field of a non-emptiness test, `length(field) > 0` (also `>= 1`,
/// `!= 0`), which reads as `exists`; other lengths stay conditions on text.
pub fn nonempty_field<'n>(op: CompareOp, lhs: &'n Node, rhs: &Node) -> Option<&'n str> {
    let NodeKind::Call { name, args, .. } = &lhs.kind else {
        return None;
    };
    let [arg] = args.as_slice() else { return None };
    let NodeKind::Number(n) = &rhs.kind else {
        return None;
    };
    let nonempty = matches!((op, n.as_str()), (CompareOp::Gt, "0") | (CompareOp::Ge, "1") | (CompareOp::NotEq, "0"));
    (name.eq_ignore_ascii_case("length") && nonempty).then(|| field_name(arg)).flatten()
}

/// `a < b` is `b > a`.
pub fn mirror(op: CompareOp) -> CompareOp {
    match op {
        CompareOp::Lt => CompareOp::Gt,
        CompareOp::Le => CompareOp::Ge,
        CompareOp::Gt => CompareOp::Lt,
        CompareOp::Ge => CompareOp::Le,
        same => same,
    }
}

/// `or` of one leaf per value.
pub fn any_of(values: Vec<String>, mut leaf: impl FnMut(String) -> Expr) -> Expr {
    Expr::or(values.into_iter().map(&mut leaf).collect())
}

/// The leaf operator of a comparison; `!=` is an `eq` leaf under a `not`.
pub fn leaf_op(op: CompareOp) -> Op {
    match op {
        CompareOp::Eq | CompareOp::NotEq => Op::Eq,
        CompareOp::Lt => Op::Lt,
        CompareOp::Le => Op::Lte,
        CompareOp::Gt => Op::Gt,
        CompareOp::Ge => Op::Gte,
    }
}
