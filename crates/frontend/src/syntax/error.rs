//! The one shape of a syntax error in every grammar: what went wrong, and the
//! span of the text it is about.

use std::fmt;

use super::span::Span;
use crate::limits::MAX_PARSE_DEPTH;

/// A query, condition or search that could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxError {
    pub kind: ErrorKind,
    /// Where, in the text that was parsed.
    pub span: Span,
}

/// What went wrong. Each variant names an input that gives it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ErrorKind {
    /// `a and or b`: expected an operand, found `or`.
    Unexpected { expected: &'static str, found: String },
    /// `a and`: the text ends where an operand belongs.
    UnexpectedEnd { expected: &'static str },
    /// `((((…` nested deeper than [`MAX_PARSE_DEPTH`].
    TooDeep,
    /// `"abc` (a string, name, comment or expression without its end).
    Unterminated(&'static str),
    /// `#` where no token starts with it.
    Character(char),
    /// A form the front end knowingly does not read: Sigma's `near`, a
    /// legacy aggregation, Lucene's `[a TO b]`. `what` is a short, stable
    /// name for counting; `detail` the sentence shown.
    Unsupported { what: &'static str, detail: String },
}

impl SyntaxError {
    pub fn new(kind: ErrorKind, span: Span) -> Self {
        SyntaxError { kind, span }
    }

    /// The error moved by `offset` bytes (from a part of a text to the whole).
    pub fn shifted(mut self, offset: usize) -> Self {
        self.span = self.span.shifted(offset);
        self
    }

    /// Whether the text uses a form that is knowingly not read, rather than
    /// being malformed.
    pub fn is_unsupported(&self) -> bool {
        matches!(self.kind, ErrorKind::Unsupported { .. })
    }
}

impl fmt::Display for SyntaxError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.kind {
            ErrorKind::Unexpected { expected, found } => write!(f, "expected {expected}, found {found}"),
            ErrorKind::UnexpectedEnd { expected } => write!(f, "expected {expected}, found the end"),
            ErrorKind::TooDeep => write!(f, "nested deeper than {MAX_PARSE_DEPTH} levels"),
            ErrorKind::Unterminated(what) => write!(f, "unterminated {what}"),
            ErrorKind::Character(c) => write!(f, "unexpected character `{c}`"),
            ErrorKind::Unsupported { detail, .. } => f.write_str(detail),
        }
    }
}

impl std::error::Error for SyntaxError {}
