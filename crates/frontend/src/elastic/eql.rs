//! EQL (Event Query Language) into the predicate model.
//!
//! How EQL reads in the catalog:
//! - `category where condition`: a category other than `any` is the leaf
//!   `event.category eq <category>` (or the rule's `event_category_override`
//!   field), AND-ed with the condition.
//! - `==` is case-sensitive `eq`, `!=` its `not`; `: "v"` is case-insensitive
//!   and a pattern (`*`, `?`); `like` / `like~` are case-sensitive /
//!   -insensitive patterns; `regex` / `regex~` are `regex_match`; `in` / `in~`
//!   are an `or` of `eq` (their `*` is literal); a list after `:`, `like` or
//!   `regex` is an `or` of one leaf per item; `== null` is `null`, `!= null`
//!   is `exists`; two fields compared with `==` are `fieldref`.
//! - startsWith / endsWith / stringContains / wildcard are patterns
//!   (`x*`, `*x`, `*x*`), cidrMatch is `cidr`, match is `regex_match`; function
//!   names are read in any case and `~` makes them case-insensitive; the
//!   method form `field:startsWith("x")` is the call `startsWith(field, "x")`.
//!   Any other function or arithmetic that carries logic is a `raw` leaf with
//!   the condition as written (on its field when it has exactly one), and
//!   the rule is `partial`.
//! - A `sequence` or `sample` is the `and` of its steps' trees. A
//!   missing-event step `![…]` and the `until […]` step become `not(step)`
//!   directly under that root `and`, so their leaves are exclusions. Join
//!   keys (`by`), `maxspan`, `runs` and which steps are missing / until are
//!   attributes of the rule.
//! - `?field` is the field itself; backtick-quoted names are unquoted.
//! - scripts/compare-eql.py checks these readings against Elastic's own EQL
//!   parser (the `eql` package) on a detection-rules clone.

use atlas_catalog::wildcard;
use atlas_catalog::{Expr, Op};

use super::expr::{CompareOp, Node, NodeKind, Parser, PatternOp, keyword};
use super::lexer::{Dialect, TokenKind, tokenize};
use super::lower::{self, QueryLogic, constant, constants, field_name, mirror};
use crate::leaf::LeafMaker;
use crate::syntax::{ErrorKind, Span, SyntaxError};

/// One `category where condition`.
#[derive(Debug, Clone, PartialEq)]
struct EventQuery {
    /// `None` for `any`.
    category: Option<String>,
    condition: Node,
}

/// One bracketed step of a sequence or sample.
#[derive(Debug, Clone, PartialEq)]
struct Step {
    query: EventQuery,
    keys: Vec<String>,
    runs: Option<String>,
    /// `![…]`: the event must not happen.
    missing: bool,
}

#[derive(Debug, Clone, PartialEq)]
enum Query {
    Event(EventQuery),
    Sequence { keys: Vec<String>, maxspan: Option<String>, steps: Vec<Step>, until: Option<Step> },
    Sample { keys: Vec<String>, steps: Vec<Step> },
}

/// Parses an EQL query and reads it into the model. `category_field` is
/// `event.category` unless the rule overrides it. Error spans are byte
/// offsets in `source`.
pub fn parse(source: &str, category_field: &str, maker: LeafMaker<'_>) -> Result<QueryLogic, SyntaxError> {
    let tokens = tokenize(source, Dialect::Eql)?;
    // A query cut short is reported where its last token ends.
    let end = tokens.last().map_or(0, |t| t.span.end);
    let mut parser = QueryParser { p: Parser::new(&tokens, Dialect::Eql, end), source };
    let query = parser.query()?;
    let pipes = parser.pipes()?;
    let mut out = Lowering { maker, source, category_field, out: QueryLogic::default() }.query(&query);
    for pipe in pipes {
        out.attribute("EQL pipe", pipe);
    }
    Ok(out)
}

struct QueryParser<'t, 's> {
    p: Parser<'t>,
    source: &'s str,
}

impl QueryParser<'_, '_> {
    fn query(&mut self) -> Result<Query, SyntaxError> {
        let c = &mut self.p.cursor;
        if c.eat(keyword("sequence")).is_some() {
            return self.sequence();
        }
        if c.eat(keyword("sample")).is_some() {
            let keys = if c.eat(keyword("by")).is_some() { self.keys()? } else { Vec::new() };
            let steps = self.steps()?;
            return Ok(Query::Sample { keys, steps });
        }
        if let Some(join) = c.eat(keyword("join")) {
            let detail = "unsupported: EQL `join` queries".to_owned();
            return Err(SyntaxError::new(ErrorKind::Unsupported { what: "EQL join query", detail }, join.span));
        }
        self.event_query().map(Query::Event)
    }

    /// `sequence [by keys] [with maxspan=d] steps [until step]` (`by` and
    /// `with` in either order).
    fn sequence(&mut self) -> Result<Query, SyntaxError> {
        let mut keys = Vec::new();
        let mut maxspan = None;
        loop {
            if self.p.cursor.eat(keyword("by")).is_some() {
                keys = self.keys()?;
            } else if self.p.cursor.eat(keyword("with")).is_some() {
                self.p.cursor.expect(keyword("maxspan"), "`maxspan` after `with`")?;
                maxspan = Some(self.assigned_value()?);
            } else {
                break;
            }
        }
        let steps = self.steps()?;
        let until = if self.p.cursor.eat(keyword("until")).is_some() { Some(self.step()?) } else { None };
        Ok(Query::Sequence { keys, maxspan, steps, until })
    }

    /// `= value`, the value as written (`5m`, `30 s`).
    fn assigned_value(&mut self) -> Result<String, SyntaxError> {
        let c = &mut self.p.cursor;
        c.expect(|k| *k == TokenKind::Assign, "`=`")?;
        let first = c.advance().ok_or_else(|| c.unexpected("a value after `=`"))?;
        let mut span = first.span;
        // `maxspan = 5 m`: a unit written apart from its number.
        let unit = c.peek().filter(|t| ["ms", "s", "m", "h", "d"].iter().any(|u| t.kind.is_keyword(u)));
        if let (TokenKind::Number(_), Some(unit)) = (&first.kind, unit) {
            span = span.to(unit.span);
            c.advance();
        }
        Ok(span.text(self.source).to_owned())
    }

    fn steps(&mut self) -> Result<Vec<Step>, SyntaxError> {
        let mut steps = Vec::new();
        while self.p.cursor.at(|k| matches!(k, TokenKind::LBracket | TokenKind::Bang)) {
            steps.push(self.step()?);
        }
        if steps.is_empty() {
            return Err(self.p.cursor.unexpected("`[` starting a step"));
        }
        Ok(steps)
    }

    /// `[!][ query ] [by keys] [with runs=N]`
    fn step(&mut self) -> Result<Step, SyntaxError> {
        let missing = self.p.cursor.eat(|k| *k == TokenKind::Bang).is_some();
        self.p.cursor.expect(|k| *k == TokenKind::LBracket, "`[`")?;
        let query = self.event_query()?;
        self.p.cursor.expect(|k| *k == TokenKind::RBracket, "`]`")?;
        let keys = if self.p.cursor.eat(keyword("by")).is_some() { self.keys()? } else { Vec::new() };
        let mut runs = None;
        if self.p.cursor.at(keyword("with")) && self.p.cursor.peek_kind(1).is_some_and(keyword("runs")) {
            self.p.cursor.skip(2);
            runs = Some(self.assigned_value()?);
        }
        Ok(Step { query, keys, runs, missing })
    }

    /// Join keys as written: `host.id, process.entity_id`.
    fn keys(&mut self) -> Result<Vec<String>, SyntaxError> {
        let mut keys = vec![self.key()?];
        while self.p.cursor.eat(|k| *k == TokenKind::Comma).is_some() {
            keys.push(self.key()?);
        }
        Ok(keys)
    }

    fn key(&mut self) -> Result<String, SyntaxError> {
        let node = self.p.expression()?;
        Ok(match &node.kind {
            NodeKind::Field(name) => name.clone(),
            _ => lower::squeeze_whitespace(node.span.text(self.source)),
        })
    }

    fn event_query(&mut self) -> Result<EventQuery, SyntaxError> {
        let is_category = |k: &TokenKind| matches!(k, TokenKind::Ident { .. } | TokenKind::Str(_));
        let token = self.p.cursor.expect(is_category, "an event category")?;
        let category = match &token.kind {
            TokenKind::Ident { name, quoted: false } if name.eq_ignore_ascii_case("any") => None,
            TokenKind::Ident { name, .. } | TokenKind::Str(name) => Some(name.clone()),
            _ => None,
        };
        self.p.cursor.expect(keyword("where"), "`where`")?;
        let condition = self.p.expression()?;
        Ok(EventQuery { category, condition })
    }

    /// Trailing `| head 5` style pipes, as written.
    fn pipes(&mut self) -> Result<Vec<String>, SyntaxError> {
        let c = &mut self.p.cursor;
        let mut pipes = Vec::new();
        while let Some(bar) = c.eat(|k| *k == TokenKind::Pipe) {
            let mut span: Span = bar.span;
            while let Some(token) = c.eat(|k| *k != TokenKind::Pipe) {
                span = span.to(token.span);
            }
            pipes.push(lower::squeeze_whitespace(span.text(self.source)));
        }
        if !c.at_end() {
            return Err(c.unexpected("`|` or the end of the query"));
        }
        Ok(pipes)
    }
}

/// Syntax tree → model, collecting attributes and partial reasons.
struct Lowering<'a> {
    maker: LeafMaker<'a>,
    source: &'a str,
    category_field: &'a str,
    out: QueryLogic,
}

impl Lowering<'_> {
    fn query(mut self, query: &Query) -> QueryLogic {
        let logic = match query {
            Query::Event(event) => self.event(event),
            Query::Sequence { keys, maxspan, steps, until } => {
                if !keys.is_empty() {
                    self.out.attribute("sequence by", keys.join(", "));
                }
                if let Some(maxspan) = maxspan {
                    self.out.attribute("sequence maxspan", maxspan.clone());
                }
                let mut trees = self.steps("sequence", steps);
                if let Some(until) = until {
                    self.out.attribute("sequence until", format!("step {}", steps.len() + 1));
                    trees.extend(self.step(until).map(Expr::negate));
                }
                (!trees.is_empty()).then(|| Expr::and(trees))
            }
            Query::Sample { keys, steps } => {
                if !keys.is_empty() {
                    self.out.attribute("sample by", keys.join(", "));
                }
                let trees = self.steps("sample", steps);
                (!trees.is_empty()).then(|| Expr::and(trees))
            }
        };
        self.out.logic = logic;
        self.out
    }

    fn steps(&mut self, kind: &str, steps: &[Step]) -> Vec<Expr> {
        self.out.attribute(&format!("{kind} steps"), steps.len().to_string());
        let mut trees = Vec::with_capacity(steps.len());
        for (i, step) in steps.iter().enumerate() {
            let n = i + 1;
            if !step.keys.is_empty() {
                self.out.attribute(&format!("step {n} by"), step.keys.join(", "));
            }
            if let Some(runs) = &step.runs {
                self.out.attribute(&format!("step {n} runs"), runs.clone());
            }
            let tree = self.step(step);
            if step.missing {
                self.out.attribute("missing event", format!("step {n}"));
                trees.extend(tree.map(Expr::negate));
            } else {
                trees.extend(tree);
            }
        }
        trees
    }

    fn step(&mut self, step: &Step) -> Option<Expr> {
        self.event(&step.query)
    }

    /// `category where condition` → `and(category leaf, condition)`.
    fn event(&mut self, event: &EventQuery) -> Option<Expr> {
        let category =
            event.category.as_ref().map(|c| self.maker.leaf(Some(self.category_field), Op::Eq, Some(c.clone()), true));
        let condition = match event.condition.kind {
            NodeKind::Bool(true) => None,
            _ => Some(self.condition(&event.condition)),
        };
        match (category, condition) {
            (Some(c), Some(cond)) => Some(Expr::and(vec![c, cond])),
            (one, other) => one.or(other),
        }
    }

    fn condition(&mut self, node: &Node) -> Expr {
        match &node.kind {
            NodeKind::Or(ops) => Expr::or(ops.iter().map(|op| self.condition(op)).collect()),
            NodeKind::And(ops) => Expr::and(ops.iter().map(|op| self.condition(op)).collect()),
            NodeKind::Not(inner) => Expr::negate(self.condition(inner)),
            NodeKind::Compare { op, lhs, rhs } => self.compare(*op, lhs, rhs, node),
            NodeKind::Pattern { op, insensitive, lhs, patterns } => {
                self.pattern(*op, *insensitive, lhs, patterns, node)
            }
            NodeKind::In { lhs, list, insensitive } => self.in_list(lhs, list, *insensitive, node),
            NodeKind::Call { name, insensitive, args } => self.call(name, *insensitive, args, node),
            // A boolean field on its own.
            NodeKind::Field(field) => self.maker.leaf(Some(field), Op::Eq, Some("true".to_owned()), true),
            _ => self.raw(node),
        }
    }

    fn compare(&mut self, op: CompareOp, lhs: &Node, rhs: &Node, node: &Node) -> Expr {
        // `"x" == field` reads as `field == "x"`.
        let (op, lhs, rhs) = match (field_name(lhs), field_name(rhs)) {
            (None, Some(_)) if constant(lhs).is_some() => (mirror(op), rhs, lhs),
            _ => (op, lhs, rhs),
        };
        if let (Some(field), Some(other)) = (field_name(lhs), field_name(rhs)) {
            let value = self.maker.fields.resolve(self.maker.vendor, other);
            return match op {
                CompareOp::Eq => self.maker.leaf(Some(field), Op::Fieldref, Some(value), true),
                CompareOp::NotEq => Expr::negate(self.maker.leaf(Some(field), Op::Fieldref, Some(value), true)),
                _ => self.raw(node),
            };
        }
        if let (Some(field), NodeKind::Null) = (field_name(lhs), &rhs.kind) {
            return match op {
                CompareOp::Eq => self.maker.leaf(Some(field), Op::Null, None, false),
                CompareOp::NotEq => self.maker.leaf(Some(field), Op::Exists, None, false),
                _ => self.raw(node),
            };
        }
        if let Some(field) = lower::nonempty_field(op, lhs, rhs) {
            return self.maker.leaf(Some(field), Op::Exists, None, false);
        }
        // `startsWith(…) == false`
        if let (NodeKind::Call { .. }, NodeKind::Bool(b), CompareOp::Eq | CompareOp::NotEq) = (&lhs.kind, &rhs.kind, op)
        {
            let test = self.condition(lhs);
            return if *b == (op == CompareOp::Eq) { test } else { Expr::negate(test) };
        }
        let (Some(field), Some(value)) = (field_name(lhs), constant(rhs)) else {
            return self.raw(node);
        };
        let leaf_op = lower::leaf_op(op);
        let leaf = self.maker.leaf(Some(field), leaf_op, Some(value), true);
        if op == CompareOp::NotEq { Expr::negate(leaf) } else { leaf }
    }

    fn pattern(&mut self, op: PatternOp, insensitive: bool, lhs: &Node, patterns: &[Node], node: &Node) -> Expr {
        let (Some(field), Some(values)) = (field_name(lhs), constants(patterns)) else {
            return self.raw(node);
        };
        let maker = self.maker;
        match op {
            // `:` is case-insensitive whether or not `~` is written.
            PatternOp::Colon => {
                lower::any_of(values, |v| maker.pattern(Some(field), &wildcard::read(&v, &crate::pattern::EQL), false))
            }
            PatternOp::Like => lower::any_of(values, |v| {
                maker.pattern(Some(field), &wildcard::read(&v, &crate::pattern::EQL), !insensitive)
            }),
            PatternOp::Regex => {
                lower::any_of(values, |v| maker.leaf(Some(field), Op::RegexMatch, Some(v), !insensitive))
            }
        }
    }

    fn in_list(&mut self, lhs: &Node, list: &[Node], insensitive: bool, node: &Node) -> Expr {
        let (Some(field), Some(values)) = (field_name(lhs), constants(list)) else {
            return self.raw(node);
        };
        let maker = self.maker;
        lower::any_of(values, |v| maker.leaf(Some(field), Op::Eq, Some(v), !insensitive))
    }

    /// Functions that test one field against constants become leaves.
    fn call(&mut self, name: &str, insensitive: bool, args: &[Node], node: &Node) -> Expr {
        let Some((first, rest)) = args.split_first() else {
            return self.raw(node);
        };
        let (Some(field), Some(values)) = (field_name(first), constants(rest)) else {
            return self.raw(node);
        };
        if values.is_empty() {
            return self.raw(node);
        }
        let maker = self.maker;
        let cs = !insensitive;
        match name.to_ascii_lowercase().as_str() {
            "startswith" => lower::any_of(values, |v| maker.starts_with(Some(field), &v, cs)),
            "endswith" => lower::any_of(values, |v| maker.ends_with(Some(field), &v, cs)),
            "stringcontains" => lower::any_of(values, |v| maker.contains(Some(field), &v, cs)),
            "wildcard" => {
                lower::any_of(values, |v| maker.pattern(Some(field), &wildcard::read(&v, &crate::pattern::EQL), cs))
            }
            "cidrmatch" => lower::any_of(values, |v| maker.leaf(Some(field), Op::Cidr, Some(v), false)),
            "match" => lower::any_of(values, |v| maker.leaf(Some(field), Op::RegexMatch, Some(v), cs)),
            _ => self.raw(node),
        }
    }

    /// A condition kept as text; the rule becomes partial, naming why.
    fn raw(&mut self, node: &Node) -> Expr {
        lower::keep_raw(&mut self.out, "EQL", node);
        lower::raw_leaf(&self.maker, node, self.source)
    }
}

#[cfg(test)]
mod tests;
