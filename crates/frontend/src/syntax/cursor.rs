//! Tokens with their spans, and the cursor every parser walks them with.

use super::error::{ErrorKind, SyntaxError};
use super::span::Span;
use crate::limits::MAX_PARSE_DEPTH;

/// What a grammar's token kinds must say about themselves.
pub trait TokenKind {
    /// How the token is named in error messages (`` `and` ``, `a string`).
    fn describe(&self) -> String;
}

/// One token and the bytes it was read from.
#[derive(Debug, Clone, PartialEq)]
pub struct Token<K> {
    pub kind: K,
    pub span: Span,
}

/// A position in a token list, with the nesting depth of the parse.
#[derive(Debug, Clone)]
pub struct Cursor<'t, K> {
    tokens: &'t [Token<K>],
    pos: usize,
    depth: usize,
    /// The length of the text: errors at the end point there.
    end: usize,
}

impl<'t, K: TokenKind> Cursor<'t, K> {
    pub fn new(tokens: &'t [Token<K>], text_len: usize) -> Self {
        Cursor { tokens, pos: 0, depth: 0, end: text_len }
    }

    pub fn peek(&self) -> Option<&'t Token<K>> {
        self.tokens.get(self.pos)
    }

    pub fn peek_at(&self, ahead: usize) -> Option<&'t Token<K>> {
        self.tokens.get(self.pos.checked_add(ahead)?)
    }

    pub fn peek_kind(&self, ahead: usize) -> Option<&'t K> {
        self.peek_at(ahead).map(|t| &t.kind)
    }

    pub fn at_end(&self) -> bool {
        self.pos >= self.tokens.len()
    }

    /// Takes the next token.
    pub fn advance(&mut self) -> Option<&'t Token<K>> {
        let token = self.tokens.get(self.pos)?;
        self.pos += 1;
        Some(token)
    }

    /// Whether the next token is one the test accepts.
    pub fn at(&self, test: impl Fn(&K) -> bool) -> bool {
        self.peek().is_some_and(|t| test(&t.kind))
    }

    /// Takes the next token if the test accepts it.
    pub fn eat(&mut self, test: impl Fn(&K) -> bool) -> Option<&'t Token<K>> {
        if self.at(test) { self.advance() } else { None }
    }

    /// Takes the next token, which must be one the test accepts.
    pub fn expect(&mut self, test: impl Fn(&K) -> bool, expected: &'static str) -> Result<&'t Token<K>, SyntaxError> {
        self.eat(test).ok_or_else(|| self.unexpected(expected))
    }

    /// The error for finding the next token (or the end) where `expected` belongs.
    pub fn unexpected(&self, expected: &'static str) -> SyntaxError {
        match self.peek() {
            Some(token) => {
                SyntaxError::new(ErrorKind::Unexpected { expected, found: token.kind.describe() }, token.span)
            }
            None => SyntaxError::new(ErrorKind::UnexpectedEnd { expected }, Span::at(self.end)),
        }
    }

    /// The span of the token just taken.
    pub fn last_span(&self) -> Span {
        self.pos.checked_sub(1).and_then(|i| self.tokens.get(i)).map(|t| t.span).unwrap_or_default()
    }

    /// The span of the next token, or the end of the text.
    pub fn next_span(&self) -> Span {
        self.peek().map_or(Span::at(self.end), |t| t.span)
    }

    /// Where the cursor is, to come back to it ([`Cursor::rewind`]).
    pub fn mark(&self) -> usize {
        self.pos
    }

    pub fn rewind(&mut self, mark: usize) {
        self.pos = mark;
    }

    /// The tokens not taken yet.
    pub fn rest(&self) -> &'t [Token<K>] {
        self.tokens.get(self.pos..).unwrap_or(&[])
    }

    /// Skips `count` tokens.
    pub fn skip(&mut self, count: usize) {
        self.pos = self.pos.saturating_add(count).min(self.tokens.len());
    }

    /// One nesting level deeper (a parenthesis, a `not`, a call): every
    /// recursive rule of a grammar goes through here, so no input can
    /// exhaust the stack. Pair with [`Cursor::leave`].
    pub fn enter(&mut self) -> Result<(), SyntaxError> {
        if self.depth >= MAX_PARSE_DEPTH {
            return Err(SyntaxError::new(ErrorKind::TooDeep, self.next_span()));
        }
        self.depth += 1;
        Ok(())
    }

    pub fn leave(&mut self) {
        self.depth = self.depth.saturating_sub(1);
    }
}
