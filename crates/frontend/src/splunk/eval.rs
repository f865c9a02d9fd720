//! The eval-expression language of `| where` and `| eval`: a lexer with
//! spans and a precedence-climbing parser with the usual order (NOT, then
//! AND, then OR — unlike the search language), comparisons, `LIKE`, `IN`,
//! arithmetic, concatenation and function calls.

use std::ops::Range;

pub type Span = Range<usize>;

/// Nesting deeper than this is refused.
use crate::limits::MAX_PARSE_DEPTH as MAX_DEPTH;
/// Longest chain of binary operators at one level (`a AND b AND …`): the
/// tree grows one level per operator, and walking it recurses.
const MAX_CHAIN: usize = 500;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BinOp {
    Or,
    Xor,
    And,
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    Like,
    Concat,
    Add,
    Sub,
    Mul,
    Div,
    Mod,
}

impl BinOp {
    /// Binding power: higher binds tighter.
    fn precedence(self) -> u8 {
        match self {
            BinOp::Or | BinOp::Xor => 1,
            BinOp::And => 2,
            BinOp::Eq | BinOp::Ne | BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge | BinOp::Like => 4,
            BinOp::Concat | BinOp::Add | BinOp::Sub => 5,
            BinOp::Mul | BinOp::Div | BinOp::Mod => 6,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum EvalKind {
    /// A field, bare or in single quotes.
    Field(String),
    /// A double-quoted string, escapes resolved.
    Str(String),
    /// A number as written.
    Num(String),
    Bool(bool),
    /// A function call; the name lower-cased.
    Call(String, Vec<Eval>),
    Not(Box<Eval>),
    Neg(Box<Eval>),
    Binary(BinOp, Box<Eval>, Box<Eval>),
    /// `x IN (a, b)`
    In(Box<Eval>, Vec<Eval>),
}

/// An eval expression and the text it was read from.
#[derive(Debug, Clone, PartialEq)]
pub struct Eval {
    pub kind: EvalKind,
    pub span: Span,
}

/// Why an eval expression could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EvalError {
    /// `x = "abc` (the quote never closes).
    #[error("unterminated string at byte {0}")]
    UnterminatedString(usize),
    /// `x # 1`: a character that starts no token.
    #[error("unexpected character `{1}` at byte {0}")]
    UnexpectedChar(usize, char),
    /// `x = )` or `(x > 1` at the end: a token where it cannot be.
    #[error("unexpected {1} at byte {0}")]
    Unexpected(usize, &'static str),
    /// Parentheses or operators nested more than 100 deep.
    #[error("expression nested too deeply")]
    RecursionLimitExceeded,
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Ident(String),
    QuotedField(String),
    Str(String),
    Num(String),
    LParen,
    RParen,
    Comma,
    Bang,
    Op(BinOp),
    /// `=` where an assignment is possible (`eval x=…`); a comparison otherwise.
    Assign,
}

impl Tok {
    fn describe(&self) -> &'static str {
        match self {
            Tok::Ident(_) | Tok::QuotedField(_) => "field",
            Tok::Str(_) => "string",
            Tok::Num(_) => "number",
            Tok::LParen => "`(`",
            Tok::RParen => "`)`",
            Tok::Comma => "`,`",
            Tok::Bang => "`!`",
            Tok::Op(_) | Tok::Assign => "operator",
        }
    }
}

/// Parses a whole boolean or value expression (`| where …`).
pub fn parse(src: &str) -> Result<Eval, EvalError> {
    let mut parser = Parser::new(src)?;
    let expr = parser.expr(0)?;
    parser.expect_end()?;
    Ok(expr)
}

/// Parses `name=expr, name=expr …` (`| eval …`).
pub fn parse_assignments(src: &str) -> Result<Vec<(String, Eval)>, EvalError> {
    let mut parser = Parser::new(src)?;
    let mut out = Vec::new();
    loop {
        let (name, at) = match parser.next() {
            Some((Tok::Ident(name) | Tok::QuotedField(name) | Tok::Str(name), span)) => (name, span.start),
            Some((tok, span)) => return Err(EvalError::Unexpected(span.start, tok.describe())),
            None => return Err(EvalError::Unexpected(src.len(), "end")),
        };
        match parser.next() {
            Some((Tok::Assign, _)) => {}
            _ => return Err(EvalError::Unexpected(at, "assignment without `=`")),
        }
        out.push((name, parser.expr(0)?));
        match parser.next() {
            Some((Tok::Comma, _)) => continue,
            None => return Ok(out),
            Some((tok, span)) => return Err(EvalError::Unexpected(span.start, tok.describe())),
        }
    }
}

struct Parser {
    tokens: Vec<(Tok, Span)>,
    pos: usize,
    depth: usize,
    end: usize,
}

impl Parser {
    fn new(src: &str) -> Result<Self, EvalError> {
        Ok(Parser { tokens: lex(src)?, pos: 0, depth: 0, end: src.len() })
    }

    fn peek(&self) -> Option<&Tok> {
        self.tokens.get(self.pos).map(|(t, _)| t)
    }

    fn next(&mut self) -> Option<(Tok, Span)> {
        let item = self.tokens.get(self.pos).cloned();
        self.pos += 1;
        item
    }

    fn here(&self) -> usize {
        self.tokens.get(self.pos).map_or(self.end, |(_, s)| s.start)
    }

    fn expect_end(&self) -> Result<(), EvalError> {
        match self.tokens.get(self.pos) {
            None => Ok(()),
            Some((tok, span)) => Err(EvalError::Unexpected(span.start, tok.describe())),
        }
    }

    fn enter(&mut self) -> Result<(), EvalError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH { Err(EvalError::RecursionLimitExceeded) } else { Ok(()) }
    }

    /// Precedence climbing over binary operators of at least `min` power.
    fn expr(&mut self, min: u8) -> Result<Eval, EvalError> {
        self.enter()?;
        let mut left = self.unary()?;
        let mut chain = 0;
        while let Some(op) = self.binary_op() {
            let power = op.precedence();
            if power < min {
                break;
            }
            chain += 1;
            if chain > MAX_CHAIN {
                return Err(EvalError::RecursionLimitExceeded);
            }
            self.pos += 1;
            left = if op == BinOp::Eq && self.is_in_keyword() {
                self.in_list(left)?
            } else {
                let right = self.expr(power + 1)?;
                let span = left.span.start..right.span.end;
                Eval { kind: EvalKind::Binary(op, Box::new(left), Box::new(right)), span }
            };
        }
        self.depth -= 1;
        Ok(left)
    }

    /// The binary operator at the cursor; `IN` is read as a pseudo `=` so it
    /// gets comparison precedence.
    fn binary_op(&self) -> Option<BinOp> {
        match self.peek()? {
            Tok::Op(op) => Some(*op),
            Tok::Assign => Some(BinOp::Eq),
            Tok::Ident(word) => match word.to_ascii_uppercase().as_str() {
                "AND" => Some(BinOp::And),
                "OR" => Some(BinOp::Or),
                "XOR" => Some(BinOp::Xor),
                "LIKE" => Some(BinOp::Like),
                "IN" => Some(BinOp::Eq),
                _ => None,
            },
            _ => None,
        }
    }

    /// Whether the operator just consumed was the `IN` keyword.
    fn is_in_keyword(&self) -> bool {
        matches!(self.tokens.get(self.pos - 1), Some((Tok::Ident(w), _)) if w.eq_ignore_ascii_case("in"))
    }

    fn in_list(&mut self, left: Eval) -> Result<Eval, EvalError> {
        let at = self.here();
        match self.next() {
            Some((Tok::LParen, _)) => {}
            _ => return Err(EvalError::Unexpected(at, "IN without `(`")),
        }
        let (items, end) = self.arguments()?;
        let span = left.span.start..end;
        Ok(Eval { kind: EvalKind::In(Box::new(left), items), span })
    }

    fn unary(&mut self) -> Result<Eval, EvalError> {
        let start = self.here();
        let negation = match self.peek() {
            Some(Tok::Bang) => true,
            Some(Tok::Ident(word)) => word.eq_ignore_ascii_case("NOT"),
            _ => false,
        };
        if negation {
            self.pos += 1;
            // NOT binds looser than comparisons: `NOT a=1` is `NOT (a=1)`.
            let inner = self.expr(3)?;
            let span = start..inner.span.end;
            return Ok(Eval { kind: EvalKind::Not(Box::new(inner)), span });
        }
        if self.peek() == Some(&Tok::Op(BinOp::Sub)) {
            self.pos += 1;
            let inner = self.expr(7)?;
            let span = start..inner.span.end;
            return Ok(Eval { kind: EvalKind::Neg(Box::new(inner)), span });
        }
        self.primary()
    }

    fn primary(&mut self) -> Result<Eval, EvalError> {
        let at = self.here();
        let Some((tok, span)) = self.next() else {
            return Err(EvalError::Unexpected(at, "end of expression"));
        };
        let kind = match tok {
            Tok::Str(text) => EvalKind::Str(text),
            Tok::Num(text) => EvalKind::Num(text),
            Tok::QuotedField(name) => EvalKind::Field(name),
            Tok::Ident(name) if self.peek() == Some(&Tok::LParen) => {
                self.pos += 1;
                let (args, end) = self.arguments()?;
                return Ok(Eval { kind: EvalKind::Call(name.to_ascii_lowercase(), args), span: span.start..end });
            }
            Tok::Ident(name) if name.eq_ignore_ascii_case("true") => EvalKind::Bool(true),
            Tok::Ident(name) if name.eq_ignore_ascii_case("false") => EvalKind::Bool(false),
            Tok::Ident(name) => EvalKind::Field(name),
            Tok::LParen => {
                let inner = self.expr(0)?;
                let end = self.close_paren()?;
                return Ok(Eval { kind: inner.kind, span: span.start..end });
            }
            other => return Err(EvalError::Unexpected(span.start, other.describe())),
        };
        Ok(Eval { kind, span })
    }

    /// Comma-separated expressions up to the closing `)`, and where it ends.
    fn arguments(&mut self) -> Result<(Vec<Eval>, usize), EvalError> {
        let mut args = Vec::new();
        if self.peek() == Some(&Tok::RParen) {
            return Ok((args, self.close_paren()?));
        }
        loop {
            args.push(self.expr(0)?);
            match self.peek() {
                Some(Tok::Comma) => self.pos += 1,
                _ => return Ok((args, self.close_paren()?)),
            }
        }
    }

    fn close_paren(&mut self) -> Result<usize, EvalError> {
        let at = self.here();
        match self.next() {
            Some((Tok::RParen, span)) => Ok(span.end),
            Some((tok, _)) => Err(EvalError::Unexpected(at, tok.describe())),
            None => Err(EvalError::Unexpected(at, "end before `)`")),
        }
    }
}

fn lex(src: &str) -> Result<Vec<(Tok, Span)>, EvalError> {
    let bytes = src.as_bytes();
    let mut tokens = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let start = i;
        let b = bytes[i];
        let (tok, end) = match b {
            _ if b.is_ascii_whitespace() => {
                i += 1;
                continue;
            }
            b'"' => quoted(src, i, b'"').map(|(text, end)| (Tok::Str(text), end))?,
            b'\'' => quoted(src, i, b'\'').map(|(text, end)| (Tok::QuotedField(text), end))?,
            b'(' => (Tok::LParen, i + 1),
            b')' => (Tok::RParen, i + 1),
            b',' => (Tok::Comma, i + 1),
            b'0'..=b'9' => {
                let end = run(bytes, i, |c| c.is_ascii_alphanumeric() || c == b'.' || c == b'_');
                (Tok::Num(src[i..end].to_owned()), end)
            }
            _ if is_ident_start(b) => {
                let end = ident_end(bytes, i);
                (Tok::Ident(src[i..end].to_owned()), end)
            }
            _ => operator(bytes, i)
                .ok_or_else(|| EvalError::UnexpectedChar(i, src[i..].chars().next().unwrap_or('?')))?,
        };
        tokens.push((tok, start..end));
        i = end;
    }
    Ok(tokens)
}

fn operator(bytes: &[u8], i: usize) -> Option<(Tok, usize)> {
    let next = bytes.get(i + 1).copied();
    let (tok, len) = match (bytes[i], next) {
        (b'=', Some(b'=')) => (Tok::Op(BinOp::Eq), 2),
        (b'=', _) => (Tok::Assign, 1),
        (b'!', Some(b'=')) => (Tok::Op(BinOp::Ne), 2),
        (b'!', _) => (Tok::Bang, 1),
        (b'<', Some(b'=')) => (Tok::Op(BinOp::Le), 2),
        (b'<', _) => (Tok::Op(BinOp::Lt), 1),
        (b'>', Some(b'=')) => (Tok::Op(BinOp::Ge), 2),
        (b'>', _) => (Tok::Op(BinOp::Gt), 1),
        (b'+', _) => (Tok::Op(BinOp::Add), 1),
        (b'-', _) => (Tok::Op(BinOp::Sub), 1),
        (b'*', _) => (Tok::Op(BinOp::Mul), 1),
        (b'/', _) => (Tok::Op(BinOp::Div), 1),
        (b'%', _) => (Tok::Op(BinOp::Mod), 1),
        (b'.', _) => (Tok::Op(BinOp::Concat), 1),
        _ => return None,
    };
    Some((tok, i + len))
}

fn is_ident_start(b: u8) -> bool {
    b.is_ascii_alphabetic() || b == b'_' || b == b'@' || b == b'{' || b >= 0x80
}

/// Identifiers may contain dots (`Processes.process_name`), braces
/// (`actors{}.name`) and colons; a dot not followed by an identifier
/// character is the concatenation operator.
fn ident_end(bytes: &[u8], start: usize) -> usize {
    let mut i = start;
    while i < bytes.len() {
        let b = bytes[i];
        let continues = b.is_ascii_alphanumeric()
            || matches!(b, b'_' | b'{' | b'}' | b':' | b'@' | b'$')
            || b >= 0x80
            || (b == b'.' && bytes.get(i + 1).is_some_and(|&n| is_ident_start(n) || n.is_ascii_digit()));
        if !continues {
            break;
        }
        i += 1;
    }
    i
}

fn run(bytes: &[u8], start: usize, keep: impl Fn(u8) -> bool) -> usize {
    let mut i = start;
    while i < bytes.len() && keep(bytes[i]) {
        i += 1;
    }
    i
}

/// A string or quoted field starting at `open`: its text with `\\` and the
/// escaped quote resolved (other backslashes kept, so `"\d+"` stays a
/// regular expression), and the index after the closing quote.
fn quoted(src: &str, open: usize, quote: u8) -> Result<(String, usize), EvalError> {
    let bytes = src.as_bytes();
    let mut out = String::new();
    let mut i = open + 1;
    let mut chunk = i;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' if bytes.get(i + 1).is_some_and(|&n| n == b'\\' || n == quote) => {
                out.push_str(&src[chunk..i]);
                out.push(char::from(bytes[i + 1]));
                i += 2;
                chunk = i;
            }
            b if b == quote => {
                out.push_str(&src[chunk..i]);
                return Ok((out, i + 1));
            }
            _ => i += 1,
        }
    }
    Err(EvalError::UnterminatedString(open))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Renders an expression as nested prefix forms for hand checking.
    fn show(src: &str) -> String {
        match parse(src) {
            Ok(expr) => render(&expr),
            Err(error) => format!("error: {error}"),
        }
    }

    fn render(expr: &Eval) -> String {
        let list = |items: &[Eval]| items.iter().map(render).collect::<Vec<_>>().join(" ");
        match &expr.kind {
            EvalKind::Field(name) => name.clone(),
            EvalKind::Str(text) => format!("{text:?}"),
            EvalKind::Num(text) => text.clone(),
            EvalKind::Bool(value) => value.to_string(),
            EvalKind::Call(name, args) => format!("{name}({})", list(args)),
            EvalKind::Not(inner) => format!("(not {})", render(inner)),
            EvalKind::Neg(inner) => format!("(neg {})", render(inner)),
            EvalKind::Binary(op, l, r) => format!("({op:?} {} {})", render(l), render(r)),
            EvalKind::In(subject, items) => format!("(in {} [{}])", render(subject), list(items)),
        }
    }

    #[test]
    fn and_binds_tighter_than_or() {
        // where / eval: NOT, then AND, then OR (the opposite of search).
        assert_eq!(show("a==1 AND b==2 OR c==3"), "(Or (And (Eq a 1) (Eq b 2)) (Eq c 3))");
        assert_eq!(show("a==1 OR b==2 AND c==3"), "(Or (Eq a 1) (And (Eq b 2) (Eq c 3)))");
        assert_eq!(show("not a=1 and b=2"), "(And (not (Eq a 1)) (Eq b 2))");
        assert_eq!(show("!(a=1 OR b=2)"), "(not (Or (Eq a 1) (Eq b 2)))");
    }

    #[test]
    fn arithmetic_comparisons_and_calls() {
        assert_eq!(show("bytes > (avg + 3 * stdev)"), "(Gt bytes (Add avg (Mul 3 stdev)))");
        assert_eq!(show("len(process) >= 8 AND count != -1"), "(And (Ge len(process) 8) (Ne count (neg 1)))");
        assert_eq!(show(r#"'Processes.process' . " " . user"#), r#"(Concat (Concat Processes.process " ") user)"#);
        assert_eq!(show(r#"x IN ("a", "b") AND y LIKE "%z%""#), r#"(And (in x ["a" "b"]) (Like y "%z%"))"#);
        assert_eq!(show(r#"in(x, "a") OR isnotnull(actors{}.name)"#), r#"(Or in(x "a") isnotnull(actors{}.name))"#);
    }

    #[test]
    fn strings_resolve_only_backslash_and_quote_escapes() {
        assert_eq!(
            show(r#"match(p, "C:\\\\Windows\\\\[a-z]\.bat \"q\"")"#),
            r#"match(p "C:\\\\Windows\\\\[a-z]\\.bat \"q\"")"#
        );
    }

    #[test]
    fn assignments() {
        let parsed = parse_assignments(r#"a=lower(b), c = if(x>1, "y", "z"), 'd e'=f"#).expect("assignments parse");
        let names: Vec<_> = parsed.iter().map(|(n, e)| format!("{n}={}", render(e))).collect();
        assert_eq!(names, ["a=lower(b)", r#"c=if((Gt x 1) "y" "z")"#, "d e=f"]);
    }

    #[test]
    fn errors() {
        assert_eq!(show("a = \"x"), "error: unterminated string at byte 4");
        assert_eq!(show("a # 1"), "error: unexpected character `#` at byte 2");
        assert_eq!(show("(a > 1"), "error: unexpected end before `)` at byte 6");
        assert_eq!(show("a > 1 )"), "error: unexpected `)` at byte 6");
        assert_eq!(show(&"(".repeat(300)), "error: expression nested too deeply");
        assert_eq!(show(&vec!["a=1"; 1000].join(" AND ")), "error: expression nested too deeply");
        assert!(parse_assignments("a").is_err());
    }
}
