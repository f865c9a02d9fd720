//! Sigma `condition` expressions: lexing and parsing into a small AST.
//!
//! Grammar (Sigma specification, precedence `not` > `and` > `or`):
//! ```text
//! or      := and ("or" and)*
//! and     := unary ("and" unary)*
//! unary   := "not" unary | "(" or ")" | quantifier | identifier
//! quantifier := ("1" | "any" | "all") "of" (pattern | "them")
//! ```
//! A `|` starts a legacy aggregation (`selection | count() by x > 5`) and
//! `near` a legacy temporal operator; both are reported as unsupported.
//! Built with the parsing kit (`crate::syntax`): error spans are byte
//! offsets in the condition.

use std::fmt;

use crate::syntax::{Cursor, ErrorKind, Level, Span, SyntaxError, Token, TokenKind, climb};

/// A parsed condition.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Condition {
    And(Vec<Condition>),
    Or(Vec<Condition>),
    Not(Box<Condition>),
    /// A search identifier by name.
    Identifier(String),
    /// `1 of x*`, `all of x*`, `1 of them`, `all of them`.
    Quantified {
        all: bool,
        target: Target,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// Every search identifier (except those starting with `_`).
    Them,
    /// Identifiers matching a pattern with `*` wildcards.
    Pattern(String),
}

impl Target {
    pub fn matches(&self, identifier: &str) -> bool {
        match self {
            Target::Them => !identifier.starts_with('_'),
            Target::Pattern(pattern) => glob_matches(pattern, identifier),
        }
    }
}

impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Target::Them => f.write_str("them"),
            Target::Pattern(p) => f.write_str(p),
        }
    }
}

/// `*` matches any run; everything else literally. Linear in the lengths of
/// pattern and text: the pieces between `*`s are found leftmost-first, which
/// is enough because a `*` can absorb whatever lies between two pieces (a
/// backtracking matcher is exponential in the number of `*`s).
fn glob_matches(pattern: &str, text: &str) -> bool {
    let mut pieces = pattern.split('*');
    let first = pieces.next().unwrap_or_default();
    let Some(mut rest) = text.strip_prefix(first) else { return false };
    let mut pieces: Vec<&str> = pieces.collect();
    // Without a `*`, the pattern is literal.
    let Some(last) = pieces.pop() else { return rest.is_empty() };
    for piece in pieces {
        match rest.find(piece) {
            Some(at) => rest = &rest[at + piece.len()..],
            None => return false,
        }
    }
    rest.len() >= last.len() && rest.ends_with(last)
}

/// The condition's tokens: words (identifiers, keywords, quantifier
/// counts, patterns) and parentheses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind<'a> {
    Word(&'a str),
    Open,
    Close,
}

impl TokenKind for Kind<'_> {
    fn describe(&self) -> String {
        match self {
            Kind::Word(w) => format!("`{w}`"),
            Kind::Open => "`(`".into(),
            Kind::Close => "`)`".into(),
        }
    }
}

impl Kind<'_> {
    fn is_keyword(&self, keyword: &str) -> bool {
        matches!(self, Kind::Word(w) if w.eq_ignore_ascii_case(keyword))
    }
}

fn lex(text: &str) -> Result<Vec<Token<Kind<'_>>>, SyntaxError> {
    let mut tokens = Vec::new();
    let bytes = text.as_bytes();
    let mut i = 0;
    while let Some(&c) = bytes.get(i) {
        let start = i;
        let kind = match c {
            b' ' | b'\t' | b'\n' | b'\r' => {
                i += 1;
                continue;
            }
            b'(' => Kind::Open,
            b')' => Kind::Close,
            _ if is_word_byte(c) => {
                while bytes.get(i).copied().is_some_and(is_word_byte) {
                    i += 1;
                }
                tokens.push(Token { kind: Kind::Word(&text[start..i]), span: Span::new(start, i) });
                continue;
            }
            _ => {
                let ch = text[i..].chars().next().unwrap_or('?');
                return Err(SyntaxError::new(ErrorKind::Character(ch), Span::new(i, i + ch.len_utf8())));
            }
        };
        i += 1;
        tokens.push(Token { kind, span: Span::new(start, i) });
    }
    Ok(tokens)
}

fn is_word_byte(c: u8) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, b'_' | b'*' | b'-' | b'.') || c >= 0x80
}

/// `or` binds loosest, then `and` (`not` binds tightest, in the operand rule).
fn levels<'a>() -> [Level<Kind<'a>, Condition>; 2] {
    [
        Level { operator: |k| k.is_keyword("or"), implicit: None, combine: Condition::Or },
        Level { operator: |k| k.is_keyword("and"), implicit: None, combine: Condition::And },
    ]
}

/// Parses a condition string. Error spans are byte offsets in `text`.
pub fn parse(text: &str) -> Result<Condition, SyntaxError> {
    // Everything after a pipe is a legacy aggregation with its own grammar
    // (`count(x) by y > 5`); the part before must still be a valid condition.
    if let Some((condition, aggregation)) = text.split_once('|') {
        parse(condition)?;
        let detail = format!(
            "legacy aggregation in the condition (`| {}`): correlation is not part of the rule logic",
            aggregation.trim()
        );
        let at = condition.len();
        return Err(SyntaxError::new(
            ErrorKind::Unsupported { what: "legacy aggregation in condition", detail },
            Span::new(at, text.len()),
        ));
    }
    let tokens = lex(text)?;
    let mut parser = Parser { cursor: Cursor::new(&tokens, text.len()) };
    let condition = parser.or()?;
    match parser.cursor.peek() {
        None => Ok(condition),
        Some(_) => Err(parser.cursor.unexpected("`and`, `or` or the end of the condition")),
    }
}

struct Parser<'t, 'a> {
    cursor: Cursor<'t, Kind<'a>>,
}

impl<'t, 'a> Parser<'t, 'a> {
    fn cursor(&mut self) -> &mut Cursor<'t, Kind<'a>> {
        &mut self.cursor
    }

    fn or(&mut self) -> Result<Condition, SyntaxError> {
        climb(self, &levels(), Self::cursor, &mut Self::unary)
    }

    /// unary := "not" unary | "(" or ")" | quantifier | identifier
    fn unary(&mut self) -> Result<Condition, SyntaxError> {
        self.cursor.enter()?;
        let result = self.unary_inner();
        self.cursor.leave();
        let operand = result?;
        if self.cursor.at(|k| k.is_keyword("near")) {
            return Err(near(self.cursor.next_span()));
        }
        Ok(operand)
    }

    fn unary_inner(&mut self) -> Result<Condition, SyntaxError> {
        const OPERAND: &str = "a search identifier, `not`, `(`, `1 of` or `all of`";
        let Some(token) = self.cursor.peek() else {
            return Err(self.cursor.unexpected(OPERAND));
        };
        match token.kind {
            Kind::Word(w) if w.eq_ignore_ascii_case("not") => {
                self.cursor.advance();
                Ok(Condition::Not(Box::new(self.unary()?)))
            }
            Kind::Open => {
                self.cursor.advance();
                let inner = self.or()?;
                self.cursor.expect(|k| *k == Kind::Close, "`)`")?;
                Ok(inner)
            }
            Kind::Word(w) if self.cursor.peek_kind(1).is_some_and(|k| k.is_keyword("of")) => {
                self.cursor.skip(2);
                self.quantifier(w, token.span)
            }
            Kind::Word(w) if w.eq_ignore_ascii_case("near") => Err(near(token.span)),
            Kind::Word(w) if !is_operator(w) => {
                self.cursor.advance();
                Ok(Condition::Identifier(w.to_owned()))
            }
            _ => Err(self.cursor.unexpected(OPERAND)),
        }
    }

    /// After `<count> of`.
    fn quantifier(&mut self, count: &str, count_span: Span) -> Result<Condition, SyntaxError> {
        let all = match count.to_ascii_lowercase().as_str() {
            "1" | "any" => false,
            "all" => true,
            _ => {
                let detail = format!("`{count} of` is not a Sigma quantifier (only `1 of`, `any of` and `all of` are)");
                return Err(SyntaxError::new(
                    ErrorKind::Unsupported { what: "unsupported quantifier", detail },
                    count_span,
                ));
            }
        };
        let target = match self.cursor.peek().map(|t| t.kind) {
            Some(Kind::Word(w)) if w.eq_ignore_ascii_case("them") => Target::Them,
            Some(Kind::Word(w)) if !is_operator(w) => Target::Pattern(w.to_owned()),
            _ => return Err(self.cursor.unexpected("`them` or a pattern after `of`")),
        };
        self.cursor.advance();
        Ok(Condition::Quantified { all, target })
    }
}

fn near(span: Span) -> SyntaxError {
    let detail = "legacy temporal `near` operator".to_owned();
    SyntaxError::new(ErrorKind::Unsupported { what: "legacy near operator", detail }, span)
}

fn is_operator(word: &str) -> bool {
    ["and", "or", "not", "of"].iter().any(|k| word.eq_ignore_ascii_case(k))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(name: &str) -> Condition {
        Condition::Identifier(name.into())
    }

    fn pattern(all: bool, p: &str) -> Condition {
        Condition::Quantified { all, target: Target::Pattern(p.into()) }
    }

    #[test]
    fn precedence_is_not_and_or() {
        // The two corpus rules that rely on precedence have this shape.
        assert_eq!(
            parse("selection1 or selection2a and selection2b").unwrap(),
            Condition::Or(vec![id("selection1"), Condition::And(vec![id("selection2a"), id("selection2b")])])
        );
        assert_eq!(
            parse("1 of selection_img_* or all of selection_kali_* and not 1 of filter_main_*").unwrap(),
            Condition::Or(vec![
                pattern(false, "selection_img_*"),
                Condition::And(vec![
                    pattern(true, "selection_kali_*"),
                    Condition::Not(Box::new(pattern(false, "filter_main_*"))),
                ]),
            ])
        );
    }

    #[test]
    fn parentheses_and_them() {
        assert_eq!(
            parse("(a or b) and not (c)").unwrap(),
            Condition::And(vec![Condition::Or(vec![id("a"), id("b")]), Condition::Not(Box::new(id("c")))])
        );
        assert_eq!(parse("all of them").unwrap(), Condition::Quantified { all: true, target: Target::Them });
        assert_eq!(parse("any of sel*").unwrap(), pattern(false, "sel*"));
    }

    #[test]
    fn errors_name_the_place() {
        let error = parse("selection and").unwrap_err();
        assert_eq!(error.to_string(), "expected a search identifier, `not`, `(`, `1 of` or `all of`, found the end");
        assert_eq!(error.span, Span::at(13));
        let error = parse("(a or b").unwrap_err();
        assert_eq!((error.to_string().as_str(), error.span), ("expected `)`, found the end", Span::at(7)));
        let error = parse("a b").unwrap_err();
        assert_eq!(
            (error.to_string().as_str(), error.span),
            ("expected `and`, `or` or the end of the condition, found `b`", Span::new(2, 3))
        );
        let error = parse("selection | count(dst_ip) by src_ip > 10").unwrap_err();
        assert!(error.is_unsupported());
        assert_eq!(
            error.to_string(),
            "legacy aggregation in the condition (`| count(dst_ip) by src_ip > 10`): correlation is not part of the rule logic"
        );
        assert!(parse("a near b").unwrap_err().is_unsupported());
        assert_eq!(parse("a near b").unwrap_err().span, Span::new(2, 6));
        assert!(parse("2 of a*").unwrap_err().is_unsupported());
        let error = parse("a = b").unwrap_err();
        assert_eq!((error.kind, error.span), (ErrorKind::Character('='), Span::new(2, 3)));
        assert_eq!(parse(&"(".repeat(200)).unwrap_err().kind, ErrorKind::TooDeep);
    }

    #[test]
    fn targets_match_like_sigma() {
        assert!(Target::Pattern("selection_*".into()).matches("selection_img"));
        assert!(!Target::Pattern("selection_*".into()).matches("filter_img"));
        assert!(Target::Pattern("*_img*".into()).matches("selection_img"));
        assert!(Target::Pattern("s*l*n".into()).matches("selection"));
        assert!(!Target::Pattern("s*l*x".into()).matches("selection"));
        assert!(Target::Pattern("*".into()).matches(""));
        assert!(!Target::Pattern("ab*ba".into()).matches("aba"));
        assert!(Target::Them.matches("selection"));
        assert!(!Target::Them.matches("_hidden"));
    }

    #[test]
    fn many_stars_match_in_linear_time() {
        // A backtracking matcher needs minutes for this (issue #10).
        let pattern = format!("{}b", "a*".repeat(40));
        assert!(!Target::Pattern(pattern).matches(&"a".repeat(200)));
    }
}
