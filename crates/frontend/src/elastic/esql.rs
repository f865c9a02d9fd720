//! ES|QL into the predicate model.
//!
//! A query is a pipeline of commands. `FROM` names the indices (log sources).
//! Every `WHERE` condition that decides which events the rule matches is in
//! the tree; the reader knows where each column comes from (its provenance):
//!
//! - a source field, or a column that is an exact transform of one (a copy,
//!   `RENAME`, a type conversion, `TO_LOWER`/`TO_UPPER`, `URL_DECODE`): a test
//!   of the column is a test of the field (case-insensitive when folded);
//! - a column `DISSECT` or `GROK` extracts from a field: `IS NOT NULL` on it
//!   is the field matching the pattern (a wildcard for DISSECT, a regular
//!   expression for a GROK pattern written as one);
//! - a `STATS` aggregate, or a value computed from aggregates: a condition on
//!   it is a threshold, kept as a `("threshold", text)` attribute with the
//!   aggregate's definition; a `STATS … BY` key is still its event field, so
//!   a condition on it after `STATS` is a predicate;
//! - anything else the pipeline computes: a condition on it is kept as a
//!   `raw` leaf with the column's definition, and the rule is partial, naming
//!   the column.
//!
//! docs/normalization.md ("Computed columns") lists each transform and why
//! the rewrite is exact.
//!
//! Operators: `==` is case-sensitive `eq`, `!=` its `not`; `LIKE` is a pattern
//! (`*`, `?`; a backslash escapes the next character; `%` is literal);
//! `RLIKE` is `regex_match`; `IN` an `or` of `eq`; `IS NULL` / `IS NOT NULL`
//! are `null` / `exists`; `:` and `match()` are full-text `match`;
//! `starts_with`, `ends_with`, `cidr_match` are patterns / `cidr`;
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

/// Where a column of the pipeline comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Column {
    /// An event field seen through exact transforms: a test of the column
    /// is a test of the field.
    Field { field: String, folded: bool },
    /// Extracted from `field` by a DISSECT or GROK pattern; `matches` is the
    /// test the field passes when the extraction succeeds, if the model can
    /// say it (a wildcard for DISSECT, a regular expression for GROK).
    Extracted { field: String, definition: String, matches: Option<(Op, String)> },
    /// An aggregate of `STATS`, or a value computed from aggregates.
    Aggregate { definition: String },
    /// Anything else the pipeline computes, with its definition as written.
    Computed { definition: String },
}

/// How the columns a condition tests come from.
#[derive(Debug, Default)]
struct Provenance {
    /// Every column is a field (or an exact transform of one).
    fields_only: bool,
    /// Columns that are aggregates, with their definitions.
    aggregates: Vec<(String, String)>,
    /// Columns the model cannot trace to a field, with their definitions.
    untraced: Vec<(String, String)>,
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
    /// Whether a `STATS` has run: only its keys and aggregates remain.
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
            // Adds aggregates to every row; the rows stay events.
            self.assigned_names(args, |definition| Column::Aggregate { definition });
        } else if keyword("eval") {
            self.eval(args);
        } else if keyword("rename") {
            self.rename(args);
        } else if keyword("dissect") || keyword("grok") {
            self.extracted_names(first, args);
        } else if keyword("keep") || keyword("drop") || keyword("sort") || keyword("limit") || keyword("mv_expand") {
            // Shape the output only.
        } else {
            // COMPLETION, ENRICH, LOOKUP JOIN, CHANGE_POINT…: whatever they
            // assign is computed.
            self.assigned_names(args, |definition| Column::Computed { definition });
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

    /// `STATS a = agg(x), … BY key, …`: afterwards only the aggregates and
    /// the keys exist. A key that is a field (or traced to one) is still that
    /// field; a key computed in place (`BY x = date_trunc(…)`) is computed.
    fn stats(&mut self, args: &[Token]) {
        let (aggregates, keys) = match top_level_position(args, |t| t.kind.is_keyword("by")) {
            Some(at) => (&args[..at], &args[at + 1..]),
            None => (args, &args[..0]),
        };
        if let (Some(first), Some(last)) = (keys.first(), keys.last()) {
            let text = lower::squeeze_whitespace(Span::new(first.span.start, last.span.end).text(self.source));
            self.out.attribute("stats by", text);
        }
        let mut after: HashMap<String, Column> = HashMap::new();
        for item in split_top_level(keys) {
            if let Some((name, definition)) = self.assignment(item) {
                let column = self.column_of_tokens(definition);
                after.insert(name, column);
            } else if let Some(name) = single_name(item) {
                let column = self.column(&name);
                after.insert(name, column);
            }
        }
        for item in split_top_level(aggregates).into_iter().filter(|item| !item.is_empty()) {
            let (name, definition) = match self.assignment(item) {
                Some((name, definition)) => (name, definition),
                // An unnamed aggregate is named after its text (`count(*)`).
                None => (self.text_of(item), item),
            };
            after.insert(name, Column::Aggregate { definition: self.text_of(definition) });
        }
        self.columns = after;
        self.aggregated = true;
    }

    /// `EVAL a = expr, b = expr`: each output's provenance.
    fn eval(&mut self, args: &[Token]) {
        for item in split_top_level(args) {
            if let Some((name, definition)) = self.assignment(item) {
                let column = self.column_of_tokens(definition);
                self.columns.insert(name, column);
            }
        }
    }

    /// `name = tokens…` at the start of a command item.
    fn assignment<'t>(&self, item: &'t [Token]) -> Option<(String, &'t [Token])> {
        match item {
            [Token { kind: TokenKind::Ident { name, .. }, .. }, Token { kind: TokenKind::Assign, .. }, rest @ ..] => {
                Some((name.clone(), rest))
            }
            _ => None,
        }
    }

    /// The text of some tokens, as written.
    fn text_of(&self, tokens: &[Token]) -> String {
        match (tokens.first(), tokens.last()) {
            (Some(first), Some(last)) => {
                lower::squeeze_whitespace(Span::new(first.span.start, last.span.end).text(self.source))
            }
            _ => String::new(),
        }
    }

    /// The provenance of an expression written as tokens.
    fn column_of_tokens(&self, tokens: &[Token]) -> Column {
        let mut parser = Parser::new(tokens, Dialect::Esql, self.source.len());
        match parser.expression() {
            Ok(node) if parser.cursor.at_end() => self.column_of(&node),
            _ => Column::Computed { definition: self.text_of(tokens) },
        }
    }

    /// The provenance of an expression: a field through exact transforms, a
    /// value computed from aggregates, or computed otherwise.
    fn column_of(&self, node: &Node) -> Column {
        let computed = || {
            let definition = lower::squeeze_whitespace(node.span.text(self.source));
            let from_aggregates = lower::fields_in(node)
                .iter()
                .any(|name| matches!(self.columns.get(*name), Some(Column::Aggregate { .. })));
            if from_aggregates { Column::Aggregate { definition } } else { Column::Computed { definition } }
        };
        match &node.kind {
            NodeKind::Field(name) => self.column(name),
            NodeKind::Call { name, args, .. } if args.len() == 1 && is_exact_transform(name) => {
                match self.column_of(&args[0]) {
                    Column::Field { field, folded } => Column::Field { field, folded: folded || is_case_fold(name) },
                    _ => computed(),
                }
            }
            _ => computed(),
        }
    }

    /// What a name stands for: a column of the pipeline, else a source field.
    fn column(&self, name: &str) -> Column {
        match self.columns.get(name) {
            Some(column) => column.clone(),
            // `Esql.*` names are the repository's convention for computed
            // columns; one that is never assigned is still not an event field.
            None if !self.aggregated && !name.starts_with("Esql.") && !name.starts_with("Esql_") => {
                Column::Field { field: name.to_owned(), folded: false }
            }
            None => Column::Computed { definition: format!("`{name}`, not defined in the query") },
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
                let column = self.column(from);
                self.columns.insert(to.to_owned(), column);
            }
        }
    }

    /// Names assigned with `name = …` at the top level of a command, by a
    /// command whose outputs are `make` of their definitions.
    fn assigned_names(&mut self, args: &[Token], make: fn(String) -> Column) {
        for item in split_top_level(args) {
            if let Some((name, definition)) = self.assignment(item) {
                let definition = self.text_of(definition);
                self.columns.insert(name, make(definition));
            }
        }
    }

    /// `DISSECT field "pattern"` / `GROK field "pattern"`: the columns the
    /// pattern names, extracted from the field.
    fn extracted_names(&mut self, command: &Token, args: &[Token]) {
        let dissect = command.kind.is_keyword("dissect");
        let (Some(Token { kind: TokenKind::Ident { name: input, .. }, .. }), Some(pattern)) =
            (args.first(), args.iter().find_map(|t| if let TokenKind::Str(s) = &t.kind { Some(s) } else { None }))
        else {
            return;
        };
        let Column::Field { field, .. } = self.column(input) else {
            let definition = format!("{} {}", command.span.text(self.source), self.text_of(args));
            for name in pattern_names(pattern) {
                self.columns.insert(name, Column::Computed { definition: definition.clone() });
            }
            return;
        };
        let definition = format!("{} {}", command.span.text(self.source).to_ascii_uppercase(), self.text_of(args));
        let matches = if dissect { dissect_wildcard(pattern) } else { grok_regex(pattern) };
        for name in pattern_names(pattern) {
            self.columns.insert(
                name,
                Column::Extracted { field: field.clone(), definition: definition.clone(), matches: matches.clone() },
            );
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
            let provenance = self.provenance(conjunct);
            if is_time_window(conjunct) {
                // `@timestamp > now() - 1 hour` narrows the look-back; it
                // says nothing about the event.
                self.out.attribute("time window", text);
            } else if provenance.fields_only {
                predicates.push(self.condition(conjunct));
            } else if let Some(tree) = self.extraction_test(conjunct) {
                predicates.push(tree);
            } else if provenance.untraced.is_empty() && !provenance.aggregates.is_empty() {
                // A condition on aggregates only: a threshold, not an event filter.
                let definitions = described(&provenance.aggregates);
                self.out.attribute("threshold", format!("{text} ({definitions})"));
            } else {
                predicates.push(self.declared(conjunct, &text, &provenance));
            }
        }
        Ok(())
    }

    /// Where the columns a condition tests come from.
    fn provenance(&self, node: &Node) -> Provenance {
        let mut provenance = Provenance { fields_only: true, ..Provenance::default() };
        for name in lower::fields_in(node) {
            match self.column(name) {
                Column::Field { .. } => {}
                Column::Aggregate { definition } => {
                    provenance.fields_only = false;
                    provenance.aggregates.push((name.to_owned(), definition));
                }
                Column::Extracted { definition, .. } | Column::Computed { definition } => {
                    provenance.fields_only = false;
                    provenance.untraced.push((name.to_owned(), definition));
                }
            }
        }
        provenance
    }

    /// `column IS NOT NULL` (or `IS NULL`) on a column DISSECT or GROK
    /// extracted: whether the field matches the pattern.
    fn extraction_test(&self, node: &Node) -> Option<Expr> {
        let NodeKind::IsNull { operand, negated } = &node.kind else { return None };
        let NodeKind::Field(name) = &operand.kind else { return None };
        let Column::Extracted { field, matches: Some((op, pattern)), .. } = self.column(name) else { return None };
        let test = self.maker.leaf(Some(&field), op, Some(pattern), true);
        Some(if *negated { test } else { Expr::negate(test) })
    }

    /// A condition on columns the model cannot trace to event fields: kept
    /// as written with the columns' definitions, and the rule is partial.
    fn declared(&mut self, node: &Node, text: &str, provenance: &Provenance) -> Expr {
        let columns: Vec<&str> = provenance.untraced.iter().map(|(name, _)| name.as_str()).collect();
        let message = format!("ES|QL condition on computed column {}", columns.join(", "));
        self.out.partial("ES|QL computed column", message, node.span);
        let mut all = provenance.untraced.clone();
        all.extend(provenance.aggregates.iter().cloned());
        let value = format!("{text} ({})", described(&all));
        let fields = lower::fields_in(node);
        let field = match fields.as_slice() {
            [only] => Some(*only),
            _ => None,
        };
        self.maker.leaf(field, Op::Raw, Some(value), false)
    }

    /// The field a value tests and whether the test ignores case: a field, an
    /// alias, or `to_lower` / `to_upper` of one.
    fn tested_field(&self, node: &Node) -> Option<(String, bool)> {
        match self.column_of(node) {
            Column::Field { field, folded } => Some((field, folded)),
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
                    lower::any_of(values, |v| maker.leaf(Some(&field), Op::Eq, Some(v), !folded))
                }
                _ => self.raw(node),
            },
            NodeKind::IsNull { operand, negated } => match self.tested_field(operand) {
                Some((field, _)) => {
                    let op = if *negated { Op::Exists } else { Op::Null };
                    self.maker.leaf(Some(&field), op, None, false)
                }
                None => self.raw(node),
            },
            NodeKind::Call { name, args, .. } => self.call(name, args, node),
            // A boolean field on its own.
            NodeKind::Field(_) => match self.tested_field(node) {
                Some((field, _)) => self.maker.leaf(Some(&field), Op::Eq, Some("true".to_owned()), true),
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
            let value = self.maker.fields.resolve(self.maker.vendor, &other);
            let leaf = self.maker.leaf(Some(&field), Op::Fieldref, Some(value), true);
            return match op {
                CompareOp::Eq => leaf,
                CompareOp::NotEq => Expr::negate(leaf),
                _ => self.raw(node),
            };
        }
        let (op, lhs, rhs) = if constant(lhs).is_some() { (mirror(op), rhs, lhs) } else { (op, lhs, rhs) };
        if let Some(field) = self.measured_field(op, lhs, rhs) {
            return self.maker.leaf(Some(&field), Op::Exists, None, false);
        }
        let (Some((field, folded)), Some(value)) = (self.tested_field(lhs), constant(rhs)) else {
            return self.raw(node);
        };
        let leaf_op = lower::leaf_op(op);
        let leaf = self.maker.leaf(Some(&field), leaf_op, Some(value), !folded);
        if op == CompareOp::NotEq { Expr::negate(leaf) } else { leaf }
    }

    /// The field of `length(field) > 0` (and `>= 1`, `!= 0`): `exists`.
    fn measured_field(&self, op: CompareOp, lhs: &Node, rhs: &Node) -> Option<String> {
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
                maker.pattern(Some(&field), &wildcard::read(&v, &crate::pattern::ESQL_LIKE), !folded)
            }),
            PatternOp::Regex => lower::any_of(values, |v| maker.leaf(Some(&field), Op::RegexMatch, Some(v), !folded)),
            PatternOp::Colon => {
                lower::any_of(values, |v| maker.leaf(Some(&field), Op::Match, Some(wildcard::escape(&v)), false))
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
            "starts_with" => maker.starts_with(Some(&field), &value, !folded),
            "ends_with" => maker.ends_with(Some(&field), &value, !folded),
            "match" => maker.leaf(Some(&field), Op::Match, Some(wildcard::escape(&value)), false),
            "cidr_match" => match constants(rest) {
                Some(blocks) => lower::any_of(blocks, |v| maker.leaf(Some(&field), Op::Cidr, Some(v), false)),
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

/// Functions of one value whose result a test of the field can stand for
/// (docs/normalization.md, "Computed columns"): type conversions
/// (`to_ip(source.ip)` is still the address), case folding (the test
/// becomes case-insensitive) and URL decoding (the rule's values are the
/// decoded text; they are kept as values of the field).
fn is_exact_transform(function: &str) -> bool {
    #[rustfmt::skip]
    const EXACT: &[&str] = &[
        "to_ip", "to_string", "to_str", "to_long", "to_integer", "to_int", "to_double", "to_dbl", "to_boolean",
        "to_bool", "to_datetime", "to_dt", "to_version", "to_unsigned_long", "to_ul", "to_ulong",
        "to_lower", "to_upper", "url_decode",
    ];
    EXACT.iter().any(|c| function.eq_ignore_ascii_case(c))
}

/// The one name a `BY` item or `KEEP` item is, if it is one.
fn single_name(item: &[Token]) -> Option<String> {
    match item {
        [Token { kind: TokenKind::Ident { name, .. }, .. }] => Some(name.clone()),
        _ => None,
    }
}

/// `name = definition, …` for a message or an attribute.
fn described(columns: &[(String, String)]) -> String {
    let mut seen: Vec<&str> = Vec::new();
    let mut parts = Vec::new();
    for (name, definition) in columns {
        if !seen.contains(&name.as_str()) {
            seen.push(name);
            parts.push(format!("{name} = {definition}"));
        }
    }
    parts.join("; ")
}

/// The wildcard a field matches when a DISSECT pattern applies to it: each
/// `%{…}` key is any text, the delimiters between them are literal, in
/// order (which is exactly when DISSECT succeeds).
fn dissect_wildcard(pattern: &str) -> Option<(Op, String)> {
    let mut tokens = Vec::new();
    let mut rest = pattern;
    while let Some(start) = rest.find("%{") {
        tokens.extend(wildcard::literal_tokens(&rest[..start]));
        let end = rest[start..].find('}')? + start;
        tokens.push(wildcard::Token::AnyRun);
        rest = &rest[end + 1..];
    }
    tokens.extend(wildcard::literal_tokens(rest));
    Some((Op::Wildcard, wildcard::encode(&tokens)))
}

/// The regular expression a field matches when a GROK pattern written as a
/// regular expression (named groups, no `%{…}` pattern references) applies.
/// GROK patterns match anywhere in the field, as an unanchored search does.
fn grok_regex(pattern: &str) -> Option<(Op, String)> {
    if pattern.contains("%{") {
        return None;
    }
    // `(?<Esql.name>…)`: group names with dots are GROK's, not a regex
    // dialect's; the group itself is all the test needs.
    let mut regex = String::with_capacity(pattern.len());
    let mut rest = pattern;
    while let Some(start) = rest.find("(?<") {
        regex.push_str(&rest[..start]);
        let name_end = rest[start..].find('>')? + start;
        regex.push('(');
        rest = &rest[name_end + 1..];
    }
    regex.push_str(rest);
    Some((Op::RegexMatch, regex))
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

/// The position of the first top-level token the test accepts.
fn top_level_position(tokens: &[Token], test: impl Fn(&Token) -> bool) -> Option<usize> {
    let mut depth = 0i32;
    for (i, token) in tokens.iter().enumerate() {
        match token.kind {
            TokenKind::LParen | TokenKind::LBracket | TokenKind::LBrace => depth += 1,
            TokenKind::RParen | TokenKind::RBracket | TokenKind::RBrace => depth -= 1,
            _ if depth == 0 && test(token) => return Some(i),
            _ => {}
        }
    }
    None
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
/// (`%{TYPE:name}`, `%{TYPE:name:int}`, `(?<name>regex)`) pattern creates.
fn pattern_names(pattern: &str) -> Vec<String> {
    let mut names = Vec::new();
    let mut groups = pattern;
    while let Some(start) = groups.find("(?<") {
        groups = &groups[start + 3..];
        let Some(end) = groups.find('>') else { break };
        if !groups[..end].is_empty() {
            names.push(groups[..end].to_owned());
        }
        groups = &groups[end + 1..];
    }
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
