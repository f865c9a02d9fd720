//! The shared EQL / ES|QL expression parser: precedence, operators and
//! errors, shown as compact trees.
#![allow(clippy::unwrap_used)]

use super::super::lexer::tokenize;
use super::*;
use crate::syntax::ErrorKind;

fn parse(source: &str, dialect: Dialect) -> Node {
    let tokens = tokenize(source, dialect).unwrap();
    let mut parser = Parser::new(&tokens, dialect, source.len());
    let node = parser.expression().unwrap();
    assert!(parser.cursor.at_end(), "trailing tokens in {source}");
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
    let error = |source: &str| {
        let tokens = tokenize(source, Dialect::Eql).unwrap();
        Parser::new(&tokens, Dialect::Eql, source.len()).expression().unwrap_err()
    };
    assert_eq!(error("a == "), SyntaxError::new(ErrorKind::UnexpectedEnd { expected: "a value" }, Span::at(5)));
    let found = |found: &str| ErrorKind::Unexpected { expected: "a value", found: found.into() };
    assert_eq!(error("a and == b"), SyntaxError::new(found("`==`"), Span::new(6, 8)));
    assert_eq!(error("a == ]"), SyntaxError::new(found("`]`"), Span::new(5, 6)));
    assert_eq!(
        error(r#"a in ("x" "y")"#),
        SyntaxError::new(ErrorKind::Unexpected { expected: "`,` or `)`", found: "a string".into() }, Span::new(10, 13))
    );
    // Nesting is bounded by the cursor's depth guard: the error points at
    // the first token past the limit.
    let deep = format!("{}a{}", "(".repeat(500), ")".repeat(500));
    let err = error(&deep);
    assert_eq!(err.kind, ErrorKind::TooDeep);
    assert_eq!(err.span.text(&deep), "(");
}

#[test]
fn junctions_span_their_operands() {
    let source = r#"(a == "1" or b : "2") and not c"#;
    let node = parse(source, Dialect::Eql);
    assert_eq!(node.span, Span::new(0, source.len()));
    let NodeKind::And(ops) = &node.kind else { panic!("{node:?}") };
    assert_eq!(ops[0].span.text(source), r#"(a == "1" or b : "2")"#);
    assert_eq!(ops[1].span.text(source), "not c");
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
