//! The pattern syntax of every rule language, as data: one table per syntax,
//! all read by `atlas_catalog::wildcard::read` into the catalog's pattern
//! tokens and written back by `wildcard::write`. Cross-vendor indicator
//! equality depends on these agreeing, so they live side by side and one
//! test runs every table over the same cases.

use atlas_catalog::wildcard::{CATALOG, Escape, Syntax};

/// Sigma values: the catalog's own convention (`*`, `?`; `\` escapes only
/// `*`, `?` and `\`).
pub const SIGMA: Syntax = CATALOG;

/// EQL `:`, `like` and the wildcard functions: `*` and `?`, and nothing
/// escapes them (Elastic's eql parser reads `\` as a literal there).
pub const EQL: Syntax = Syntax { any_run: '*', any_one: Some('?'), escape: Escape::None };

/// ES|QL `LIKE` and Elasticsearch `wildcard` queries (rule filters): `*`,
/// `?`, and `\` makes any next character literal.
pub const ESQL_LIKE: Syntax = Syntax { any_run: '*', any_one: Some('?'), escape: Escape::Any { control: false } };

/// KQL values: `*` only (KQL has no single-character wildcard), `\` makes
/// any next character literal, `\t` `\n` `\r` are whitespace.
pub const KQL: Syntax = Syntax { any_run: '*', any_one: None, escape: Escape::Any { control: true } };

/// Lucene query strings, read by the KQL lexer in its Lucene mode: as KQL,
/// plus `?`.
pub const LUCENE: Syntax = Syntax { any_run: '*', any_one: Some('?'), escape: Escape::Any { control: true } };

/// SPL search values: `*` is a wildcard a backslash cannot escape, `?` is
/// literal, `\` escapes only `\` and `"`.
pub const SPL_SEARCH: Syntax = Syntax { any_run: '*', any_one: None, escape: Escape::Only(&['\\', '"']) };

/// SPL's `like()` (SQL): `%` any run, `_` one character, no escapes.
pub const SPL_LIKE: Syntax = Syntax { any_run: '%', any_one: Some('_'), escape: Escape::None };

/// Every table, by the name docs and tests use.
pub const ALL: [(&str, Syntax); 7] = [
    ("sigma", SIGMA),
    ("eql", EQL),
    ("esql_like", ESQL_LIKE),
    ("kql", KQL),
    ("lucene", LUCENE),
    ("spl_search", SPL_SEARCH),
    ("spl_like", SPL_LIKE),
];

#[cfg(test)]
mod tests {
    use atlas_catalog::wildcard::{encode, read, writable, write};

    use super::*;

    /// Each case in every syntax, as the canonical catalog spelling.
    #[test]
    fn every_syntax_over_the_same_cases() {
        // Reviewed by hand: in ES|QL and KQL a backslash escapes anything
        // (`\W` is `W`); in EQL and SQL `like()` nothing escapes; in Sigma
        // and SPL search a backslash escapes only a few characters.
        #[rustfmt::skip]
        let cases: [(&str, [&str; 7]); 9] = [
            //  input          sigma            eql              esql_like      kql            lucene         spl_search       spl_like
            (r"a*b",         [r"a*b",         r"a*b",          r"a*b",        r"a*b",        r"a*b",        r"a*b",          r"a\*b"]),
            (r"a?b",         [r"a?b",         r"a?b",          r"a?b",        r"a\?b",       r"a?b",        r"a\?b",         r"a\?b"]),
            (r"a%b_c",       [r"a%b_c",       r"a%b_c",        r"a%b_c",      r"a%b_c",      r"a%b_c",      r"a%b_c",        r"a*b?c"]),
            (r"a\*b",        [r"a\*b",        r"a\\*b",        r"a\*b",       r"a\*b",       r"a\*b",       r"a\\*b",        r"a\\\*b"]),
            (r"C:\Win\*",    [r"C:\Win\*",    r"C:\Win\\*",    r"C:Win\*",    r"C:Win\*",    r"C:Win\*",    r"C:\Win\\*",    r"C:\Win\\\*"]),
            (r"a\\b",       [r"a\b",         r"a\\\b",        r"a\b",        r"a\b",        r"a\b",        r"a\b",          r"a\\\b"]),
            (r"a\",          [r"a\",          r"a\",           r"a\",         r"a\",         r"a\",         r"a\",           r"a\"]),
            (r#"say \"x\""#, [r#"say \"x\""#, r#"say \"x\""#,  r#"say "x""#,   r#"say "x""#,   r#"say "x""#,   r#"say "x""#,     r#"say \"x\""#]),
            (r"a\tb",        [r"a\tb",        r"a\tb",         "atb",         "a\tb",        "a\tb",        r"a\tb",         r"a\tb"]),
        ];
        for (input, expected) in cases {
            for ((name, syntax), want) in ALL.iter().zip(expected) {
                assert_eq!(encode(&read(input, syntax)), want, "{input:?} in {name}");
            }
        }
    }

    /// Writing in a syntax and reading back gives the same tokens, wherever
    /// the syntax can write them (a syntax without escapes cannot write a
    /// literal wildcard character).
    #[test]
    fn write_then_read_round_trips() {
        for input in [r"C:\Windows\*\cmd.exe", r"*\AppData\*", "50% _x_", r"\\server\share", r#"a"b\"#] {
            let tokens = read(input, &SIGMA);
            for (name, syntax) in ALL {
                if !writable(&tokens, &syntax) {
                    continue;
                }
                let written = write(&tokens, &syntax);
                assert_eq!(read(&written, &syntax), tokens, "{input:?} through {name}: {written:?}");
            }
        }
    }
}
