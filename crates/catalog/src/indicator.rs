//! The (field, operator, value) key under which equal tests from different
//! vendors meet, so that Sigma `Image|endswith: '\mshta.exe'`, Elastic
//! `process.name : "mshta.exe"` and Splunk `process_name=mshta.exe` count as
//! one indicator. The rules are written down in docs/normalization.md.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::fields::FieldTable;
use crate::predicate::{Leaf, Op};
use crate::wildcard::{self, Token};

/// A normalized (field, operator, value) triple.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct IndicatorKey {
    /// Canonical field; empty for a field-less search.
    pub field: String,
    pub op: Op,
    /// The value, case-folded where the operator compares text.
    pub value: String,
}

impl fmt::Display for IndicatorKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let field = if self.field.is_empty() { "(any field)" } else { &self.field };
        if self.op.has_value() {
            write!(f, "{field} {} {}", self.op, self.value)
        } else {
            write!(f, "{field} {}", self.op)
        }
    }
}

/// Normalizes a leaf into its key:
/// 1. a `wildcard` without wildcards is an `eq` of its literal text;
/// 2. a path field tested for `*\name` or `*/name` (a literal last component)
///    is its basename field `eq name` (process.executable → process.name);
/// 3. a path field tested for `*.ext` is its extension field `eq ext`;
/// 4. a full-text `match` on a field is a `wildcard *value*` (a KQL phrase
///    on a text field and Sigma's `contains` look for the same thing);
///    field-less matches (keywords) stay `match`;
/// 5. text values are lower-cased (rules from every vendor match paths and
///    names case-insensitively in practice), except regular expressions,
///    field references and raw conditions, which keep their spelling.
pub fn key(leaf: &Leaf, fields: &FieldTable) -> IndicatorKey {
    let field = leaf.field.clone().unwrap_or_default();
    let value = leaf.value.clone().unwrap_or_default();
    let (field, op, value) = match leaf.op {
        Op::Wildcard => wildcard_key(field, value, fields),
        Op::Match if !field.is_empty() => {
            let mut tokens = wildcard::decode(&value);
            if tokens.first() != Some(&Token::AnyRun) {
                tokens.insert(0, Token::AnyRun);
            }
            if tokens.last() != Some(&Token::AnyRun) {
                tokens.push(Token::AnyRun);
            }
            (field, Op::Wildcard, wildcard::encode(&tokens))
        }
        op => (field, op, value),
    };
    let value = match op {
        Op::RegexMatch | Op::Fieldref | Op::Raw => value,
        _ => value.to_lowercase(),
    };
    IndicatorKey { field, op, value }
}

fn wildcard_key(field: String, value: String, fields: &FieldTable) -> (String, Op, String) {
    let tokens = wildcard::decode(&value);
    if let Some(literal) = wildcard::literal(&tokens) {
        return (field, Op::Eq, literal);
    }
    if let [Token::AnyRun, rest @ ..] = tokens.as_slice() {
        if let Some(name_field) = fields.basename_field(&field) {
            if let Some(name) = last_component(rest) {
                return (name_field.to_owned(), Op::Eq, name);
            }
        }
        if let Some(ext_field) = fields.extension_field(&field) {
            if let Some(ext) = extension(rest) {
                return (ext_field.to_owned(), Op::Eq, ext);
            }
        }
    }
    (field, Op::Wildcard, value)
}

/// `\name.exe` or `/name` with a literal, separator-free name.
fn last_component(tokens: &[Token]) -> Option<String> {
    let (first, name) = tokens.split_first()?;
    if !matches!(first, Token::Literal('\\' | '/')) || name.is_empty() {
        return None;
    }
    let name = wildcard::literal(name)?;
    (!name.contains(['\\', '/'])).then_some(name)
}

/// `.ext` with a literal extension of letters and digits.
fn extension(tokens: &[Token]) -> Option<String> {
    let (first, ext) = tokens.split_first()?;
    if !matches!(first, Token::Literal('.')) || ext.is_empty() {
        return None;
    }
    let ext = wildcard::literal(ext)?;
    ext.chars().all(|c| c.is_ascii_alphanumeric()).then_some(ext)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fields::FieldDef;

    fn fields() -> FieldTable {
        let def = |name: &str, basename_of: Option<&str>, extension_of: Option<&str>| FieldDef {
            name: name.into(),
            description: String::new(),
            sigma: vec![],
            elastic: vec![],
            splunk: vec![],
            basename_of: basename_of.map(Into::into),
            extension_of: extension_of.map(Into::into),
        };
        FieldTable::new(vec![
            def("process.executable", None, None),
            def("process.name", Some("process.executable"), None),
            def("file.path", None, None),
            def("file.extension", None, Some("file.path")),
        ])
    }

    fn leaf(field: &str, op: Op, value: &str) -> Leaf {
        Leaf::new(Some(field), op, Some(value.into()), false)
    }

    fn k(field: &str, op: Op, value: &str) -> IndicatorKey {
        IndicatorKey { field: field.into(), op, value: value.into() }
    }

    #[test]
    fn path_endswith_name_meets_name_eq() {
        let f = fields();
        let sigma = leaf("process.executable", Op::Wildcard, r"*\MSHTA.exe");
        let elastic = leaf("process.name", Op::Eq, "mshta.exe");
        assert_eq!(key(&sigma, &f), k("process.name", Op::Eq, "mshta.exe"));
        assert_eq!(key(&sigma, &f), key(&elastic, &f));
        assert_eq!(key(&leaf("process.executable", Op::Wildcard, "*/curl"), &f), k("process.name", Op::Eq, "curl"));
    }

    #[test]
    fn only_exact_last_components_collapse() {
        let f = fields();
        // No separator: `*mshta.exe` also matches `notmshta.exe`.
        assert_eq!(
            key(&leaf("process.executable", Op::Wildcard, "*mshta.exe"), &f),
            k("process.executable", Op::Wildcard, "*mshta.exe")
        );
        // A wildcard inside the name, or a deeper path, stays a pattern.
        assert_eq!(key(&leaf("process.executable", Op::Wildcard, r"*\ms*.exe"), &f).op, Op::Wildcard);
        assert_eq!(key(&leaf("process.executable", Op::Wildcard, r"*\temp\a.exe"), &f).op, Op::Wildcard);
    }

    #[test]
    fn extension_and_literal_patterns() {
        let f = fields();
        assert_eq!(key(&leaf("file.path", Op::Wildcard, "*.LNK"), &f), k("file.extension", Op::Eq, "lnk"));
        assert_eq!(key(&leaf("file.path", Op::Wildcard, r"C:\a\*b"), &f), k("file.path", Op::Eq, r"c:\a*b"));
    }

    #[test]
    fn a_phrase_match_on_a_field_is_contains() {
        let f = fields();
        let kql = Leaf::new(Some("powershell.file.script_block_text"), Op::Match, Some("Invoke-Mimikatz".into()), false);
        assert_eq!(key(&kql, &f), k("powershell.file.script_block_text", Op::Wildcard, "*invoke-mimikatz*"));
        let keyword = Leaf::new(None, Op::Match, Some("evil".into()), false);
        assert_eq!(key(&keyword, &f), k("", Op::Match, "evil"));
    }

    #[test]
    fn regex_keeps_its_case() {
        let f = fields();
        assert_eq!(key(&leaf("x", Op::RegexMatch, "[A-Z]+"), &f).value, "[A-Z]+");
        let exists = Leaf::new(Some("x"), Op::Exists, None, false);
        assert_eq!(key(&exists, &f).to_string(), "x exists");
    }
}
