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

use std::fmt;

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

/// Why a condition could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConditionError {
    /// `selection and` (an operand is missing).
    #[error("expected a search identifier, `not`, `(` or `1 of`/`all of` at column {column}, found {found}")]
    ExpectedOperand { column: usize, found: String },
    /// `(selection and filter` (unbalanced parenthesis).
    #[error("expected `)` at column {column}, found {found}")]
    ExpectedClose { column: usize, found: String },
    /// `selection filter` (two operands without an operator).
    #[error("unexpected {found} at column {column}: expected `and`, `or` or the end")]
    Trailing { column: usize, found: String },
    /// `1 of` without `them` or a pattern.
    #[error("expected `them` or a pattern after `of` at column {column}")]
    ExpectedTarget { column: usize },
    /// `2 of selection*`: only `1`/`any` and `all` are defined.
    #[error("`{count} of` is not a Sigma quantifier (only `1 of`, `any of` and `all of` are)")]
    Quantifier { count: String },
    /// `selection | count() by host > 5`.
    #[error("legacy aggregation in the condition (`| {0}`): correlation is not part of the rule logic")]
    Aggregation(String),
    /// `a near b`.
    #[error("legacy temporal `near` operator")]
    Near,
    /// A character that cannot start a token, such as `=`.
    #[error("unexpected character `{ch}` at column {column}")]
    Character { column: usize, ch: char },
    /// More than 64 nested parentheses or `not`s.
    #[error("condition nested too deeply")]
    TooDeep,
}

impl ConditionError {
    /// Whether the condition uses a form Rule Atlas knowingly does not read,
    /// rather than being malformed.
    pub fn is_unsupported(&self) -> bool {
        matches!(self, ConditionError::Aggregation(_) | ConditionError::Near | ConditionError::Quantifier { .. })
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Token<'a> {
    Word(&'a str),
    Open,
    Close,
    End,
}

impl Token<'_> {
    fn describe(&self) -> String {
        match self {
            Token::Word(w) => format!("`{w}`"),
            Token::Open => "`(`".into(),
            Token::Close => "`)`".into(),
            Token::End => "the end of the condition".into(),
        }
    }
}

/// Tokens with their 1-based columns.
fn lex(text: &str) -> Result<Vec<(Token<'_>, usize)>, ConditionError> {
    let mut tokens = Vec::new();
    let bytes = text.as_bytes();
    let mut i = 0;
    // Columns count characters; keep the count as the scan goes (counting
    // from the start for every token is quadratic).
    let (mut column, mut counted) = (1, 0);
    while i < bytes.len() {
        let c = bytes[i];
        column += text[counted..i].chars().count();
        counted = i;
        match c {
            b' ' | b'\t' | b'\n' | b'\r' => i += 1,
            b'(' => {
                tokens.push((Token::Open, column));
                i += 1;
            }
            b')' => {
                tokens.push((Token::Close, column));
                i += 1;
            }
            _ if is_word_byte(c) => {
                let start = i;
                while i < bytes.len() && is_word_byte(bytes[i]) {
                    i += 1;
                }
                tokens.push((Token::Word(&text[start..i]), column));
            }
            _ => {
                let ch = text[i..].chars().next().unwrap_or('?');
                return Err(ConditionError::Character { column, ch });
            }
        }
    }
    tokens.push((Token::End, column + text[counted..].chars().count()));
    Ok(tokens)
}

fn is_word_byte(c: u8) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, b'_' | b'*' | b'-' | b'.') || c >= 0x80
}

use crate::limits::MAX_PARSE_DEPTH as MAX_DEPTH;

/// Parses a condition string.
pub fn parse(text: &str) -> Result<Condition, ConditionError> {
    // Everything after a pipe is a legacy aggregation with its own grammar
    // (`count(x) by y > 5`); the part before must still be a valid condition.
    if let Some((condition, aggregation)) = text.split_once('|') {
        parse(condition)?;
        return Err(ConditionError::Aggregation(aggregation.trim().to_owned()));
    }
    let tokens = lex(text)?;
    let mut parser = Parser { tokens, pos: 0, depth: 0 };
    let condition = parser.or()?;
    match parser.peek() {
        Token::End => Ok(condition),
        other => Err(ConditionError::Trailing { column: parser.column(), found: other.describe() }),
    }
}

struct Parser<'a> {
    tokens: Vec<(Token<'a>, usize)>,
    pos: usize,
    depth: usize,
}

impl<'a> Parser<'a> {
    fn peek(&self) -> &Token<'a> {
        self.tokens.get(self.pos).map_or(&Token::End, |(t, _)| t)
    }

    fn column(&self) -> usize {
        self.tokens.get(self.pos).map_or(0, |(_, c)| *c)
    }

    fn advance(&mut self) -> Token<'a> {
        let token = self.peek().clone();
        self.pos += 1;
        token
    }

    fn is_keyword(&self, keyword: &str) -> bool {
        matches!(self.peek(), Token::Word(w) if w.eq_ignore_ascii_case(keyword))
    }

    fn or(&mut self) -> Result<Condition, ConditionError> {
        let mut operands = vec![self.and()?];
        while self.is_keyword("or") {
            self.advance();
            operands.push(self.and()?);
        }
        Ok(if operands.len() == 1 { operands.remove(0) } else { Condition::Or(operands) })
    }

    fn and(&mut self) -> Result<Condition, ConditionError> {
        let mut operands = vec![self.unary()?];
        if self.is_keyword("near") {
            return Err(ConditionError::Near);
        }
        while self.is_keyword("and") {
            self.advance();
            operands.push(self.unary()?);
        }
        Ok(if operands.len() == 1 { operands.remove(0) } else { Condition::And(operands) })
    }

    fn unary(&mut self) -> Result<Condition, ConditionError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(ConditionError::TooDeep);
        }
        let result = self.unary_inner();
        self.depth -= 1;
        result
    }

    fn unary_inner(&mut self) -> Result<Condition, ConditionError> {
        let column = self.column();
        match self.advance() {
            Token::Word(w) if w.eq_ignore_ascii_case("not") => Ok(Condition::Not(Box::new(self.unary()?))),
            Token::Open => {
                let inner = self.or()?;
                match self.advance() {
                    Token::Close => Ok(inner),
                    other => {
                        Err(ConditionError::ExpectedClose { column: self.column_before(), found: other.describe() })
                    }
                }
            }
            Token::Word(w) if self.is_keyword("of") => self.quantifier(w),
            Token::Word(w) if w.eq_ignore_ascii_case("near") => Err(ConditionError::Near),
            Token::Word(w) if is_operator(w) => {
                Err(ConditionError::ExpectedOperand { column, found: Token::Word(w).describe() })
            }
            Token::Word(w) => Ok(Condition::Identifier(w.to_owned())),
            other => Err(ConditionError::ExpectedOperand { column, found: other.describe() }),
        }
    }

    fn column_before(&self) -> usize {
        self.tokens.get(self.pos.saturating_sub(1)).map_or(0, |(_, c)| *c)
    }

    fn quantifier(&mut self, count: &str) -> Result<Condition, ConditionError> {
        self.advance(); // `of`
        let all = match count.to_ascii_lowercase().as_str() {
            "1" | "any" => false,
            "all" => true,
            _ => return Err(ConditionError::Quantifier { count: count.to_owned() }),
        };
        let column = self.column();
        let target = match self.advance() {
            Token::Word(w) if w.eq_ignore_ascii_case("them") => Target::Them,
            Token::Word(w) if !is_operator(w) => Target::Pattern(w.to_owned()),
            _ => return Err(ConditionError::ExpectedTarget { column }),
        };
        Ok(Condition::Quantified { all, target })
    }
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
        assert_eq!(
            parse("selection and").unwrap_err(),
            ConditionError::ExpectedOperand { column: 14, found: "the end of the condition".into() }
        );
        assert!(matches!(parse("(a or b").unwrap_err(), ConditionError::ExpectedClose { .. }));
        assert!(matches!(parse("a b").unwrap_err(), ConditionError::Trailing { column: 3, .. }));
        assert_eq!(
            parse("selection | count(dst_ip) by src_ip > 10").unwrap_err(),
            ConditionError::Aggregation("count(dst_ip) by src_ip > 10".into())
        );
        assert!(parse("a near b").unwrap_err().is_unsupported());
        assert!(parse("2 of a*").unwrap_err().is_unsupported());
        assert!(matches!(parse("a = b").unwrap_err(), ConditionError::Character { ch: '=', .. }));
        assert_eq!(parse(&"(".repeat(100)).unwrap_err(), ConditionError::TooDeep);
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
