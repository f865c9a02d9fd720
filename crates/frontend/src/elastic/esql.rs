//! ES|QL into the predicate model.
//!
//! A query is a pipeline of commands. `FROM` names the indices (log sources).
//! `WHERE` conditions before the first `STATS` that test source fields are the
//! rule's logic; conditions on columns the pipeline computes (`EVAL`, `GROK`,
//! `DISSECT`, `STATS`, `RENAME`… outputs, `Esql.*` names) and every condition
//! after `STATS` are thresholds over aggregates: they are kept as
//! `("threshold", text)` attributes, not as predicates. One exception: a
//! column that is only a copy or a case-folding of one source field
//! (`EVAL x = to_lower(process.name)`) still tests that field, so conditions
//! on it are predicates on the field (case-insensitive for the folded copy).
//!
//! Operators: `==` is case-sensitive `eq`, `!=` its `not`; `LIKE` is a pattern
//! (`*`, `?`; a backslash escapes the next character; `%` is literal);
//! `RLIKE` is `regex_match`; `IN` an `or` of `eq`; `IS NULL` / `IS NOT NULL`
//! are `null` / `exists`; `:` and `match()` are full-text `match`;
//! `starts_with`, `ends_with`, `cidr_match` are patterns / `cidr`;
//! `to_lower(f)` / `to_upper(f)` make a test case-insensitive on `f`;
//! `KQL("…")` is read as KQL. Anything else is a `raw` leaf and makes the
//! rule partial.

use std::collections::HashMap;

use atlas_catalog::wildcard;
use atlas_catalog::{Expr, Op};

use super::expr::{CompareOp, Node, NodeKind, Parser, PatternOp};
use super::kql::{self, Syntax};
use super::lexer::{Dialect, Token, TokenKind, tokenize};
use super::lower::{self, QueryLogic, constant, constants, mirror};
use crate::leaf::LeafMaker;
use crate::syntax::{Cursor, Span, SyntaxError};

/// What a computed column stands for.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Column {
    /// A copy of a source field, case-folded or not.
    Alias { field: String, folded: bool },
    /// Anything else the pipeline computes.
    Computed,
}

/// Parses an ES|QL query and reads it into the model. Error spans are byte
/// offsets in `source`.
pub fn parse(source: &str, maker: LeafMaker<'_>) -> Result<QueryLogic, SyntaxError> {
    let tokens = tokenize(source, Dialect::Esql)?;
    let mut reader = Reader { source, maker, columns: HashMap::new(), aggregated: false, out: QueryLogic::default() };
    let mut predicates = Vec::new();
    let mut rest = tokens.as_slice();
    loop {
        let (command, after) = rest.split_at(rest.iter().position(|t| t.kind == TokenKind::Pipe).unwrap_or(rest.len()));
        let Some((name, args)) = command.split_first() else {
            // `| | keep a`, a `|` at the end, or no query at all: the error
            // points at the next `|`, or where the last token ends.
            let end = tokens.last().map_or(0, |t| t.span.end);
            return Err(Cursor::new(after, end).unexpected("a command after `|`"));
        };
        reader.command(name, args, &mut predicates)?;
        match after.split_first() {
            Some((_pipe, next)) => rest = next,
            None => break,
        }
    }
    let mut out = reader.out;
    out.logic = (!predicates.is_empty()).then(|| Expr::and(predicates));
    Ok(out)
}

struct Reader<'a> {
    source: &'a str,
    maker: LeafMaker<'a>,
    /// Columns created so far, by name.
    columns: HashMap<String, Column>,
    /// Whether a `STATS` has run: every later condition is a threshold.
    aggregated: bool,
    out: QueryLogic,
}

impl Reader<'_> {
    /// One command: its name (`first`) and its arguments.
    fn command(&mut self, first: &Token, args: &[Token], predicates: &mut Vec<Expr>) -> Result<(), SyntaxError> {
        let keyword = |word: &str| first.kind.is_keyword(word);
        if keyword("from") {
            self.from(first.span, args);
        } else if keyword("where") {
            self.where_command(args, predicates)?;
        } else if keyword("stats") {
            self.stats(args);
        } else if keyword("inlinestats")
            || (keyword("inline") && args.first().is_some_and(|t| t.kind.is_keyword("stats")))
        {
            self.assigned_names(args);
        } else if keyword("eval") {
            self.eval(args);
        } else if keyword("rename") {
            self.rename(args);
        } else if keyword("dissect") || keyword("grok") {
            self.extracted_names(args);
        } else if keyword("keep") || keyword("drop") || keyword("sort") || keyword("limit") || keyword("mv_expand") {
            // Shape the output only.
        } else {
            // COMPLETION, ENRICH, LOOKUP JOIN, CHANGE_POINT…: whatever they
            // assign is computed.
            self.assigned_names(args);
        }
        Ok(())
    }

    /// `FROM a, b METADATA _id`: each pattern is a log source.
    fn from(&mut self, keyword: Span, args: &[Token]) {
        let end = match args.iter().position(|t| t.kind.is_keyword("metadata")) {
            Some(i) => args[i].span.start,
            None => args.last().map_or(keyword.end, |t| t.span.end),
        };
        let list = Span::new(keyword.end, end).text(self.source);
        for pattern in list.split(',') {
            let pattern = pattern.trim().trim_matches('"').trim();
            if !pattern.is_empty() {
                self.out.log_source.push(("index".to_owned(), pattern.to_owned()));
            }
        }
    }

    fn stats(&mut self, args: &[Token]) {
        if let Some(by) = top_level(args).find(|t| t.kind.is_keyword("by")) {
            let end = args.last().map_or(by.span.end, |t| t.span.end);
            let keys = lower::squeeze_whitespace(Span::new(by.span.end, end).text(self.source));
            self.out.attribute("stats by", keys);
        }
        self.aggregated = true;
    }

    /// `EVAL a = expr, b = expr`: records aliases of source fields; every
    /// other output is computed.
    fn eval(&mut self, args: &[Token]) {
        for item in split_top_level(args) {
            let (name, value) = match item {
                [
                    Token { kind: TokenKind::Ident { name, .. }, .. },
                    Token { kind: TokenKind::Assign, .. },
                    rest @ ..,
                ] => (name.clone(), rest),
                _ => continue,
            };
            let mut parser = Parser::new(value, Dialect::Esql, self.source.len());
            let column = match parser.expression() {
                Ok(node) if parser.cursor.at_end() => self.column_of(&node),
                _ => Column::Computed,
            };
            self.columns.insert(name, column);
        }
    }

    /// What an EVAL output is: an alias when it is a source field or its
    /// `to_lower` / `to_upper`.
    fn column_of(&self, node: &Node) -> Column {
        match &node.kind {
            NodeKind::Field(name) => match self.columns.get(name) {
                Some(column) => column.clone(),
                None => Column::Alias { field: name.clone(), folded: false },
            },
            NodeKind::Call { name, args, .. } if is_case_fold(name) && args.len() == 1 => {
                match self.column_of(&args[0]) {
                    Column::Alias { field, .. } => Column::Alias { field, folded: true },
                    Column::Computed => Column::Computed,
                }
            }
            NodeKind::Call { name, args, .. } if is_conversion(name) && args.len() == 1 => self.column_of(&args[0]),
            _ => Column::Computed,
        }
    }

    /// `RENAME a AS b` (or `b = a`): `b` now holds `a`.
    fn rename(&mut self, args: &[Token]) {
        for item in split_top_level(args) {
            let names: Vec<&str> = item
                .iter()
                .filter_map(|t| match &t.kind {
                    TokenKind::Ident { name, quoted } if *quoted || !name.eq_ignore_ascii_case("as") => {
                        Some(name.as_str())
                    }
                    _ => None,
                })
                .collect();
            let assign = item.iter().any(|t| t.kind == TokenKind::Assign);
            if let [a, b] = names.as_slice() {
                let (from, to) = if assign { (*b, *a) } else { (*a, *b) };
                let column =
                    self.columns.get(from).cloned().unwrap_or(Column::Alias { field: from.to_owned(), folded: false });
                self.columns.insert(to.to_owned(), column);
            }
        }
    }

    /// Names assigned with `name = …` at the top level of a command.
    fn assigned_names(&mut self, args: &[Token]) {
        for pair in args.windows(2) {
            if let [Token { kind: TokenKind::Ident { name, .. }, .. }, Token { kind: TokenKind::Assign, .. }] = pair {
                self.columns.insert(name.clone(), Column::Computed);
            }
        }
    }

    /// Columns named by DISSECT `%{name}` and GROK `%{TYPE:name}` patterns.
    fn extracted_names(&mut self, args: &[Token]) {
        for token in args {
            if let TokenKind::Str(pattern) = &token.kind {
                for name in pattern_names(pattern) {
                    self.columns.insert(name, Column::Computed);
                }
            }
        }
    }

    fn where_command(&mut self, args: &[Token], predicates: &mut Vec<Expr>) -> Result<(), SyntaxError> {
        // Errors at the end of the condition point at the end of the command.
        let end = args.last().map_or(self.source.len(), |t| t.span.end);
        let mut parser = Parser::new(args, Dialect::Esql, end);
        let condition = parser.expression()?;
        if !parser.cursor.at_end() {
            return Err(parser.cursor.unexpected("`|` or the end of the query"));
        }
        let conjuncts = match condition.kind {
            NodeKind::And(ops) => ops,
            _ => vec![condition],
        };
        for conjunct in &conjuncts {
            let text = lower::squeeze_whitespace(conjunct.span.text(self.source));
            let (source, computed) = self.field_kinds(conjunct);
            let atomic = !matches!(conjunct.kind, NodeKind::Or(_) | NodeKind::And(_) | NodeKind::Not(_));
            if is_time_window(conjunct) {
                // `@timestamp > now() - 1 hour` narrows the look-back; it
                // says nothing about the event.
                self.out.attribute("time window", text);
            } else if self.aggregated || (computed && (atomic || !source)) {
                self.out.attribute("threshold", text);
            } else if computed {
                let message = "ES|QL condition mixes source fields and computed columns";
                self.out.partial(message, message, conjunct.span);
                predicates.push(lower::raw_leaf(&self.maker, conjunct, self.source));
            } else {
                predicates.push(self.condition(conjunct));
            }
        }
        Ok(())
    }

    /// Whether a condition tests source fields, computed columns, or both.
    fn field_kinds(&self, node: &Node) -> (bool, bool) {
        let (mut source, mut computed) = (false, false);
        for name in lower::fields_in(node) {
            match self.resolve(name) {
                Some(_) => source = true,
                None => computed = true,
            }
        }
        (source, computed)
    }

    /// The source field a column name stands for, and whether it is
    /// case-folded; `None` for computed columns.
    fn resolve<'n>(&'n self, name: &'n str) -> Option<(&'n str, bool)> {
        match self.columns.get(name) {
            Some(Column::Alias { field, folded }) => Some((field, *folded)),
            Some(Column::Computed) => None,
            None if name.starts_with("Esql.") || name.starts_with("Esql_") => None,
            None => Some((name, false)),
        }
    }

    /// The field a value tests and whether the test ignores case: a field, an
    /// alias, or `to_lower` / `to_upper` of one.
    fn tested_field<'n>(&'n self, node: &'n Node) -> Option<(&'n str, bool)> {
        match &node.kind {
            NodeKind::Field(name) => self.resolve(name),
            NodeKind::Call { name, args, .. } if is_case_fold(name) && args.len() == 1 => {
                self.tested_field(&args[0]).map(|(field, _)| (field, true))
            }
            NodeKind::Call { name, args, .. } if is_conversion(name) && args.len() == 1 => self.tested_field(&args[0]),
            _ => None,
        }
    }

    fn condition(&mut self, node: &Node) -> Expr {
        match &node.kind {
            NodeKind::Or(ops) => Expr::or(ops.iter().map(|op| self.condition(op)).collect()),
            NodeKind::And(ops) => Expr::and(ops.iter().map(|op| self.condition(op)).collect()),
            NodeKind::Not(inner) => Expr::negate(self.condition(inner)),
            NodeKind::Compare { op, lhs, rhs } => self.compare(*op, lhs, rhs, node),
            NodeKind::Pattern { op, lhs, patterns, .. } => self.pattern(*op, lhs, patterns, node),
            // `true in (p, q)`: any of the predicates holds.
            NodeKind::In { lhs, list, .. } if lhs.kind == NodeKind::Bool(true) => {
                Expr::or(list.iter().map(|item| self.condition(item)).collect())
            }
            NodeKind::In { lhs, list, .. } => match (self.tested_field(lhs), constants(list)) {
                (Some((field, folded)), Some(values)) => {
                    let maker = self.maker;
                    lower::any_of(values, |v| maker.leaf(Some(field), Op::Eq, Some(v), !folded))
                }
                _ => self.raw(node),
            },
            NodeKind::IsNull { operand, negated } => match self.tested_field(operand) {
                Some((field, _)) => {
                    let op = if *negated { Op::Exists } else { Op::Null };
                    self.maker.leaf(Some(field), op, None, false)
                }
                None => self.raw(node),
            },
            NodeKind::Call { name, args, .. } => self.call(name, args, node),
            // A boolean field on its own.
            NodeKind::Field(_) => match self.tested_field(node) {
                Some((field, _)) => self.maker.leaf(Some(field), Op::Eq, Some("true".to_owned()), true),
                None => self.raw(node),
            },
            _ => self.raw(node),
        }
    }

    fn compare(&mut self, op: CompareOp, lhs: &Node, rhs: &Node, node: &Node) -> Expr {
        let both_fields = matches!(lhs.kind, NodeKind::Field(_)) && matches!(rhs.kind, NodeKind::Field(_));
        if let (true, Some((field, _)), Some((other, _))) =
            (both_fields, self.tested_field(lhs), self.tested_field(rhs))
        {
            let value = self.maker.fields.resolve(self.maker.vendor, other);
            let leaf = self.maker.leaf(Some(field), Op::Fieldref, Some(value), true);
            return match op {
                CompareOp::Eq => leaf,
                CompareOp::NotEq => Expr::negate(leaf),
                _ => self.raw(node),
            };
        }
        let (op, lhs, rhs) = if constant(lhs).is_some() { (mirror(op), rhs, lhs) } else { (op, lhs, rhs) };
        if let Some(field) = self.measured_field(op, lhs, rhs) {
            return self.maker.leaf(Some(field), Op::Exists, None, false);
        }
        let (Some((field, folded)), Some(value)) = (self.tested_field(lhs), constant(rhs)) else {
            return self.raw(node);
        };
        let leaf_op = lower::leaf_op(op);
        let leaf = self.maker.leaf(Some(field), leaf_op, Some(value), !folded);
        if op == CompareOp::NotEq { Expr::negate(leaf) } else { leaf }
    }

    /// The field of `length(field) > 0` (and `>= 1`, `!= 0`): `exists`.
    fn measured_field<'n>(&'n self, op: CompareOp, lhs: &'n Node, rhs: &'n Node) -> Option<&'n str> {
        let NodeKind::Call { name, args, .. } = &lhs.kind else {
            return None;
        };
        let [arg] = args.as_slice() else { return None };
        let (field, _) = self.tested_field(arg)?;
        let NodeKind::Number(n) = &rhs.kind else {
            return None;
        };
        let nonempty =
            matches!((op, n.as_str()), (CompareOp::Gt, "0") | (CompareOp::Ge, "1") | (CompareOp::NotEq, "0"));
        (name.eq_ignore_ascii_case("length") && nonempty).then_some(field)
    }

    fn pattern(&mut self, op: PatternOp, lhs: &Node, patterns: &[Node], node: &Node) -> Expr {
        let (Some((field, folded)), Some(values)) = (self.tested_field(lhs), constants(patterns)) else {
            return self.raw(node);
        };
        let maker = self.maker;
        match op {
            PatternOp::Like => lower::any_of(values, |v| {
                maker.pattern(Some(field), &wildcard::read(&v, &crate::pattern::ESQL_LIKE), !folded)
            }),
            PatternOp::Regex => lower::any_of(values, |v| maker.leaf(Some(field), Op::RegexMatch, Some(v), !folded)),
            PatternOp::Colon => {
                lower::any_of(values, |v| maker.leaf(Some(field), Op::Match, Some(wildcard::escape(&v)), false))
            }
        }
    }

    fn call(&mut self, name: &str, args: &[Node], node: &Node) -> Expr {
        let name = name.to_ascii_lowercase();
        if name == "kql" || name == "qstr" {
            return self.embedded_query(&name, args, node);
        }
        let Some((first, rest)) = args.split_first() else {
            return self.raw(node);
        };
        let (Some((field, folded)), Some(value)) = (self.tested_field(first), rest.first().and_then(constant)) else {
            return self.raw(node);
        };
        let maker = self.maker;
        match name.as_str() {
            "starts_with" => maker.starts_with(Some(field), &value, !folded),
            "ends_with" => maker.ends_with(Some(field), &value, !folded),
            "match" => maker.leaf(Some(field), Op::Match, Some(wildcard::escape(&value)), false),
            "cidr_match" => match constants(rest) {
                Some(blocks) => lower::any_of(blocks, |v| maker.leaf(Some(field), Op::Cidr, Some(v), false)),
                None => self.raw(node),
            },
            _ => self.raw(node),
        }
    }

    /// `KQL("…")` / `QSTR("…")`: the string is a query of its own.
    fn embedded_query(&mut self, name: &str, args: &[Node], node: &Node) -> Expr {
        let Some(NodeKind::Str(query)) = args.first().map(|a| &a.kind) else {
            return self.raw(node);
        };
        let syntax = if name == "kql" { Syntax::Kuery } else { Syntax::Lucene };
        match kql::parse(query, syntax, self.maker) {
            Ok(expr) => expr,
            Err(err) => {
                let name = name.to_ascii_uppercase();
                let message = format!("embedded {name}() query not understood: {err}");
                self.out.partial(format!("embedded {name}() query not understood"), message, node.span);
                lower::raw_leaf(&self.maker, node, self.source)
            }
        }
    }

    fn raw(&mut self, node: &Node) -> Expr {
        lower::keep_raw(&mut self.out, "ES|QL", node);
        lower::raw_leaf(&self.maker, node, self.source)
    }
}

/// Type conversions of one value (`to_ip(source.ip)`): a test of the
/// converted field is a test of the field, as with `source.ip::ip`.
fn is_conversion(function: &str) -> bool {
    #[rustfmt::skip]
    const CONVERSIONS: &[&str] = &[
        "to_ip", "to_string", "to_str", "to_long", "to_integer", "to_int", "to_double", "to_dbl", "to_boolean",
        "to_bool", "to_datetime", "to_dt", "to_version", "to_unsigned_long", "to_ul", "to_ulong",
    ];
    CONVERSIONS.iter().any(|c| function.eq_ignore_ascii_case(c))
}

/// A comparison of `@timestamp` with a value computed from `now()`.
fn is_time_window(node: &Node) -> bool {
    let NodeKind::Compare { lhs, rhs, .. } = &node.kind else {
        return false;
    };
    let is_timestamp = |n: &Node| lower::field_name(n) == Some("@timestamp");
    let uses_now = |n: &Node| lower::calls_in(n).iter().any(|c| c == "now");
    (is_timestamp(lhs) && uses_now(rhs)) || (is_timestamp(rhs) && uses_now(lhs))
}

fn is_case_fold(function: &str) -> bool {
    function.eq_ignore_ascii_case("to_lower") || function.eq_ignore_ascii_case("to_upper")
}

/// Tokens not inside parentheses, brackets or braces.
fn top_level(tokens: &[Token]) -> impl Iterator<Item = &Token> {
    let mut depth = 0i32;
    tokens.iter().filter(move |t| {
        match t.kind {
            TokenKind::LParen | TokenKind::LBracket | TokenKind::LBrace => depth += 1,
            TokenKind::RParen | TokenKind::RBracket | TokenKind::RBrace => depth -= 1,
            _ => return depth == 0,
        }
        false
    })
}

/// Splits a command's arguments at top-level commas.
fn split_top_level(tokens: &[Token]) -> Vec<&[Token]> {
    let mut items = Vec::new();
    let mut depth = 0i32;
    let mut start = 0;
    for (i, token) in tokens.iter().enumerate() {
        match token.kind {
            TokenKind::LParen | TokenKind::LBracket | TokenKind::LBrace => depth += 1,
            TokenKind::RParen | TokenKind::RBracket | TokenKind::RBrace => depth -= 1,
            TokenKind::Comma if depth == 0 => {
                items.push(&tokens[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    items.push(&tokens[start..]);
    items
}

/// Column names a DISSECT (`%{name}`, `%{?skip}`, `%{+append}`) or GROK
/// (`%{TYPE:name}`, `%{TYPE:name:int}`) pattern creates.
fn pattern_names(pattern: &str) -> Vec<String> {
    let mut names = Vec::new();
    let mut rest = pattern;
    while let Some(start) = rest.find("%{") {
        rest = &rest[start + 2..];
        let Some(end) = rest.find('}') else { break };
        let inner = &rest[..end];
        rest = &rest[end + 1..];
        let name = match inner.split(':').collect::<Vec<_>>().as_slice() {
            [dissect] => dissect.trim_start_matches(['?', '+', '*', '&']).trim_end_matches("->"),
            [_, name, ..] => name,
            [] => continue,
        };
        if !name.is_empty() {
            names.push(name.to_owned());
        }
    }
    names
}

#[cfg(test)]
mod tests;
