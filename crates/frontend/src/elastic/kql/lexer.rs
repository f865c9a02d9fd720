//! KQL (and the Lucene subset Elastic rules use) split into tokens.
//!
//! KQL's unquoted values run up to whitespace or a special character
//! (`\():<>"{}`); `*` inside them is a wildcard and a backslash escapes the
//! next character. Quoted values are phrases: `*` in them is literal and only
//! `\"`, `\\`, `\t`, `\r` and `\n` are escapes (as in the grammar of
//! Elastic's KQL parser, detection-rules `lib/kql`). Keywords (`or`,
//! `and`, `not`) are words written without escapes; KQL takes them in any
//! case, Lucene only in upper case. Tokens, spans and errors are the parsing
//! kit's (`crate::syntax`).

use atlas_catalog::wildcard::{self, Token as Pattern};

use crate::pattern;
use crate::syntax::{self, ErrorKind, Span, SyntaxError};

/// Which grammar is being read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Syntax {
    Kuery,
    /// Lucene query-string syntax: `?` is a wildcard too, `/…/` is a
    /// regular expression, keywords are upper case.
    Lucene,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Keyword {
    Or,
    And,
    Not,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RangeOp {
    Lt,
    Le,
    Gt,
    Ge,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Kind {
    LParen,
    RParen,
    LBrace,
    RBrace,
    Colon,
    Range(RangeOp),
    Keyword(Keyword),
    /// A quoted phrase, escapes decoded.
    Quoted(String),
    /// An unquoted word as pattern tokens (escapes decoded, `*` a wildcard).
    Word(Vec<Pattern>),
    /// Lucene `/regex/`, without the slashes.
    Regex(String),
}

impl syntax::TokenKind for Kind {
    fn describe(&self) -> String {
        match self {
            Kind::LParen => "`(`".into(),
            Kind::RParen => "`)`".into(),
            Kind::LBrace => "`{`".into(),
            Kind::RBrace => "`}`".into(),
            Kind::Colon => "`:`".into(),
            Kind::Range(_) => "a range operator".into(),
            Kind::Keyword(k) => format!("`{k:?}`").to_lowercase(),
            Kind::Quoted(_) => "a quoted value".into(),
            Kind::Word(_) => "a value".into(),
            Kind::Regex(_) => "a regular expression".into(),
        }
    }
}

/// One token of a KQL or Lucene query.
pub type Token = syntax::Token<Kind>;

/// A phrase, escape or regular expression opened at `start` and not closed:
/// the error covers it to the end of the query.
fn unterminated(what: &'static str, start: usize, source: &str) -> SyntaxError {
    SyntaxError::new(ErrorKind::Unterminated(what), Span::new(start, source.len()))
}

/// Lucene `a:[1 TO 5]`, `-a:b`, `a:b^2`: ranges, prefix operators, boosts
/// and fuzziness the catalog does not read.
fn unsupported_lucene(c: char, at: usize) -> SyntaxError {
    let detail = format!("Lucene syntax `{c}` is not read");
    SyntaxError::new(ErrorKind::Unsupported { what: "Lucene syntax", detail }, Span::new(at, at + c.len_utf8()))
}

fn is_special(c: char) -> bool {
    matches!(c, '\\' | '(' | ')' | ':' | '<' | '>' | '"' | '{' | '}')
}

/// Splits a KQL query into tokens.
///
/// Errors ([`SyntaxError`] with the span of the offending text):
/// `Unterminated("quoted value")` for `a : "abc`, `Unterminated("escape")`
/// for `a : abc\` (a backslash with nothing after it),
/// `Unterminated("regular expression")` for Lucene `a : /abc`, and
/// `Unsupported { what: "Lucene syntax", .. }` for Lucene's `[ ] ^ ~ + - ! & |`.
pub fn tokenize(source: &str, syntax: Syntax) -> Result<Vec<Token>, SyntaxError> {
    let mut tokens = Vec::new();
    let mut chars = source.char_indices().peekable();
    while let Some(&(start, c)) = chars.peek() {
        if c.is_whitespace() {
            chars.next();
            continue;
        }
        let kind = match c {
            '(' | ')' | '{' | '}' | ':' => {
                chars.next();
                match c {
                    '(' => Kind::LParen,
                    ')' => Kind::RParen,
                    '{' => Kind::LBrace,
                    '}' => Kind::RBrace,
                    _ => Kind::Colon,
                }
            }
            '<' | '>' => {
                chars.next();
                let inclusive = chars.next_if(|&(_, n)| n == '=').is_some();
                Kind::Range(match (c, inclusive) {
                    ('<', false) => RangeOp::Lt,
                    ('<', true) => RangeOp::Le,
                    ('>', false) => RangeOp::Gt,
                    _ => RangeOp::Ge,
                })
            }
            '"' => Kind::Quoted(quoted(source, &mut chars)?),
            '/' if syntax == Syntax::Lucene => Kind::Regex(regex(source, &mut chars)?),
            '[' | ']' | '^' | '~' | '+' | '-' | '!' | '&' | '|' if syntax == Syntax::Lucene => {
                return Err(unsupported_lucene(c, start));
            }
            _ => word(source, &mut chars, syntax)?,
        };
        let end = chars.peek().map_or(source.len(), |&(i, _)| i);
        tokens.push(Token { kind, span: Span::new(start, end) });
    }
    Ok(tokens)
}

type Chars<'a> = std::iter::Peekable<std::str::CharIndices<'a>>;

fn quoted(source: &str, chars: &mut Chars<'_>) -> Result<String, SyntaxError> {
    let Some((start, _)) = chars.next() else {
        return Err(unterminated("quoted value", source.len(), source));
    };
    let mut out = String::new();
    while let Some((_, c)) = chars.next() {
        match c {
            '"' => return Ok(out),
            '\\' => match chars.peek().map(|&(_, n)| n) {
                Some(n @ ('"' | '\\')) => {
                    chars.next();
                    out.push(n);
                }
                Some(n @ ('t' | 'r' | 'n')) => {
                    chars.next();
                    out.push(whitespace_escape(n));
                }
                // Any other backslash is itself (`"C:\Windows"`, and
                // `"\u0041"`: Elastic's KQL grammar has no unicode escape
                // in quoted values).
                _ => out.push('\\'),
            },
            other => out.push(other),
        }
    }
    Err(unterminated("quoted value", start, source))
}

fn whitespace_escape(c: char) -> char {
    match c {
        't' => '\t',
        'r' => '\r',
        _ => '\n',
    }
}

fn regex(source: &str, chars: &mut Chars<'_>) -> Result<String, SyntaxError> {
    let Some((start, _)) = chars.next() else {
        return Err(unterminated("regular expression", source.len(), source));
    };
    let mut out = String::new();
    while let Some((_, c)) = chars.next() {
        match c {
            '/' => return Ok(out),
            // `\/` is a slash inside the expression; other escapes belong to
            // the regular expression and stay as written.
            '\\' if chars.peek().is_some_and(|&(_, n)| n == '/') => {
                chars.next();
                out.push('/');
            }
            other => out.push(other),
        }
    }
    Err(unterminated("regular expression", start, source))
}

/// An unquoted word, or a keyword when written plainly. The word runs to
/// whitespace or a special character (an escaped one never ends it); its
/// text is then read as a pattern of the syntax.
fn word(source: &str, chars: &mut Chars<'_>, syntax: Syntax) -> Result<Kind, SyntaxError> {
    let start = chars.peek().map_or(source.len(), |&(i, _)| i);
    let mut escaped = false;
    while let Some(&(at, c)) = chars.peek() {
        if c.is_whitespace() || (is_special(c) && c != '\\') {
            break;
        }
        chars.next();
        match c {
            '\\' => {
                escaped = true;
                if chars.next().is_none() {
                    return Err(unterminated("escape", at, source));
                }
            }
            '[' | ']' | '^' | '~' if syntax == Syntax::Lucene => {
                return Err(unsupported_lucene(c, at));
            }
            _ => {}
        }
    }
    let end = chars.peek().map_or(source.len(), |&(i, _)| i);
    let table = match syntax {
        Syntax::Kuery => &pattern::KQL,
        Syntax::Lucene => &pattern::LUCENE,
    };
    let tokens = wildcard::read(source.get(start..end).unwrap_or_default(), table);
    let keyword = match wildcard::literal(&tokens) {
        Some(plain) if !escaped => keyword(&plain, syntax),
        _ => None,
    };
    Ok(match keyword {
        Some(keyword) => Kind::Keyword(keyword),
        None => Kind::Word(tokens),
    })
}

fn keyword(word: &str, syntax: Syntax) -> Option<Keyword> {
    let matches = |k: &str| match syntax {
        Syntax::Kuery => word.eq_ignore_ascii_case(k),
        Syntax::Lucene => word == k.to_ascii_uppercase(),
    };
    [("or", Keyword::Or), ("and", Keyword::And), ("not", Keyword::Not)]
        .into_iter()
        .find(|(k, _)| matches(k))
        .map(|(_, keyword)| keyword)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use atlas_catalog::wildcard::{decode, literal_tokens};

    use super::*;

    fn kinds(source: &str) -> Vec<Kind> {
        tokenize(source, Syntax::Kuery).unwrap().into_iter().map(|t| t.kind).collect()
    }

    #[test]
    fn words_quotes_and_keywords() {
        assert_eq!(
            kinds(r#"a.b:c* OR not "x*\"y""#),
            [
                Kind::Word(literal_tokens("a.b")),
                Kind::Colon,
                Kind::Word(decode("c*")),
                Kind::Keyword(Keyword::Or),
                Kind::Keyword(Keyword::Not),
                Kind::Quoted("x*\"y".into()),
            ]
        );
    }

    #[test]
    fn quoted_escapes_are_only_the_five_of_the_grammar() {
        // `\u0041` is not an escape inside quotes: the backslash stays.
        assert_eq!(kinds(r#""a\u0041\"\\\tb\Windows""#), [Kind::Quoted("a\\u0041\"\\\tb\\Windows".into())]);
    }

    #[test]
    fn escapes_in_unquoted_words() {
        // `C\:\\Windows\\*` is C:\Windows\ followed by a wildcard; `\or` is a word.
        assert_eq!(
            kinds(r"C\:\\Win\ dows\\* \or"),
            [
                Kind::Word({
                    let mut t = literal_tokens(r"C:\Win dows\");
                    t.push(Pattern::AnyRun);
                    t
                }),
                Kind::Word(literal_tokens("or")),
            ]
        );
        assert_eq!(
            tokenize(r"a:b\", Syntax::Kuery),
            Err(SyntaxError::new(ErrorKind::Unterminated("escape"), Span::new(3, 4)))
        );
    }

    #[test]
    fn ranges_and_lucene_forms() {
        assert_eq!(
            kinds("a >= 5"),
            [Kind::Word(literal_tokens("a")), Kind::Range(RangeOp::Ge), Kind::Word(literal_tokens("5"))]
        );
        let lucene: Vec<Kind> =
            tokenize(r"d:/a\/b/ and x?y", Syntax::Lucene).unwrap().into_iter().map(|t| t.kind).collect();
        assert_eq!(
            lucene,
            [
                Kind::Word(literal_tokens("d")),
                Kind::Colon,
                Kind::Regex("a/b".into()),
                Kind::Word(literal_tokens("and")),
                Kind::Word(decode("x?y")),
            ]
        );
        // In KQL `?` is an ordinary character.
        assert_eq!(kinds("x?y"), [Kind::Word(literal_tokens("x?y"))]);
    }

    #[test]
    fn errors_cover_the_offending_text() {
        let error = |source: &str, syntax| tokenize(source, syntax).unwrap_err();
        let unterminated = |what, start, end| SyntaxError::new(ErrorKind::Unterminated(what), Span::new(start, end));
        assert_eq!(error(r#"a : "abc"#, Syntax::Kuery), unterminated("quoted value", 4, 8));
        assert_eq!(error("a : /abc", Syntax::Lucene), unterminated("regular expression", 4, 8));
        // Lucene forms the catalog does not read, in and between words.
        for (source, c, at) in [("a:[1 TO 5]", '[', 2), ("a:b^2", '^', 3), ("-a:b", '-', 0)] {
            let error = error(source, Syntax::Lucene);
            assert!(error.is_unsupported(), "{source}");
            assert_eq!(error.span, Span::new(at, at + 1), "{source}");
            assert_eq!(error.to_string(), format!("Lucene syntax `{c}` is not read"));
        }
        // In KQL they are ordinary characters.
        assert!(tokenize("a:b^2", Syntax::Kuery).is_ok());
    }
}
