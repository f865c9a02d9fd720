//! Sigma value modifiers (`Field|contains|all`): parsing a chain, and turning
//! one YAML value into leaves under it.
//!
//! Transformations follow the Sigma specification and pySigma, the reference
//! implementation: `wide`/`utf16*` re-encode the text, `base64` encodes it,
//! `base64offset` gives the three offset encodings, `windash` expands a
//! leading `-` or `/` of a word into the five dash forms, and
//! `contains`/`startswith`/`endswith` add `*` wildcards.

use atlas_catalog::wildcard::{self, Token};
use atlas_catalog::{Expr, Op};
use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;

use crate::leaf::LeafMaker;
use crate::limits::MAX_VALUE_CHARS;

/// How the value must sit in the field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Position {
    #[default]
    Whole,
    Contains,
    StartsWith,
    EndsWith,
}

/// Text encodings applied before matching.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    Utf16Le,
    Utf16Be,
    /// UTF-16 little endian with a byte-order mark.
    Utf16Bom,
    Base64,
    Base64Offset,
}

/// Operators other than pattern matching.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Special {
    Regex { insensitive: bool, multiline: bool, dotall: bool },
    Cidr,
    Exists,
    Fieldref,
    Compare(Op),
}

/// A parsed modifier chain.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Modifiers {
    pub position: Position,
    /// `all`: a value list is AND-ed instead of OR-ed.
    pub all: bool,
    pub encodings: Vec<Encoding>,
    pub windash: bool,
    pub cased: bool,
    /// `expand`: the value names a placeholder, kept as written.
    pub expand: bool,
    pub special: Option<Special>,
}

/// A modifier chain that makes a value longer than [`MAX_VALUE_CHARS`]
/// (`wide|wide|wide|…|base64offset` doubles it at every step).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the modifiers make a value longer than the limit of {MAX_VALUE_CHARS} characters")]
pub struct ValueTooLong;

/// A modifier this front end does not know.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown modifier `{0}`")]
pub struct UnknownModifier(pub String);

impl Modifiers {
    /// Parses the part after the field name (`contains|all`).
    pub fn parse<'a>(names: impl IntoIterator<Item = &'a str>) -> Result<Modifiers, UnknownModifier> {
        let mut m = Modifiers::default();
        for name in names {
            match name {
                "contains" => m.position = Position::Contains,
                "startswith" => m.position = Position::StartsWith,
                "endswith" => m.position = Position::EndsWith,
                "all" => m.all = true,
                "cased" => m.cased = true,
                "windash" => m.windash = true,
                "expand" => m.expand = true,
                "wide" | "utf16le" => m.encodings.push(Encoding::Utf16Le),
                "utf16be" => m.encodings.push(Encoding::Utf16Be),
                "utf16" => m.encodings.push(Encoding::Utf16Bom),
                "base64" => m.encodings.push(Encoding::Base64),
                "base64offset" => m.encodings.push(Encoding::Base64Offset),
                "re" => m.special = Some(Special::Regex { insensitive: false, multiline: false, dotall: false }),
                "i" | "m" | "s" => match &mut m.special {
                    Some(Special::Regex { insensitive, multiline, dotall }) => match name {
                        "i" => *insensitive = true,
                        "m" => *multiline = true,
                        _ => *dotall = true,
                    },
                    _ => return Err(UnknownModifier(format!("{name}` without `re"))),
                },
                "cidr" => m.special = Some(Special::Cidr),
                "exists" => m.special = Some(Special::Exists),
                "fieldref" => m.special = Some(Special::Fieldref),
                "lt" => m.special = Some(Special::Compare(Op::Lt)),
                "lte" => m.special = Some(Special::Compare(Op::Lte)),
                "gt" => m.special = Some(Special::Compare(Op::Gt)),
                "gte" => m.special = Some(Special::Compare(Op::Gte)),
                other => return Err(UnknownModifier(other.to_owned())),
            }
        }
        Ok(m)
    }

    /// The leaves for one value: a single leaf, or an `or` of the variants
    /// that `base64offset` and `windash` produce. `value` is `None` for YAML
    /// `null` (the field is absent or empty).
    pub fn leaves(&self, maker: &LeafMaker, field: Option<&str>, value: Option<&str>) -> Result<Expr, ValueTooLong> {
        let Some(value) = value else {
            return Ok(maker.leaf(field, Op::Null, None, false));
        };
        Ok(match self.special {
            Some(Special::Regex { insensitive, multiline, dotall }) => {
                let flags: String =
                    [(multiline, 'm'), (dotall, 's')].iter().filter(|(on, _)| *on).map(|(_, c)| *c).collect();
                let pattern = if flags.is_empty() { value.to_owned() } else { format!("(?{flags}){value}") };
                maker.leaf(field, Op::RegexMatch, Some(pattern), !insensitive)
            }
            Some(Special::Cidr) => maker.leaf(field, Op::Cidr, Some(value.to_owned()), false),
            Some(Special::Exists) => {
                let exists = maker.leaf(field, Op::Exists, None, false);
                if value.eq_ignore_ascii_case("false") { Expr::negate(exists) } else { exists }
            }
            Some(Special::Fieldref) => maker.leaf(field, Op::Fieldref, Some(value.to_owned()), self.cased),
            Some(Special::Compare(op)) => maker.leaf(field, op, Some(value.to_owned()), false),
            None => self.pattern_leaves(maker, field, value)?,
        })
    }

    fn pattern_leaves(&self, maker: &LeafMaker, field: Option<&str>, value: &str) -> Result<Expr, ValueTooLong> {
        let variants = self.variants(value)?;
        let leaves = variants
            .iter()
            .map(|tokens| {
                let tokens = self.positioned(tokens);
                match field {
                    // A field-less search is full text (keywords).
                    None => maker.leaf(None, Op::Match, Some(wildcard::encode(&tokens)), self.cased),
                    Some(_) => maker.pattern(field, &tokens, self.cased),
                }
            })
            .collect();
        Ok(Expr::or(leaves))
    }

    /// The value after encodings and windash, as one or more token strings.
    fn variants(&self, value: &str) -> Result<Vec<Vec<Token>>, ValueTooLong> {
        // `expand` placeholders are names, not patterns: keep them literally.
        let tokens = if self.expand { wildcard::literal_tokens(value) } else { wildcard::decode(value) };
        let mut variants = vec![tokens];
        let mut bytes: Option<Vec<u8>> = None;
        for encoding in &self.encodings {
            let text_bytes = || bytes.clone().unwrap_or_else(|| plain_text(&variants).into_bytes());
            match encoding {
                Encoding::Utf16Le | Encoding::Utf16Be | Encoding::Utf16Bom => {
                    let encoded = utf16(&plain_text(&variants), *encoding);
                    // Without a later base64, the bytes are matched as characters.
                    variants =
                        vec![wildcard::literal_tokens(&encoded.iter().map(|&b| char::from(b)).collect::<String>())];
                    bytes = Some(encoded);
                }
                Encoding::Base64 => {
                    variants = vec![wildcard::literal_tokens(&BASE64.encode(text_bytes()))];
                    bytes = None;
                }
                Encoding::Base64Offset => {
                    variants = base64_offsets(&text_bytes()).iter().map(|v| wildcard::literal_tokens(v)).collect();
                    bytes = None;
                }
            }
            // Each step at most doubles the value: checking after each one
            // stops a chain long before memory is at risk.
            if variants.iter().any(|v| v.len() > MAX_VALUE_CHARS) {
                return Err(ValueTooLong);
            }
        }
        if self.windash {
            variants = variants.iter().flat_map(|v| windash(v)).collect();
        }
        Ok(variants)
    }

    fn positioned(&self, tokens: &[Token]) -> Vec<Token> {
        let mut out = Vec::with_capacity(tokens.len() + 2);
        let (before, after) = match self.position {
            Position::Whole => (false, false),
            Position::Contains => (true, true),
            Position::StartsWith => (false, true),
            Position::EndsWith => (true, false),
        };
        if before && tokens.first() != Some(&Token::AnyRun) {
            out.push(Token::AnyRun);
        }
        out.extend_from_slice(tokens);
        if after && tokens.last() != Some(&Token::AnyRun) {
            out.push(Token::AnyRun);
        }
        out
    }
}

/// The text of the first variant with wildcards taken literally (encodings
/// apply to text; Sigma does not define them on patterns).
fn plain_text(variants: &[Vec<Token>]) -> String {
    variants.first().map(|tokens| wildcard::plain(tokens)).unwrap_or_default()
}

fn utf16(text: &str, encoding: Encoding) -> Vec<u8> {
    let mut out = Vec::with_capacity(text.len() * 2 + 2);
    if encoding == Encoding::Utf16Bom {
        out.extend_from_slice(&[0xFF, 0xFE]);
    }
    for unit in text.encode_utf16() {
        let pair = if encoding == Encoding::Utf16Be { unit.to_be_bytes() } else { unit.to_le_bytes() };
        out.extend_from_slice(&pair);
    }
    out
}

/// The three encodings of `bytes` at offsets 0, 1 and 2 inside a base64
/// stream, trimmed to the characters that do not depend on neighbours
/// (the same slices as pySigma's `base64offset`).
pub fn base64_offsets(bytes: &[u8]) -> [String; 3] {
    const START: [usize; 3] = [0, 2, 3];
    // Characters to drop at the end, by (length + offset) % 3.
    const END_TRIM: [usize; 3] = [0, 3, 2];
    std::array::from_fn(|offset| {
        let mut shifted = vec![b' '; offset];
        shifted.extend_from_slice(bytes);
        let encoded = BASE64.encode(&shifted);
        let end = encoded.len().saturating_sub(END_TRIM[(bytes.len() + offset) % 3]);
        encoded.get(START[offset]..end).unwrap_or_default().to_owned()
    })
}

/// The dash forms `windash` expands a leading `-` or `/` into, in pySigma's order.
const DASHES: [char; 5] = ['-', '/', '\u{2013}', '\u{2014}', '\u{2015}'];
/// Above this many dashes in one value the expansion is not worth 5^n variants.
const MAX_WINDASH_POSITIONS: u32 = 3;

/// Expands every `-` or `/` that starts a word (preceded by a non-word
/// character or the start, followed by a word character).
fn windash(tokens: &[Token]) -> Vec<Vec<Token>> {
    let is_word = |t: Option<&Token>| matches!(t, Some(Token::Literal(c)) if c.is_alphanumeric() || *c == '_');
    let positions: Vec<usize> = (0..tokens.len())
        .filter(|&i| {
            matches!(tokens[i], Token::Literal('-' | '/'))
                && !is_word(i.checked_sub(1).and_then(|p| tokens.get(p)))
                && is_word(tokens.get(i + 1))
        })
        .take(MAX_WINDASH_POSITIONS as usize)
        .collect();
    let mut variants = vec![tokens.to_vec()];
    for &position in &positions {
        variants = variants
            .into_iter()
            .flat_map(|v| {
                DASHES.iter().map(move |&dash| {
                    let mut variant = v.clone();
                    variant[position] = Token::Literal(dash);
                    variant
                })
            })
            .collect();
    }
    variants
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64offset_matches_pysigma() {
        // Values checked by hand against Python:
        //   [b64encode(i*b' ' + b'/c powershell')[(0,2,3)[i]:(None,-3,-2)[(13+i)%3]] for i in range(3)]
        assert_eq!(base64_offsets(b"/c powershell"), ["L2MgcG93ZXJzaGVsb", "9jIHBvd2Vyc2hlbG", "vYyBwb3dlcnNoZWxs"]);
    }

    #[test]
    fn windash_expands_word_starts_only() {
        let variants = windash(&wildcard::decode(" -enc foo-bar"));
        let texts: Vec<String> = variants.iter().map(|v| wildcard::encode(v)).collect();
        assert_eq!(
            texts,
            [" -enc foo-bar", " /enc foo-bar", " \u{2013}enc foo-bar", " \u{2014}enc foo-bar", " \u{2015}enc foo-bar"]
        );
    }

    #[test]
    fn chains_parse_and_reject_unknown_names() {
        let m = Modifiers::parse(["contains", "all"]).unwrap();
        assert_eq!((m.position, m.all), (Position::Contains, true));
        let m = Modifiers::parse(["re", "i"]).unwrap();
        assert_eq!(m.special, Some(Special::Regex { insensitive: true, multiline: false, dotall: false }));
        assert_eq!(Modifiers::parse(["contain"]), Err(UnknownModifier("contain".into())));
        assert!(Modifiers::parse(["i"]).is_err());
    }

    #[test]
    fn wide_then_base64() {
        let m = Modifiers::parse(["wide", "base64"]).unwrap();
        let variants = m.variants("ab").unwrap();
        // "ab" in UTF-16LE is 61 00 62 00, base64 "YQBiAA==".
        assert_eq!(wildcard::encode(&variants[0]), "YQBiAA==");
    }

    #[test]
    fn a_chain_of_wide_stops_at_the_value_limit() {
        // 40 × `wide` would make 2^40 bytes of "ab" (issue #10).
        let mut chain = vec!["wide"; 40];
        chain.push("base64offset");
        let m = Modifiers::parse(chain).unwrap();
        assert_eq!(m.variants("ab"), Err(ValueTooLong));
    }
}
