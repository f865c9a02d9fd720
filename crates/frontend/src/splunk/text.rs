//! Text-level passes over SPL that come before any parsing: removing
//! ```` ```comments``` ```` and cutting a query into its pipeline stages.
//!
//! Both work on bytes: every character SPL gives a meaning to here is ASCII,
//! and UTF-8 never uses ASCII bytes inside a multi-byte character, so slicing
//! at those bytes always lands on character boundaries.

/// One command of a pipeline, as a slice of the expanded query.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stage<'a> {
    pub text: &'a str,
    /// Byte offset of `text` in the query it was cut from.
    pub start: usize,
}

impl<'a> Stage<'a> {
    /// The command name, lower-cased (`tstats`, `where`…); empty for an
    /// empty stage.
    pub fn command(&self) -> String {
        let trimmed = self.text.trim_start();
        let end =
            trimmed.find(|c: char| c.is_whitespace() || c == '(' || c == '[' || c == '`').unwrap_or(trimmed.len());
        trimmed[..end].to_ascii_lowercase()
    }

    /// Everything after the command name.
    pub fn arguments(&self) -> &'a str {
        let trimmed = self.text.trim_start();
        let end =
            trimmed.find(|c: char| c.is_whitespace() || c == '(' || c == '[' || c == '`').unwrap_or(trimmed.len());
        &trimmed[end..]
    }

    /// Byte offset of [`Stage::arguments`] in the query.
    pub fn arguments_start(&self) -> usize {
        self.start + (self.text.len() - self.arguments().len())
    }
}

/// Removes SPL inline comments (```` ```…``` ````), each replaced by a space
/// so that the words around it stay apart. An unterminated comment runs to
/// the end of the text, as in Splunk.
///
/// Quotes are deliberately not tracked: comments may hold unbalanced quotes,
/// and a triple backtick inside a string literal does not occur in practice.
pub fn strip_comments(spl: &str) -> String {
    const FENCE: &str = "```";
    let mut out = String::with_capacity(spl.len());
    let mut rest = spl;
    while let Some(open) = rest.find(FENCE) {
        out.push_str(&rest[..open]);
        out.push(' ');
        let after = &rest[open + FENCE.len()..];
        match after.find(FENCE) {
            Some(close) => rest = &after[close + FENCE.len()..],
            None => return out,
        }
    }
    out.push_str(rest);
    out
}

/// Cuts a query at the pipes that separate its commands: pipes inside
/// double-quoted strings, backtick macro calls and `[...]` subsearches do not
/// count. The first stage is empty when the query starts with a pipe (a
/// generating command such as `| tstats`).
pub fn split_pipeline(spl: &str) -> Vec<Stage<'_>> {
    let bytes = spl.as_bytes();
    let mut stages = Vec::new();
    let mut start = 0;
    let mut depth = 0usize;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'"' => i = string_end(bytes, i).unwrap_or(bytes.len()),
            b'\\' => i += 1,
            b'`' => {
                if let Some(close) = spl[i + 1..].find('`') {
                    i += close + 1;
                }
            }
            b'[' => depth += 1,
            b']' => depth = depth.saturating_sub(1),
            b'|' if depth == 0 => {
                stages.push(Stage { text: &spl[start..i], start });
                start = i + 1;
            }
            _ => {}
        }
        i += 1;
    }
    stages.push(Stage { text: &spl[start..], start });
    stages
}

/// A subsearch as shown to people: its stages without the empty ones that
/// no-op macros leave behind (`… |   | …`).
pub fn tidy_subsearch(subsearch: &str) -> String {
    let stages = split_pipeline(subsearch);
    let mut parts = stages.iter().map(|s| s.text.trim());
    let mut out = parts.next().unwrap_or_default().to_owned();
    for stage in parts.filter(|s| !s.is_empty()) {
        out.push_str(" | ");
        out.push_str(stage);
    }
    out.trim().to_owned()
}

/// Given the index of an opening `"`, the index of its closing quote, or
/// `None` when the string never closes. A backslash escapes the next byte.
pub fn string_end(bytes: &[u8], open: usize) -> Option<usize> {
    let mut i = open + 1;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 2,
            b'"' => return Some(i),
            _ => i += 1,
        }
    }
    None
}

/// Given the index of an opening `[`, the index just past its matching `]`,
/// skipping strings and nested brackets; `None` when it never closes.
pub fn skip_brackets(bytes: &[u8], open: usize) -> Option<usize> {
    let mut depth = 0usize;
    let mut i = open;
    while i < bytes.len() {
        match bytes[i] {
            b'"' => i = string_end(bytes, i)?,
            b'\\' => i += 1,
            b'[' => depth += 1,
            b']' => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    return Some(i + 1);
                }
            }
            _ => {}
        }
        i += 1;
    }
    None
}

/// The text of a search-language value with SPL's escapes resolved: `\\` is
/// a backslash and `\"` a quote; any other backslash stays as written
/// (Splunk cannot escape `*`, so `\*` is a backslash before a wildcard).
pub fn unescape_search(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut chars = raw.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\\'
            && let Some(&next @ ('\\' | '"')) = chars.peek()
        {
            chars.next();
            out.push(next);
            continue;
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(spl: &str) -> Vec<&str> {
        split_pipeline(spl).into_iter().map(|s| s.text.trim()).collect()
    }

    #[test]
    fn comments_are_removed_even_with_pipes_and_quotes_inside() {
        let spl = "a=1 ```drop | this \" one``` | stats count ```and `this```";
        assert_eq!(strip_comments(spl), "a=1   | stats count  ");
        assert_eq!(strip_comments("x ```never closed | y"), "x  ");
    }

    #[test]
    fn pipes_inside_strings_macros_and_subsearches_do_not_split() {
        assert_eq!(
            texts(r#"| tstats count where a="x|y" | regex p="(a|b)" | search [| inputlookup t | fields f] | `m(a|b)`"#),
            [
                "",
                r#"tstats count where a="x|y""#,
                r#"regex p="(a|b)""#,
                "search [| inputlookup t | fields f]",
                "`m(a|b)`"
            ]
        );
        // An escaped quote does not end the string.
        assert_eq!(texts(r#"a="x\"|y" | b"#), [r#"a="x\"|y""#, "b"]);
    }

    #[test]
    fn command_names_and_arguments() {
        let stages = split_pipeline("| where(x>1) | search a=1");
        assert_eq!(stages[1].command(), "where");
        assert_eq!(stages[1].arguments(), "(x>1) ");
        assert_eq!(stages[2].command(), "search");
        assert_eq!(&"| where(x>1) | search a=1"[stages[2].arguments_start()..], " a=1");
    }

    #[test]
    fn brackets_skip_nested_and_quoted() {
        let text = br#"[a [b] "]" c] rest"#;
        assert_eq!(skip_brackets(text, 0), Some(13));
        assert_eq!(skip_brackets(b"[a [b]", 0), None);
    }

    #[test]
    fn search_escapes() {
        assert_eq!(unescape_search(r#"C:\\Windows\\*"#), r"C:\Windows\*");
        assert_eq!(unescape_search(r#"say \"hi\""#), r#"say "hi""#);
        assert_eq!(unescape_search(r"C:\Windows\*"), r"C:\Windows\*");
    }
}
