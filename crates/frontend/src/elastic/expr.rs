//! Boolean/value expressions of EQL and ES|QL: the syntax tree and its
//! recursive-descent parser. The two languages share the shape (or < and <
//! not < comparison < arithmetic) and differ in a handful of operators
//! (`like~`, `?field` in EQL; `RLIKE`, `IS NULL`, `::` in ES|QL), which the
//! parser accepts in both: it reads rules, it does not validate them.
//!
//! Built on the parsing kit (`crate::syntax`): the parser walks a [`Cursor`]
//! (whose depth guard bounds nesting), `or` and `and` are one [`climb`] over
//! [`levels`], and errors are [`SyntaxError`]s with byte spans in the query.

use super::lexer::{Dialect, Token, TokenKind};
use crate::syntax::{Cursor, Level, Span, SyntaxError, climb};

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

/// Units that turn `30 seconds` into one ES|QL time-span value.
#[rustfmt::skip]
const TIME_UNITS: &[&str] = &[
    "nanosecond", "nanoseconds", "ns", "microsecond", "microseconds", "millisecond", "milliseconds", "ms",
    "second", "seconds", "sec", "s", "minute", "minutes", "min", "hour", "hours", "h", "day", "days", "d",
    "week", "weeks", "w", "month", "months", "mo", "quarter", "quarters", "q", "year", "years", "yr", "y",
];

/// Whether a token is the unquoted keyword `word` (any case), as a test for
/// the cursor: `cursor.eat(keyword("by"))`.
pub fn keyword(word: &str) -> impl Fn(&TokenKind) -> bool + '_ {
    move |kind| kind.is_keyword(word)
}

/// `or` binds loosest, then `and`; `not` binds tighter, in the operand rule.
fn levels() -> [Level<TokenKind, Node>; 2] {
    [
        Level { operator: |k| k.is_keyword("or"), implicit: None, combine: |ops| junction(ops, NodeKind::Or) },
        Level { operator: |k| k.is_keyword("and"), implicit: None, combine: |ops| junction(ops, NodeKind::And) },
    ]
}

/// The node of two or more operands, spanning them all.
fn junction(operands: Vec<Node>, kind: fn(Vec<Node>) -> NodeKind) -> Node {
    let span = operands.iter().map(|op| op.span).reduce(Span::to).unwrap_or_default();
    Node { kind: kind(operands), span }
}

/// The expression grammar on top of a cursor; the EQL and ES|QL query
/// parsers drive the cursor for the parts around expressions.
pub struct Parser<'t> {
    pub cursor: Cursor<'t, TokenKind>,
    dialect: Dialect,
}

type Parsed = Result<Node, SyntaxError>;

impl<'t> Parser<'t> {
    /// `end` is where errors at the end of the tokens point.
    pub fn new(tokens: &'t [Token], dialect: Dialect, end: usize) -> Self {
        Parser { cursor: Cursor::new(tokens, end), dialect }
    }

    fn cursor(&mut self) -> &mut Cursor<'t, TokenKind> {
        &mut self.cursor
    }

    /// expr := and ("or" and)* ; and := not ("and" not)*
    pub fn expression(&mut self) -> Parsed {
        self.cursor.enter()?;
        let result = climb(self, &levels(), Self::cursor, &mut Self::negation);
        self.cursor.leave();
        result
    }

    /// not := "not" not | predicate
    fn negation(&mut self) -> Parsed {
        let Some(start) = self.cursor.eat(keyword("not")).map(|t| t.span) else {
            return self.predicate();
        };
        self.cursor.enter()?;
        let inner = self.negation();
        self.cursor.leave();
        let inner = inner?;
        let span = start.to(inner.span);
        Ok(Node { kind: NodeKind::Not(Box::new(inner)), span })
    }

    /// A value, optionally followed by one comparison-like operator
    /// (`a not in (…)` and `a not like …` negate it).
    fn predicate(&mut self) -> Parsed {
        let lhs = self.additive()?;
        let negated = self.cursor.at(keyword("not")) && self.cursor.peek_kind(1).is_some_and(is_infix_keyword);
        if !negated {
            return self.infix(lhs);
        }
        self.cursor.skip(1);
        let node = self.infix(lhs)?;
        let span = node.span;
        Ok(Node { kind: NodeKind::Not(Box::new(node)), span })
    }

    /// The operator after `lhs` and its right side; with no operator the
    /// value stands alone (`startsWith(a, "b")`, `true`).
    fn infix(&mut self, lhs: Node) -> Parsed {
        let Some(token) = self.cursor.peek() else {
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
            self.cursor.skip(1);
            let rhs = self.additive()?;
            let span = lhs.span.to(rhs.span);
            return Ok(Node { kind: NodeKind::Compare { op, lhs: Box::new(lhs), rhs: Box::new(rhs) }, span });
        }
        let kind = &token.kind;
        let op = if *kind == TokenKind::Colon {
            PatternOp::Colon
        } else if kind.is_keyword("like") {
            PatternOp::Like
        } else if kind.is_keyword("regex") || kind.is_keyword("rlike") {
            PatternOp::Regex
        } else if kind.is_keyword("in") {
            self.cursor.skip(1);
            return self.in_list(lhs);
        } else if kind.is_keyword("is") {
            self.cursor.skip(1);
            return self.is_null(lhs);
        } else {
            return Ok(lhs);
        };
        self.cursor.skip(1);
        self.pattern(lhs, op)
    }

    /// `~`? then one pattern or a parenthesized list.
    fn pattern(&mut self, lhs: Node, op: PatternOp) -> Parsed {
        let insensitive = self.cursor.eat(|k| *k == TokenKind::Tilde).is_some();
        let patterns = self.value_list()?;
        let span = lhs.span.to(self.cursor.last_span());
        Ok(Node { kind: NodeKind::Pattern { op, insensitive, lhs: Box::new(lhs), patterns }, span })
    }

    fn in_list(&mut self, lhs: Node) -> Parsed {
        let insensitive = self.cursor.eat(|k| *k == TokenKind::Tilde).is_some();
        if !self.cursor.at(|k| *k == TokenKind::LParen) {
            return Err(self.cursor.unexpected("`(` after `in`"));
        }
        let list = self.value_list()?;
        let span = lhs.span.to(self.cursor.last_span());
        Ok(Node { kind: NodeKind::In { lhs: Box::new(lhs), list, insensitive }, span })
    }

    fn is_null(&mut self, operand: Node) -> Parsed {
        let negated = self.cursor.eat(keyword("not")).is_some();
        self.cursor.expect(keyword("null"), "`null` after `is`")?;
        let span = operand.span.to(self.cursor.last_span());
        Ok(Node { kind: NodeKind::IsNull { operand: Box::new(operand), negated }, span })
    }

    /// `(a, b, …)` or a single value.
    fn value_list(&mut self) -> Result<Vec<Node>, SyntaxError> {
        if self.cursor.eat(|k| *k == TokenKind::LParen).is_none() {
            return Ok(vec![self.additive()?]);
        }
        self.cursor.enter()?;
        let list = self.comma_list(&TokenKind::RParen, "`,` or `)`");
        self.cursor.leave();
        list
    }

    /// Comma-separated expressions up to the closing token (consumed);
    /// tolerates a trailing comma.
    fn comma_list(&mut self, close: &TokenKind, expected: &'static str) -> Result<Vec<Node>, SyntaxError> {
        let mut items = Vec::new();
        loop {
            if self.cursor.eat(|k| k == close).is_some() {
                return Ok(items);
            }
            items.push(self.expression()?);
            if self.cursor.eat(|k| *k == TokenKind::Comma).is_none() {
                self.cursor.expect(|k| k == close, expected)?;
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
        let is_op = |k: &TokenKind| ops.contains(k);
        if !self.cursor.at(is_op) {
            return Ok(first);
        }
        let mut span = first.span;
        let mut operands = vec![first];
        while self.cursor.eat(is_op).is_some() {
            let next = operand(self)?;
            span = span.to(next.span);
            operands.push(next);
        }
        Ok(Node { kind: NodeKind::Computed(operands), span })
    }

    /// unary := ("-" | "+") unary | postfix
    fn unary(&mut self) -> Parsed {
        let Some(sign) = self.cursor.eat(|k| matches!(k, TokenKind::Minus | TokenKind::Plus)) else {
            return self.postfix();
        };
        self.cursor.enter()?;
        let operand = self.unary();
        self.cursor.leave();
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
            if self.cursor.eat(|k| *k == TokenKind::DoubleColon).is_none() {
                break;
            }
            let ty = self.cursor.advance().ok_or_else(|| self.cursor.unexpected("a type name"))?;
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
            && self.cursor.at(|k| *k == TokenKind::Colon)
            && self.cursor.peek_kind(1).is_some_and(|k| matches!(k, TokenKind::Ident { quoted: false, .. }))
            && self.cursor.peek_kind(2).is_some_and(|k| *k == TokenKind::LParen)
    }

    /// `receiver:name(args)` → `name(receiver, args)`.
    fn method_call(&mut self, receiver: Node) -> Parsed {
        self.cursor.skip(1);
        let Some(TokenKind::Ident { name, .. }) = self.cursor.advance().map(|t| &t.kind) else {
            return Err(self.cursor.unexpected("a function name"));
        };
        let name = name.clone();
        self.cursor.expect(|k| *k == TokenKind::LParen, "`(`")?;
        self.cursor.enter()?;
        let args = self.comma_list(&TokenKind::RParen, "`,` or `)`");
        self.cursor.leave();
        let span = receiver.span.to(self.cursor.last_span());
        let mut all = vec![receiver];
        all.extend(args?);
        Ok(Node { kind: NodeKind::Call { name, insensitive: false, args: all }, span })
    }

    fn primary(&mut self) -> Parsed {
        let starts_value = |k: &TokenKind| {
            matches!(
                k,
                TokenKind::Str(_)
                    | TokenKind::Number(_)
                    | TokenKind::LParen
                    | TokenKind::LBrace
                    | TokenKind::Question
                    | TokenKind::Ident { .. }
            )
        };
        let token = self.cursor.expect(starts_value, "a value")?;
        let span = token.span;
        match &token.kind {
            TokenKind::Number(n) => Ok(self.number(n, span)),
            TokenKind::LParen => self.parenthesized(span),
            TokenKind::LBrace => self.map_literal(span),
            TokenKind::Question => self.question(span),
            TokenKind::Ident { name, quoted } => self.name(name, *quoted, span),
            TokenKind::Str(s) => Ok(Node { kind: NodeKind::Str(s.clone()), span }),
            _ => Err(self.cursor.unexpected("a value")),
        }
    }

    fn number(&mut self, text: &str, span: Span) -> Node {
        let unit = self.dialect == Dialect::Esql && self.cursor.at(|k| TIME_UNITS.iter().any(|u| k.is_keyword(u)));
        if unit {
            let unit_span = self.cursor.advance().map_or(span, |t| t.span);
            return Node { kind: NodeKind::Computed(Vec::new()), span: span.to(unit_span) };
        }
        Node { kind: NodeKind::Number(text.to_owned()), span }
    }

    fn parenthesized(&mut self, open: Span) -> Parsed {
        let inner = self.expression()?;
        let close = self.cursor.expect(|k| *k == TokenKind::RParen, "`)`")?;
        Ok(Node { kind: inner.kind, span: open.to(close.span) })
    }

    /// `{ "key": value, … }` (ES|QL function options): kept as text.
    fn map_literal(&mut self, open: Span) -> Parsed {
        self.cursor.enter()?;
        let mut depth = 1usize;
        while depth > 0 {
            match self.cursor.advance().map(|t| &t.kind) {
                Some(TokenKind::LBrace) => depth += 1,
                Some(TokenKind::RBrace) => depth -= 1,
                Some(_) => {}
                None => {
                    self.cursor.leave();
                    return Err(self.cursor.unexpected("`}`"));
                }
            }
        }
        self.cursor.leave();
        Ok(Node { kind: NodeKind::Computed(Vec::new()), span: open.to(self.cursor.last_span()) })
    }

    /// EQL `?field` (optional field) or ES|QL `?param`.
    fn question(&mut self, start: Span) -> Parsed {
        match self.cursor.peek().map(|t| &t.kind) {
            Some(TokenKind::Ident { name, .. }) if self.dialect == Dialect::Eql => {
                let span = start.to(self.cursor.advance().map_or(start, |t| t.span));
                Ok(Node { kind: NodeKind::Field(name.clone()), span })
            }
            Some(TokenKind::Ident { .. } | TokenKind::Number(_)) => {
                let span = start.to(self.cursor.advance().map_or(start, |t| t.span));
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
            let call_follows = self.cursor.at(|k| *k == TokenKind::LParen)
                || (self.cursor.at(|k| *k == TokenKind::Tilde)
                    && self.cursor.peek_kind(1).is_some_and(|k| *k == TokenKind::LParen));
            if call_follows {
                return self.call(name, span);
            }
        }
        Ok(Node { kind: NodeKind::Field(name.to_owned()), span })
    }

    fn call(&mut self, name: &str, span: Span) -> Parsed {
        let insensitive = self.cursor.eat(|k| *k == TokenKind::Tilde).is_some();
        self.cursor.expect(|k| *k == TokenKind::LParen, "`(`")?;
        self.cursor.enter()?;
        let args = self.call_arguments();
        self.cursor.leave();
        let args = args?;
        let span = span.to(self.cursor.last_span());
        Ok(Node { kind: NodeKind::Call { name: name.to_owned(), insensitive, args }, span })
    }

    /// Arguments; `count(*)` has a bare `*`.
    fn call_arguments(&mut self) -> Result<Vec<Node>, SyntaxError> {
        let star = self.cursor.peek().filter(|t| t.kind == TokenKind::Star);
        let closes = self.cursor.peek_kind(1).is_some_and(|k| *k == TokenKind::RParen);
        if let (Some(star), true) = (star, closes) {
            self.cursor.skip(2);
            return Ok(vec![Node { kind: NodeKind::Computed(Vec::new()), span: star.span }]);
        }
        self.comma_list(&TokenKind::RParen, "`,` or `)`")
    }
}

fn is_infix_keyword(kind: &TokenKind) -> bool {
    ["in", "like", "regex", "rlike"].iter().any(|k| kind.is_keyword(k))
}

#[cfg(test)]
mod tests;
