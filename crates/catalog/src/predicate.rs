//! The one predicate model every vendor's rule logic is turned into.
//!
//! A rule's logic is a tree of `and` / `or` / `not` over leaves; a leaf tests one
//! field with one operator against one value. The JSON shape is a fixed
//! contract (docs/catalog-format.md):
//!
//! ```text
//! Expr = {"and": [Expr, ...]} | {"or": [Expr, ...]} | {"not": Expr} | Leaf
//! Leaf = {"field", "source_field", "op", "value", "case_sensitive"}
//! ```

mod depth;
mod display;

use std::fmt;
use std::sync::Arc;

pub use depth::MAX_DEPTH;

use serde::{Deserialize, Serialize};

/// A node of a rule's logic. Serialized as the JSON contract above (see
/// `expr_json` for the compact form catalog.json uses).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Expr {
    And(Vec<Expr>),
    Or(Vec<Expr>),
    Not(Box<Expr>),
    Leaf(Leaf),
}

/// One test of one field against one value.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Leaf {
    /// Canonical field name (see the field table), or `null` for a field-less
    /// search such as a Sigma keyword or a Splunk free term.
    pub field: Option<FieldName>,
    /// The field exactly as the rule writes it.
    pub source_field: Option<FieldName>,
    pub op: Op,
    /// The value, in the convention of its operator (see [`Op`]); `null` for
    /// `exists` and `null`.
    pub value: Option<String>,
    pub case_sensitive: bool,
}

/// A field name. Shared rather than owned: a catalog repeats a few hundred
/// names across ~80,000 leaves, and reading it is much faster when each name
/// is allocated once (`expr_json` interns them).
pub type FieldName = Arc<str>;

/// What a leaf tests.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Op {
    /// The field equals the value, literally.
    Eq,
    /// The value is a pattern: `*` any run, `?` one character, `\*` `\?` `\\`
    /// literal `*` `?` `\`, any other backslash literal (see `wildcard`).
    Wildcard,
    /// The value is a regular expression the field must match.
    RegexMatch,
    /// Full-text search for the value (a pattern as for `wildcard`), in the
    /// given field or, when the field is `null`, anywhere in the event.
    Match,
    /// The field is present.
    Exists,
    /// The field is absent or empty.
    Null,
    /// The field is an IP address inside the CIDR block in the value.
    Cidr,
    Lt,
    Lte,
    Gt,
    Gte,
    /// The field equals the field named by the value.
    Fieldref,
    /// A condition the model has no operator for (for example a function of
    /// several fields), kept as the rule writes it in the value.
    Raw,
}

impl Op {
    pub const ALL: [Op; 13] = [
        Op::Eq,
        Op::Wildcard,
        Op::RegexMatch,
        Op::Match,
        Op::Exists,
        Op::Null,
        Op::Cidr,
        Op::Lt,
        Op::Lte,
        Op::Gt,
        Op::Gte,
        Op::Fieldref,
        Op::Raw,
    ];

    /// The name used in the JSON contract.
    pub fn as_str(self) -> &'static str {
        match self {
            Op::Eq => "eq",
            Op::Wildcard => "wildcard",
            Op::RegexMatch => "regex_match",
            Op::Match => "match",
            Op::Exists => "exists",
            Op::Null => "null",
            Op::Cidr => "cidr",
            Op::Lt => "lt",
            Op::Lte => "lte",
            Op::Gt => "gt",
            Op::Gte => "gte",
            Op::Fieldref => "fieldref",
            Op::Raw => "raw",
        }
    }

    /// The operator named as in the JSON contract (`regex_match`), the
    /// reverse of [`Op::as_str`]; `None` for any other text.
    pub fn parse(text: &str) -> Option<Op> {
        Op::ALL.into_iter().find(|op| op.as_str() == text)
    }

    /// How a detection engineer writes the operator between field and value.
    pub fn symbol(self) -> &'static str {
        match self {
            Op::Eq => "==",
            Op::Wildcard => "like",
            Op::RegexMatch => "matches",
            Op::Match => "contains term",
            Op::Exists => "exists",
            Op::Null => "is null",
            Op::Cidr => "in cidr",
            Op::Lt => "<",
            Op::Lte => "<=",
            Op::Gt => ">",
            Op::Gte => ">=",
            Op::Fieldref => "== field",
            Op::Raw => "",
        }
    }

    /// Whether the operator takes a value.
    pub fn has_value(self) -> bool {
        !matches!(self, Op::Exists | Op::Null)
    }
}

impl fmt::Display for Op {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Leaf {
    /// A leaf whose canonical field is not known yet (front ends resolve it
    /// through the field table).
    pub fn new(source_field: Option<&str>, op: Op, value: Option<String>, case_sensitive: bool) -> Self {
        Leaf {
            field: source_field.map(Arc::from),
            source_field: source_field.map(Arc::from),
            op,
            value,
            case_sensitive,
        }
    }
}

/// Where a leaf sits relative to negation, which decides what it means to an
/// author (docs/catalog-format.md, "Indicators and exclusions").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Polarity {
    /// Under no `not`: something the rule looks for.
    Indicator,
    /// Under a top-level `not` (the root, or a direct operand of the root
    /// `and`) and no other `not`: something the rule filters out.
    Exclusion,
    /// Any other negated position (`a or not b`, double negation).
    Other,
}

impl Expr {
    /// `and` of the given operands, flattening nested `and`s and collapsing a
    /// single operand to itself.
    pub fn and(operands: Vec<Expr>) -> Expr {
        Self::junction(operands, true)
    }

    /// `or` of the given operands, flattened like [`Expr::and`].
    pub fn or(operands: Vec<Expr>) -> Expr {
        Self::junction(operands, false)
    }

    /// `not` of an expression; double negation is kept (it can matter for
    /// readers), only the wrapper is built.
    pub fn negate(inner: Expr) -> Expr {
        Expr::Not(Box::new(inner))
    }

    fn junction(operands: Vec<Expr>, is_and: bool) -> Expr {
        let mut flat = Vec::with_capacity(operands.len());
        for operand in operands {
            match operand {
                Expr::And(inner) if is_and => flat.extend(inner),
                Expr::Or(inner) if !is_and => flat.extend(inner),
                other => flat.push(other),
            }
        }
        if flat.len() == 1
            && let Some(only) = flat.pop()
        {
            return only;
        }
        if is_and { Expr::And(flat) } else { Expr::Or(flat) }
    }

    /// Calls `visit` on every leaf with its polarity, in document order.
    pub fn for_each_leaf<'a>(&'a self, mut visit: impl FnMut(&'a Leaf, Polarity)) {
        match self {
            Expr::Not(inner) => inner.walk(1, true, &mut visit),
            Expr::And(operands) => {
                for operand in operands {
                    match operand {
                        Expr::Not(inner) => inner.walk(1, true, &mut visit),
                        other => other.walk(0, false, &mut visit),
                    }
                }
            }
            other => other.walk(0, false, &mut visit),
        }
    }

    fn walk<'a>(&'a self, negations: u32, top_level: bool, visit: &mut impl FnMut(&'a Leaf, Polarity)) {
        match self {
            Expr::And(operands) | Expr::Or(operands) => {
                for operand in operands {
                    operand.walk(negations, top_level, visit);
                }
            }
            Expr::Not(inner) => inner.walk(negations + 1, top_level, visit),
            Expr::Leaf(leaf) => {
                let polarity = match (negations, top_level) {
                    (0, _) => Polarity::Indicator,
                    (1, true) => Polarity::Exclusion,
                    _ => Polarity::Other,
                };
                visit(leaf, polarity);
            }
        }
    }

    /// All leaves, in document order.
    pub fn leaves(&self) -> Vec<&Leaf> {
        let mut out = Vec::new();
        self.for_each_leaf(|leaf, _| out.push(leaf));
        out
    }

    /// The leaves under no `not`.
    pub fn indicators(&self) -> Vec<&Leaf> {
        self.leaves_with(Polarity::Indicator)
    }

    /// The leaves under a top-level `not`.
    pub fn exclusions(&self) -> Vec<&Leaf> {
        self.leaves_with(Polarity::Exclusion)
    }

    fn leaves_with(&self, wanted: Polarity) -> Vec<&Leaf> {
        let mut out = Vec::new();
        self.for_each_leaf(|leaf, polarity| {
            if polarity == wanted {
                out.push(leaf);
            }
        });
        out
    }

    /// Number of leaves in the tree.
    pub fn leaf_count(&self) -> usize {
        match self {
            Expr::And(operands) | Expr::Or(operands) => operands.iter().map(Expr::leaf_count).sum(),
            Expr::Not(inner) => inner.leaf_count(),
            Expr::Leaf(_) => 1,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn leaf(field: &str, value: &str) -> Expr {
        Expr::Leaf(Leaf::new(Some(field), Op::Eq, Some(value.into()), false))
    }

    #[test]
    fn json_round_trip_matches_the_contract() {
        let expr = Expr::and(vec![leaf("a", "1"), Expr::negate(Expr::or(vec![leaf("b", "2"), leaf("c", "3")]))]);
        let json = serde_json::to_string(&expr).unwrap();
        assert_eq!(
            json,
            r#"{"and":[{"field":"a","source_field":"a","op":"eq","value":"1","case_sensitive":false},{"not":{"or":[{"field":"b","source_field":"b","op":"eq","value":"2","case_sensitive":false},{"field":"c","source_field":"c","op":"eq","value":"3","case_sensitive":false}]}}]}"#
        );
        let back: Expr = serde_json::from_str(&json).unwrap();
        assert_eq!(back, expr);
    }

    #[test]
    fn operators_parse_from_their_contract_names() {
        assert_eq!(Op::parse("regex_match"), Some(Op::RegexMatch));
        assert_eq!(Op::parse("eq"), Some(Op::Eq));
        assert_eq!(Op::parse("Eq"), None);
        assert_eq!(Op::parse("=="), None);
        assert_eq!(Op::parse(""), None);
        assert!(Op::ALL.into_iter().all(|op| Op::parse(op.as_str()) == Some(op)));
    }

    #[test]
    fn junctions_flatten_and_collapse() {
        let nested = Expr::and(vec![Expr::and(vec![leaf("a", "1"), leaf("b", "2")]), leaf("c", "3")]);
        assert!(matches!(&nested, Expr::And(ops) if ops.len() == 3));
        assert_eq!(Expr::or(vec![leaf("a", "1")]), leaf("a", "1"));
    }

    #[test]
    fn polarity_follows_the_documented_definitions() {
        // a and not (b or c) and (d or not e) and not not f
        let expr = Expr::and(vec![
            leaf("a", "1"),
            Expr::negate(Expr::or(vec![leaf("b", "2"), leaf("c", "3")])),
            Expr::or(vec![leaf("d", "4"), Expr::negate(leaf("e", "5"))]),
            Expr::negate(Expr::negate(leaf("f", "6"))),
        ]);
        let names =
            |leaves: Vec<&Leaf>| leaves.iter().map(|l| l.field.as_deref().unwrap().to_owned()).collect::<Vec<_>>();
        assert_eq!(names(expr.indicators()), ["a", "d"]);
        assert_eq!(names(expr.exclusions()), ["b", "c"]);
        assert_eq!(expr.leaf_count(), 6);
        // A root `not` is top level too.
        assert_eq!(names(Expr::negate(leaf("x", "1")).exclusions()), ["x"]);
    }
}
