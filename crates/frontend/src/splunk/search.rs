//! The search language: the implicit search that starts a query, the
//! `search` command and the `where` clause of `tstats`. A lexer and a parser
//! on the parsing kit (`crate::syntax`), with Splunk's own precedence:
//! parentheses, then NOT, then **OR, then AND** (`a=1 b=2 OR c=3` is `a=1 AND
//! (b=2 OR c=3)`); AND is implied between juxtaposed terms; the boolean
//! operators count only in upper case. Error spans are byte offsets in the
//! search.

use std::fmt;

use super::text::{skip_brackets, string_end, unescape_search};
use crate::syntax::{self, Cursor, ErrorKind, Level, Span, SyntaxError, climb};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CmpOp {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

impl fmt::Display for CmpOp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            CmpOp::Eq => "=",
            CmpOp::Ne => "!=",
            CmpOp::Lt => "<",
            CmpOp::Le => "<=",
            CmpOp::Gt => ">",
            CmpOp::Ge => ">=",
        })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenKind<'a> {
    /// An unquoted run of characters: field, value, keyword or term.
    Word(&'a str),
    /// A double-quoted string; the span includes the quotes.
    Quoted,
    LParen,
    RParen,
    Comma,
    Cmp(CmpOp),
    /// `[ … ]`; the span includes the brackets.
    Subsearch,
}

impl syntax::TokenKind for TokenKind<'_> {
    fn describe(&self) -> String {
        match self {
            TokenKind::Word(word) => format!("`{word}`"),
            TokenKind::Quoted => "a quoted string".into(),
            TokenKind::LParen => "`(`".into(),
            TokenKind::RParen => "`)`".into(),
            TokenKind::Comma => "`,`".into(),
            TokenKind::Cmp(op) => format!("`{op}`"),
            TokenKind::Subsearch => "a subsearch".into(),
        }
    }
}

pub type Token<'a> = syntax::Token<TokenKind<'a>>;

/// A value as written: the raw text between the quotes (escapes unresolved)
/// or the unquoted word.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Value {
    pub raw: String,
    pub quoted: bool,
}

impl Value {
    /// The text with escapes resolved.
    pub fn text(&self) -> String {
        unescape_search(&self.raw)
    }
}

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.quoted { write!(f, "\"{}\"", self.raw) } else { f.write_str(&self.raw) }
    }
}

/// One condition of a search.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Atom {
    /// `field=value`, `field!=value`, `field<value`…
    Compare { field: String, op: CmpOp, value: Value },
    /// `field IN (a, b, …)`
    In { field: String, values: Vec<Value> },
    /// A free term or phrase searched anywhere in the event.
    Term { value: Value, case_sensitive: bool },
    /// `[ … ]`, kept as its inner text.
    Subsearch(String),
}

/// Written back as SPL: `a=1`, `f IN (a, "b")`, `"x y"`, `CASE(Error)`,
/// `[| inputlookup t]`.
impl fmt::Display for Atom {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Atom::Compare { field, op, value } => write!(f, "{field}{op}{value}"),
            Atom::In { field, values } => {
                let values: Vec<String> = values.iter().map(Value::to_string).collect();
                write!(f, "{field} IN ({})", values.join(", "))
            }
            Atom::Term { value, case_sensitive: false } => write!(f, "{value}"),
            Atom::Term { value, case_sensitive: true } => write!(f, "CASE({value})"),
            Atom::Subsearch(text) => write!(f, "[{text}]"),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NodeKind {
    And(Vec<Node>),
    Or(Vec<Node>),
    Not(Box<Node>),
    Atom(Atom),
}

/// A parsed search expression; `span` is the text it was read from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Node {
    pub kind: NodeKind,
    pub span: Span,
}

impl Node {
    /// The operands of a top-level AND, or the node itself.
    pub fn conjuncts(self) -> Vec<Node> {
        match self.kind {
            NodeKind::And(items) => items,
            _ => vec![self],
        }
    }

    /// Calls `visit` on every atom.
    pub fn for_each_atom<'a>(&'a self, visit: &mut impl FnMut(&'a Atom)) {
        match &self.kind {
            NodeKind::And(items) | NodeKind::Or(items) => items.iter().for_each(|n| n.for_each_atom(visit)),
            NodeKind::Not(inner) => inner.for_each_atom(visit),
            NodeKind::Atom(atom) => visit(atom),
        }
    }
}

/// The structure as an s-expression over SPL atoms, for reading and tests:
/// `(and a=1 (or b=2 c=3) (not "x y"))`.
impl fmt::Display for Node {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (name, items) = match &self.kind {
            NodeKind::And(items) => ("and", items),
            NodeKind::Or(items) => ("or", items),
            NodeKind::Not(inner) => return write!(f, "(not {inner})"),
            NodeKind::Atom(atom) => return write!(f, "{atom}"),
        };
        write!(f, "({name}")?;
        for item in items {
            write!(f, " {item}")?;
        }
        f.write_str(")")
    }
}

/// Lexes and parses a whole search expression; `Ok(None)` when it is empty.
pub fn parse(src: &str) -> Result<Option<Node>, SyntaxError> {
    let tokens = lex(src)?;
    let mut parser = Parser { src, tokens: &tokens, cursor: Cursor::new(&tokens, src.len()), operand_end: 0 };
    let node = parser.expression()?;
    match parser.cursor.peek() {
        // Only a `)` stops the expression early.
        Some(_) => Err(parser.cursor.unexpected("a search term or the end of the search")),
        None => Ok(node),
    }
}

/// Splits a search expression into tokens.
pub fn lex(src: &str) -> Result<Vec<Token<'_>>, SyntaxError> {
    let bytes = src.as_bytes();
    let mut tokens = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let start = i;
        let kind = match bytes[i] {
            b if b.is_ascii_whitespace() => {
                i += 1;
                continue;
            }
            b'(' => TokenKind::LParen,
            b')' => TokenKind::RParen,
            b',' => TokenKind::Comma,
            b'"' => {
                i = string_end(bytes, i).ok_or_else(|| unterminated("string", i, src))?;
                TokenKind::Quoted
            }
            b'[' => {
                i = skip_brackets(bytes, i).ok_or_else(|| unterminated("subsearch", i, src))? - 1;
                TokenKind::Subsearch
            }
            b'=' | b'<' | b'>' => {
                let (op, len) = comparison(&bytes[i..]);
                i += len - 1;
                TokenKind::Cmp(op)
            }
            b'!' if bytes.get(i + 1) == Some(&b'=') => {
                i += 1;
                TokenKind::Cmp(CmpOp::Ne)
            }
            _ => {
                i = word_end(bytes, i) - 1;
                TokenKind::Word(src.get(start..=i).unwrap_or_default())
            }
        };
        i += 1;
        tokens.push(Token { kind, span: Span::new(start, i) });
    }
    Ok(tokens)
}

/// `"abc` or `[search x`: from the opening character to the end.
fn unterminated(what: &'static str, open: usize, src: &str) -> SyntaxError {
    SyntaxError::new(ErrorKind::Unterminated(what), Span::new(open, src.len()))
}

/// `=`, `==`, `<`, `<=`, `>`, `>=` at the start of `bytes`, with its length.
fn comparison(bytes: &[u8]) -> (CmpOp, usize) {
    let next_is_eq = bytes.get(1) == Some(&b'=');
    match (bytes.first(), next_is_eq) {
        (Some(b'<'), true) => (CmpOp::Le, 2),
        (Some(b'<'), false) => (CmpOp::Lt, 1),
        (Some(b'>'), true) => (CmpOp::Ge, 2),
        (Some(b'>'), false) => (CmpOp::Gt, 1),
        (_, true) => (CmpOp::Eq, 2),
        (_, false) => (CmpOp::Eq, 1),
    }
}

/// End of an unquoted word: whitespace, parentheses, quotes, brackets,
/// commas and comparison operators end it; a backslash protects the next
/// character (`\"`, `\(`).
fn word_end(bytes: &[u8], start: usize) -> usize {
    let mut i = start;
    while i < bytes.len() {
        match bytes[i] {
            b if b.is_ascii_whitespace() => break,
            b'(' | b')' | b'"' | b'[' | b',' | b'=' | b'<' | b'>' => break,
            b'!' if bytes.get(i + 1) == Some(&b'=') => break,
            b'\\' if bytes.get(i + 1).is_some_and(u8::is_ascii) => i += 1,
            _ => {}
        }
        i += 1;
    }
    i.min(bytes.len())
}

/// What a term is called in errors.
const TERM: &str = "a search term";

/// Splunk's order of the junctions as data: AND binds loosest and may be
/// left out (any token that can start an operand joins the AND), OR binds
/// tighter. The operands are `Option`s: `None` is a gap left by stray
/// separators (see [`Parser::operand`]), which the junctions drop.
fn levels<'a>() -> [Level<TokenKind<'a>, Option<Node>>; 2] {
    [
        Level {
            operator: |kind| *kind == TokenKind::Word("AND"),
            implicit: Some(starts_operand),
            combine: |items| junction(items, NodeKind::And),
        },
        Level {
            operator: |kind| *kind == TokenKind::Word("OR"),
            implicit: None,
            combine: |items| junction(items, NodeKind::Or),
        },
    ]
}

/// Everything but `)` starts an operand (or a gap, or an error in it).
fn starts_operand(kind: &TokenKind<'_>) -> bool {
    *kind != TokenKind::RParen
}

/// A comma, or an `AND` where an operand could start: they separate nothing.
fn is_separator(kind: &TokenKind<'_>) -> bool {
    matches!(kind, TokenKind::Comma | TokenKind::Word("AND"))
}

struct Parser<'t, 'a> {
    src: &'a str,
    tokens: &'t [Token<'a>],
    cursor: Cursor<'t, TokenKind<'a>>,
    /// The cursor mark where the last operand ended: a token taken after it
    /// was taken by the climber, as an operator.
    operand_end: usize,
}

impl<'t, 'a> Parser<'t, 'a> {
    fn cursor(&mut self) -> &mut Cursor<'t, TokenKind<'a>> {
        &mut self.cursor
    }

    fn text(&self, token: &Token<'_>) -> &'a str {
        token.span.text(self.src)
    }

    /// Terms joined by AND (written or implied) and OR, up to `)` or the end;
    /// `None` when there is none.
    fn expression(&mut self) -> Result<Option<Node>, SyntaxError> {
        climb(self, &levels(), Self::cursor, &mut Self::operand)
    }

    /// An operand of the junctions. A comma or an `AND` where an operand
    /// could start separates nothing (`AND a=1`, `a=1, AND b=2`; `a=1 AND`
    /// once a macro expands to nothing): they are skipped, and when no term
    /// follows they leave a gap. Right after an `OR` a term must follow,
    /// and an `AND` there is a term.
    fn operand(&mut self) -> Result<Option<Node>, SyntaxError> {
        let mark = self.cursor.mark();
        let after_or = mark > self.operand_end
            && mark.checked_sub(1).and_then(|i| self.tokens.get(i)).is_some_and(|t| t.kind == TokenKind::Word("OR"));
        if !after_or {
            while self.cursor.eat(is_separator).is_some() {}
            if !self.cursor.at(starts_operand) {
                self.operand_end = self.cursor.mark();
                return Ok(None);
            }
        }
        let node = self.not_expr()?;
        self.operand_end = self.cursor.mark();
        Ok(Some(node))
    }

    fn not_expr(&mut self) -> Result<Node, SyntaxError> {
        let Some(token) = self.cursor.peek() else {
            return Err(self.cursor.unexpected(TERM));
        };
        if token.kind != TokenKind::Word("NOT") {
            return self.primary();
        }
        self.cursor.enter()?;
        self.cursor.advance();
        let inner = self.not_expr();
        self.cursor.leave();
        let inner = inner?;
        let span = token.span.to(inner.span);
        Ok(Node { kind: NodeKind::Not(Box::new(inner)), span })
    }

    fn primary(&mut self) -> Result<Node, SyntaxError> {
        let Some(token) = self.cursor.peek() else {
            return Err(self.cursor.unexpected(TERM));
        };
        match token.kind {
            TokenKind::LParen => self.group(token),
            TokenKind::Subsearch => {
                self.cursor.advance();
                let inner = self.text(token);
                let inner = inner.get(1..inner.len().saturating_sub(1)).unwrap_or_default().trim().to_owned();
                Ok(atom(Atom::Subsearch(inner), token.span))
            }
            TokenKind::Word(_) | TokenKind::Quoted => self.condition(token),
            TokenKind::RParen | TokenKind::Comma | TokenKind::Cmp(_) => Err(self.cursor.unexpected(TERM)),
        }
    }

    fn group(&mut self, open: &Token<'_>) -> Result<Node, SyntaxError> {
        self.cursor.enter()?;
        self.cursor.advance();
        let inner = self.expression();
        self.cursor.leave();
        let inner = inner?;
        let close = self.cursor.expect(|kind| *kind == TokenKind::RParen, "`)`")?;
        // `()` matches everything: an empty AND.
        let kind = inner.map_or(NodeKind::And(Vec::new()), |node| node.kind);
        Ok(Node { kind, span: open.span.to(close.span) })
    }

    /// `field op value`, `field IN (…)`, `TERM(…)` / `CASE(…)` or a free term.
    fn condition(&mut self, first: &Token<'a>) -> Result<Node, SyntaxError> {
        let next = self.cursor.peek_at(1);
        if let Some(TokenKind::Cmp(op)) = next.map(|t| t.kind) {
            return Ok(self.comparison(first, op));
        }
        if next.is_some_and(|t| matches!(t.kind, TokenKind::Word("IN" | "in")))
            && self.cursor.peek_kind(2) == Some(&TokenKind::LParen)
        {
            return self.in_list(first);
        }
        if let TokenKind::Word(word) = first.kind
            && matches!(word.to_ascii_uppercase().as_str(), "TERM" | "CASE")
            && next.is_some_and(|t| t.kind == TokenKind::LParen && t.span.start == first.span.end)
        {
            return self.directive(first, word.eq_ignore_ascii_case("CASE"));
        }
        self.cursor.advance();
        let value = self.value(first);
        Ok(atom(Atom::Term { value, case_sensitive: false }, first.span))
    }

    fn comparison(&mut self, field: &Token<'_>, op: CmpOp) -> Node {
        self.cursor.skip(2);
        let mut end = self.cursor.last_span();
        // A missing value (`user=` at the end, or before `)`) is empty.
        let value = match self.cursor.peek() {
            Some(t) if matches!(t.kind, TokenKind::Word(_) | TokenKind::Quoted) && !is_operator_word(t.kind) => {
                self.cursor.advance();
                end = t.span;
                self.value(t)
            }
            _ => Value { raw: String::new(), quoted: false },
        };
        atom(Atom::Compare { field: self.value(field).text(), op, value }, field.span.to(end))
    }

    /// After `field IN`, at the `(`.
    fn in_list(&mut self, field: &Token<'_>) -> Result<Node, SyntaxError> {
        self.cursor.skip(3);
        let mut values = Vec::new();
        loop {
            match self.cursor.peek() {
                Some(t) if matches!(t.kind, TokenKind::Word(_) | TokenKind::Quoted) => {
                    values.push(self.value(t));
                    self.cursor.advance();
                }
                Some(t) if t.kind == TokenKind::Comma => {
                    self.cursor.advance();
                }
                Some(t) if t.kind == TokenKind::RParen => {
                    self.cursor.advance();
                    let span = field.span.to(t.span);
                    return Ok(atom(Atom::In { field: self.value(field).text(), values }, span));
                }
                _ => return Err(self.cursor.unexpected("a value, `,` or `)` in the IN list")),
            }
        }
    }

    /// `TERM(x)` / `CASE(x)`: a term, matched exactly or with case. What is
    /// between the parentheses is taken as written, up to the first `)`.
    fn directive(&mut self, first: &Token<'_>, case_sensitive: bool) -> Result<Node, SyntaxError> {
        let open = self.cursor.peek_at(1).map_or(first.span, |t| t.span);
        let Some(close_at) = self.cursor.rest().iter().position(|t| t.kind == TokenKind::RParen) else {
            return Err(SyntaxError::new(ErrorKind::UnexpectedEnd { expected: "`)`" }, Span::at(self.src.len())));
        };
        self.cursor.skip(close_at + 1);
        let close = self.cursor.last_span();
        let raw = self.src.get(open.end..close.start).unwrap_or_default().trim();
        let value = match raw.strip_prefix('"').and_then(|r| r.strip_suffix('"')) {
            Some(inner) => Value { raw: inner.to_owned(), quoted: true },
            None => Value { raw: raw.to_owned(), quoted: false },
        };
        Ok(atom(Atom::Term { value, case_sensitive }, first.span.to(close)))
    }

    fn value(&self, token: &Token<'_>) -> Value {
        let text = self.text(token);
        match token.kind {
            TokenKind::Quoted => {
                Value { raw: text.get(1..text.len().saturating_sub(1)).unwrap_or_default().to_owned(), quoted: true }
            }
            _ => Value { raw: text.to_owned(), quoted: false },
        }
    }
}

/// `OR` / `AND` / `NOT` after `=` are operators, not values.
fn is_operator_word(kind: TokenKind<'_>) -> bool {
    matches!(kind, TokenKind::Word("OR" | "AND" | "NOT"))
}

fn atom(atom: Atom, span: Span) -> Node {
    Node { kind: NodeKind::Atom(atom), span }
}

/// The operands of a junction without its gaps: none is a gap, one stays
/// itself, several make an AND / OR spanning them all.
fn junction(items: Vec<Option<Node>>, make: fn(Vec<Node>) -> NodeKind) -> Option<Node> {
    let mut items: Vec<Node> = items.into_iter().flatten().collect();
    match items.len() {
        0 | 1 => items.pop(),
        _ => {
            let start = items.first().map_or(0, |n| n.span.start);
            let end = items.last().map_or(0, |n| n.span.end);
            Some(Node { kind: make(items), span: Span::new(start, end) })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The parse as one line: the tree (`Display`), `empty`, or the error
    /// with its span.
    fn show(src: &str) -> String {
        match parse(src) {
            Ok(Some(node)) => node.to_string(),
            Ok(None) => "empty".into(),
            Err(error) => format!("error at {}..{}: {error}", error.span.start, error.span.end),
        }
    }

    #[test]
    fn or_binds_tighter_than_and() {
        // Splunk's search command: NOT, then OR, then AND.
        assert_eq!(show("a=1 b=2 OR c=3"), "(and a=1 (or b=2 c=3))");
        assert_eq!(show("a=1 OR b=2 c=3"), "(and (or a=1 b=2) c=3)");
        assert_eq!(show("a=1 AND b=2 OR c=3"), "(and a=1 (or b=2 c=3))");
        assert_eq!(show("(a=1 b=2) OR c=3"), "(or (and a=1 b=2) c=3)");
        assert_eq!(show("NOT a=1 OR b=2"), "(or (not a=1) b=2)");
        assert_eq!(show("a=1 OR b=2 OR c=3 d=4"), "(and (or a=1 b=2 c=3) d=4)");
    }

    #[test]
    fn lower_case_operators_are_terms() {
        assert_eq!(show("a=1 or b=2"), "(and a=1 or b=2)");
    }

    #[test]
    fn stray_separators_separate_nothing() {
        // What a macro that expands to nothing leaves behind.
        assert_eq!(show("a=1 AND"), "a=1");
        assert_eq!(show("AND a=1 , AND b=2 AND AND"), "(and a=1 b=2)");
        assert_eq!(show("(a=1 AND) OR (AND)"), "(or a=1 (and))");
        assert_eq!(show("AND ,"), "empty");
        // Right after OR, AND is a term, and a term must follow.
        assert_eq!(show("a=1 OR AND b=2"), "(and (or a=1 AND) b=2)");
        assert_eq!(show(", OR , b=2"), "(and OR b=2)");
        assert_eq!(show("a=1 OR , b=2"), "error at 7..8: expected a search term, found `,`");
    }

    #[test]
    fn comparisons_lists_and_negations() {
        assert_eq!(show("x!=1 y<=2 z >3 w= v"), "(and x!=1 y<=2 z>3 w=v)");
        assert_eq!(show(r#"NOT f IN ("a", b,"c")"#), r#"(not f IN ("a", b, "c"))"#);
        assert_eq!(show(r#"NOT(f IN("a"))"#), r#"(not f IN ("a"))"#);
        // A missing value is empty (`summariesonly=` once a macro is gone).
        assert_eq!(show("(user=) x=1 y="), "(and user= x=1 y=)");
        assert_eq!(show("x= AND y=1"), "(and x= y=1)");
    }

    #[test]
    fn values_keep_their_raw_spelling() {
        assert_eq!(
            show(r#"p="*\\Windows\\*" q=C:\\x s="say \"hi\"""#),
            r#"(and p="*\\Windows\\*" q=C:\\x s="say \"hi\"")"#
        );
        let Ok(Some(Node { kind: NodeKind::Atom(Atom::Compare { value, .. }), .. })) = parse(r#"s="say \"hi\" \\ \*""#)
        else {
            panic!("not a comparison")
        };
        assert_eq!(value.text(), r#"say "hi" \ \*"#);
    }

    #[test]
    fn terms_directives_and_subsearches() {
        assert_eq!(
            show(r#""access denied" TERM(10.0.0.1) CASE(Error)"#),
            r#"(and "access denied" 10.0.0.1 CASE(Error))"#
        );
        assert_eq!(show("NOT [| inputlookup t | fields x] a=1"), "(and (not [| inputlookup t | fields x]) a=1)");
        assert_eq!(show("()"), "(and)");
        assert_eq!(show("  "), "empty");
    }

    #[test]
    fn spans_cover_each_conjunct() {
        let src = "a=1 (b=2 OR c=\"x y\") NOT d=4";
        let node = parse(src).expect("parses").expect("not empty");
        let texts: Vec<&str> = node.conjuncts().iter().map(|n| n.span.text(src)).collect();
        assert_eq!(texts, ["a=1", "(b=2 OR c=\"x y\")", "NOT d=4"]);
    }

    #[test]
    fn errors_name_the_problem_and_where() {
        assert_eq!(show("(a=1"), "error at 4..4: expected `)`, found the end");
        assert_eq!(show("a=1)"), "error at 3..4: expected a search term or the end of the search, found `)`");
        assert_eq!(show("a=\"x"), "error at 2..4: unterminated string");
        assert_eq!(show("a=1 OR"), "error at 6..6: expected a search term, found the end");
        assert_eq!(show("[search x"), "error at 0..9: unterminated subsearch");
        assert_eq!(show("f IN (a = b)"), "error at 8..9: expected a value, `,` or `)` in the IN list, found `=`");
        assert_eq!(show("x TERM(a"), "error at 8..8: expected `)`, found the end");
        assert_eq!(show("= x"), "error at 0..1: expected a search term, found `=`");
        assert_eq!(parse(&"(".repeat(200)).unwrap_err().kind, ErrorKind::TooDeep);
        assert_eq!(parse(&"NOT ".repeat(200)).unwrap_err().kind, ErrorKind::TooDeep);
    }
}
