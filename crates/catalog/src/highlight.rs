//! Rule text highlighting: which parts of a rule file are keys, strings,
//! comments, keywords, operators and numbers, in the file's format (YAML for
//! Sigma and Splunk, TOML for Elastic) and in the query it embeds (Sigma's
//! `condition`, Splunk's `search` in SPL, Elastic's `[rule]` `query` in KQL,
//! EQL or ES|QL).
//!
//! These are small tokenizers of our own, not the front ends' parsers:
//! colouring needs only where tokens start and end, never a tree. They never
//! fail: anything they do not recognize stays plain text. The builder runs
//! them and writes each rule's tokens into its detail ([`encode`], in
//! `RuleDetail::highlight`), so the app's WASM carries only [`decode`]
//! (the tokenizers were ~3 KB brotli of it); the app renders each token as a
//! text node in a span with a class, never as HTML.

/// What a token is, for its colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Class {
    /// A YAML or TOML key, or a TOML table header.
    Key,
    String,
    Comment,
    /// A query keyword or command, a YAML/TOML `true`/`false`/`null`.
    Keyword,
    Operator,
    Number,
    /// A function name before `(`, a Splunk macro.
    Function,
}

impl Class {
    /// Every class, in the order of their numbers in [`encode`].
    pub const ALL: [Class; 7] =
        [Class::Key, Class::String, Class::Comment, Class::Keyword, Class::Operator, Class::Number, Class::Function];

    /// The CSS class the app gives the token.
    pub fn css(self) -> &'static str {
        match self {
            Class::Key => "hl-key",
            Class::String => "hl-str",
            Class::Comment => "hl-com",
            Class::Keyword => "hl-kw",
            Class::Operator => "hl-op",
            Class::Number => "hl-num",
            Class::Function => "hl-fn",
        }
    }
}

/// A token: a class over a byte range of the text. Tokens come in order and
/// do not overlap; the text between them is plain.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Token {
    pub class: Class,
    pub start: usize,
    pub end: usize,
}

/// Texts longer than this are left plain: a rule file is a few KB, and a
/// page of hundreds of thousands of spans would be slow to render.
pub const MAX_TEXT: usize = 200_000;

/// A query language, as a table the one query tokenizer reads.
struct Query {
    /// Words that are keywords, lower case (matched ignoring case).
    keywords: &'static [&'static str],
    /// The word after a `|` is a command (SPL, ES|QL).
    commands: bool,
    /// `//` and `/* */` comments (EQL, ES|QL).
    c_comments: bool,
    /// Splunk: ```` ``` ```` comments and `` `macro` `` calls.
    splunk: bool,
    /// EQL: the word before `where` is an event category (`process where`).
    categories: bool,
}

const SPL: Query = Query {
    keywords: &["and", "or", "not", "by", "as", "in", "where", "output", "outputnew", "over", "like", "true", "false"],
    commands: true,
    c_comments: false,
    splunk: true,
    categories: false,
};
const KQL: Query =
    Query { keywords: &["and", "or", "not"], commands: false, c_comments: false, splunk: false, categories: false };
const EQL: Query = Query {
    keywords: &[
        "where", "and", "or", "not", "sequence", "sample", "by", "with", "maxspan", "until", "runs", "any", "of", "in",
        "like", "regex", "true", "false", "null", "head", "tail", "filter", "unique",
    ],
    commands: true,
    c_comments: true,
    splunk: false,
    categories: true,
};
const ESQL: Query = Query {
    keywords: &[
        "from",
        "where",
        "eval",
        "stats",
        "by",
        "keep",
        "drop",
        "limit",
        "sort",
        "rename",
        "dissect",
        "grok",
        "mv_expand",
        "enrich",
        "lookup",
        "join",
        "metadata",
        "and",
        "or",
        "not",
        "like",
        "rlike",
        "in",
        "is",
        "null",
        "asc",
        "desc",
        "nulls",
        "first",
        "last",
        "true",
        "false",
        "as",
        "on",
        "with",
        "row",
        "inlinestats",
    ],
    commands: true,
    c_comments: true,
    splunk: false,
    categories: false,
};
const SIGMA_CONDITION: Query = Query {
    keywords: &["and", "or", "not", "of", "all", "them"],
    commands: false,
    c_comments: false,
    splunk: false,
    categories: false,
};

/// The tokens of a rule's text; `language` is the rule's query language as
/// the catalog names it (`sigma`, `spl`, `kuery`, `eql`, `esql`, `lucene`…),
/// which also says the file's format.
pub fn highlight(text: &str, language: &str) -> Vec<Token> {
    let mut out = Vec::new();
    if text.len() > MAX_TEXT {
        return out;
    }
    match language {
        "sigma" => yaml(text, "condition", &SIGMA_CONDITION, &mut out),
        "spl" => yaml(text, "search", &SPL, &mut out),
        "eql" => toml(text, &EQL, &mut out),
        "esql" => toml(text, &ESQL, &mut out),
        _ => toml(text, &KQL, &mut out),
    }
    out
}

/// Tokens as the catalog stores them: a flat list of numbers, three per
/// token — the gap since the previous token's end (from the start of the
/// text for the first), the token's length, its class's place in
/// [`Class::ALL`] — small numbers that keep a detail shard short.
pub fn encode(tokens: &[Token]) -> Vec<u32> {
    let mut out = Vec::with_capacity(tokens.len() * 3);
    let mut at = 0;
    for token in tokens {
        let class = Class::ALL.iter().position(|c| *c == token.class).unwrap_or_default();
        let (Ok(gap), Ok(len)) = (u32::try_from(token.start - at), u32::try_from(token.end - token.start)) else {
            break;
        };
        out.extend([gap, len, class as u32]);
        at = token.end;
    }
    out
}

/// The tokens of [`encode`] over `text`, read as the app gets them from a
/// catalog: a token past the end of the text or not on character
/// boundaries ends the list there, an unknown class is skipped, so a damaged
/// list colours less and never fails; a text over [`MAX_TEXT`] stays plain.
pub fn decode(flat: &[u32], text: &str) -> Vec<Token> {
    // What `highlight` leaves plain stays plain whatever a catalog says.
    if text.len() > MAX_TEXT {
        return Vec::new();
    }
    let mut out = Vec::with_capacity(flat.len() / 3);
    let mut at = 0usize;
    for triple in flat.chunks_exact(3) {
        let start = at.saturating_add(triple[0] as usize);
        let end = start.saturating_add(triple[1] as usize);
        if end > text.len() || !text.is_char_boundary(start) || !text.is_char_boundary(end) {
            break;
        }
        if let Some(class) = Class::ALL.get(triple[2] as usize) {
            push(&mut out, *class, start, end);
        }
        at = end;
    }
    out
}

fn push(out: &mut Vec<Token>, class: Class, start: usize, end: usize) {
    if start < end {
        out.push(Token { class, start, end });
    }
}

/// Where the line starting at `at` ends (its `\n`, or the end).
fn line_end(b: &[u8], at: usize) -> usize {
    b.get(at..).and_then(|rest| rest.iter().position(|&c| c == b'\n')).map_or(b.len(), |i| at + i)
}

fn skip_spaces(b: &[u8], mut at: usize, end: usize) -> usize {
    while at < end && matches!(b[at], b' ' | b'\t' | b'\r') {
        at += 1;
    }
    at
}

/// The end of a quoted string opening at `at`: after its closing quote, or
/// at `limit`. A doubled quote is YAML's escape in `'…'`; a backslash
/// escapes in `"…"`.
fn string_end(b: &[u8], at: usize, limit: usize) -> usize {
    let quote = b[at];
    let mut i = at + 1;
    while i < limit {
        match b[i] {
            b'\\' if quote == b'"' => i += 2,
            c if c == quote && quote == b'\'' && b.get(i + 1) == Some(&b'\'') => i += 2,
            c if c == quote => return i + 1,
            _ => i += 1,
        }
    }
    limit
}

/// A YAML file: keys, comments, list markers, scalars; the value of the
/// key `query_key` (anywhere) is tokenized as the query language.
fn yaml(text: &str, query_key: &str, query: &Query, out: &mut Vec<Token>) {
    let b = text.as_bytes();
    let mut at = 0;
    // A block scalar (`key: |`) being read: the key's indent, and whether it is the query.
    let mut block: Option<(usize, bool)> = None;
    while at < b.len() {
        let end = line_end(b, at);
        let content = skip_spaces(b, at, end);
        let indent = content - at;
        if let Some((key_indent, is_query)) = block {
            if content == end || indent > key_indent {
                if is_query {
                    tokens(text, content, end, query, out);
                } else {
                    push(out, Class::String, content, end);
                }
                at = end + 1;
                continue;
            }
            block = None;
        }
        let mut i = content;
        while i < end && b[i] == b'-' && (i + 1 == end || b[i + 1] == b' ') {
            push(out, Class::Operator, i, i + 1);
            i = skip_spaces(b, i + 1, end);
        }
        if i < end && b[i] == b'#' {
            push(out, Class::Comment, i, end);
            at = end + 1;
            continue;
        }
        let mut is_query = false;
        if let Some(colon) = yaml_key(b, i, end) {
            push(out, Class::Key, i, colon);
            push(out, Class::Operator, colon, colon + 1);
            is_query = &text[i..colon] == query_key;
            i = skip_spaces(b, colon + 1, end);
            if i < end && matches!(b[i], b'|' | b'>') {
                let marker = b[i..end].iter().position(|c| *c == b' ' || *c == b'#').map_or(end, |n| i + n);
                push(out, Class::Operator, i, marker);
                block = Some((indent, is_query));
                at = end + 1;
                continue;
            }
        }
        at = yaml_scalar(text, i, end, is_query.then_some(query), out);
    }
}

/// The `:` ending a plain key starting at `at`, if the line holds one.
fn yaml_key(b: &[u8], at: usize, end: usize) -> Option<usize> {
    if at >= end || matches!(b[at], b'\'' | b'"' | b'[' | b'{' | b'#') {
        return None;
    }
    let mut i = at;
    while i < end {
        match b[i] {
            b':' if i + 1 == end || matches!(b[i + 1], b' ' | b'\t' | b'\r') => return Some(i),
            b'#' if b[i - 1] == b' ' => return None,
            _ => i += 1,
        }
    }
    None
}

/// A scalar from `at` on the line ending at `end` (a quoted one may run on
/// over lines), then a trailing comment; returns where the next line starts.
fn yaml_scalar(text: &str, at: usize, end: usize, query: Option<&Query>, out: &mut Vec<Token>) -> usize {
    let b = text.as_bytes();
    if at >= end {
        return end + 1;
    }
    let mut after = end;
    if matches!(b[at], b'\'' | b'"') {
        let close = string_end(b, at, b.len());
        match query {
            Some(query) => {
                push(out, Class::String, at, at + 1);
                let inner_end = if close > at + 1 && b[close - 1] == b[at] { close - 1 } else { close };
                tokens(text, at + 1, inner_end, query, out);
                push(out, Class::String, inner_end, close);
            }
            None => push(out, Class::String, at, close),
        }
        after = line_end(b, close);
        let rest = skip_spaces(b, close, after);
        if rest < after && b[rest] == b'#' {
            push(out, Class::Comment, rest, after);
        }
    } else {
        let comment = (at..end).find(|&i| b[i] == b'#' && i > at && b[i - 1] == b' ');
        let value_end = comment.unwrap_or(end);
        match query {
            Some(query) => tokens(text, at, value_end, query, out),
            None => {
                let value = text[at..value_end].trim_end();
                if let Some(class) = scalar_class(value) {
                    push(out, class, at, at + value.len());
                }
            }
        }
        if let Some(c) = comment {
            push(out, Class::Comment, c, end);
        }
    }
    after + 1
}

/// A plain scalar that is a number, or a constant.
fn scalar_class(value: &str) -> Option<Class> {
    if !value.is_empty() && value.bytes().all(|c| c.is_ascii_digit() || c == b'.' || c == b'-') && value != "-" {
        return Some(Class::Number);
    }
    matches!(value, "true" | "false" | "null" | "True" | "False" | "Null" | "~").then_some(Class::Keyword)
}

/// A TOML file: table headers, keys, strings (multi-line too), numbers,
/// booleans, comments; the `query` of the `[rule]` table is tokenized as
/// the query language (`query` keys of other tables, such as osquery's, are
/// strings).
fn toml(text: &str, query: &Query, out: &mut Vec<Token>) {
    let b = text.as_bytes();
    let mut at = 0;
    let mut in_rule = false;
    while at < b.len() {
        let end = line_end(b, at);
        let mut i = skip_spaces(b, at, end);
        if i < end && b[i] == b'[' {
            let close = (i..end).find(|&j| b[j] == b']').map_or(end, |j| j + 1);
            let close = if b.get(close) == Some(&b']') { close + 1 } else { close };
            in_rule = text[i..close].trim_matches(['[', ']']) == "rule";
            push(out, Class::Key, i, close);
            at = end + 1;
            continue;
        }
        let mut is_query = false;
        if let Some(eq) = toml_key(b, i, end) {
            let key = text[i..eq].trim_end();
            push(out, Class::Key, i, i + key.len());
            push(out, Class::Operator, eq, eq + 1);
            is_query = in_rule && key == "query";
            i = eq + 1;
        }
        at = toml_values(text, i, end, is_query.then_some(query), out);
    }
}

/// The `=` after a bare or quoted key starting at `at`.
fn toml_key(b: &[u8], at: usize, end: usize) -> Option<usize> {
    let mut i = at;
    while i < end && (b[i].is_ascii_alphanumeric() || matches!(b[i], b'_' | b'-' | b'.' | b'"' | b'\'')) {
        i += 1;
    }
    let i = skip_spaces(b, i, end);
    (i > at && i < end && b[i] == b'=').then_some(i)
}

/// Values from `at` on: strings (a multi-line one may run on over lines),
/// numbers, booleans, punctuation, a comment; returns where the next line
/// starts.
fn toml_values(text: &str, mut at: usize, mut end: usize, query: Option<&Query>, out: &mut Vec<Token>) -> usize {
    let b = text.as_bytes();
    while at < end {
        let c = b[at];
        if matches!(c, b'"' | b'\'') {
            let triple = b.get(at..at + 3).is_some_and(|t| t[0] == c && t[1] == c && t[2] == c);
            let close = if triple { triple_end(b, at) } else { string_end(b, at, end) };
            match (query, triple) {
                (Some(query), _) => {
                    let open = if triple { 3 } else { 1 };
                    let inner_end = close.saturating_sub(open).max(at + open);
                    push(out, Class::String, at, at + open);
                    tokens(text, at + open, inner_end, query, out);
                    push(out, Class::String, inner_end, close);
                }
                _ => push(out, Class::String, at, close),
            }
            if close > end {
                end = line_end(b, close);
            }
            at = close;
        } else if c == b'#' {
            push(out, Class::Comment, at, end);
            at = end;
        } else if c.is_ascii_digit() || (c == b'-' && b.get(at + 1).is_some_and(u8::is_ascii_digit)) {
            let stop = (at + 1..end).find(|&i| !matches!(b[i], b'0'..=b'9' | b'.' | b'_' | b'-' | b':')).unwrap_or(end);
            push(out, Class::Number, at, stop);
            at = stop;
        } else if c.is_ascii_alphabetic() {
            let stop = (at..end).find(|&i| !b[i].is_ascii_alphanumeric()).unwrap_or(end);
            if matches!(&text[at..stop], "true" | "false") {
                push(out, Class::Keyword, at, stop);
            }
            at = stop;
        } else {
            at += 1;
        }
    }
    end + 1
}

/// After the closing triple quote of a multi-line string opening at `at`.
fn triple_end(b: &[u8], at: usize) -> usize {
    let quote = b[at];
    let mut i = at + 3;
    while i + 2 < b.len() {
        if b[i] == b'\\' && quote == b'"' {
            i += 2;
        } else if b[i] == quote && b[i + 1] == quote && b[i + 2] == quote {
            // A closing run may hold up to two more quotes of the string.
            let mut close = i + 3;
            while close < b.len() && b[close] == quote && close < i + 5 {
                close += 1;
            }
            return close;
        } else {
            i += 1;
        }
    }
    b.len()
}

/// Tokens of a query between `start` and `end`.
fn tokens(text: &str, start: usize, end: usize, query: &Query, out: &mut Vec<Token>) {
    let b = text.as_bytes();
    let mut i = start;
    let mut command = false;
    while i < end {
        let c = b[i];
        let next = if i + 1 < end { b[i + 1] } else { 0 };
        if c.is_ascii_whitespace() {
            i += 1;
        } else if query.c_comments && c == b'/' && next == b'/' {
            let stop = line_end(b, i).min(end);
            push(out, Class::Comment, i, stop);
            i = stop;
        } else if query.c_comments && c == b'/' && next == b'*' {
            let stop = text[i + 2..end].find("*/").map_or(end, |n| i + 2 + n + 2);
            push(out, Class::Comment, i, stop);
            i = stop;
        } else if query.splunk && text[i..end].starts_with("```") {
            let stop = text[i + 3..end].find("```").map_or(end, |n| i + 3 + n + 3);
            push(out, Class::Comment, i, stop);
            i = stop;
        } else if query.splunk && c == b'`' {
            let stop = text[i + 1..end].find('`').map_or(end, |n| i + 1 + n + 1);
            push(out, Class::Function, i, stop);
            i = stop;
        } else if c == b'"' || c == b'\'' || (c == b'?' && next == b'"') {
            let open = if c == b'?' { i + 1 } else { i };
            let triple = text[open..end].starts_with("\"\"\"");
            let stop = if triple {
                text[open + 3..end].find("\"\"\"").map_or(end, |n| open + 3 + n + 3)
            } else {
                string_end(b, open, end)
            };
            push(out, Class::String, i, stop);
            i = stop;
        } else if c.is_ascii_digit() {
            let stop = (i..end).find(|&j| !(b[j].is_ascii_alphanumeric() || b[j] == b'.')).unwrap_or(end);
            push(out, Class::Number, i, stop);
            i = stop;
        } else if c == b'|' {
            push(out, Class::Operator, i, i + 1);
            command = query.commands;
            i += 1;
        } else if is_word(c) {
            let stop = (i..end).find(|&j| !is_word(b[j])).unwrap_or(end);
            let word = &text[i..stop];
            let after = skip_spaces(b, stop, end);
            let category = query.categories && text[after..end].starts_with("where");
            let class = if command || category || query.keywords.iter().any(|k| k.eq_ignore_ascii_case(word)) {
                Some(Class::Keyword)
            } else if b.get(after..end).is_some_and(|rest| rest.starts_with(b"(") || rest.starts_with(b"~(")) {
                Some(Class::Function)
            } else {
                None
            };
            if let Some(class) = class {
                push(out, class, i, stop);
            }
            command = false;
            i = stop;
        } else if b"=!<>:~+-*/%".contains(&c) {
            let stop = (i..end).find(|&j| !b"=!<>~".contains(&b[j])).unwrap_or(end).max(i + 1);
            push(out, Class::Operator, i, stop);
            i = stop;
        } else {
            i += 1;
        }
    }
}

/// Characters of a word (a field, a keyword, an unquoted value): any byte
/// of a multi-byte character too, so that a token never splits one.
fn is_word(c: u8) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, b'_' | b'.' | b'@' | b'$' | b'\\' | b'*' | b'?') || c >= 0x80
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The tokens as (class, text), for comparing.
    fn spans(text: &str, language: &str) -> Vec<(Class, String)> {
        highlight(text, language).iter().map(|t| (t.class, text[t.start..t.end].to_owned())).collect()
    }

    fn of(class: Class, items: &[(Class, String)]) -> Vec<String> {
        items.iter().filter(|(c, _)| *c == class).map(|(_, t)| t.clone()).collect()
    }

    #[test]
    fn tokens_read_back_as_the_catalog_stores_them() {
        let texts = [
            ("title: a\ndetection:\n  sel:\n    Image|endswith: '\\mshta.exe'\n  condition: sel # é\n", "sigma"),
            ("[rule]\nquery = '''\nprocess where process.name == \"ü.exe\"\n'''\n", "eql"),
            ("name: x\nsearch: '`sysmon` EventCode=1 | stats count'\n", "spl"),
        ];
        for (text, language) in texts {
            let tokens = highlight(text, language);
            assert!(!tokens.is_empty(), "{language}");
            let flat = encode(&tokens);
            assert_eq!(flat.len(), tokens.len() * 3);
            assert_eq!(decode(&flat, text), tokens, "{language}");
        }
        // By hand: the key `title` at 0..5, its `:` at 5..6, the comment
        // `# c` at 9..12, 3 bytes after the `:`.
        let text = "title: a\n# c";
        assert_eq!(encode(&highlight(text, "sigma")), [0, 5, 0, 0, 1, 4, 3, 3, 2]);
    }

    #[test]
    fn damaged_token_lists_colour_less_and_never_fail() {
        let text = "title: é";
        // Past the end, inside `é`, an unknown class, overflowing numbers.
        assert_eq!(decode(&[0, 5, 0, 0, 99, 0], text).len(), 1);
        assert_eq!(decode(&[8, 1, 1], text), []);
        assert_eq!(decode(&[0, 5, 42, 2, 2, 1], text), [Token { class: Class::String, start: 7, end: 9 }]);
        assert_eq!(decode(&[u32::MAX, u32::MAX, 0, 1], text), []);
        assert_eq!(decode(&[], text), []);
    }

    #[test]
    fn sigma_yaml_and_its_condition() {
        let text = "title: Mshta # a comment\ndetection:\n    selection:\n        Image|endswith: '\\mshta.exe'\n        EventID: 4688\n    filter:\n        - 'a''b'\n    condition: selection and not 1 of filter*\nfalsepositives:\n    - Unknown\nlevel: high\n";
        let items = spans(text, "sigma");
        assert_eq!(
            of(Class::Key, &items),
            [
                "title",
                "detection",
                "selection",
                "Image|endswith",
                "EventID",
                "filter",
                "condition",
                "falsepositives",
                "level"
            ]
        );
        assert_eq!(of(Class::String, &items), ["'\\mshta.exe'", "'a''b'"]);
        assert_eq!(of(Class::Comment, &items), ["# a comment"]);
        assert_eq!(of(Class::Number, &items), ["4688", "1"]);
        assert_eq!(of(Class::Keyword, &items), ["and", "not", "of"]);
    }

    #[test]
    fn splunk_search_in_a_quoted_scalar_over_lines() {
        let text = "name: X\nsearch: ' `sysmon` EventCode=1 process_name=\"mshta.exe\"\n  | stats count by dest | where count > 5 ```note``` | `x_filter`'\nhow_to_implement: text\n";
        let items = spans(text, "spl");
        assert_eq!(of(Class::Key, &items), ["name", "search", "how_to_implement"]);
        assert_eq!(of(Class::Function, &items), ["`sysmon`", "`x_filter`"]);
        assert_eq!(of(Class::Keyword, &items), ["stats", "by", "where"]);
        assert_eq!(of(Class::Comment, &items), ["```note```"]);
        assert_eq!(of(Class::String, &items), ["'", "\"mshta.exe\"", "'"]);
        assert_eq!(of(Class::Number, &items), ["1", "5"]);
    }

    #[test]
    fn a_block_scalar_query() {
        let text = "search: |\n  index=main NOT user=admin\n  | table user\nnext: 1\n";
        let items = spans(text, "spl");
        assert_eq!(of(Class::Keyword, &items), ["NOT", "table"]);
        assert_eq!(of(Class::Key, &items), ["search", "next"]);
        assert_eq!(of(Class::Number, &items), ["1"]);
    }

    #[test]
    fn elastic_toml_and_its_eql_query() {
        let text = "[metadata]\nmaturity = \"production\" # note\n\n[rule]\nrisk_score = 47\nbuilding = true\ntags = [\n    \"A, B\",\n]\nquery = '''\nprocess where host.os.type == \"windows\" and\n  /* a comment */ process.name : (\"a.exe\", \"b.exe\") and startsWith~(process.name, \"x\")\n'''\n\n[[transform.osquery]]\nquery = \"SELECT * FROM x\"\n";
        let items = spans(text, "eql");
        assert_eq!(
            of(Class::Key, &items),
            [
                "[metadata]",
                "maturity",
                "[rule]",
                "risk_score",
                "building",
                "tags",
                "query",
                "[[transform.osquery]]",
                "query"
            ]
        );
        assert_eq!(of(Class::Keyword, &items), ["true", "process", "where", "and", "and"]);
        assert_eq!(of(Class::Comment, &items), ["# note", "/* a comment */"]);
        assert_eq!(of(Class::Function, &items), ["startsWith"]);
        assert_eq!(
            of(Class::String, &items),
            [
                "\"production\"",
                "\"A, B\"",
                "'''",
                "\"windows\"",
                "\"a.exe\"",
                "\"b.exe\"",
                "\"x\"",
                "'''",
                "\"SELECT * FROM x\""
            ]
        );
        assert_eq!(of(Class::Number, &items), ["47"]);
        assert_eq!(of(Class::Operator, &items).iter().filter(|o| o.as_str() == "==").count(), 1);
    }

    #[test]
    fn esql_and_kql() {
        let text = "[rule]\nquery = '''\nfrom logs-*\n// why\n| where process.name == \"x\" and not user.name like \"*adm*\"\n| stats n = count(*) by host.name\n'''\n";
        let items = spans(text, "esql");
        assert_eq!(of(Class::Keyword, &items), ["from", "where", "and", "not", "like", "stats", "by"]);
        assert_eq!(of(Class::Comment, &items), ["// why"]);
        assert_eq!(of(Class::Function, &items), ["count"]);
        let text = "[rule]\nquery = '''\nevent.action:\"ConsoleLogin\" and not source.ip:10.0.0.1 or process.args:*-enc*\n'''\n";
        let items = spans(text, "kuery");
        assert_eq!(of(Class::Keyword, &items), ["and", "not", "or"]);
        assert_eq!(of(Class::String, &items), ["'''", "\"ConsoleLogin\"", "'''"]);
        assert_eq!(of(Class::Number, &items), ["10.0.0.1"]);
    }

    #[test]
    fn hostile_text_never_panics_and_splits_no_character() {
        for text in [
            "",
            "'",
            "\"unterminated",
            "search: '",
            "query = '''",
            "[rule]\nquery = '''",
            "[rule]\nquery = \"\"\"ab\"\"",
            "key: |\n",
            "- - - #",
            "é: ü # ö\nsearch: 'ä | ü'\n",
            "[rule\nquery = 'x\n",
            "a:\n  - 'b\n  c'\n",
        ] {
            for language in ["sigma", "spl", "eql", "esql", "kuery", "none"] {
                let tokens = highlight(text, language);
                let mut last = 0;
                for t in &tokens {
                    assert!(t.start >= last && t.start < t.end && t.end <= text.len(), "{text:?} {language} {t:?}");
                    assert!(text.is_char_boundary(t.start) && text.is_char_boundary(t.end), "{text:?} {t:?}");
                    last = t.end;
                }
            }
        }
        assert!(highlight(&"a: b\n".repeat(MAX_TEXT), "sigma").is_empty());
    }
}
