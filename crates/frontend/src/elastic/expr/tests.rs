//! The shared EQL / ES|QL expression parser: precedence, operators and
//! errors, shown as compact trees.
#![allow(clippy::unwrap_used)]

use super::super::lexer::tokenize;
use super::*;

fn parse(source: &str, dialect: Dialect) -> Node {
    let tokens = tokenize(source, dialect).unwrap();
    let mut parser = Parser::new(&tokens, dialect, source.len());
    let node = parser.expression().unwrap();
    assert!(parser.at_end(), "trailing tokens in {source}");
    node
}

/// A compact rendering to compare trees by hand.
fn show(node: &Node) -> String {
    let list = |nodes: &[Node]| nodes.iter().map(show).collect::<Vec<_>>().join(", ");
    match &node.kind {
        NodeKind::Or(ops) => format!("or({})", list(ops)),
        NodeKind::And(ops) => format!("and({})", list(ops)),
        NodeKind::Not(inner) => format!("not({})", show(inner)),
        NodeKind::Compare { op, lhs, rhs } => format!("{op:?}({}, {})", show(lhs), show(rhs)),
        NodeKind::Pattern { op, insensitive, lhs, patterns } => {
            format!("{op:?}{}({}, [{}])", if *insensitive { "~" } else { "" }, show(lhs), list(patterns))
        }
        NodeKind::In { lhs, list: items, insensitive } => {
            format!("in{}({}, [{}])", if *insensitive { "~" } else { "" }, show(lhs), list(items))
        }
        NodeKind::IsNull { operand, negated } => {
            format!("isnull{}({})", if *negated { "!" } else { "" }, show(operand))
        }
        NodeKind::Call { name, insensitive, args } => {
            format!("{name}{}({})", if *insensitive { "~" } else { "" }, list(args))
        }
        NodeKind::Field(f) => f.clone(),
        NodeKind::Str(s) => format!("{s:?}"),
        NodeKind::Number(n) => n.clone(),
        NodeKind::Bool(b) => b.to_string(),
        NodeKind::Null => "null".into(),
        NodeKind::Computed(_) => "computed".into(),
    }
}

#[test]
fn precedence_is_or_and_not() {
    let node = parse(r#"not a == "1" and b : "2" or c like~ "3""#, Dialect::Eql);
    assert_eq!(show(&node), r#"or(and(not(Eq(a, "1")), Colon(b, ["2"])), Like~(c, ["3"]))"#);
}

#[test]
fn infix_negation_and_lists() {
    let node = parse(r#"a not in ("x", "y",) and b in~ ("z") and c : ("p*", "q")"#, Dialect::Eql);
    assert_eq!(show(&node), r#"and(not(in(a, ["x", "y"])), in~(b, ["z"]), Colon(c, ["p*", "q"]))"#);
}

#[test]
fn calls_optional_fields_and_arithmetic() {
    let node = parse(r#"startswith~(?p.name, "x") and length(a) + 1 > 3 and `b-c` != null"#, Dialect::Eql);
    assert_eq!(show(&node), r#"and(startswith~(p.name, "x"), Gt(computed, 3), NotEq(b-c, null))"#);
}

#[test]
fn esql_forms() {
    let node = parse(
        r#"NOT a IS NULL AND b::STRING RLIKE "x.*" AND c NOT LIKE "y" AND date_trunc(1 hour, t) > -5"#,
        Dialect::Esql,
    );
    assert_eq!(
        show(&node),
        r#"and(not(isnull(a)), Regex(b, ["x.*"]), not(Like(c, ["y"])), Gt(date_trunc(computed, t), -5))"#
    );
    assert_eq!(show(&parse("count(*) >= 10", Dialect::Esql)), "Ge(count(computed), 10)");
}

#[test]
fn errors_name_what_was_expected() {
    let tokens = tokenize("a == ", Dialect::Eql).unwrap();
    let err = Parser::new(&tokens, Dialect::Eql, 5).expression().unwrap_err();
    assert_eq!(err, ParseError::UnexpectedEnd { expected: "a value", at: 5 });
    let deep = format!("{}a{}", "(".repeat(500), ")".repeat(500));
    let tokens = tokenize(&deep, Dialect::Eql).unwrap();
    let err = Parser::new(&tokens, Dialect::Eql, deep.len()).expression().unwrap_err();
    assert!(matches!(err, ParseError::RecursionLimit { .. }));
}

#[test]
fn signed_numbers_and_eql_method_calls() {
    // Elastic's EQL parser reads `+1` as the number 1 and `a:length()` as
    // `length(a)` (found by scripts/compare-eql.py).
    assert_eq!(
        show(&parse("a == +1 and b > -2 and c != +d", Dialect::Eql)),
        "and(Eq(a, 1), Gt(b, -2), NotEq(c, computed))"
    );
    assert_eq!(
        show(&parse(r#"a:length() > 3 and b:startsWith("x", "y")"#, Dialect::Eql)),
        r#"and(Gt(length(a), 3), startsWith(b, "x", "y"))"#
    );
    // A `:` followed by a string stays the comparison.
    assert_eq!(show(&parse(r#"a:"x" and b : ("y")"#, Dialect::Eql)), r#"and(Colon(a, ["x"]), Colon(b, ["y"]))"#);
}
