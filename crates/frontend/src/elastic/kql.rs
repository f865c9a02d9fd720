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

pub use self::lexer::Syntax;
use self::lexer::{Keyword, Kind, RangeOp, Token};
use crate::leaf::LeafMaker;
use crate::syntax::{Cursor, Level, Span, SyntaxError, climb};

/// Parses a KQL (or Lucene) query into the model. Error spans are byte
/// offsets in `source`; Lucene forms the catalog does not read are
/// `ErrorKind::Unsupported` (see `lexer::tokenize` for the lexical errors).
pub fn parse(source: &str, syntax: Syntax, maker: LeafMaker<'_>) -> Result<Expr, SyntaxError> {
    let tokens = lexer::tokenize(source, syntax)?;
    // A query cut short is reported where its last token ends.
    let end = tokens.last().map_or(0, |t| t.span.end);
    let mut parser = Parser { source, cursor: Cursor::new(&tokens, end), maker, prefix: String::new() };
    let expr = parser.or_query()?;
    match parser.cursor.peek() {
        None => Ok(expr),
        Some(_) => Err(parser.cursor.unexpected("`and`, `or` or the end of the query")),
    }
}

type Parsed = Result<Expr, SyntaxError>;

/// `or` binds loosest, then `and`; `not` binds tighter, in the operand rules.
/// Queries (`a : 1 or b : 2`) and the values of one field (`a : (1 or 2)`)
/// share the table.
fn levels() -> [Level<Kind, Expr>; 2] {
    [
        Level { operator: |k| *k == Kind::Keyword(Keyword::Or), implicit: None, combine: Expr::or },
        Level { operator: |k| *k == Kind::Keyword(Keyword::And), implicit: None, combine: Expr::and },
    ]
}

struct Parser<'a, 't> {
    source: &'a str,
    cursor: Cursor<'t, Kind>,
    maker: LeafMaker<'a>,
    /// Field prefix inside nested `field : { … }` queries.
    prefix: String,
}

impl<'a, 't> Parser<'a, 't> {
    fn cursor(&mut self) -> &mut Cursor<'t, Kind> {
        &mut self.cursor
    }

    fn eat(&mut self, kind: &Kind) -> bool {
        self.cursor.eat(|k| k == kind).is_some()
    }

    fn expect(&mut self, kind: &Kind, expected: &'static str) -> Result<(), SyntaxError> {
        self.cursor.expect(|k| k == kind, expected).map(drop)
    }

    /// Runs `inner` one nesting level deeper.
    fn nested<T>(&mut self, inner: impl FnOnce(&mut Self) -> Result<T, SyntaxError>) -> Result<T, SyntaxError> {
        self.cursor.enter()?;
        let result = inner(self);
        self.cursor.leave();
        result
    }

    /// query := and ("or" and)* ; and := not ("and" not)*
    fn or_query(&mut self) -> Parsed {
        climb(self, &levels(), Self::cursor, &mut Self::not_query)
    }

    /// not := "not" not | sub-query
    fn not_query(&mut self) -> Parsed {
        if self.eat(&Kind::Keyword(Keyword::Not)) {
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
        let field_follows = matches!(self.cursor.peek_kind(0), Some(Kind::Word(_) | Kind::Quoted(_)))
            && matches!(self.cursor.peek_kind(1), Some(Kind::Colon | Kind::Range(_)));
        if !field_follows {
            return self.value(None);
        }
        let field = self.field_name();
        match self.cursor.advance().map(|t| &t.kind) {
            Some(Kind::Range(op)) => self.range(&field, *op),
            _ => self.field_query(field),
        }
    }

    /// The field token under the cursor, with the nested prefix applied.
    fn field_name(&mut self) -> String {
        let name = match self.cursor.advance().map(|t| &t.kind) {
            Some(Kind::Word(tokens)) => wildcard::plain(tokens),
            Some(Kind::Quoted(text)) => text.clone(),
            _ => String::new(),
        };
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

    /// A word or a phrase as plain text (a field name, a range bound).
    fn plain(&mut self, expected: &'static str) -> Result<String, SyntaxError> {
        let token = self.cursor.expect(|k| matches!(k, Kind::Word(_) | Kind::Quoted(_)), expected)?;
        Ok(match &token.kind {
            Kind::Word(tokens) => wildcard::plain(tokens),
            Kind::Quoted(text) => text.clone(),
            _ => String::new(),
        })
    }

    /// Lucene `_exists_ : field`.
    fn exists_query(&mut self) -> Parsed {
        let field = self.plain("a field name after `_exists_:`")?;
        Ok(self.maker.leaf(Some(&field), Op::Exists, None, false))
    }

    fn range(&mut self, field: &str, op: RangeOp) -> Parsed {
        let value = self.plain("a value after a range operator")?;
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
        let list = self.nested(|p| climb(p, &levels(), Self::cursor, &mut |p: &mut Self| p.not_values(field)))?;
        self.expect(&Kind::RParen, "`)`")?;
        Ok(list)
    }

    /// The value ladder's operand: "not" not | value-list.
    fn not_values(&mut self, field: &str) -> Parsed {
        if self.eat(&Kind::Keyword(Keyword::Not)) {
            return self.nested(|p| p.not_values(field)).map(Expr::negate);
        }
        self.list_of_values(field)
    }

    /// One value: a phrase, a regular expression, or a run of unquoted
    /// words (KQL keeps the whitespace between them: `a : hello world`).
    fn value(&mut self, field: Option<&str>) -> Parsed {
        let Some(token) = self.cursor.peek() else {
            return Err(self.cursor.unexpected("a value"));
        };
        match &token.kind {
            Kind::Quoted(text) => {
                self.cursor.skip(1);
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
                self.cursor.skip(1);
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
            _ => Err(self.cursor.unexpected("a value")),
        }
    }

    /// Consecutive words joined by the whitespace written between them.
    fn words(&mut self) -> Vec<Pattern> {
        let mut out: Vec<Pattern> = Vec::new();
        let mut last_end: Option<Span> = None;
        while let Some(Token { kind: Kind::Word(tokens), span }) = self.cursor.eat(|k| matches!(k, Kind::Word(_))) {
            if let Some(previous) = last_end {
                let gap = Span::new(previous.end, span.start).text(self.source);
                out.extend(gap.chars().map(Pattern::Literal));
            }
            out.extend_from_slice(tokens);
            last_end = Some(*span);
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
    use crate::syntax::ErrorKind;

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
        let error = |source: &str| parse(source, Syntax::Kuery, maker).unwrap_err();
        assert_eq!(error("a : (b or"), SyntaxError::new(ErrorKind::UnexpectedEnd { expected: "a value" }, Span::at(9)));
        let expected = "`and`, `or` or the end of the query";
        assert_eq!(
            error("a : b c : d"),
            SyntaxError::new(ErrorKind::Unexpected { expected, found: "`:`".into() }, Span::new(8, 9))
        );
        assert_eq!(
            error("a and or b"),
            SyntaxError::new(ErrorKind::Unexpected { expected: "a value", found: "`or`".into() }, Span::new(6, 8))
        );
        assert_eq!(error("a : (b or c"), SyntaxError::new(ErrorKind::UnexpectedEnd { expected: "`)`" }, Span::at(11)));
        assert_eq!(
            error("a >= )"),
            SyntaxError::new(
                ErrorKind::Unexpected { expected: "a value after a range operator", found: "`)`".into() },
                Span::new(5, 6)
            )
        );
        // Both ladders (queries and a field's values) are guarded.
        for deep in [
            format!("{}a:b{}", "(".repeat(300), ")".repeat(300)),
            format!("a:{}b{}", "(".repeat(300), ")".repeat(300)),
            format!("{}a:b", "not ".repeat(300)),
        ] {
            assert_eq!(error(&deep).kind, ErrorKind::TooDeep);
        }
    }

    #[test]
    fn unreadable_lucene_is_unsupported() {
        let fields = FieldTable::default();
        let maker = LeafMaker::new(&fields, Vendor::Elastic);
        let error = parse("a:b AND c:[1 TO 5]", Syntax::Lucene, maker).unwrap_err();
        assert!(error.is_unsupported());
        assert_eq!(error.span, Span::new(10, 11));
        assert_eq!(error.to_string(), "Lucene syntax `[` is not read");
    }
}
