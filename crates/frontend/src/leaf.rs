//! Building leaves for one vendor: the canonical field resolved through the
//! field table and values spelled in the catalog's conventions, so that
//! vendor differences end at the front end.

use atlas_catalog::wildcard::{self, Token};
use atlas_catalog::{Expr, FieldTable, Leaf, Op, Vendor};

/// Builds leaves for one vendor: resolves the canonical field and spells
/// values in the catalog's conventions.
#[derive(Clone, Copy)]
pub struct LeafMaker<'a> {
    pub fields: &'a FieldTable,
    pub vendor: Vendor,
}

impl<'a> LeafMaker<'a> {
    pub fn new(fields: &'a FieldTable, vendor: Vendor) -> Self {
        LeafMaker { fields, vendor }
    }

    /// A leaf with its canonical field resolved.
    pub fn leaf(&self, source_field: Option<&str>, op: Op, value: Option<String>, case_sensitive: bool) -> Expr {
        Expr::Leaf(Leaf {
            field: source_field.map(|f| self.fields.resolve(self.vendor, f).into()),
            source_field: source_field.map(Into::into),
            op,
            value,
            case_sensitive,
        })
    }

    /// A pattern test: `eq` of the literal text when there is no wildcard,
    /// otherwise `wildcard` in the canonical spelling.
    pub fn pattern(&self, source_field: Option<&str>, tokens: &[Token], case_sensitive: bool) -> Expr {
        match wildcard::literal(tokens) {
            Some(text) => self.leaf(source_field, Op::Eq, Some(text), case_sensitive),
            None => self.leaf(source_field, Op::Wildcard, Some(wildcard::encode(tokens)), case_sensitive),
        }
    }

    /// `field contains text`, `startswith` and `endswith` as patterns.
    pub fn contains(&self, source_field: Option<&str>, text: &str, case_sensitive: bool) -> Expr {
        self.pattern(source_field, &surround(text, true, true), case_sensitive)
    }

    pub fn starts_with(&self, source_field: Option<&str>, text: &str, case_sensitive: bool) -> Expr {
        self.pattern(source_field, &surround(text, false, true), case_sensitive)
    }

    pub fn ends_with(&self, source_field: Option<&str>, text: &str, case_sensitive: bool) -> Expr {
        self.pattern(source_field, &surround(text, true, false), case_sensitive)
    }
}

/// Literal text with `*` before and/or after it.
pub fn surround(text: &str, before: bool, after: bool) -> Vec<Token> {
    let mut tokens = Vec::with_capacity(text.len() + 2);
    if before {
        tokens.push(Token::AnyRun);
    }
    tokens.extend(wildcard::literal_tokens(text));
    if after {
        tokens.push(Token::AnyRun);
    }
    tokens
}
