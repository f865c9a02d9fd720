//! Text-level passes over SPL that come before any parsing: removing
//! ```` ```comments``` ```` and cutting a query into its pipeline stages,
//! and the [`SourceMap`] that leads from a rewritten query (comments gone,
//! macros expanded) back to the search as written.
//!
//! Both work on bytes: every character SPL gives a meaning to here is ASCII,
//! and UTF-8 never uses ASCII bytes inside a multi-byte character, so slicing
//! at those bytes always lands on character boundaries.

use crate::syntax::Span;

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
    strip_comments_mapped(spl).0
}

/// [`strip_comments`], with the map from the result back to `spl` (each
/// space that stands for a comment maps to the whole comment).
pub fn strip_comments_mapped(spl: &str) -> (String, SourceMap) {
    const FENCE: &str = "```";
    let mut out = String::with_capacity(spl.len());
    let mut map = SourceMap::default();
    let mut rest = spl;
    // Where `rest` starts in `spl`.
    let mut at = 0;
    while let Some(open) = rest.find(FENCE) {
        map.copied(out.len(), Span::new(at, at + open));
        out.push_str(&rest[..open]);
        let comment = at + open;
        let after = &rest[open + FENCE.len()..];
        let end = after.find(FENCE).map_or(spl.len(), |close| comment + 2 * FENCE.len() + close);
        map.made(out.len(), Span::new(comment, end));
        out.push(' ');
        rest = spl.get(end..).unwrap_or_default();
        at = end;
    }
    map.copied(out.len(), Span::new(at, spl.len()));
    out.push_str(rest);
    (out, map)
}

/// How a text rewritten from another — comments removed, macros expanded —
/// leads back to it, so that a problem found in the rewritten query is
/// reported where the author wrote it. The rewritten text is a sequence of
/// pieces, each either a copy of a span of the original or made in place of
/// one (the space left by a comment, the body of a macro call); a made piece
/// maps to the whole span it replaced.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SourceMap {
    /// In the order of the rewritten text; the first starts at 0.
    pieces: Vec<Piece>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Piece {
    /// Where the piece starts in the rewritten text.
    at: usize,
    /// The span of the original it copies or replaces.
    from: Span,
    /// A byte-for-byte copy of `from` (else text made in its place).
    copied: bool,
}

impl SourceMap {
    /// The rewritten text at `at` goes on with a copy of `from`.
    pub fn copied(&mut self, at: usize, from: Span) {
        if from.start >= from.end {
            return;
        }
        if let Some(last) = self.pieces.last_mut()
            && last.copied
            && last.from.end == from.start
            && last.at + (last.from.end - last.from.start) == at
        {
            last.from.end = from.end;
            return;
        }
        self.pieces.push(Piece { at, from, copied: true });
    }

    /// The rewritten text at `at` goes on with text made in place of `from`.
    pub fn made(&mut self, at: usize, from: Span) {
        if self.pieces.last().is_some_and(|last| !last.copied && last.from == from) {
            return;
        }
        self.pieces.push(Piece { at, from, copied: false });
    }

    /// The span of the original that a span of the rewritten text comes
    /// from: exact in copied text, the whole replaced span in made text. An
    /// empty map (nothing was rewritten) maps a span to itself.
    pub fn span(&self, span: Span) -> Span {
        if self.pieces.is_empty() {
            return span;
        }
        let start = match self.piece(span.start) {
            Some(piece) if piece.copied => piece.offset(span.start),
            Some(piece) => piece.from.start,
            None => 0,
        };
        let end = match span.end.checked_sub(1).filter(|_| span.end > span.start) {
            // An empty span: a point in copied text, the whole of made text.
            None => match self.piece(span.start) {
                Some(piece) if !piece.copied => piece.from.end,
                _ => start,
            },
            Some(last) => match self.piece(last) {
                Some(piece) if piece.copied => piece.offset(last) + 1,
                Some(piece) => piece.from.end,
                None => start,
            },
        };
        Span::new(start, end.max(start))
    }

    /// The piece that holds `offset` of the rewritten text (the last one
    /// for offsets at or past its end).
    fn piece(&self, offset: usize) -> Option<&Piece> {
        let after = self.pieces.partition_point(|piece| piece.at <= offset);
        self.pieces.get(after.checked_sub(1)?)
    }
}

impl Piece {
    /// The original offset of `offset` of the rewritten text, in a copy.
    fn offset(&self, offset: usize) -> usize {
        (self.from.start + (offset - self.at)).min(self.from.end)
    }
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
    fn stripped_text_maps_back_to_the_search_as_written() {
        let spl = "a=1 ```drop | this``` | stats count ```tail";
        let (stripped, map) = strip_comments_mapped(spl);
        let back = |needle: &str| {
            let at = stripped.find(needle).unwrap();
            map.span(Span::new(at, at + needle.len())).text(spl)
        };
        assert_eq!(back("stats count"), "stats count");
        assert_eq!(back("a=1"), "a=1");
        // The space that stands for a comment is the whole comment.
        assert_eq!(map.span(Span::new(4, 5)).text(spl), "```drop | this```");
        assert_eq!(map.span(Span::at(stripped.len())).text(spl), "```tail");
        // Copied text around a comment: from its start to its end.
        assert_eq!(map.span(Span::new(0, 7)).text(spl), "a=1 ```drop | this``` |");
        assert_eq!(SourceMap::default().span(Span::new(2, 5)), Span::new(2, 5));
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
