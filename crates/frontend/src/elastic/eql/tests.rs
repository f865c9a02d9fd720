//! EQL constructs one by one; every expected tree was checked by hand against
//! Elastic's EQL syntax reference (`~` after an operator marks a
//! case-sensitive leaf).

#![allow(clippy::unwrap_used)]

use atlas_catalog::Vendor;

use super::*;
use crate::elastic::testutil::no_fields;
use crate::syntax::ErrorKind;

fn read(source: &str) -> QueryLogic {
    read_with(source, "event.category")
}

fn read_with(source: &str, category_field: &str) -> QueryLogic {
    let fields = no_fields();
    parse(source, category_field, LeafMaker::new(&fields, Vendor::Elastic)).unwrap()
}

/// The tree of a fully understood query.
#[track_caller]
fn tree(source: &str) -> String {
    let out = read(source);
    assert!(out.partial.is_empty(), "partial: {:?}", out.partial);
    out.logic.as_ref().expect("logic").to_string()
}

/// The condition of `any where <condition>` (no category leaf).
#[track_caller]
fn cond(condition: &str) -> String {
    tree(&format!("any where {condition}"))
}

#[test]
fn category_is_anded_with_the_condition() {
    assert_eq!(
        tree(r#"process where process.name == "cmd.exe""#),
        r#"(and (eq~ event.category "process") (eq~ process.name "cmd.exe"))"#
    );
    assert_eq!(cond(r#"a == "x""#), r#"(eq~ a "x")"#);
    // The rule's event_category_override names the category field.
    let out = read_with(r#"file where true"#, "event.type");
    assert_eq!(out.logic.as_ref().unwrap().to_string(), r#"(eq~ event.type "file")"#);
    assert_eq!(read("any where true").logic, None);
}

#[test]
fn equality_and_comparison_operators() {
    assert_eq!(cond(r#"a != "x""#), r#"(not (eq~ a "x"))"#);
    assert_eq!(cond("a == null and b != null"), "(and (null a) (exists b))");
    assert_eq!(
        cond("a < 1 and b <= 2 and c > 3 and d >= 4"),
        r#"(and (lt~ a "1") (lte~ b "2") (gt~ c "3") (gte~ d "4"))"#
    );
    // A constant on the left reads as if written on the right.
    assert_eq!(cond(r#"5 < a and "x" == b"#), r#"(and (gt~ a "5") (eq~ b "x"))"#);
    assert_eq!(cond("a == b and c != d"), r#"(and (fieldref~ a "b") (not (fieldref~ c "d")))"#);
    // `*` after `==` is literal.
    assert_eq!(cond(r#"a == "x*""#), r#"(eq~ a "x*")"#);
}

#[test]
fn colon_is_case_insensitive_with_wildcards_and_lists() {
    assert_eq!(cond(r#"process.command_line : "*foo*""#), r#"(wildcard process.command_line "*foo*")"#);
    assert_eq!(cond(r#"a : "x""#), r#"(eq a "x")"#);
    assert_eq!(cond(r#"a : ("x?", "y")"#), r#"(or (wildcard a "x?") (eq a "y"))"#);
}

#[test]
fn like_regex_and_in() {
    assert_eq!(cond(r#"a like "x*""#), r#"(wildcard~ a "x*")"#);
    assert_eq!(cond(r#"a like~ ("x*", "y")"#), r#"(or (wildcard a "x*") (eq a "y"))"#);
    assert_eq!(cond(r#"a regex "[0-9]+""#), r#"(regex_match~ a "[0-9]+")"#);
    assert_eq!(cond(r#"a regex~ """\d+""""#), r#"(regex_match a "\d+")"#);
    assert_eq!(
        cond(r#"process.name in ("a.exe", "b*.exe")"#),
        r#"(or (eq~ process.name "a.exe") (eq~ process.name "b*.exe"))"#
    );
    assert_eq!(cond(r#"a in~ ("x")"#), r#"(eq a "x")"#);
    assert_eq!(cond(r#"a not in ("x", "y")"#), r#"(not (or (eq~ a "x") (eq~ a "y")))"#);
    assert_eq!(cond(r#"not a like "x""#), r#"(not (eq~ a "x"))"#);
}

#[test]
fn boolean_precedence_and_parentheses() {
    assert_eq!(
        cond(r#"not a == "1" and b == "2" or c == "3""#),
        r#"(or (and (not (eq~ a "1")) (eq~ b "2")) (eq~ c "3"))"#
    );
    assert_eq!(
        cond(r#"a == "1" and (b == "2" or not (c == "3" and d == "4"))"#),
        r#"(and (eq~ a "1") (or (eq~ b "2") (not (and (eq~ c "3") (eq~ d "4")))))"#
    );
}

#[test]
fn optional_and_backtick_fields() {
    assert_eq!(cond(r#"?process.parent.name == "x""#), r#"(eq~ process.parent.name "x")"#);
    assert_eq!(
        cond(r#"`k.audit.pod-name` : "x" and a.`b c`.d == "y""#),
        r#"(and (eq k.audit.pod-name "x") (eq~ a.b c.d "y"))"#
    );
}

#[test]
fn strings_escapes_and_comments() {
    // "C:\\Windows\\*.exe" is C:\Windows\*.exe: a backslash, then a wildcard.
    assert_eq!(cond(r#"a : "C:\\Windows\\*.exe""#), r#"(wildcard a "C:\Windows\\*.exe")"#);
    // Triple-quoted strings are raw.
    assert_eq!(cond(r#"a : """C:\Windows\*.exe""""#), r#"(wildcard a "C:\Windows\\*.exe")"#);
    assert_eq!(cond(r#"a == "q\"t\tu\u{41}""#), "(eq~ a \"q\"t\tuA\")");
    assert_eq!(
        cond("a == \"1\" /* block \n comment */ and // line comment\n b == \"2\""),
        r#"(and (eq~ a "1") (eq~ b "2"))"#
    );
}

#[test]
fn predicate_functions_become_leaves() {
    assert_eq!(cond(r#"startsWith~(process.name, "MS")"#), r#"(wildcard process.name "MS*")"#);
    assert_eq!(cond(r#"endswith(a, "x", "y")"#), r#"(or (wildcard~ a "*x") (wildcard~ a "*y"))"#);
    assert_eq!(cond(r#"stringContains~(a, "mid")"#), r#"(wildcard a "*mid*")"#);
    assert_eq!(cond(r#"wildcard(a, "x*y")"#), r#"(wildcard~ a "x*y")"#);
    assert_eq!(
        cond(r#"not cidrMatch(destination.ip, "10.0.0.0/8", "::1")"#),
        r#"(not (or (cidr destination.ip "10.0.0.0/8") (cidr destination.ip "::1")))"#
    );
    assert_eq!(cond(r#"startswith(a, "x") == false"#), r#"(not (wildcard~ a "x*"))"#);
    assert_eq!(cond("length(registry.data.strings) > 0"), "(exists registry.data.strings)");
}

#[test]
fn method_calls_and_signed_numbers() {
    // `field:function(args)` is `function(field, args)` in Elastic's parser.
    assert_eq!(
        cond(r#"process.name:startsWith("cmd") and a == +1"#),
        r#"(and (wildcard~ process.name "cmd*") (eq~ a "1"))"#
    );
    let out = read("any where file.name:length() > 30");
    assert_eq!(out.logic.as_ref().unwrap().to_string(), r#"(raw file.name "file.name:length() > 30")"#);
    assert_eq!(out.reasons(), ["EQL function length() kept as text"]);
}

#[test]
fn other_functions_are_raw_and_partial() {
    let out = read(r#"any where a == "1" and length(file.name) > 30 and startswith~(dll.name, process.name)"#);
    assert_eq!(
        out.logic.as_ref().unwrap().to_string(),
        r#"(and (eq~ a "1") (raw file.name "length(file.name) > 30") (raw * "startswith~(dll.name, process.name)"))"#
    );
    assert_eq!(out.reasons(), ["EQL function length() kept as text", "EQL function startswith() kept as text"]);
    let out = read("any where a + 1 > 3");
    assert_eq!(out.reasons(), ["EQL arithmetic kept as text"]);
}

#[test]
fn parts_kept_as_text_have_a_category_and_a_span() {
    let source = r#"any where length(a) > 1 and b == "x" and length(c) > 2 and substring(d, 1) == "y""#;
    let out = read(source);
    let kept: Vec<(&str, &str, &str)> =
        out.partial.iter().map(|k| (k.category.as_str(), k.message.as_str(), k.span.text(source))).collect();
    // One entry per message, at the first condition that gives it; every
    // function counts under one category.
    assert_eq!(
        kept,
        [
            ("EQL function kept as text", "EQL function length() kept as text", "length(a) > 1"),
            ("EQL function kept as text", "EQL function substring() kept as text", r#"substring(d, 1) == "y""#),
        ]
    );
}

#[test]
fn sequences_and_their_attributes() {
    let out = read(
        r#"sequence by host.id with maxspan=1m
             [process where process.name == "a"] by process.entity_id
             ![network where destination.port == 443]
             [file where file.name : "*.tmp"] with runs=3
           until [process where event.type == "end"]"#,
    );
    assert!(out.partial.is_empty());
    let logic = out.logic.as_ref().unwrap();
    assert_eq!(
        logic.to_string(),
        concat!(
            r#"(and (eq~ event.category "process") (eq~ process.name "a") "#,
            r#"(not (and (eq~ event.category "network") (eq~ destination.port "443"))) "#,
            r#"(eq~ event.category "file") (wildcard file.name "*.tmp") "#,
            r#"(not (and (eq~ event.category "process") (eq~ event.type "end"))))"#
        )
    );
    // The missing and until steps sit under the root `and`: exclusions.
    let excluded: Vec<_> = logic.exclusions().iter().map(|l| l.source_field.as_deref().unwrap().to_owned()).collect();
    assert_eq!(excluded, ["event.category", "destination.port", "event.category", "event.type"]);
    let attribute =
        |label: &str| out.attributes.iter().filter(|(l, _)| l == label).map(|(_, v)| v.as_str()).collect::<Vec<_>>();
    assert_eq!(attribute("sequence by"), ["host.id"]);
    assert_eq!(attribute("sequence maxspan"), ["1m"]);
    assert_eq!(attribute("sequence steps"), ["3"]);
    assert_eq!(attribute("step 1 by"), ["process.entity_id"]);
    assert_eq!(attribute("step 3 runs"), ["3"]);
    assert_eq!(attribute("missing event"), ["step 2"]);
    assert_eq!(attribute("sequence until"), ["step 4"]);
}

#[test]
fn samples_are_the_and_of_their_steps() {
    let out = read(r#"sample by host.id, process.pid [process where a == "1"] [network where b == "2"]"#);
    assert_eq!(
        out.logic.as_ref().unwrap().to_string(),
        r#"(and (eq~ event.category "process") (eq~ a "1") (eq~ event.category "network") (eq~ b "2"))"#
    );
    assert!(out.attributes.contains(&("sample by".to_owned(), "host.id, process.pid".to_owned())));
}

#[test]
fn malformed_queries_are_errors_with_spans() {
    let fields = no_fields();
    let maker = LeafMaker::new(&fields, Vendor::Elastic);
    let err = |source: &str| parse(source, "event.category", maker).unwrap_err();
    let error = |kind, start, end| SyntaxError::new(kind, Span::new(start, end));
    assert_eq!(err(r#"process where a == "x"#), error(ErrorKind::Unterminated("string"), 19, 21));
    let unexpected = |expected, found: &str| ErrorKind::Unexpected { expected, found: found.into() };
    assert_eq!(err("process a == 1"), error(unexpected("`where`", "`a`"), 8, 9));
    assert_eq!(err("process where a == 1 b"), error(unexpected("`|` or the end of the query", "`b`"), 21, 22));
    assert_eq!(err("== where true"), error(unexpected("an event category", "`==`"), 0, 2));
    // Errors at the end point where the last token ends.
    let end = ErrorKind::UnexpectedEnd { expected: "`[` starting a step" };
    assert_eq!(err("sequence by a  \n"), error(end, 13, 13));
    let join = err("join [a where true] [b where true]");
    assert!(join.is_unsupported());
    assert_eq!((join.span, join.to_string().as_str()), (Span::new(0, 4), "unsupported: EQL `join` queries"));
}
