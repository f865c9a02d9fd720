//! ES|QL constructs one by one; expected trees checked by hand against the
//! ES|QL reference (`~` after an operator marks a case-sensitive leaf).

#![allow(clippy::unwrap_used)]

use atlas_catalog::Vendor;

use super::*;
use crate::elastic::testutil::no_fields;
use crate::syntax::ErrorKind;

fn read(source: &str) -> QueryLogic {
    let fields = no_fields();
    parse(source, LeafMaker::new(&fields, Vendor::Elastic)).unwrap()
}

/// The tree of `FROM logs-* | WHERE <condition>`, fully understood.
#[track_caller]
fn cond(condition: &str) -> String {
    let out = read(&format!("FROM logs-* | WHERE {condition}"));
    assert!(out.partial.is_empty(), "partial: {:?}", out.partial);
    out.logic.as_ref().expect("logic").to_string()
}

fn attributes<'a>(out: &'a QueryLogic, label: &str) -> Vec<&'a str> {
    out.attributes.iter().filter(|(l, _)| l == label).map(|(_, v)| v.as_str()).collect()
}

#[test]
fn from_patterns_are_log_sources() {
    let out = read("from logs-endpoint.events.process-*, .alerts-security.* METADATA _id, _index | where a == 1");
    assert_eq!(
        out.log_source,
        [
            ("index".to_owned(), "logs-endpoint.events.process-*".to_owned()),
            ("index".to_owned(), ".alerts-security.*".to_owned())
        ]
    );
}

#[test]
fn comparison_operators() {
    assert_eq!(
        cond(r#"process.name == "mshta.exe" and a != "x" and b >= 5 and 3 > c"#),
        r#"(and (eq~ process.name "mshta.exe") (not (eq~ a "x")) (gte~ b "5") (lt~ c "3"))"#
    );
    assert_eq!(cond("a IS NULL or b is not null"), "(or (null a) (exists b))");
    assert_eq!(cond(r#"NOT a IN ("x", "y")"#), r#"(not (or (eq~ a "x") (eq~ a "y")))"#);
    assert_eq!(cond(r#"a NOT IN ("x")"#), r#"(not (eq~ a "x"))"#);
}

#[test]
fn like_rlike_and_match() {
    // ES|QL LIKE: `*` / `?` wildcards, a backslash escapes, `%` is literal.
    assert_eq!(cond(r#"a LIKE "*x?%""#), r#"(wildcard~ a "*x?%")"#);
    assert_eq!(cond(r#"a like "C:\\\\Windows\\\\*""#), r#"(wildcard~ a "C:\Windows\\*")"#);
    assert_eq!(cond(r#"a like """C:\\Windows\\*.exe""""#), r#"(wildcard~ a "C:\Windows\\*.exe")"#);
    assert_eq!(cond(r#"a like "lit\\*""#), r#"(eq~ a "lit*")"#);
    assert_eq!(cond(r#"a NOT LIKE "x*""#), r#"(not (wildcard~ a "x*"))"#);
    assert_eq!(cond(r#"a RLIKE ".*\\d+""#), r#"(regex_match~ a ".*\d+")"#);
    assert_eq!(cond(r#"message : "evil thing""#), r#"(match message "evil thing")"#);
    assert_eq!(cond(r#"match(a, "x*", {"fuzziness": 1})"#), r#"(match a "x\*")"#);
}

#[test]
fn functions_on_one_field() {
    assert_eq!(
        cond(r#"starts_with(a, "pre") and ends_with(b, ".exe")"#),
        r#"(and (wildcard~ a "pre*") (wildcard~ b "*.exe"))"#
    );
    assert_eq!(
        cond(r#"not cidr_match(to_ip(source.ip), "10.0.0.0/8", "::1")"#),
        r#"(not (or (cidr source.ip "10.0.0.0/8") (cidr source.ip "::1")))"#
    );
    // to_lower makes the test case-insensitive on the field itself.
    assert_eq!(cond(r#"to_lower(process.name) == "cmd.exe""#), r#"(eq process.name "cmd.exe")"#);
    assert_eq!(cond(r#"TO_LOWER(a) like "*x*""#), r#"(wildcard a "*x*")"#);
    assert_eq!(cond("a::STRING == \"1\""), r#"(eq~ a "1")"#);
    assert_eq!(cond(r#"true in (starts_with(a, "x"), a == "y")"#), r#"(or (wildcard~ a "x*") (eq~ a "y"))"#);
    assert_eq!(cond("length(a) > 0"), "(exists a)");
}

#[test]
fn embedded_kql_is_read_as_kql() {
    assert_eq!(
        cond(r#"KQL("""process.name : (a.exe or b.exe) and not user.name : root""") and c == 1"#),
        r#"(and (or (eq~ process.name "a.exe") (eq~ process.name "b.exe")) (not (eq~ user.name "root")) (eq~ c "1"))"#
    );
}

#[test]
fn columns_traced_to_fields_are_predicates_on_the_fields() {
    let out = read(
        r#"FROM logs-*
        | WHERE event.action == "x" and @timestamp > now() - 1 hour
        | EVAL Esql.lower = to_lower(process.name), copy = user.name, Esql.url = to_lower(URL_DECODE(url.original))
        | RENAME copy AS who
        | WHERE Esql.lower == "cmd.exe" and who != "root" and Esql.url like "*../../*""#,
    );
    assert!(out.partial.is_empty(), "{:?}", out.partial);
    assert_eq!(
        out.logic.as_ref().unwrap().to_string(),
        r#"(and (eq~ event.action "x") (eq process.name "cmd.exe") (not (eq~ user.name "root")) (wildcard url.original "*../../*"))"#
    );
    assert_eq!(attributes(&out, "time window"), ["@timestamp > now() - 1 hour"]);
}

#[test]
fn extraction_succeeding_is_the_field_matching_the_pattern() {
    // GROK with a regular expression; DISSECT as a wildcard of its delimiters.
    let out = read(
        r#"from x | grok message "ScriptBlock ID: (?<Esql.id>.+)" | where Esql.id is not null
        | dissect aws.arn "%{}::%{Esql.owner}:%{Esql.type}/%{Esql.roles}" | where Esql.roles IS NOT NULL"#,
    );
    assert!(out.partial.is_empty(), "{:?}", out.partial);
    assert_eq!(
        out.logic.as_ref().unwrap().to_string(),
        r#"(and (regex_match~ message "ScriptBlock ID: (.+)") (wildcard~ aws.arn "*::*:*/*"))"#
    );
    // Any other test of an extracted part is declared, with its definition.
    let out = read(r#"from x | dissect message "%{Esql.code} %{?skip}" | where Esql.code == "7""#);
    assert_eq!(out.reasons(), ["ES|QL condition on computed column Esql.code"]);
    assert_eq!(
        out.logic.as_ref().unwrap().to_string(),
        r#"(raw Esql.code "Esql.code == "7" (Esql.code = DISSECT message "%{Esql.code} %{?skip}")")"#
    );
}

#[test]
fn thresholds_are_conditions_on_aggregates_and_stats_keys_stay_fields() {
    let out = read(
        r#"FROM logs-* | WHERE event.action == "x"
        | STATS Esql.count = count(*), Esql.users = count_distinct(user.name) BY host.id, Esql.day = date_trunc(1 day, @timestamp)
        | EVAL Esql.ratio = Esql.users / Esql.count
        | WHERE Esql.count >= 10 AND host.id != "h" AND Esql.ratio > 0.5"#,
    );
    assert!(out.partial.is_empty(), "{:?}", out.partial);
    assert_eq!(out.logic.as_ref().unwrap().to_string(), r#"(and (eq~ event.action "x") (not (eq~ host.id "h")))"#);
    assert_eq!(
        attributes(&out, "threshold"),
        ["Esql.count >= 10 (Esql.count = count(*))", "Esql.ratio > 0.5 (Esql.ratio = Esql.users / Esql.count)"]
    );
    assert_eq!(attributes(&out, "stats by"), ["host.id, Esql.day = date_trunc(1 day, @timestamp)"]);
    // Only thresholds: no logic at all, and nothing left unread.
    let out = read("from x | stats Esql.c = count(*) by h | where Esql.c > 5");
    assert_eq!((out.logic, out.partial.len()), (None, 0));
}

#[test]
fn conditions_on_other_computed_columns_are_declared() {
    // A value computed from fields is an event filter the model cannot
    // trace: kept as written with the column's definition, the rule partial.
    let out = read("from x | eval Esql.n = length(process.args) | where Esql.n > 3");
    assert_eq!(out.reasons(), ["ES|QL condition on computed column Esql.n"]);
    assert_eq!(out.partial[0].category, "ES|QL computed column");
    assert_eq!(out.logic.as_ref().unwrap().to_string(), r#"(raw Esql.n "Esql.n > 3 (Esql.n = length(process.args))")"#);
    // Also a column that is never defined.
    let out = read("from x | where Esql.z > 2");
    assert_eq!(out.reasons(), ["ES|QL condition on computed column Esql.z"]);
}

#[test]
fn unknown_conditions_are_raw_and_partial() {
    let out = read(r#"from x | where a == "1" and length(b) > 50"#);
    assert_eq!(out.logic.as_ref().unwrap().to_string(), r#"(and (eq~ a "1") (raw b "length(b) > 50"))"#);
    assert_eq!(out.reasons(), ["ES|QL function length() kept as text"]);
    let categories: Vec<&str> = out.partial.iter().map(|k| k.category.as_str()).collect();
    assert_eq!(categories, ["ES|QL function kept as text"]);
}

#[test]
fn keywords_are_case_insensitive_and_errors_have_offsets() {
    assert_eq!(cond(r#"a == "1" AnD b == "2""#), r#"(and (eq~ a "1") (eq~ b "2"))"#);
    let fields = no_fields();
    let maker = LeafMaker::new(&fields, Vendor::Elastic);
    let err = |source: &str| parse(source, maker).unwrap_err();
    let end = |expected| ErrorKind::UnexpectedEnd { expected };
    // The end of a WHERE is the end of its last token, before the next `|`.
    assert_eq!(err(r#"from x | where a == "1" and"#), SyntaxError::new(end("a value"), Span::at(27)));
    assert_eq!(err("from x | where a ==| keep a"), SyntaxError::new(end("a value"), Span::at(19)));
    // A missing command: at the next `|`, or where the query ends.
    let found_pipe = ErrorKind::Unexpected { expected: "a command after `|`", found: "`|`".into() };
    assert_eq!(err("from x | | keep a"), SyntaxError::new(found_pipe, Span::new(9, 10)));
    assert_eq!(err("from x | keep a |\n"), SyntaxError::new(end("a command after `|`"), Span::at(17)));
    assert_eq!(err(""), SyntaxError::new(end("a command after `|`"), Span::at(0)));
    assert_eq!(
        err(r#"from x | where a == "open"#),
        SyntaxError::new(ErrorKind::Unterminated("string"), Span::new(20, 25))
    );
}

#[test]
fn pattern_names_of_dissect_and_grok() {
    assert_eq!(pattern_names("%{a} %{?b} %{+c} %{d->}"), ["a", "b", "c", "d"]);
    assert_eq!(pattern_names("%{IP:client.ip} %{NUMBER:Esql.n:int}"), ["client.ip", "Esql.n"]);
    assert_eq!(pattern_names("ID: (?<Esql.id>.+) (?<b>x)"), ["Esql.id", "b"]);
}
