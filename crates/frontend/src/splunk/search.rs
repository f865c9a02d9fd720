//! The search language: the implicit search that starts a query, the
//! `search` command and the `where` clause of `tstats`. A lexer with spans
//! and a recursive-descent parser with Splunk's own precedence: parentheses,
//! then NOT, then **OR, then AND** (`a=1 b=2 OR c=3` is `a=1 AND (b=2 OR
//! c=3)`); AND is implied between juxtaposed terms; the boolean operators
//! count only in upper case.

use std::ops::Range;

use super::text::{skip_brackets, string_end, unescape_search};

pub type Span = Range<usize>;

/// Parentheses and NOTs nested deeper than this are refused.
use crate::limits::MAX_PARSE_DEPTH as MAX_DEPTH;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CmpOp {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenKind {
    /// An unquoted run of characters: field, value, keyword or term.
    Word,
    /// A double-quoted string; the span includes the quotes.
    Quoted,
    LParen,
    RParen,
    Comma,
    Cmp(CmpOp),
    /// `[ … ]`; the span includes the brackets.
    Subsearch,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    pub kind: TokenKind,
    pub span: Span,
}

/// Why a search expression could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SearchError {
    /// `process="cmd.exe` (the quote never closes).
    #[error("unterminated string at byte {0}")]
    UnterminatedString(usize),
    /// `search [| inputlookup x` (the bracket never closes).
    #[error("unterminated subsearch at byte {0}")]
    UnterminatedSubsearch(usize),
    /// `(a=1 OR b=2` (the parenthesis never closes).
    #[error("`(` at byte {0} is never closed")]
    Unclosed(usize),
    /// `a=1) b=2`.
    #[error("unexpected `)` at byte {0}")]
    UnexpectedClose(usize),
    /// `a=1 OR` or `NOT` at the end, `= x` without a field.
    #[error("expected a search term at byte {0}")]
    ExpectedTerm(usize),
    /// `f IN "a"` (no parenthesized list).
    #[error("expected `(` after IN at byte {0}")]
    ExpectedList(usize),
    /// Parentheses or NOTs nested more than 100 deep.
    #[error("expression nested too deeply")]
    RecursionLimitExceeded,
}

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

/// Lexes and parses a whole search expression; `Ok(None)` when it is empty.
pub fn parse(src: &str) -> Result<Option<Node>, SearchError> {
    let tokens = lex(src)?;
    parse_tokens(src, &tokens)
}

/// Parses tokens lexed from `src` (a clause cut out of a longer command).
pub fn parse_tokens(src: &str, tokens: &[Token]) -> Result<Option<Node>, SearchError> {
    let mut parser = Parser { src, tokens, pos: 0, depth: 0 };
    let node = parser.and_expr()?;
    match parser.peek() {
        Some(token) => Err(SearchError::UnexpectedClose(token.span.start)),
        None => Ok(node),
    }
}

/// Splits a search expression into tokens.
pub fn lex(src: &str) -> Result<Vec<Token>, SearchError> {
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
                i = string_end(bytes, i).ok_or(SearchError::UnterminatedString(i))?;
                TokenKind::Quoted
            }
            b'[' => {
                i = skip_brackets(bytes, i).ok_or(SearchError::UnterminatedSubsearch(i))? - 1;
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
                TokenKind::Word
            }
        };
        i += 1;
        tokens.push(Token { kind, span: start..i });
    }
    Ok(tokens)
}

/// `=`, `==`, `<`, `<=`, `>`, `>=` at the start of `bytes`, with its length.
fn comparison(bytes: &[u8]) -> (CmpOp, usize) {
    let next_is_eq = bytes.get(1) == Some(&b'=');
    match (bytes[0], next_is_eq) {
        (b'<', true) => (CmpOp::Le, 2),
        (b'<', false) => (CmpOp::Lt, 1),
        (b'>', true) => (CmpOp::Ge, 2),
        (b'>', false) => (CmpOp::Gt, 1),
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

struct Parser<'a> {
    src: &'a str,
    tokens: &'a [Token],
    pos: usize,
    depth: usize,
}

impl<'a> Parser<'a> {
    fn peek(&self) -> Option<&'a Token> {
        self.tokens.get(self.pos)
    }

    fn peek_at(&self, offset: usize) -> Option<&'a Token> {
        self.tokens.get(self.pos + offset)
    }

    fn text(&self, token: &Token) -> &'a str {
        &self.src[token.span.clone()]
    }

    fn is_keyword(&self, token: Option<&Token>, keyword: &str) -> bool {
        token.is_some_and(|t| t.kind == TokenKind::Word && self.text(t) == keyword)
    }

    /// Terms joined by AND, written or implied, up to `)` or the end.
    fn and_expr(&mut self) -> Result<Option<Node>, SearchError> {
        let mut items = Vec::new();
        while let Some(token) = self.peek() {
            match token.kind {
                TokenKind::RParen => break,
                // A stray comma separates nothing in a search.
                TokenKind::Comma => self.pos += 1,
                TokenKind::Word if self.text(token) == "AND" => self.pos += 1,
                _ => items.push(self.or_expr()?),
            }
        }
        Ok(junction(items, NodeKind::And))
    }

    fn or_expr(&mut self) -> Result<Node, SearchError> {
        let mut items = vec![self.not_expr()?];
        while self.is_keyword(self.peek(), "OR") {
            self.pos += 1;
            items.push(self.not_expr()?);
        }
        Ok(if items.len() == 1 { items.remove(0) } else { span_of(items, NodeKind::Or) })
    }

    fn not_expr(&mut self) -> Result<Node, SearchError> {
        let Some(token) = self.peek() else {
            return Err(SearchError::ExpectedTerm(self.src.len()));
        };
        if !self.is_keyword(Some(token), "NOT") {
            return self.primary();
        }
        self.enter()?;
        self.pos += 1;
        let inner = self.not_expr()?;
        self.depth -= 1;
        let span = token.span.start..inner.span.end;
        Ok(Node { kind: NodeKind::Not(Box::new(inner)), span })
    }

    fn enter(&mut self) -> Result<(), SearchError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH { Err(SearchError::RecursionLimitExceeded) } else { Ok(()) }
    }

    fn primary(&mut self) -> Result<Node, SearchError> {
        let Some(token) = self.peek() else {
            return Err(SearchError::ExpectedTerm(self.src.len()));
        };
        match token.kind {
            TokenKind::LParen => self.group(token),
            TokenKind::Subsearch => {
                self.pos += 1;
                let inner = self.text(token);
                let inner = inner[1..inner.len() - 1].trim().to_owned();
                Ok(atom(Atom::Subsearch(inner), token.span.clone()))
            }
            TokenKind::Word | TokenKind::Quoted => self.condition(token),
            TokenKind::RParen => Err(SearchError::UnexpectedClose(token.span.start)),
            TokenKind::Comma | TokenKind::Cmp(_) => Err(SearchError::ExpectedTerm(token.span.start)),
        }
    }

    fn group(&mut self, open: &Token) -> Result<Node, SearchError> {
        self.enter()?;
        self.pos += 1;
        let inner = self.and_expr()?;
        match self.peek() {
            Some(close) if close.kind == TokenKind::RParen => self.pos += 1,
            _ => return Err(SearchError::Unclosed(open.span.start)),
        }
        self.depth -= 1;
        let span = open.span.start..self.tokens[self.pos - 1].span.end;
        // `()` matches everything: an empty AND.
        let kind = inner.map_or(NodeKind::And(Vec::new()), |node| node.kind);
        Ok(Node { kind, span })
    }

    /// `field op value`, `field IN (…)`, `TERM(…)` / `CASE(…)` or a free term.
    fn condition(&mut self, first: &'a Token) -> Result<Node, SearchError> {
        let next = self.peek_at(1);
        if let Some(TokenKind::Cmp(op)) = next.map(|t| t.kind) {
            return Ok(self.comparison(first, op));
        }
        if next.is_some_and(|t| t.kind == TokenKind::Word && matches!(self.text(t), "IN" | "in"))
            && self.peek_at(2).is_some_and(|t| t.kind == TokenKind::LParen)
        {
            return self.in_list(first);
        }
        let word = self.text(first);
        let directive = first.kind == TokenKind::Word && matches!(word.to_ascii_uppercase().as_str(), "TERM" | "CASE");
        if directive && next.is_some_and(|t| t.kind == TokenKind::LParen && t.span.start == first.span.end) {
            return self.directive(first, word.eq_ignore_ascii_case("CASE"));
        }
        self.pos += 1;
        let value = self.value(first);
        Ok(atom(Atom::Term { value, case_sensitive: false }, first.span.clone()))
    }

    fn comparison(&mut self, field: &Token, op: CmpOp) -> Node {
        self.pos += 2;
        let mut end = self.tokens[self.pos - 1].span.end;
        // A missing value (`user=` at the end, or before `)`) is empty.
        let value = match self.peek() {
            Some(t) if matches!(t.kind, TokenKind::Word | TokenKind::Quoted) && !self.is_operator_word(t) => {
                self.pos += 1;
                end = t.span.end;
                self.value(t)
            }
            _ => Value { raw: String::new(), quoted: false },
        };
        let span = field.span.start..end;
        atom(Atom::Compare { field: self.value(field).text(), op, value }, span)
    }

    /// `OR` / `AND` / `NOT` after `=` are operators, not values.
    fn is_operator_word(&self, token: &Token) -> bool {
        token.kind == TokenKind::Word && matches!(self.text(token), "OR" | "AND" | "NOT")
    }

    fn in_list(&mut self, field: &Token) -> Result<Node, SearchError> {
        let open = &self.tokens[self.pos + 2];
        self.pos += 3;
        let mut values = Vec::new();
        loop {
            match self.peek() {
                Some(t) if matches!(t.kind, TokenKind::Word | TokenKind::Quoted) => {
                    values.push(self.value(t));
                    self.pos += 1;
                }
                Some(t) if t.kind == TokenKind::Comma => self.pos += 1,
                Some(t) if t.kind == TokenKind::RParen => {
                    self.pos += 1;
                    let span = field.span.start..t.span.end;
                    return Ok(atom(Atom::In { field: self.value(field).text(), values }, span));
                }
                Some(t) => return Err(SearchError::ExpectedList(t.span.start)),
                None => return Err(SearchError::Unclosed(open.span.start)),
            }
        }
    }

    /// `TERM(x)` / `CASE(x)`: a term, matched exactly or with case.
    fn directive(&mut self, first: &Token, case_sensitive: bool) -> Result<Node, SearchError> {
        let open = &self.tokens[self.pos + 1];
        let close_at = self.tokens[self.pos..]
            .iter()
            .position(|t| t.kind == TokenKind::RParen)
            .ok_or(SearchError::Unclosed(open.span.start))?;
        let close = &self.tokens[self.pos + close_at];
        let raw = self.src[open.span.end..close.span.start].trim();
        let value = match raw.strip_prefix('"').and_then(|r| r.strip_suffix('"')) {
            Some(inner) => Value { raw: inner.to_owned(), quoted: true },
            None => Value { raw: raw.to_owned(), quoted: false },
        };
        self.pos += close_at + 1;
        Ok(atom(Atom::Term { value, case_sensitive }, first.span.start..close.span.end))
    }

    fn value(&self, token: &Token) -> Value {
        let text = self.text(token);
        match token.kind {
            TokenKind::Quoted => Value { raw: text[1..text.len() - 1].to_owned(), quoted: true },
            _ => Value { raw: text.to_owned(), quoted: false },
        }
    }
}

fn atom(atom: Atom, span: Span) -> Node {
    Node { kind: NodeKind::Atom(atom), span }
}

/// One operand stays itself; several make an AND / OR spanning them all.
fn junction(mut items: Vec<Node>, make: fn(Vec<Node>) -> NodeKind) -> Option<Node> {
    match items.len() {
        0 => None,
        1 => items.pop(),
        _ => Some(span_of(items, make)),
    }
}

fn span_of(items: Vec<Node>, make: fn(Vec<Node>) -> NodeKind) -> Node {
    let start = items.first().map_or(0, |n| n.span.start);
    let end = items.last().map_or(0, |n| n.span.end);
    Node { kind: make(items), span: start..end }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `(and a=1 (or b=2 c=3))`: a compact, hand-checkable rendering.
    fn show(src: &str) -> String {
        match parse(src) {
            Ok(Some(node)) => render(&node),
            Ok(None) => "empty".into(),
            Err(error) => format!("error: {error}"),
        }
    }

    fn render(node: &Node) -> String {
        let list = |items: &[Node]| items.iter().map(render).collect::<Vec<_>>().join(" ");
        match &node.kind {
            NodeKind::And(items) => format!("(and {})", list(items)),
            NodeKind::Or(items) => format!("(or {})", list(items)),
            NodeKind::Not(inner) => format!("(not {})", render(inner)),
            NodeKind::Atom(Atom::Compare { field, op, value }) => {
                format!("{field}{op:?}{}", value.raw)
            }
            NodeKind::Atom(Atom::In { field, values }) => {
                format!("{field} in [{}]", values.iter().map(|v| v.raw.as_str()).collect::<Vec<_>>().join(","))
            }
            NodeKind::Atom(Atom::Term { value, case_sensitive }) => {
                format!("term{}({})", if *case_sensitive { "~" } else { "" }, value.raw)
            }
            NodeKind::Atom(Atom::Subsearch(text)) => format!("[{text}]"),
        }
    }

    #[test]
    fn or_binds_tighter_than_and() {
        // Splunk's search command: NOT, then OR, then AND.
        assert_eq!(show("a=1 b=2 OR c=3"), "(and aEq1 (or bEq2 cEq3))");
        assert_eq!(show("a=1 OR b=2 c=3"), "(and (or aEq1 bEq2) cEq3)");
        assert_eq!(show("a=1 AND b=2 OR c=3"), "(and aEq1 (or bEq2 cEq3))");
        assert_eq!(show("(a=1 b=2) OR c=3"), "(or (and aEq1 bEq2) cEq3)");
        assert_eq!(show("NOT a=1 OR b=2"), "(or (not aEq1) bEq2)");
    }

    #[test]
    fn lower_case_operators_are_terms() {
        assert_eq!(show("a=1 or b=2"), "(and aEq1 term(or) bEq2)");
    }

    #[test]
    fn comparisons_lists_and_negations() {
        assert_eq!(show("x!=1 y<=2 z >3 w= v"), "(and xNe1 yLe2 zGt3 wEqv)");
        assert_eq!(show(r#"NOT f IN ("a", b,"c")"#), "(not f in [a,b,c])");
        assert_eq!(show(r#"NOT(f IN("a"))"#), "(not f in [a])");
        // A missing value is empty (`summariesonly=` once a macro is gone).
        assert_eq!(show("(user=) x=1 y="), "(and userEq xEq1 yEq)");
    }

    #[test]
    fn values_keep_their_raw_spelling() {
        assert_eq!(
            show(r#"p="*\\Windows\\*" q=C:\\x s="say \"hi\"""#),
            r#"(and pEq*\\Windows\\* qEqC:\\x sEqsay \"hi\")"#
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
            "(and term(access denied) term(10.0.0.1) term~(Error))"
        );
        assert_eq!(show("NOT [| inputlookup t | fields x] a=1"), "(and (not [| inputlookup t | fields x]) aEq1)");
        assert_eq!(show("()"), "(and )");
        assert_eq!(show("  "), "empty");
    }

    #[test]
    fn spans_cover_each_conjunct() {
        let src = "a=1 (b=2 OR c=\"x y\") NOT d=4";
        let node = parse(src).expect("parses").expect("not empty");
        let texts: Vec<&str> = node.conjuncts().iter().map(|n| &src[n.span.clone()]).collect();
        assert_eq!(texts, ["a=1", "(b=2 OR c=\"x y\")", "NOT d=4"]);
    }

    #[test]
    fn errors_name_the_problem() {
        assert_eq!(show("(a=1"), "error: `(` at byte 0 is never closed");
        assert_eq!(show("a=1)"), "error: unexpected `)` at byte 3");
        assert_eq!(show("a=\"x"), "error: unterminated string at byte 2");
        assert_eq!(show("a=1 OR"), "error: expected a search term at byte 6");
        assert_eq!(show("[search x"), "error: unterminated subsearch at byte 0");
        assert_eq!(show(&"(".repeat(200)), "error: expression nested too deeply");
        assert_eq!(show(&"NOT ".repeat(200)), "error: expression nested too deeply");
    }
}
