//! How a value reads and how it is copied.
//!
//! The catalog writes patterns in one escaped spelling (`*\Temp\\*`: a
//! backslash before a wildcard or a backslash is doubled), which is exact
//! but not how people read a pattern. A value is shown as [`Piece`]s — runs
//! of literal text, and wildcards the app draws apart — so `*\Temp\\*` reads
//! `*\Temp\*` with its two `*` marked as wildcards; and it is copied in the
//! spelling a Sigma rule takes ([`sigma`]), which for patterns is the
//! catalog's own convention: pasting `*\Temp\\*` into a Sigma rule means
//! what the rule meant. A literal value (`eq`) is copied escaped the same
//! way (`a*b` → `a\*b`), since Sigma reads `*` and `?` in any value as
//! wildcards; regular expressions, CIDR blocks, numbers, field references
//! and raw conditions are copied as they are.

use crate::predicate::Op;
use crate::wildcard::{self, CATALOG, Token};

/// A piece of a value as it reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Piece {
    /// Literal text, backslashes as the rule wrote them.
    Text(String),
    /// `*`: any run of characters.
    AnyRun,
    /// `?`: one character.
    AnyOne,
}

/// Whether the operator's value is a pattern in the catalog convention.
fn is_pattern(op: Op) -> bool {
    matches!(op, Op::Wildcard | Op::Match)
}

/// The value as tokens: a pattern decoded, any other value literal.
fn tokens(op: Op, value: &str) -> Vec<Token> {
    if is_pattern(op) { wildcard::decode(value) } else { wildcard::literal_tokens(value) }
}

/// The value as it reads: literal runs and wildcards.
pub fn pieces(op: Op, value: &str) -> Vec<Piece> {
    let mut out: Vec<Piece> = Vec::new();
    for token in tokens(op, value) {
        match (token, out.last_mut()) {
            (Token::Literal(c), Some(Piece::Text(text))) => text.push(c),
            (Token::Literal(c), _) => out.push(Piece::Text(c.to_string())),
            (Token::AnyRun, _) => out.push(Piece::AnyRun),
            (Token::AnyOne, _) => out.push(Piece::AnyOne),
        }
    }
    out
}

/// The value as it reads, as text: wildcards as `*` and `?`, nothing
/// escaped. Each character stands for one token, which [`sigma_between`]
/// relies on.
pub fn readable(op: Op, value: &str) -> String {
    wildcard::plain(&tokens(op, value))
}

/// The value as a Sigma rule writes it.
pub fn sigma(op: Op, value: &str) -> String {
    sigma_between(op, value, 0, usize::MAX)
}

/// The Sigma spelling of the part of the value between two character
/// offsets of its [`readable`] text: what a copy of part of it gives.
pub fn sigma_between(op: Op, value: &str, start: usize, end: usize) -> String {
    let tokens = tokens(op, value);
    let part = tokens.get(start.min(tokens.len())..end.min(tokens.len())).unwrap_or_default();
    match op {
        Op::Wildcard | Op::Match | Op::Eq => wildcard::write(part, &CATALOG),
        _ => wildcard::plain(part),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(s: &str) -> Piece {
        Piece::Text(s.to_owned())
    }

    #[test]
    fn patterns_read_with_their_wildcards_apart() {
        // The catalog spells "anything, \appdata\, anything" `*\appdata\\*`.
        assert_eq!(pieces(Op::Wildcard, r"*\appdata\\*"), [Piece::AnyRun, text(r"\appdata\"), Piece::AnyRun]);
        assert_eq!(readable(Op::Wildcard, r"*\appdata\\*"), r"*\appdata\*");
        assert_eq!(pieces(Op::Wildcard, r"*\DavWWWRoot\\*"), [Piece::AnyRun, text(r"\DavWWWRoot\"), Piece::AnyRun]);
        // A literal `*` or `?` is text, not a wildcard.
        assert_eq!(pieces(Op::Wildcard, r"a\*b?"), [text("a*b"), Piece::AnyOne]);
        assert_eq!(pieces(Op::Wildcard, r"C:\Windows\System32\\*"), [text(r"C:\Windows\System32\"), Piece::AnyRun]);
        // `\*` is an escaped star: `System32*` literally.
        assert_eq!(pieces(Op::Wildcard, r"C:\Windows\System32\*"), [text(r"C:\Windows\System32*")]);
        assert_eq!(pieces(Op::Wildcard, r"\\\server\\*"), [text(r"\\server\"), Piece::AnyRun]);
        assert!(pieces(Op::Wildcard, "").is_empty());
    }

    #[test]
    fn other_values_are_text() {
        assert_eq!(pieces(Op::Eq, "a*b?"), [text("a*b?")]);
        assert_eq!(pieces(Op::RegexMatch, r".*\\temp\\.*"), [text(r".*\\temp\\.*")]);
        assert_eq!(readable(Op::Cidr, "10.0.0.0/8"), "10.0.0.0/8");
    }

    #[test]
    fn copied_as_a_sigma_rule_writes_it() {
        assert_eq!(sigma(Op::Wildcard, r"*\appdata\\*"), r"*\appdata\\*");
        // Two spellings of one pattern copy as one.
        assert_eq!(sigma(Op::Wildcard, r"C:\\Windows\\*"), r"C:\Windows\\*");
        // A literal value: Sigma would read its `*` as a wildcard.
        assert_eq!(sigma(Op::Eq, "what*?"), r"what\*\?");
        assert_eq!(sigma(Op::Eq, r"C:\Windows\"), r"C:\Windows\");
        assert_eq!(sigma(Op::Eq, r"\\server\share"), r"\\\server\share");
        assert_eq!(sigma(Op::RegexMatch, r"\d+\.exe$"), r"\d+\.exe$");
        assert_eq!(sigma(Op::Fieldref, "ParentImage"), "ParentImage");
    }

    #[test]
    fn part_of_a_value_copies_as_its_part() {
        // `*\Temp\*` as it reads: characters 1..7 are `\Temp\`, literal.
        assert_eq!(sigma_between(Op::Wildcard, r"*\Temp\\*", 1, 7), r"\Temp\");
        // With the wildcard after it, the backslash before it is doubled.
        assert_eq!(sigma_between(Op::Wildcard, r"*\Temp\\*", 1, 8), r"\Temp\\*");
        assert_eq!(sigma_between(Op::Wildcard, r"*\Temp\\*", 0, 99), r"*\Temp\\*");
        assert_eq!(sigma_between(Op::Wildcard, r"*\Temp\\*", 9, 12), "");
        assert_eq!(sigma_between(Op::Eq, "a*b", 1, 2), r"\*");
    }
}
