//! Reading the arguments of the SPL commands that change which fields exist:
//! `stats` and its relatives, `tstats` / `mstats`, `rename`, `lookup`,
//! `rex`, `spath`, `join`… Each reader is lenient: what it does not
//! recognise it skips, since only field provenance is needed from them.

use super::search::{self, Token, TokenKind};
use crate::syntax::{Span, SyntaxError};

/// One output of an aggregation: `values(Processes.process) as process`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Aggregate {
    /// Lower-cased function name (`count`, `values`, `dc`…).
    pub function: String,
    /// The field aggregated, when the argument is a plain field.
    pub argument: Option<String>,
    /// The output name (`AS` name, or Splunk's default `values(x)`).
    pub name: String,
}

/// The arguments of `stats`, `tstats`, `chart`…
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Aggregation {
    pub outputs: Vec<Aggregate>,
    /// Group-by fields (`by`, also `over` for chart).
    pub by: Vec<String>,
    /// `tstats … from datamodel=X.Y`
    pub data_model: Option<String>,
    /// Where `tstats … where <clause> by …` has its clause, in the arguments.
    pub where_clause: Option<Span>,
}

/// Tokens of a command's arguments with their source text.
struct Args<'a> {
    src: &'a str,
    tokens: Vec<Token<'a>>,
}

impl<'a> Args<'a> {
    fn new(src: &'a str) -> Result<Self, SyntaxError> {
        Ok(Args { src, tokens: search::lex(src)? })
    }

    fn text(&self, i: usize) -> &'a str {
        self.tokens.get(i).map_or("", |t| t.span.text(self.src))
    }

    fn kind(&self, i: usize) -> Option<TokenKind<'a>> {
        self.tokens.get(i).map(|t| t.kind)
    }

    fn is_word(&self, i: usize, word: &str) -> bool {
        matches!(self.kind(i), Some(TokenKind::Word(w)) if w.eq_ignore_ascii_case(word))
    }

    fn is_name(&self, i: usize) -> bool {
        matches!(self.kind(i), Some(TokenKind::Word(_) | TokenKind::Quoted))
    }

    /// A word or quoted string as a name (quotes and escapes removed).
    fn name(&self, i: usize) -> String {
        let text = self.text(i);
        match self.kind(i) {
            Some(TokenKind::Quoted) => {
                let raw = text.get(1..text.len().saturating_sub(1)).unwrap_or_default().to_owned();
                search::Value { raw, quoted: true }.text()
            }
            _ => text.to_owned(),
        }
    }

    /// `key=value` at `i`.
    fn is_option(&self, i: usize) -> bool {
        matches!(self.kind(i), Some(TokenKind::Word(_))) && self.kind(i + 1) == Some(TokenKind::Cmp(search::CmpOp::Eq))
    }

    /// Index of the `)` closing the `(` at `open`.
    fn closing(&self, open: usize) -> usize {
        let mut depth = 0usize;
        for i in open..self.tokens.len() {
            match self.kind(i) {
                Some(TokenKind::LParen) => depth += 1,
                Some(TokenKind::RParen) => {
                    depth = depth.saturating_sub(1);
                    if depth == 0 {
                        return i;
                    }
                }
                _ => {}
            }
        }
        self.tokens.len()
    }

    /// Source text from the start of token `from` to the end of token `to - 1`.
    fn slice(&self, from: usize, to: usize) -> &'a str {
        self.span(from, to).map_or("", |span| span.text(self.src))
    }

    /// The span from the start of token `from` to the end of token `to - 1`.
    fn span(&self, from: usize, to: usize) -> Option<Span> {
        match (self.tokens.get(from), to.checked_sub(1).and_then(|last| self.tokens.get(last))) {
            (Some(first), Some(last)) if last.span.end >= first.span.start => Some(first.span.to(last.span)),
            _ => None,
        }
    }

    /// The value of option `key=value`, if present at the top level.
    fn option(&self, key: &str) -> Option<String> {
        (0..self.tokens.len())
            .find(|&i| self.is_option(i) && self.text(i).eq_ignore_ascii_case(key))
            .map(|i| self.name(i + 2))
    }
}

/// `stats`, `eventstats`, `streamstats`, `chart`, `timechart`, `tstats`,
/// `mstats`: aggregates, group-by fields and, for tstats, the data model and
/// the where clause.
pub fn aggregation(src: &str) -> Result<Aggregation, SyntaxError> {
    let args = Args::new(src)?;
    let mut out = Aggregation::default();
    let mut i = 0;
    let mut in_by = false;
    while i < args.tokens.len() {
        if args.is_word(i, "by") || args.is_word(i, "over") {
            in_by = true;
            i += 1;
        } else if args.is_word(i, "from") {
            let (model, next) = data_model(&args, i + 1);
            out.data_model = model.or(out.data_model);
            i = next;
        } else if args.is_word(i, "where") {
            let end = (i + 1..args.tokens.len())
                .find(|&j| args.is_word(j, "by") || args.is_word(j, "from"))
                .unwrap_or(args.tokens.len());
            out.where_clause = Some(args.span(i + 1, end).unwrap_or(Span::at(args.src.len())));
            i = end;
        } else if args.is_option(i) {
            i += 3;
        } else if args.kind(i) == Some(TokenKind::Comma) {
            i += 1;
        } else if in_by {
            if args.is_name(i) {
                out.by.push(args.name(i));
            }
            i += 1;
        } else {
            i = aggregate(&args, i, &mut out.outputs);
        }
    }
    Ok(out)
}

/// `datamodel=X.Y`, `datamodel:X.Y` or `datamodel X.Y` after `from`.
fn data_model(args: &Args<'_>, i: usize) -> (Option<String>, usize) {
    let word = args.text(i);
    if let Some(model) = word.strip_prefix("datamodel:").or_else(|| word.strip_prefix("datamodel=")) {
        return (Some(model.to_owned()), i + 1);
    }
    if word.eq_ignore_ascii_case("datamodel") {
        if args.kind(i + 1) == Some(TokenKind::Cmp(search::CmpOp::Eq)) && args.is_name(i + 2) {
            return (Some(args.name(i + 2)), i + 3);
        }
        if args.is_name(i + 1) {
            return (Some(args.name(i + 1)), i + 2);
        }
    }
    (None, i + 1)
}

/// The data model of `from datamodel:X.Y` / `from datamodel X.Y`.
pub fn from_data_model(src: &str) -> Option<String> {
    let args = Args::new(src).ok()?;
    data_model(&args, 0).0
}

/// The positional arguments (`datamodel Endpoint Processes search`).
pub fn positionals(src: &str) -> Vec<String> {
    let Ok(args) = Args::new(src) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let mut i = 0;
    while i < args.tokens.len() {
        if args.is_option(i) {
            i += 3;
        } else {
            if args.is_name(i) {
                out.push(args.name(i));
            }
            i += 1;
        }
    }
    out
}

/// One aggregate starting at `i`: `func(arg) [as name]` or `count [as name]`;
/// returns the index after it.
fn aggregate(args: &Args<'_>, i: usize, outputs: &mut Vec<Aggregate>) -> usize {
    if !args.is_name(i) {
        return i + 1;
    }
    let function = args.text(i).to_ascii_lowercase();
    let (argument, default_name, mut next) = if args.kind(i + 1) == Some(TokenKind::LParen) {
        let close = args.closing(i + 1);
        let inner = args.slice(i + 2, close);
        let plain = close == i + 3 && args.is_name(i + 2);
        (plain.then(|| args.name(i + 2)), format!("{}({inner})", args.text(i)), close + 1)
    } else {
        (None, args.text(i).to_owned(), i + 1)
    };
    let mut name = default_name;
    if args.is_word(next, "as") && args.is_name(next + 1) {
        name = args.name(next + 1);
        next += 2;
    }
    outputs.push(Aggregate { function, argument, name });
    next
}

/// `rename a as b, "c d" AS e`: the (from, to) pairs.
pub fn renames(src: &str) -> Vec<(String, String)> {
    let Ok(args) = Args::new(src) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let mut i = 0;
    while i < args.tokens.len() {
        if args.is_name(i) && args.is_word(i + 1, "as") && args.is_name(i + 2) {
            out.push((args.name(i), args.name(i + 2)));
            i += 3;
        } else {
            i += 1;
        }
    }
    out
}

/// The fields a `lookup` writes: `Some` names after OUTPUT / OUTPUTNEW, or
/// `None` when it writes every lookup column (names unknown here).
pub fn lookup_outputs(src: &str) -> Option<Vec<String>> {
    let args = Args::new(src).ok()?;
    let start = (0..args.tokens.len()).find(|&i| args.is_word(i, "output") || args.is_word(i, "outputnew"))?;
    let mut out = Vec::new();
    let mut i = start + 1;
    while i < args.tokens.len() {
        if args.is_name(i) && args.is_word(i + 1, "as") && args.is_name(i + 2) {
            out.push(args.name(i + 2));
            i += 3;
        } else {
            if args.is_name(i) {
                out.push(args.name(i));
            }
            i += 1;
        }
    }
    Some(out)
}

/// The table of a `lookup` and the event fields it is keyed on
/// (`lookup hijacklibs_loaded library AS loaded_file OUTPUT …` →
/// `hijacklibs_loaded`, `[loaded_file]`).
pub fn lookup_table_and_keys(src: &str) -> (String, Vec<String>) {
    let Ok(args) = Args::new(src) else {
        return (String::new(), Vec::new());
    };
    let end = (0..args.tokens.len())
        .find(|&i| args.is_word(i, "output") || args.is_word(i, "outputnew"))
        .unwrap_or(args.tokens.len());
    // Names in order, options (`local=true`) left out with their values.
    let mut names = Vec::new();
    let mut i = 0;
    while i < end {
        if args.is_option(i) {
            i += 3;
            continue;
        }
        if args.is_name(i) {
            names.push(i);
        }
        i += 1;
    }
    let Some((&table, rest)) = names.split_first() else {
        return (String::new(), Vec::new());
    };
    let mut keys = Vec::new();
    let mut skip_to = 0;
    for &at in rest {
        if at < skip_to || args.is_word(at, "as") {
            continue;
        }
        // `field AS event_field`: the event field is the key.
        if args.is_word(at + 1, "as") && at + 2 < end && args.is_name(at + 2) {
            keys.push(args.name(at + 2));
            skip_to = at + 3;
        } else {
            keys.push(args.name(at));
        }
    }
    (args.name(table), keys)
}

/// What `rex` does: the field it reads, whether it rewrites it (`mode=sed`),
/// and the fields its named groups create.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Rex {
    pub field: Option<String>,
    pub sed: bool,
    pub groups: Vec<String>,
}

pub fn rex(src: &str) -> Rex {
    let Ok(args) = Args::new(src) else {
        return Rex::default();
    };
    // The regular expression is the first quoted argument that is not the
    // value of an option (`field="file_name"`).
    let regex = (0..args.tokens.len())
        .find(|&i| args.kind(i) == Some(TokenKind::Quoted) && !(i >= 2 && args.is_option(i - 2)))
        .map(|i| args.name(i));
    Rex {
        field: args.option("field"),
        sed: args.option("mode").is_some_and(|m| m.eq_ignore_ascii_case("sed")),
        groups: regex.map(|r| named_groups(&r)).unwrap_or_default(),
    }
}

/// Names of `(?<name>…)`, `(?P<name>…)` and `(?'name'…)` groups.
pub fn named_groups(regex: &str) -> Vec<String> {
    let mut out = Vec::new();
    for prefix in ["(?<", "(?P<", "(?'"] {
        let mut rest = regex;
        while let Some(at) = rest.find(prefix) {
            rest = &rest[at + prefix.len()..];
            let end = rest.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_')).unwrap_or(rest.len());
            // `(?<=` and `(?<!` are lookbehinds, not groups.
            if end > 0 && !out.iter().any(|n| n == &rest[..end]) {
                out.push(rest[..end].to_owned());
            }
        }
    }
    out
}

/// `spath output=y path=p` / `spath output=y p`: the output and the path.
pub fn spath(src: &str) -> Option<(String, String)> {
    let args = Args::new(src).ok()?;
    let output = args.option("output")?;
    let path = args.option("path").or_else(|| positional(&args))?;
    Some((output, path))
}

/// The first positional argument (`bin _time`, `iplocation src`).
pub fn first_field(src: &str) -> Option<String> {
    positional(&Args::new(src).ok()?)
}

/// The first name that is not part of a `key=value` option.
fn positional(args: &Args<'_>) -> Option<String> {
    let mut i = 0;
    while i < args.tokens.len() {
        if args.is_option(i) {
            i += 3;
        } else if args.is_name(i) {
            return Some(args.name(i));
        } else {
            i += 1;
        }
    }
    None
}

/// The value of `key=value` in a command's arguments.
pub fn option(src: &str, key: &str) -> Option<String> {
    Args::new(src).ok()?.option(key)
}

/// `join [options] fields [subsearch]`: the join type, the fields and the
/// subsearch text.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Join {
    pub kind: Option<String>,
    pub fields: Vec<String>,
    pub subsearch: Option<String>,
}

pub fn join(src: &str) -> Join {
    let Ok(args) = Args::new(src) else {
        return Join::default();
    };
    let mut out = Join { kind: args.option("type"), ..Join::default() };
    let mut i = 0;
    while i < args.tokens.len() {
        match args.kind(i) {
            _ if args.is_option(i) => i += 2,
            Some(TokenKind::Subsearch) => out.subsearch = Some(subsearch_text(args.text(i))),
            Some(TokenKind::Word(_) | TokenKind::Quoted) => out.fields.push(args.name(i)),
            _ => {}
        }
        i += 1;
    }
    out
}

/// The first subsearch of a command (`append [ … ]`), without its brackets.
pub fn subsearch(src: &str) -> Option<String> {
    let args = Args::new(src).ok()?;
    (0..args.tokens.len()).find(|&i| args.kind(i) == Some(TokenKind::Subsearch)).map(|i| subsearch_text(args.text(i)))
}

fn subsearch_text(bracketed: &str) -> String {
    bracketed.strip_prefix('[').and_then(|s| s.strip_suffix(']')).unwrap_or(bracketed).trim().to_owned()
}

/// `regex field=re`, `regex field!=re` or `regex re` (on `_raw`): the field,
/// whether the match is negated, and the regular expression.
pub fn regex(src: &str) -> Option<(String, bool, String)> {
    let args = Args::new(src).ok()?;
    match (args.kind(0), args.kind(1)) {
        (Some(TokenKind::Word(_)), Some(TokenKind::Cmp(op @ (search::CmpOp::Eq | search::CmpOp::Ne))))
            if args.is_name(2) =>
        {
            Some((args.name(0), op == search::CmpOp::Ne, args.name(2)))
        }
        (Some(TokenKind::Quoted), None) => Some(("_raw".to_owned(), false, args.name(0))),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rex_reads_the_regex_after_quoted_options() {
        let groups = |src: &str| rex(src).groups;
        assert_eq!(groups(r#"field=file_name "\.(?<extension>[^\.]*$)""#), ["extension"]);
        // A quoted option value is not the regular expression.
        let quoted = rex(r#"field="file_name" "\.(?<extension>[^\.]*$)""#);
        assert_eq!(quoted.field.as_deref(), Some("file_name"));
        assert_eq!(quoted.groups, ["extension"]);
        assert_eq!(
            groups(r#"field = "possible_plan" max_match="0" "DisabledPlans=\[(?P<DisabledPlans>[^\]]+)\]""#),
            ["DisabledPlans"]
        );
        // Without field=, rex reads _raw; the regex is still the first quoted argument.
        assert_eq!(groups(r#""user=(?<user>\w+)""#), ["user"]);
    }
}
