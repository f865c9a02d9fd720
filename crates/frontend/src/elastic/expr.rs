//! Boolean/value expressions of EQL and ES|QL: the syntax tree and its
//! recursive-descent parser. The two languages share the shape (or < and <
//! not < comparison < arithmetic) and differ in a handful of operators
//! (`like~`, `?field` in EQL; `RLIKE`, `IS NULL`, `::` in ES|QL), which the
//! parser accepts in both: it reads rules, it does not validate them.

use thiserror::Error;

use super::lexer::{Dialect, LexError, Span, Token, TokenKind};

/// Nesting deeper than this is refused rather than risking the stack.
pub use crate::limits::MAX_PARSE_DEPTH as MAX_DEPTH;

#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub kind: NodeKind,
    /// Where the node was written, for conditions kept as text.
    pub span: Span,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CompareOp {
    Eq,
    NotEq,
    Lt,
    Le,
    Gt,
    Ge,
}

/// Operators whose right side is one pattern or a parenthesized list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PatternOp {
    /// `:` (EQL: case-insensitive wildcard equality; ES|QL: full-text match)
    Colon,
    /// `like` / `LIKE`
    Like,
    /// `regex` / `RLIKE`
    Regex,
}

#[derive(Debug, Clone, PartialEq)]
pub enum NodeKind {
    Or(Vec<Node>),
    And(Vec<Node>),
    Not(Box<Node>),
    Compare {
        op: CompareOp,
        lhs: Box<Node>,
        rhs: Box<Node>,
    },
    Pattern {
        op: PatternOp,
        insensitive: bool,
        lhs: Box<Node>,
        patterns: Vec<Node>,
    },
    In {
        lhs: Box<Node>,
        list: Vec<Node>,
        insensitive: bool,
    },
    IsNull {
        operand: Box<Node>,
        negated: bool,
    },
    /// `name(args)`; `insensitive` for EQL's `name~(…)`.
    Call {
        name: String,
        insensitive: bool,
        args: Vec<Node>,
    },
    Field(String),
    Str(String),
    Number(String),
    Bool(bool),
    Null,
    /// Arithmetic, unary minus, casts, parameters, map literals, time spans:
    /// values the model can only keep as text, with the operands they use.
    Computed(Vec<Node>),
}

/// Why a query could not be parsed.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ParseError {
    /// See [`LexError`].
    #[error(transparent)]
    Lex(#[from] LexError),
    /// `process where and` (expected a value, found `and`)
    #[error("expected {expected}, found {found}")]
    Unexpected { expected: &'static str, found: String, at: usize },
    /// `process where a ==` (expected a value, found the end)
    #[error("expected {expected}, found the end of the query")]
    UnexpectedEnd { expected: &'static str, at: usize },
    /// A thousand nested parentheses.
    #[error("expression nested deeper than {MAX_DEPTH} levels")]
    RecursionLimit { at: usize },
    /// `join [a] [b]` (a form the catalog does not read)
    #[error("unsupported: {what}")]
    Unsupported { what: String, at: usize },
}

impl ParseError {
    /// Byte offset of the problem in the query.
    pub fn offset(&self) -> usize {
        match self {
            ParseError::Lex(lex) => lex.offset(),
            ParseError::Unexpected { at, .. }
            | ParseError::UnexpectedEnd { at, .. }
            | ParseError::RecursionLimit { at }
            | ParseError::Unsupported { at, .. } => *at,
        }
    }
}

/// Units that turn `30 seconds` into one ES|QL time-span value.
#[rustfmt::skip]
const TIME_UNITS: &[&str] = &[
    "nanosecond", "nanoseconds", "ns", "microsecond", "microseconds", "millisecond", "milliseconds", "ms",
    "second", "seconds", "sec", "s", "minute", "minutes", "min", "hour", "hours", "h", "day", "days", "d",
    "week", "weeks", "w", "month", "months", "mo", "quarter", "quarters", "q", "year", "years", "yr", "y",
];

/// A cursor over tokens with the expression grammar on top; the EQL and
/// ES|QL query parsers drive it for the parts around expressions.
pub struct Parser<'t> {
    tokens: &'t [Token],
    pos: usize,
    depth: usize,
    dialect: Dialect,
    /// Offset reported for errors at the end of input.
    end: usize,
}

type Parsed = Result<Node, ParseError>;

impl<'t> Parser<'t> {
    pub fn new(tokens: &'t [Token], dialect: Dialect, source_len: usize) -> Self {
        Parser { tokens, pos: 0, depth: 0, dialect, end: source_len }
    }

    pub fn peek(&self) -> Option<&'t Token> {
        self.tokens.get(self.pos)
    }

    pub fn peek_at(&self, ahead: usize) -> Option<&'t Token> {
        self.tokens.get(self.pos + ahead)
    }

    pub fn at_end(&self) -> bool {
        self.pos >= self.tokens.len()
    }

    pub fn advance(&mut self) -> Option<&'t Token> {
        let token = self.tokens.get(self.pos);
        if token.is_some() {
            self.pos += 1;
        }
        token
    }

    /// Whether the next token is `kind` (compared without payload).
    pub fn at(&self, kind: &TokenKind) -> bool {
        self.peek().is_some_and(|t| std::mem::discriminant(&t.kind) == std::mem::discriminant(kind))
    }

    pub fn at_keyword(&self, word: &str) -> bool {
        self.peek().is_some_and(|t| t.is_keyword(word))
    }

    /// Consumes the keyword if it is next.
    pub fn eat_keyword(&mut self, word: &str) -> bool {
        let found = self.at_keyword(word);
        if found {
            self.pos += 1;
        }
        found
    }

    /// Consumes a token of this kind if it is next.
    pub fn eat(&mut self, kind: &TokenKind) -> Option<&'t Token> {
        if self.at(kind) { self.advance() } else { None }
    }

    pub fn expect(&mut self, kind: &TokenKind, expected: &'static str) -> Result<&'t Token, ParseError> {
        match self.eat(kind) {
            Some(token) => Ok(token),
            None => Err(self.unexpected(expected)),
        }
    }

    pub fn expect_keyword(&mut self, word: &str, expected: &'static str) -> Result<(), ParseError> {
        if self.eat_keyword(word) { Ok(()) } else { Err(self.unexpected(expected)) }
    }

    /// The error for whatever token is next.
    pub fn unexpected(&self, expected: &'static str) -> ParseError {
        match self.peek() {
            Some(token) => ParseError::Unexpected { expected, found: token.kind.description(), at: token.span.start },
            None => ParseError::UnexpectedEnd { expected, at: self.end },
        }
    }

    /// Span of the previous token (for building node spans).
    fn last_span(&self) -> Span {
        self.pos.checked_sub(1).and_then(|i| self.tokens.get(i)).map(|t| t.span).unwrap_or_default()
    }

    fn enter(&mut self) -> Result<(), ParseError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            let at = self.peek().map_or(self.end, |t| t.span.start);
            return Err(ParseError::RecursionLimit { at });
        }
        Ok(())
    }

    fn leave(&mut self) {
        self.depth = self.depth.saturating_sub(1);
    }

    /// expr := and ("or" and)*
    pub fn expression(&mut self) -> Parsed {
        self.enter()?;
        let result = self.junction("or", Self::conjunction);
        self.leave();
        result
    }

    fn conjunction(&mut self) -> Parsed {
        self.junction("and", Self::negation)
    }

    fn junction(&mut self, keyword: &str, operand: fn(&mut Self) -> Parsed) -> Parsed {
        let first = operand(self)?;
        if !self.at_keyword(keyword) {
            return Ok(first);
        }
        let mut operands = vec![first];
        while self.eat_keyword(keyword) {
            operands.push(operand(self)?);
        }
        let span = operands[0].span.to(self.last_span());
        let kind = if keyword == "or" { NodeKind::Or(operands) } else { NodeKind::And(operands) };
        Ok(Node { kind, span })
    }

    /// not := "not" not | predicate
    fn negation(&mut self) -> Parsed {
        let Some(start) = self.peek().filter(|t| t.is_keyword("not")).map(|t| t.span) else {
            return self.predicate();
        };
        self.pos += 1;
        self.enter()?;
        let inner = self.negation();
        self.leave();
        let inner = inner?;
        let span = start.to(inner.span);
        Ok(Node { kind: NodeKind::Not(Box::new(inner)), span })
    }

    /// A value, optionally followed by one comparison-like operator
    /// (`a not in (…)` and `a not like …` negate it).
    fn predicate(&mut self) -> Parsed {
        let lhs = self.additive()?;
        let negated = self.at_keyword("not") && self.peek_at(1).is_some_and(is_infix_keyword);
        if !negated {
            return self.infix(lhs);
        }
        self.pos += 1;
        let node = self.infix(lhs)?;
        let span = node.span;
        Ok(Node { kind: NodeKind::Not(Box::new(node)), span })
    }

    /// The operator after `lhs` and its right side; with no operator the
    /// value stands alone (`startsWith(a, "b")`, `true`).
    fn infix(&mut self, lhs: Node) -> Parsed {
        let Some(token) = self.peek() else {
            return Ok(lhs);
        };
        let compare = match token.kind {
            TokenKind::EqEq => Some(CompareOp::Eq),
            TokenKind::Assign if self.dialect == Dialect::Eql => Some(CompareOp::Eq),
            TokenKind::NotEq => Some(CompareOp::NotEq),
            TokenKind::Lt => Some(CompareOp::Lt),
            TokenKind::Le => Some(CompareOp::Le),
            TokenKind::Gt => Some(CompareOp::Gt),
            TokenKind::Ge => Some(CompareOp::Ge),
            _ => None,
        };
        if let Some(op) = compare {
            self.pos += 1;
            let rhs = self.additive()?;
            let span = lhs.span.to(rhs.span);
            return Ok(Node { kind: NodeKind::Compare { op, lhs: Box::new(lhs), rhs: Box::new(rhs) }, span });
        }
        let op = if token.kind == TokenKind::Colon {
            PatternOp::Colon
        } else if token.is_keyword("like") {
            PatternOp::Like
        } else if token.is_keyword("regex") || token.is_keyword("rlike") {
            PatternOp::Regex
        } else if token.is_keyword("in") {
            self.pos += 1;
            return self.in_list(lhs);
        } else if token.is_keyword("is") {
            self.pos += 1;
            return self.is_null(lhs);
        } else {
            return Ok(lhs);
        };
        self.pos += 1;
        self.pattern(lhs, op)
    }

    /// `~`? then one pattern or a parenthesized list.
    fn pattern(&mut self, lhs: Node, op: PatternOp) -> Parsed {
        let insensitive = self.eat(&TokenKind::Tilde).is_some();
        let patterns = self.value_list()?;
        let span = lhs.span.to(self.last_span());
        Ok(Node { kind: NodeKind::Pattern { op, insensitive, lhs: Box::new(lhs), patterns }, span })
    }

    fn in_list(&mut self, lhs: Node) -> Parsed {
        let insensitive = self.eat(&TokenKind::Tilde).is_some();
        if !self.at(&TokenKind::LParen) {
            return Err(self.unexpected("`(` after `in`"));
        }
        let list = self.value_list()?;
        let span = lhs.span.to(self.last_span());
        Ok(Node { kind: NodeKind::In { lhs: Box::new(lhs), list, insensitive }, span })
    }

    fn is_null(&mut self, operand: Node) -> Parsed {
        let negated = self.eat_keyword("not");
        self.expect_keyword("null", "`null` after `is`")?;
        let span = operand.span.to(self.last_span());
        Ok(Node { kind: NodeKind::IsNull { operand: Box::new(operand), negated }, span })
    }

    /// `(a, b, …)` or a single value.
    fn value_list(&mut self) -> Result<Vec<Node>, ParseError> {
        if self.eat(&TokenKind::LParen).is_none() {
            return Ok(vec![self.additive()?]);
        }
        self.enter()?;
        let list = self.comma_list(&TokenKind::RParen, "`,` or `)`");
        self.leave();
        list
    }

    /// Comma-separated expressions up to the closing token (consumed);
    /// tolerates a trailing comma.
    fn comma_list(&mut self, close: &TokenKind, expected: &'static str) -> Result<Vec<Node>, ParseError> {
        let mut items = Vec::new();
        loop {
            if self.eat(close).is_some() {
                return Ok(items);
            }
            items.push(self.expression()?);
            if self.eat(&TokenKind::Comma).is_none() {
                self.expect(close, expected)?;
                return Ok(items);
            }
        }
    }

    fn additive(&mut self) -> Parsed {
        self.arithmetic(&[TokenKind::Plus, TokenKind::Minus], Self::multiplicative)
    }

    fn multiplicative(&mut self) -> Parsed {
        self.arithmetic(&[TokenKind::Star, TokenKind::Slash, TokenKind::Percent], Self::unary)
    }

    /// A chain of one precedence level, kept flat (`a + b - c` is one
    /// computed node over three operands) so long chains nest no deeper.
    fn arithmetic(&mut self, ops: &[TokenKind], operand: fn(&mut Self) -> Parsed) -> Parsed {
        let first = operand(self)?;
        if !ops.iter().any(|op| self.at(op)) {
            return Ok(first);
        }
        let mut span = first.span;
        let mut operands = vec![first];
        while ops.iter().any(|op| self.at(op)) {
            self.pos += 1;
            let next = operand(self)?;
            span = span.to(next.span);
            operands.push(next);
        }
        Ok(Node { kind: NodeKind::Computed(operands), span })
    }

    /// unary := ("-" | "+") unary | postfix
    fn unary(&mut self) -> Parsed {
        let Some(sign) = self.eat(&TokenKind::Minus).or_else(|| self.eat(&TokenKind::Plus)) else {
            return self.postfix();
        };
        self.enter()?;
        let operand = self.unary();
        self.leave();
        let operand = operand?;
        let span = sign.span.to(operand.span);
        let minus = sign.kind == TokenKind::Minus;
        // A signed number stays a number (`+1` is the number 1, as Elastic's
        // parsers read it); anything else is computed.
        let kind = match operand.kind {
            NodeKind::Number(n) if minus => NodeKind::Number(format!("-{n}")),
            NodeKind::Number(n) => NodeKind::Number(n),
            _ => NodeKind::Computed(vec![operand]),
        };
        Ok(Node { kind, span })
    }

    /// primary ("::" type | EQL ":" name "(" args ")")*
    fn postfix(&mut self) -> Parsed {
        let mut node = self.primary()?;
        loop {
            if self.at_method_call() {
                node = self.method_call(node)?;
                continue;
            }
            if self.eat(&TokenKind::DoubleColon).is_none() {
                break;
            }
            let ty = self.advance().ok_or_else(|| self.unexpected("a type name"))?;
            // A cast of a field is still a test of that field.
            let span = node.span.to(ty.span);
            let kind = match node.kind {
                // A cast of a field is still a test of that field; casts of
                // computed values stay one computed node.
                kind @ (NodeKind::Field(_) | NodeKind::Computed(_)) => kind,
                other => NodeKind::Computed(vec![Node { kind: other, span: node.span }]),
            };
            node = Node { kind, span };
        }
        Ok(node)
    }

    /// EQL's method syntax `a:length()`: a `:` followed by a name and `(`.
    /// A `:` comparison cannot be followed by a call (its right side is a
    /// string), so Elastic's parser reads this form as the call `length(a)`.
    fn at_method_call(&self) -> bool {
        self.dialect == Dialect::Eql
            && self.at(&TokenKind::Colon)
            && self.peek_at(1).is_some_and(|t| matches!(t.kind, TokenKind::Ident { quoted: false, .. }))
            && self.peek_at(2).is_some_and(|t| t.kind == TokenKind::LParen)
    }

    /// `receiver:name(args)` → `name(receiver, args)`.
    fn method_call(&mut self, receiver: Node) -> Parsed {
        self.pos += 1;
        let Some(TokenKind::Ident { name, .. }) = self.advance().map(|t| &t.kind) else {
            return Err(self.unexpected("a function name"));
        };
        let name = name.clone();
        self.expect(&TokenKind::LParen, "`(`")?;
        self.enter()?;
        let args = self.comma_list(&TokenKind::RParen, "`,` or `)`");
        self.leave();
        let mut all = vec![receiver];
        all.extend(args?);
        let span = all[0].span.to(self.last_span());
        Ok(Node { kind: NodeKind::Call { name, insensitive: false, args: all }, span })
    }

    fn primary(&mut self) -> Parsed {
        let Some(token) = self.advance() else {
            return Err(self.unexpected("a value"));
        };
        let span = token.span;
        let kind = match &token.kind {
            TokenKind::Str(s) => NodeKind::Str(s.clone()),
            TokenKind::Number(n) => return Ok(self.number(n, span)),
            TokenKind::LParen => return self.parenthesized(),
            TokenKind::LBrace => return self.map_literal(span),
            TokenKind::Question => return self.question(span),
            TokenKind::Ident { name, quoted } => return self.name(name, *quoted, span),
            _ => {
                self.pos -= 1;
                return Err(self.unexpected("a value"));
            }
        };
        Ok(Node { kind, span })
    }

    fn number(&mut self, text: &str, span: Span) -> Node {
        let unit =
            self.dialect == Dialect::Esql && self.peek().is_some_and(|t| TIME_UNITS.iter().any(|u| t.is_keyword(u)));
        if unit {
            let unit_span = self.advance().map_or(span, |t| t.span);
            return Node { kind: NodeKind::Computed(Vec::new()), span: span.to(unit_span) };
        }
        Node { kind: NodeKind::Number(text.to_owned()), span }
    }

    fn parenthesized(&mut self) -> Parsed {
        let open = self.last_span();
        let inner = self.expression()?;
        let close = self.expect(&TokenKind::RParen, "`)`")?;
        Ok(Node { kind: inner.kind, span: open.to(close.span) })
    }

    /// `{ "key": value, … }` (ES|QL function options): kept as text.
    fn map_literal(&mut self, open: Span) -> Parsed {
        self.enter()?;
        let mut depth = 1usize;
        while depth > 0 {
            match self.advance().map(|t| &t.kind) {
                Some(TokenKind::LBrace) => depth += 1,
                Some(TokenKind::RBrace) => depth -= 1,
                Some(_) => {}
                None => {
                    self.leave();
                    return Err(self.unexpected("`}`"));
                }
            }
        }
        self.leave();
        Ok(Node { kind: NodeKind::Computed(Vec::new()), span: open.to(self.last_span()) })
    }

    /// EQL `?field` (optional field) or ES|QL `?param`.
    fn question(&mut self, start: Span) -> Parsed {
        match self.peek().map(|t| &t.kind) {
            Some(TokenKind::Ident { name, .. }) if self.dialect == Dialect::Eql => {
                let span = start.to(self.advance().map_or(start, |t| t.span));
                Ok(Node { kind: NodeKind::Field(name.clone()), span })
            }
            Some(TokenKind::Ident { .. } | TokenKind::Number(_)) => {
                let span = start.to(self.advance().map_or(start, |t| t.span));
                Ok(Node { kind: NodeKind::Computed(Vec::new()), span })
            }
            _ => Ok(Node { kind: NodeKind::Computed(Vec::new()), span: start }),
        }
    }

    /// A field, a literal keyword, or a function call.
    fn name(&mut self, name: &str, quoted: bool, span: Span) -> Parsed {
        if !quoted {
            let literal = match name.to_ascii_lowercase().as_str() {
                "true" => Some(NodeKind::Bool(true)),
                "false" => Some(NodeKind::Bool(false)),
                "null" => Some(NodeKind::Null),
                _ => None,
            };
            if let Some(kind) = literal {
                return Ok(Node { kind, span });
            }
            let call_follows = self.at(&TokenKind::LParen)
                || (self.at(&TokenKind::Tilde) && self.peek_at(1).is_some_and(|t| t.kind == TokenKind::LParen));
            if call_follows {
                return self.call(name, span);
            }
        }
        Ok(Node { kind: NodeKind::Field(name.to_owned()), span })
    }

    fn call(&mut self, name: &str, span: Span) -> Parsed {
        let insensitive = self.eat(&TokenKind::Tilde).is_some();
        self.expect(&TokenKind::LParen, "`(`")?;
        self.enter()?;
        let args = self.call_arguments();
        self.leave();
        let args = args?;
        Ok(Node { kind: NodeKind::Call { name: name.to_owned(), insensitive, args }, span: span.to(self.last_span()) })
    }

    /// Arguments; `count(*)` has a bare `*`.
    fn call_arguments(&mut self) -> Result<Vec<Node>, ParseError> {
        let closes = self.peek_at(1).is_some_and(|t| t.kind == TokenKind::RParen);
        if let (Some(star), true) = (self.peek().filter(|t| t.kind == TokenKind::Star), closes) {
            self.pos += 2;
            return Ok(vec![Node { kind: NodeKind::Computed(Vec::new()), span: star.span }]);
        }
        self.comma_list(&TokenKind::RParen, "`,` or `)`")
    }
}

fn is_infix_keyword(token: &Token) -> bool {
    ["in", "like", "regex", "rlike"].iter().any(|k| token.is_keyword(k))
}

#[cfg(test)]
mod tests;
