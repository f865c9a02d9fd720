//! KQL (Kibana Query Language) into the predicate model: a recursive-descent
//! parser over `kql::lexer` tokens that builds model expressions directly,
//! because KQL's constructs map one to one onto and / or / not and leaves.
//!
//! Readings (as Kibana's own KQL compiler does):
//! - `field : "phrase"` is `eq` of the literal phrase (`*` in quotes is literal);
//! - `field : value` is `eq`, or `wildcard` when the value has an unescaped `*`
//!   (`?` is an ordinary character in KQL, a wildcard only in Lucene);
//! - `field : *` is `exists`; `field < v` etc. are `lt`/`lte`/`gt`/`gte`;
//! - an address block on an ECS `ip` field (`source.ip : 10.0.0.0/8`, quoted
//!   or not) is `cidr`: Elasticsearch matches the addresses inside it;
//! - `field : (a or b and not c)` applies the field to every value;
//! - `field : { inner }` prefixes the inner fields with `field.`;
//! - a value without a field is a full-text `match` anywhere in the event.
//!
//! Field tests are case-sensitive (ECS fields are keywords, which KQL matches
//! exactly). Fields that Elastic maps as analyzed text (`message`,
//! `powershell.file.script_block_text`, `*.text` multi-fields…) are searched,
//! not compared: a value on them is a case-insensitive full-text `match`, as
//! is a value without a field. Precedence: not > and > or.

mod lexer;

use atlas_catalog::wildcard::{self, Token as Pattern};
use atlas_catalog::{Expr, Op};
use thiserror::Error;

pub use self::lexer::Syntax;
use self::lexer::{Keyword, Kind, KqlLexError, RangeOp, Token};
use crate::elastic::lexer::Span;
use crate::leaf::LeafMaker;

/// Nesting deeper than this is refused rather than risking the stack.
use crate::limits::MAX_PARSE_DEPTH as MAX_DEPTH;

/// Why a KQL query could not be parsed.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum KqlError {
    /// See [`KqlLexError`].
    #[error(transparent)]
    Lex(#[from] KqlLexError),
    /// `a : b and or c` (expected a value, found `or`)
    #[error("expected {expected}, found {found}")]
    Unexpected { expected: &'static str, found: String, at: usize },
    /// `a : (b or` (expected a value, found the end)
    #[error("expected {expected}, found the end of the query")]
    UnexpectedEnd { expected: &'static str, at: usize },
    /// A thousand nested parentheses.
    #[error("query nested deeper than {MAX_DEPTH} levels")]
    RecursionLimit { at: usize },
}

impl KqlError {
    /// Byte offset of the problem in the query.
    pub fn offset(&self) -> usize {
        match self {
            KqlError::Lex(lex) => lex.offset(),
            KqlError::Unexpected { at, .. } | KqlError::UnexpectedEnd { at, .. } | KqlError::RecursionLimit { at } => {
                *at
            }
        }
    }
}

/// Parses a KQL (or Lucene) query into the model.
pub fn parse(source: &str, syntax: Syntax, maker: LeafMaker<'_>) -> Result<Expr, KqlError> {
    let tokens = lexer::tokenize(source, syntax)?;
    // A query cut short is reported where its last token ends.
    let end = tokens.last().map_or(0, |t| t.span.end);
    let mut parser = Parser { source, tokens: &tokens, pos: 0, depth: 0, maker, prefix: String::new(), end };
    let expr = parser.or_query()?;
    match parser.peek() {
        None => Ok(expr),
        Some(_) => Err(parser.unexpected("`and`, `or` or the end of the query")),
    }
}

type Parsed = Result<Expr, KqlError>;

struct Parser<'a, 't> {
    source: &'a str,
    tokens: &'t [Token],
    pos: usize,
    depth: usize,
    maker: LeafMaker<'a>,
    /// Field prefix inside nested `field : { … }` queries.
    prefix: String,
    /// Offset reported for errors at the end of the query.
    end: usize,
}

impl<'t> Parser<'_, 't> {
    fn peek(&self) -> Option<&'t Token> {
        self.tokens.get(self.pos)
    }

    fn peek_kind(&self, ahead: usize) -> Option<&'t Kind> {
        self.tokens.get(self.pos + ahead).map(|t| &t.kind)
    }

    fn eat(&mut self, kind: &Kind) -> bool {
        let found = self.peek_kind(0) == Some(kind);
        if found {
            self.pos += 1;
        }
        found
    }

    fn eat_keyword(&mut self, keyword: Keyword) -> bool {
        self.eat(&Kind::Keyword(keyword))
    }

    fn expect(&mut self, kind: &Kind, expected: &'static str) -> Result<(), KqlError> {
        if self.eat(kind) { Ok(()) } else { Err(self.unexpected(expected)) }
    }

    fn unexpected(&self, expected: &'static str) -> KqlError {
        match self.peek() {
            Some(token) => KqlError::Unexpected { expected, found: token.kind.description(), at: token.span.start },
            None => KqlError::UnexpectedEnd { expected, at: self.end },
        }
    }

    /// Runs `inner` one nesting level deeper.
    fn nested<T>(&mut self, inner: impl FnOnce(&mut Self) -> Result<T, KqlError>) -> Result<T, KqlError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            let at = self.peek().map_or(self.end, |t| t.span.start);
            return Err(KqlError::RecursionLimit { at });
        }
        let result = inner(self);
        self.depth -= 1;
        result
    }

    fn or_query(&mut self) -> Parsed {
        let mut operands = vec![self.and_query()?];
        while self.eat_keyword(Keyword::Or) {
            operands.push(self.and_query()?);
        }
        Ok(Expr::or(operands))
    }

    fn and_query(&mut self) -> Parsed {
        let mut operands = vec![self.not_query()?];
        while self.eat_keyword(Keyword::And) {
            operands.push(self.not_query()?);
        }
        Ok(Expr::and(operands))
    }

    fn not_query(&mut self) -> Parsed {
        if self.eat_keyword(Keyword::Not) {
            return self.nested(|p| p.not_query()).map(Expr::negate);
        }
        self.sub_query()
    }

    fn sub_query(&mut self) -> Parsed {
        if self.eat(&Kind::LParen) {
            let inner = self.nested(|p| p.or_query())?;
            self.expect(&Kind::RParen, "`)`")?;
            return Ok(inner);
        }
        let field_follows = matches!(self.peek_kind(0), Some(Kind::Word(_) | Kind::Quoted(_)))
            && matches!(self.peek_kind(1), Some(Kind::Colon | Kind::Range(_)));
        if !field_follows {
            return self.value(None);
        }
        let field = self.field_name();
        match self.peek_kind(0) {
            Some(Kind::Range(op)) => {
                let op = *op;
                self.pos += 1;
                self.range(&field, op)
            }
            _ => {
                self.pos += 1;
                self.field_query(field)
            }
        }
    }

    /// The field token under the cursor, with the nested prefix applied.
    fn field_name(&mut self) -> String {
        let name = match self.peek_kind(0) {
            Some(Kind::Word(tokens)) => wildcard::plain(tokens),
            Some(Kind::Quoted(text)) => text.clone(),
            _ => String::new(),
        };
        self.pos += 1;
        if self.prefix.is_empty() { name } else { format!("{}.{name}", self.prefix) }
    }

    /// After `field :`.
    fn field_query(&mut self, field: String) -> Parsed {
        if self.eat(&Kind::LBrace) {
            let outer = std::mem::replace(&mut self.prefix, field);
            let inner = self.nested(|p| p.or_query());
            self.prefix = outer;
            let inner = inner?;
            self.expect(&Kind::RBrace, "`}`")?;
            return Ok(inner);
        }
        if field == "_exists_" {
            return self.exists_query();
        }
        self.list_of_values(&field)
    }

    /// Lucene `_exists_ : field`.
    fn exists_query(&mut self) -> Parsed {
        let field = match self.peek_kind(0) {
            Some(Kind::Word(tokens)) => wildcard::plain(tokens),
            Some(Kind::Quoted(text)) => text.clone(),
            _ => return Err(self.unexpected("a field name after `_exists_:`")),
        };
        self.pos += 1;
        Ok(self.maker.leaf(Some(&field), Op::Exists, None, false))
    }

    fn range(&mut self, field: &str, op: RangeOp) -> Parsed {
        let value = match self.peek_kind(0) {
            Some(Kind::Word(tokens)) => wildcard::plain(tokens),
            Some(Kind::Quoted(text)) => text.clone(),
            _ => return Err(self.unexpected("a value after a range operator")),
        };
        self.pos += 1;
        let op = match op {
            RangeOp::Lt => Op::Lt,
            RangeOp::Le => Op::Lte,
            RangeOp::Gt => Op::Gt,
            RangeOp::Ge => Op::Gte,
        };
        Ok(self.maker.leaf(Some(field), op, Some(value), true))
    }

    /// `value` or `( a or b and not c )`, every value tested on `field`.
    fn list_of_values(&mut self, field: &str) -> Parsed {
        if !self.eat(&Kind::LParen) {
            return self.value(Some(field));
        }
        let list = self.nested(|p| p.or_values(field))?;
        self.expect(&Kind::RParen, "`)`")?;
        Ok(list)
    }

    fn or_values(&mut self, field: &str) -> Parsed {
        let mut operands = vec![self.and_values(field)?];
        while self.eat_keyword(Keyword::Or) {
            operands.push(self.and_values(field)?);
        }
        Ok(Expr::or(operands))
    }

    fn and_values(&mut self, field: &str) -> Parsed {
        let mut operands = vec![self.not_values(field)?];
        while self.eat_keyword(Keyword::And) {
            operands.push(self.not_values(field)?);
        }
        Ok(Expr::and(operands))
    }

    fn not_values(&mut self, field: &str) -> Parsed {
        if self.eat_keyword(Keyword::Not) {
            return self.nested(|p| p.not_values(field)).map(Expr::negate);
        }
        self.list_of_values(field)
    }

    /// One value: a phrase, a regular expression, or a run of unquoted
    /// words (KQL keeps the whitespace between them: `a : hello world`).
    fn value(&mut self, field: Option<&str>) -> Parsed {
        let Some(token) = self.peek() else {
            return Err(self.unexpected("a value"));
        };
        match &token.kind {
            Kind::Quoted(text) => {
                self.pos += 1;
                Ok(match field {
                    Some(field) if is_ip_field(field) && is_cidr(text) => {
                        self.maker.leaf(Some(field), Op::Cidr, Some(text.clone()), false)
                    }
                    Some(field) if !is_full_text(field) => {
                        self.maker.leaf(Some(field), Op::Eq, Some(text.clone()), true)
                    }
                    _ => self.maker.leaf(field, Op::Match, Some(wildcard::escape(text)), false),
                })
            }
            Kind::Regex(regex) => {
                self.pos += 1;
                Ok(self.maker.leaf(field, Op::RegexMatch, Some(regex.clone()), true))
            }
            Kind::Word(_) => {
                let tokens = self.words();
                let cidr = wildcard::literal(&tokens).filter(|text| is_cidr(text));
                Ok(match field {
                    // `*`, `**`…: any value at all.
                    Some(field) if !tokens.is_empty() && tokens.iter().all(|t| *t == Pattern::AnyRun) => {
                        self.maker.leaf(Some(field), Op::Exists, None, false)
                    }
                    Some(field) if is_ip_field(field) && cidr.is_some() => {
                        self.maker.leaf(Some(field), Op::Cidr, cidr, false)
                    }
                    Some(field) if !is_full_text(field) => self.maker.pattern(Some(field), &tokens, true),
                    _ => self.maker.leaf(field, Op::Match, Some(wildcard::encode(&tokens)), false),
                })
            }
            _ => Err(self.unexpected("a value")),
        }
    }

    /// Consecutive words joined by the whitespace written between them.
    fn words(&mut self) -> Vec<Pattern> {
        let mut out: Vec<Pattern> = Vec::new();
        let mut last_end: Option<Span> = None;
        while let Some(Token { kind: Kind::Word(tokens), span }) = self.peek() {
            if let Some(previous) = last_end {
                let gap = Span::new(previous.end, span.start).text(self.source);
                out.extend(gap.chars().map(Pattern::Literal));
            }
            out.extend_from_slice(tokens);
            last_end = Some(*span);
            self.pos += 1;
        }
        out
    }
}

/// Whether Elastic maps the field as analyzed text, where KQL searches words
/// and phrases instead of comparing whole values.
fn is_full_text(field: &str) -> bool {
    const TEXT_FIELDS: &[&str] =
        &["message", "error.message", "powershell.file.script_block_text", "http.request.body.content"];
    TEXT_FIELDS.contains(&field) || field.ends_with(".text")
}

/// Whether the field is an ECS `ip` field (`source.ip`, `host.ip`,
/// `destination.nat.ip`…). Elasticsearch matches a CIDR block written as the
/// value of such a field against the addresses inside it, and Elastic's
/// KQL-to-EQL translation reads it as `cidrMatch`.
fn is_ip_field(field: &str) -> bool {
    field == "ip" || field.ends_with(".ip")
}

/// Whether the text is an address block such as `10.0.0.0/8` or `FE80::/10`.
fn is_cidr(text: &str) -> bool {
    let Some((address, bits)) = text.split_once('/') else {
        return false;
    };
    let Ok(bits) = bits.parse::<u8>() else {
        return false;
    };
    match address.parse::<std::net::IpAddr>() {
        Ok(std::net::IpAddr::V4(_)) => bits <= 32,
        Ok(std::net::IpAddr::V6(_)) => bits <= 128,
        Err(_) => false,
    }
}

/// A field name or range bound as written (wildcards spelled `*` / `?`).
#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use atlas_catalog::{FieldTable, Leaf, Vendor};
    use serde_json::json;

    use super::*;

    fn kql(source: &str) -> serde_json::Value {
        let fields = FieldTable::default();
        let expr = parse(source, Syntax::Kuery, LeafMaker::new(&fields, Vendor::Elastic)).unwrap();
        serde_json::to_value(&expr).unwrap()
    }

    /// A leaf in the JSON contract (field resolves to itself: empty table).
    fn leaf(field: Option<&str>, op: &str, value: Option<&str>, case_sensitive: bool) -> serde_json::Value {
        json!({"field": field, "source_field": field, "op": op, "value": value, "case_sensitive": case_sensitive})
    }

    fn eq(field: &str, value: &str) -> serde_json::Value {
        leaf(Some(field), "eq", Some(value), true)
    }

    #[test]
    fn precedence_is_not_and_or() {
        // not a and b or c  ==  ((not a) and b) or c
        assert_eq!(
            kql("not a:1 and b:2 OR c:3"),
            json!({"or": [{"and": [{"not": eq("a", "1")}, eq("b", "2")]}, eq("c", "3")]})
        );
        assert_eq!(kql("a:1 AND (b:2 or c:3)"), json!({"and": [eq("a", "1"), {"or": [eq("b", "2"), eq("c", "3")]}]}));
    }

    #[test]
    fn quoted_phrases_are_literal_and_unquoted_stars_are_wildcards() {
        assert_eq!(kql(r#"process.name : "mshta.exe""#), eq("process.name", "mshta.exe"));
        assert_eq!(kql(r#"a : "x*y""#), eq("a", "x*y"));
        assert_eq!(kql("a : *x*"), leaf(Some("a"), "wildcard", Some("*x*"), true));
        // `?` is not a KQL wildcard: the value stays literal.
        assert_eq!(kql("a : ?.live.net"), eq("a", "?.live.net"));
    }

    #[test]
    fn escapes_in_unquoted_values() {
        // C\:\\Windows\\* = C:\Windows\ then a wildcard; the canonical
        // spelling doubles the backslash before the wildcard.
        assert_eq!(kql(r"p : C\:\\Windows\\*"), leaf(Some("p"), "wildcard", Some(r"C:\Windows\\*"), true));
        assert_eq!(kql(r"p : a\(1\)\ b\*"), eq("p", "a(1) b*"));
    }

    #[test]
    fn text_fields_are_searched() {
        assert_eq!(
            kql(r#"powershell.file.script_block_text : ("Invoke-Mimikatz" or Get*) and message : x"#),
            json!({"and": [
                {"or": [
                    leaf(Some("powershell.file.script_block_text"), "match", Some("Invoke-Mimikatz"), false),
                    leaf(Some("powershell.file.script_block_text"), "match", Some("Get*"), false)
                ]},
                leaf(Some("message"), "match", Some("x"), false)
            ]})
        );
        assert_eq!(
            kql("process.command_line.text : *"),
            leaf(Some("process.command_line.text"), "exists", None, false)
        );
    }

    #[test]
    fn address_blocks_on_ip_fields_are_cidr() {
        // From rules/linux/command_and_control_linux_kworker_netcon.toml:
        // Elasticsearch reads a block on an `ip` field as a range of
        // addresses, and Elastic's KQL-to-EQL translation as cidrMatch.
        let cidr = |field: &str, block: &str| leaf(Some(field), "cidr", Some(block), false);
        assert_eq!(
            kql(r#"not destination.ip:(10.0.0.0/8 or "FE80::/10" or "::1")"#),
            json!({"not": {"or": [
                cidr("destination.ip", "10.0.0.0/8"),
                cidr("destination.ip", "FE80::/10"),
                eq("destination.ip", "::1")
            ]}})
        );
        // Only on ip fields, and only real blocks.
        assert_eq!(kql("url.path : 10.0.0.0/8"), eq("url.path", "10.0.0.0/8"));
        assert_eq!(kql("source.ip : 10.0.0.0/33"), eq("source.ip", "10.0.0.0/33"));
        assert_eq!(kql("source.ip : 10.*"), leaf(Some("source.ip"), "wildcard", Some("10.*"), true));
        // Any run of stars alone is `exists`.
        assert_eq!(kql("a : **"), leaf(Some("a"), "exists", None, false));
    }

    #[test]
    fn grouped_values_share_the_field() {
        assert_eq!(
            kql("a : (x or y and not z)"),
            json!({"or": [eq("a", "x"), {"and": [eq("a", "y"), {"not": eq("a", "z")}]}]})
        );
    }

    #[test]
    fn exists_ranges_nested_and_free_text() {
        assert_eq!(kql("a : *"), leaf(Some("a"), "exists", None, false));
        assert_eq!(
            kql("a >= 5 and b < 2"),
            json!({"and": [leaf(Some("a"), "gte", Some("5"), true), leaf(Some("b"), "lt", Some("2"), true)]})
        );
        assert_eq!(kql("p : { c : x and d : y }"), json!({"and": [eq("p.c", "x"), eq("p.d", "y")]}));
        assert_eq!(kql("file.hash.* : *"), leaf(Some("file.hash.*"), "exists", None, false));
        assert_eq!(kql("hello world*"), leaf(None, "match", Some("hello world*"), false));
    }

    #[test]
    fn lucene_subset() {
        let fields = FieldTable::default();
        let maker = LeafMaker::new(&fields, Vendor::Elastic);
        let expr = parse(r"_exists_:a AND NOT d:/x\/y/ AND b:(c OR e?)", Syntax::Lucene, maker).unwrap();
        let leaves: Vec<&Leaf> = expr.leaves();
        assert_eq!(leaves[0].op, Op::Exists);
        assert_eq!((leaves[1].op, leaves[1].value.as_deref()), (Op::RegexMatch, Some("x/y")));
        assert_eq!((leaves[3].op, leaves[3].value.as_deref()), (Op::Wildcard, Some("e?")));
    }

    #[test]
    fn malformed_queries_are_errors() {
        let fields = FieldTable::default();
        let maker = LeafMaker::new(&fields, Vendor::Elastic);
        assert_eq!(
            parse("a : (b or", Syntax::Kuery, maker),
            Err(KqlError::UnexpectedEnd { expected: "a value", at: 9 })
        );
        assert!(matches!(parse("a : b c : d", Syntax::Kuery, maker), Err(KqlError::Unexpected { at: 8, .. })));
        let deep = format!("{}a:b{}", "(".repeat(300), ")".repeat(300));
        assert!(matches!(parse(&deep, Syntax::Kuery, maker), Err(KqlError::RecursionLimit { .. })));
    }
}
