//! Byte spans, and the way from a span back to a line and column of a file.

use std::fmt;

/// A byte range of a text (a query, a condition, a file).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

impl Span {
    pub fn new(start: usize, end: usize) -> Self {
        Span { start, end }
    }

    /// An empty span at one offset (the end of a text, an insertion point).
    pub fn at(offset: usize) -> Self {
        Span { start: offset, end: offset }
    }

    /// The smallest span covering both.
    pub fn to(self, other: Span) -> Span {
        Span { start: self.start.min(other.start), end: self.end.max(other.end) }
    }

    /// The text of the span, or "" when it does not fit the text.
    pub fn text(self, source: &str) -> &str {
        source.get(self.start..self.end).unwrap_or("")
    }

    /// The span moved by `offset` bytes (from a part of a text to the whole).
    pub fn shifted(self, offset: usize) -> Span {
        Span { start: self.start.saturating_add(offset), end: self.end.saturating_add(offset) }
    }
}

/// A 1-based line and column (columns count characters).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Position {
    pub line: u32,
    pub column: u32,
}

impl fmt::Display for Position {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.line, self.column)
    }
}

/// Where each line of a text starts, to turn byte offsets into positions.
#[derive(Debug, Clone)]
pub struct LineIndex<'a> {
    text: &'a str,
    starts: Vec<usize>,
}

impl<'a> LineIndex<'a> {
    pub fn new(text: &'a str) -> Self {
        let starts = std::iter::once(0).chain(text.match_indices('\n').map(|(i, _)| i + 1)).collect();
        LineIndex { text, starts }
    }

    /// The position of a byte offset (clamped to the text).
    pub fn position(&self, offset: usize) -> Position {
        let offset = offset.min(self.text.len());
        let line = self.starts.partition_point(|&start| start <= offset).max(1);
        let start = self.starts.get(line - 1).copied().unwrap_or(0);
        // Count characters up to the offset, stopping inside a character.
        let column =
            self.text.get(start..).unwrap_or("").char_indices().take_while(|(i, _)| start + i < offset).count();
        Position {
            line: u32::try_from(line).unwrap_or(u32::MAX),
            column: u32::try_from(column + 1).unwrap_or(u32::MAX),
        }
    }

    /// The byte offset of a position (the end of the text if past it).
    pub fn offset(&self, position: Position) -> usize {
        let Some(&start) =
            usize::try_from(position.line).ok().and_then(|l| l.checked_sub(1)).and_then(|l| self.starts.get(l))
        else {
            return self.text.len();
        };
        let column = usize::try_from(position.column).unwrap_or(usize::MAX).saturating_sub(1);
        self.text.get(start..).unwrap_or("").char_indices().nth(column).map_or(self.text.len(), |(i, _)| start + i)
    }
}

/// A text decoded from a region of a file — a YAML or TOML string with its
/// quotes, escapes, indentation and line folding — and the way back from an
/// offset in the text to one in the file.
///
/// The decoded text is aligned to the raw region character by character:
/// equal characters advance both, anything else advances the raw side (a
/// quote doubled, an escape, indentation, a folded line break). That is exact
/// for the text that is the same in both, which is all a diagnostic points at.
#[derive(Debug, Clone, Copy)]
pub struct Embedded<'a> {
    /// The raw region of the file the text was decoded from.
    pub raw: &'a str,
    /// Where the region starts in the file.
    pub start: usize,
}

impl Embedded<'_> {
    /// The file offset of a byte offset in the decoded text.
    pub fn file_offset(&self, decoded: &str, offset: usize) -> usize {
        let mut raw = self.raw.char_indices().peekable();
        for (i, wanted) in decoded.char_indices() {
            if i >= offset {
                break;
            }
            // Skip raw characters that the decoding dropped or replaced.
            while raw.next_if(|&(_, c)| c != wanted).is_some() {}
            raw.next();
        }
        // At the next character of the text: skip what the decoding dropped
        // before it, so the offset points at the character itself.
        if let Some(next) = decoded.get(offset..).and_then(|rest| rest.chars().next()) {
            let mut ahead = raw.clone();
            while ahead.next_if(|&(_, c)| c != next).is_some() {}
            if ahead.peek().is_some() {
                raw = ahead;
            }
        }
        self.start + raw.peek().map_or(self.raw.len(), |&(i, _)| i)
    }

    /// The file span of a span of the decoded text.
    pub fn file_span(&self, decoded: &str, span: Span) -> Span {
        let start = self.file_offset(decoded, span.start);
        let end = self.file_offset(decoded, span.end).max(start);
        Span::new(start, end)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_become_lines_and_columns() {
        let text = "title: x\ndetection:\n  sel: é and\n";
        let index = LineIndex::new(text);
        assert_eq!(index.position(0), Position { line: 1, column: 1 });
        assert_eq!(index.position(9), Position { line: 2, column: 1 });
        let and = text.find("and").unwrap();
        assert_eq!(index.position(and), Position { line: 3, column: 10 });
        assert_eq!(index.offset(Position { line: 3, column: 10 }), and);
        assert_eq!(index.position(text.len()), Position { line: 4, column: 1 });
    }

    #[test]
    fn decoded_text_points_back_into_its_file() {
        // A single-quoted YAML scalar folded over two lines, with a doubled quote.
        let file = "search: 'index=main ''a b''\n  | where x > 1'\n";
        let raw_start = file.find('\'').unwrap();
        let raw = &file[raw_start..file.len() - 1];
        let decoded = "index=main 'a b' | where x > 1";
        let embedded = Embedded { raw, start: raw_start };
        let at = |needle: &str| embedded.file_offset(decoded, decoded.find(needle).unwrap());
        assert_eq!(&file[at("index")..at("index") + 5], "index");
        assert_eq!(&file[at("b'")..at("b'") + 1], "b");
        assert_eq!(&file[at("where")..at("where") + 5], "where");
        assert_eq!(LineIndex::new(file).position(at("where")), Position { line: 2, column: 5 });
    }
}
