//! The eval-expression language of `| where` and `| eval`: a lexer and a
//! parser on the parsing kit (`crate::syntax`) with the order of the eval and
//! where commands — parentheses, NOT, then AND, then OR, then XOR, unlike the
//! search language —, comparisons, `LIKE`, `IN`, arithmetic, concatenation
//! and function calls. Error spans are byte offsets in the expression.

use std::fmt;

use crate::syntax::{self, Cursor, ErrorKind, Level, Span, SyntaxError, climb};

/// Longest chain of binary operators at one level (`a + b + …`): the tree
/// grows one level per operator, and walking it recurses. (AND, OR and XOR
/// are n-ary nodes and have no such limit.)
const MAX_CHAIN: usize = 500;

/// The binary operators below the boolean junctions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BinOp {
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

/// The binding power of comparisons, the loosest binary operators: `NOT`
/// applies to a whole comparison (`NOT a=1` is `NOT (a=1)`).
const COMPARISON: u8 = 1;
/// Above every binary operator: `-a * b` is `(-a) * b`.
const TIGHTEST: u8 = 4;

impl BinOp {
    /// Binding power: higher binds tighter.
    fn precedence(self) -> u8 {
        match self {
            BinOp::Eq | BinOp::Ne | BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge | BinOp::Like => COMPARISON,
            BinOp::Concat | BinOp::Add | BinOp::Sub => 2,
            BinOp::Mul | BinOp::Div | BinOp::Mod => 3,
        }
    }
}

impl fmt::Display for BinOp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            BinOp::Eq => "=",
            BinOp::Ne => "!=",
            BinOp::Lt => "<",
            BinOp::Le => "<=",
            BinOp::Gt => ">",
            BinOp::Ge => ">=",
            BinOp::Like => "LIKE",
            BinOp::Concat => ".",
            BinOp::Add => "+",
            BinOp::Sub => "-",
            BinOp::Mul => "*",
            BinOp::Div => "/",
            BinOp::Mod => "%",
        })
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
    /// `a AND b AND …`, two or more operands.
    And(Vec<Eval>),
    Or(Vec<Eval>),
    Xor(Vec<Eval>),
}

/// An eval expression and the text it was read from.
#[derive(Debug, Clone, PartialEq)]
pub struct Eval {
    pub kind: EvalKind,
    pub span: Span,
}

/// The structure as an s-expression, for reading and tests:
/// `(or (and (= a 1) (not b)) (in x "a" "b") lower(y))`.
impl fmt::Display for Eval {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let list = |f: &mut fmt::Formatter<'_>, name: &str, items: &[Eval]| {
            write!(f, "({name}")?;
            for item in items {
                write!(f, " {item}")?;
            }
            f.write_str(")")
        };
        match &self.kind {
            EvalKind::Field(name) => f.write_str(name),
            EvalKind::Str(text) => write!(f, "{text:?}"),
            EvalKind::Num(text) => f.write_str(text),
            EvalKind::Bool(value) => write!(f, "{value}"),
            EvalKind::Call(name, args) => {
                let args: Vec<String> = args.iter().map(Eval::to_string).collect();
                write!(f, "{name}({})", args.join(", "))
            }
            EvalKind::Not(inner) => write!(f, "(not {inner})"),
            EvalKind::Neg(inner) => write!(f, "(neg {inner})"),
            EvalKind::Binary(op, left, right) => write!(f, "({op} {left} {right})"),
            EvalKind::In(subject, items) => {
                write!(f, "(in {subject}")?;
                items.iter().try_for_each(|item| write!(f, " {item}"))?;
                f.write_str(")")
            }
            EvalKind::And(items) => list(f, "and", items),
            EvalKind::Or(items) => list(f, "or", items),
            EvalKind::Xor(items) => list(f, "xor", items),
        }
    }
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

impl syntax::TokenKind for Tok {
    fn describe(&self) -> String {
        match self {
            Tok::Ident(name) | Tok::Num(name) => format!("`{name}`"),
            Tok::QuotedField(name) => format!("`'{name}'`"),
            Tok::Str(_) => "a string".into(),
            Tok::LParen => "`(`".into(),
            Tok::RParen => "`)`".into(),
            Tok::Comma => "`,`".into(),
            Tok::Bang => "`!`".into(),
            Tok::Op(op) => format!("`{op}`"),
            Tok::Assign => "`=`".into(),
        }
    }
}

impl Tok {
    /// A keyword, in any case (`and`, `AND`).
    fn is_word(&self, keyword: &str) -> bool {
        matches!(self, Tok::Ident(word) if word.eq_ignore_ascii_case(keyword))
    }
}

type Token = syntax::Token<Tok>;

/// What an operand is called in errors.
const OPERAND: &str = "a field, a value, `(` or a function call";

/// The junctions of eval and where, loosest first: XOR, OR, AND (Splunk's
/// documented order). Their operands are comparisons and tighter.
fn levels() -> [Level<Tok, Eval>; 3] {
    [
        Level { operator: |t| t.is_word("XOR"), implicit: None, combine: |items| junction(items, EvalKind::Xor) },
        Level { operator: |t| t.is_word("OR"), implicit: None, combine: |items| junction(items, EvalKind::Or) },
        Level { operator: |t| t.is_word("AND"), implicit: None, combine: |items| junction(items, EvalKind::And) },
    ]
}

/// Two or more operands (the climber gives no fewer) and the span of them all.
fn junction(items: Vec<Eval>, make: fn(Vec<Eval>) -> EvalKind) -> Eval {
    let start = items.first().map_or(0, |e| e.span.start);
    let end = items.last().map_or(0, |e| e.span.end);
    Eval { kind: make(items), span: Span::new(start, end) }
}

/// Parses a whole boolean or value expression (`| where …`).
pub fn parse(src: &str) -> Result<Eval, SyntaxError> {
    let tokens = lex(src)?;
    let mut parser = Parser { cursor: Cursor::new(&tokens, src.len()) };
    let expr = parser.boolean()?;
    parser.expect_end("an operator or the end")?;
    Ok(expr)
}

/// Parses `name=expr, name=expr …` (`| eval …`).
pub fn parse_assignments(src: &str) -> Result<Vec<(String, Eval)>, SyntaxError> {
    let tokens = lex(src)?;
    let mut parser = Parser { cursor: Cursor::new(&tokens, src.len()) };
    let mut out = Vec::new();
    loop {
        let name = match parser.cursor.peek().map(|t| &t.kind) {
            Some(Tok::Ident(name) | Tok::QuotedField(name) | Tok::Str(name)) => name.clone(),
            _ => return Err(parser.cursor.unexpected("the name of a field to assign")),
        };
        parser.cursor.advance();
        parser.cursor.expect(|t| *t == Tok::Assign, "`=`")?;
        out.push((name, parser.boolean()?));
        if parser.cursor.eat(|t| *t == Tok::Comma).is_none() {
            parser.expect_end("`,` or the end")?;
            return Ok(out);
        }
    }
}

struct Parser<'t> {
    cursor: Cursor<'t, Tok>,
}

impl<'t> Parser<'t> {
    fn cursor(&mut self) -> &mut Cursor<'t, Tok> {
        &mut self.cursor
    }

    fn expect_end(&self, expected: &'static str) -> Result<(), SyntaxError> {
        match self.cursor.peek() {
            None => Ok(()),
            Some(_) => Err(self.cursor.unexpected(expected)),
        }
    }

    /// A whole expression: the junctions over [`Parser::value`]s.
    fn boolean(&mut self) -> Result<Eval, SyntaxError> {
        climb(self, &levels(), Self::cursor, &mut |parser| parser.value(COMPARISON))
    }

    /// Precedence climbing over the binary operators of at least `min`
    /// power (comparisons, concatenation, arithmetic).
    fn value(&mut self, min: u8) -> Result<Eval, SyntaxError> {
        self.cursor.enter()?;
        let result = self.value_inner(min);
        self.cursor.leave();
        result
    }

    fn value_inner(&mut self, min: u8) -> Result<Eval, SyntaxError> {
        let mut left = self.unary()?;
        let mut chain = 0;
        while let Some(op) = self.cursor.peek_kind(0).and_then(binary_op) {
            let power = op.precedence();
            if power < min {
                break;
            }
            chain += 1;
            if chain > MAX_CHAIN {
                return Err(SyntaxError::new(ErrorKind::TooDeep, self.cursor.next_span()));
            }
            let is_in = self.cursor.advance().is_some_and(|t| t.kind.is_word("IN"));
            left = if is_in {
                self.in_list(left)?
            } else {
                let right = self.value(power + 1)?;
                let span = left.span.to(right.span);
                Eval { kind: EvalKind::Binary(op, Box::new(left), Box::new(right)), span }
            };
        }
        Ok(left)
    }

    fn in_list(&mut self, left: Eval) -> Result<Eval, SyntaxError> {
        self.cursor.expect(|t| *t == Tok::LParen, "`(` after IN")?;
        let (items, close) = self.arguments()?;
        let span = left.span.to(close);
        Ok(Eval { kind: EvalKind::In(Box::new(left), items), span })
    }

    fn unary(&mut self) -> Result<Eval, SyntaxError> {
        let Some(token) = self.cursor.peek() else {
            return Err(self.cursor.unexpected(OPERAND));
        };
        if token.kind == Tok::Bang || token.kind.is_word("NOT") {
            self.cursor.advance();
            // NOT binds looser than comparisons: `NOT a=1` is `NOT (a=1)`.
            let inner = self.value(COMPARISON)?;
            let span = token.span.to(inner.span);
            return Ok(Eval { kind: EvalKind::Not(Box::new(inner)), span });
        }
        if token.kind == Tok::Op(BinOp::Sub) {
            self.cursor.advance();
            let inner = self.value(TIGHTEST)?;
            let span = token.span.to(inner.span);
            return Ok(Eval { kind: EvalKind::Neg(Box::new(inner)), span });
        }
        self.primary()
    }

    fn primary(&mut self) -> Result<Eval, SyntaxError> {
        let Some(token) = self.cursor.peek() else {
            return Err(self.cursor.unexpected(OPERAND));
        };
        let kind = match &token.kind {
            Tok::Str(text) => EvalKind::Str(text.clone()),
            Tok::Num(text) => EvalKind::Num(text.clone()),
            Tok::QuotedField(name) => EvalKind::Field(name.clone()),
            Tok::Ident(name) if self.cursor.peek_kind(1) == Some(&Tok::LParen) => {
                self.cursor.skip(2);
                let (args, close) = self.arguments()?;
                return Ok(Eval { kind: EvalKind::Call(name.to_ascii_lowercase(), args), span: token.span.to(close) });
            }
            Tok::Ident(name) if name.eq_ignore_ascii_case("true") => EvalKind::Bool(true),
            Tok::Ident(name) if name.eq_ignore_ascii_case("false") => EvalKind::Bool(false),
            Tok::Ident(name) => EvalKind::Field(name.clone()),
            Tok::LParen => {
                self.cursor.advance();
                let inner = self.boolean()?;
                let close = self.close_paren()?;
                return Ok(Eval { kind: inner.kind, span: token.span.to(close) });
            }
            _ => return Err(self.cursor.unexpected(OPERAND)),
        };
        self.cursor.advance();
        Ok(Eval { kind, span: token.span })
    }

    /// Comma-separated expressions up to the closing `)`, and its span.
    fn arguments(&mut self) -> Result<(Vec<Eval>, Span), SyntaxError> {
        let mut args = Vec::new();
        if !self.cursor.at(|t| *t == Tok::RParen) {
            loop {
                args.push(self.boolean()?);
                if self.cursor.eat(|t| *t == Tok::Comma).is_none() {
                    break;
                }
            }
        }
        Ok((args, self.close_paren()?))
    }

    fn close_paren(&mut self) -> Result<Span, SyntaxError> {
        self.cursor.expect(|t| *t == Tok::RParen, "`)`").map(|t| t.span)
    }
}

/// The binary operator a token is; `IN` is read as a pseudo `=` so it gets
/// comparison precedence. The junctions (`AND`, `OR`, `XOR`) are not here:
/// they end a value.
fn binary_op(tok: &Tok) -> Option<BinOp> {
    match tok {
        Tok::Op(op) => Some(*op),
        Tok::Assign => Some(BinOp::Eq),
        Tok::Ident(word) if word.eq_ignore_ascii_case("LIKE") => Some(BinOp::Like),
        Tok::Ident(word) if word.eq_ignore_ascii_case("IN") => Some(BinOp::Eq),
        _ => None,
    }
}

fn lex(src: &str) -> Result<Vec<Token>, SyntaxError> {
    let bytes = src.as_bytes();
    let mut tokens = Vec::new();
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        let start = i;
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
            _ => operator(bytes, i).ok_or_else(|| {
                let c = src.get(i..).and_then(|rest| rest.chars().next()).unwrap_or('?');
                SyntaxError::new(ErrorKind::Character(c), Span::new(i, i + c.len_utf8()))
            })?,
        };
        tokens.push(Token { kind: tok, span: Span::new(start, end) });
        i = end;
    }
    Ok(tokens)
}

fn operator(bytes: &[u8], i: usize) -> Option<(Tok, usize)> {
    let next = bytes.get(i + 1).copied();
    let (tok, len) = match (*bytes.get(i)?, next) {
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
fn quoted(src: &str, open: usize, quote: u8) -> Result<(String, usize), SyntaxError> {
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
    let what = if quote == b'"' { "string" } else { "quoted field name" };
    Err(SyntaxError::new(ErrorKind::Unterminated(what), Span::new(open, src.len())))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The parse as one line: the tree (`Display`) or the error with its span.
    fn show(src: &str) -> String {
        match parse(src) {
            Ok(expr) => expr.to_string(),
            Err(error) => format!("error at {}..{}: {error}", error.span.start, error.span.end),
        }
    }

    #[test]
    fn and_binds_tighter_than_or_and_or_than_xor() {
        // where / eval: NOT, then AND, then OR, then XOR (the opposite of search).
        assert_eq!(show("a==1 AND b==2 OR c==3"), "(or (and (= a 1) (= b 2)) (= c 3))");
        assert_eq!(show("a==1 OR b==2 AND c==3"), "(or (= a 1) (and (= b 2) (= c 3)))");
        assert_eq!(show("not a=1 and b=2"), "(and (not (= a 1)) (= b 2))");
        assert_eq!(show("!(a=1 OR b=2)"), "(not (or (= a 1) (= b 2)))");
        assert_eq!(show("a XOR b OR c AND d"), "(xor a (or b (and c d)))");
        // One node per run of an operator.
        assert_eq!(show("a AND b AND (c AND d) AND e"), "(and a b (and c d) e)");
    }

    #[test]
    fn arithmetic_comparisons_and_calls() {
        assert_eq!(show("bytes > (avg + 3 * stdev)"), "(> bytes (+ avg (* 3 stdev)))");
        assert_eq!(show("len(process) >= 8 AND count != -1"), "(and (>= len(process) 8) (!= count (neg 1)))");
        assert_eq!(show("-a * b - c"), "(- (* (neg a) b) c)");
        assert_eq!(show(r#"'Processes.process' . " " . user"#), r#"(. (. Processes.process " ") user)"#);
        assert_eq!(show(r#"x IN ("a", "b") AND y LIKE "%z%""#), r#"(and (in x "a" "b") (LIKE y "%z%"))"#);
        assert_eq!(show(r#"in(x, "a") OR isnotnull(actors{}.name)"#), r#"(or in(x, "a") isnotnull(actors{}.name))"#);
    }

    #[test]
    fn spans_cover_what_was_read() {
        let src = "(a = 1) AND lower(b) IN (\"x\")";
        let Ok(Eval { kind: EvalKind::And(items), span }) = parse(src) else { panic!("not an AND") };
        assert_eq!(span.text(src), src);
        let texts: Vec<&str> = items.iter().map(|e| e.span.text(src)).collect();
        assert_eq!(texts, ["(a = 1)", "lower(b) IN (\"x\")"]);
    }

    #[test]
    fn strings_resolve_only_backslash_and_quote_escapes() {
        assert_eq!(
            show(r#"match(p, "C:\\\\Windows\\\\[a-z]\.bat \"q\"")"#),
            r#"match(p, "C:\\\\Windows\\\\[a-z]\\.bat \"q\"")"#
        );
    }

    #[test]
    fn assignments() {
        let parsed = parse_assignments(r#"a=lower(b), c = if(x>1, "y", "z"), 'd e'=f"#).expect("assignments parse");
        let names: Vec<_> = parsed.iter().map(|(n, e)| format!("{n}={e}")).collect();
        assert_eq!(names, ["a=lower(b)", r#"c=if((> x 1), "y", "z")"#, "d e=f"]);
        let error = parse_assignments("a").unwrap_err();
        assert_eq!((error.to_string().as_str(), error.span), ("expected `=`, found the end", Span::at(1)));
        let error = parse_assignments("a=1 b=2").unwrap_err();
        assert_eq!((error.to_string().as_str(), error.span), ("expected `,` or the end, found `b`", Span::new(4, 5)));
    }

    #[test]
    fn errors_name_the_problem_and_where() {
        assert_eq!(show("a = \"x"), "error at 4..6: unterminated string");
        assert_eq!(show("a # 1"), "error at 2..3: unexpected character `#`");
        assert_eq!(show("(a > 1"), "error at 6..6: expected `)`, found the end");
        assert_eq!(show("a > 1 )"), "error at 6..7: expected an operator or the end, found `)`");
        assert_eq!(show("a = "), "error at 4..4: expected a field, a value, `(` or a function call, found the end");
        assert_eq!(show("a IN b"), "error at 5..6: expected `(` after IN, found `b`");
        assert_eq!(parse(&"(".repeat(300)).unwrap_err().kind, ErrorKind::TooDeep);
        assert_eq!(parse(&vec!["a"; 1000].join(" + ")).unwrap_err().kind, ErrorKind::TooDeep);
        // Long junctions are one node each, not a deep tree.
        assert!(parse(&vec!["a=1"; 1000].join(" AND ")).is_ok());
    }
}
