//! The parsing kit every grammar of the front ends is built with: byte
//! [`Span`]s, tokens and a [`Cursor`] over them (with the depth guard), one
//! precedence climber driven by an operator table ([`climb`]), one error shape
//! ([`SyntaxError`]), and the way from a span in a query back to a line and
//! column of its file ([`LineIndex`], [`Embedded`]).
//!
//! The five grammars (Sigma conditions, KQL and Lucene, EQL and ES|QL, SPL
//! search, SPL eval/where) each keep their own lexer and token kinds; what
//! they share is here.

mod climb;
mod cursor;
mod error;
mod span;

pub use climb::{Level, climb};
pub use cursor::{Cursor, Token, TokenKind};
pub use error::{ErrorKind, SyntaxError};
pub use span::{Embedded, LineIndex, Position, Span};
