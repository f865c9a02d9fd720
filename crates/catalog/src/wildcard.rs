//! The one wildcard-pattern convention of the catalog, shared by every vendor.
//!
//! `*` matches any run of characters and `?` one character; `\*`, `\?` and
//! `\\` stand for a literal `*`, `?` and backslash; any other backslash is
//! literal (so Windows paths read naturally). Front ends read their own
//! syntax (a [`Syntax`] table per language) into [`Token`]s with [`read`] and
//! encode them with [`encode`], which writes the one canonical spelling:
//! equal patterns are equal strings.

/// One element of a pattern.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Token {
    Literal(char),
    /// `*`: any run of characters, possibly empty.
    AnyRun,
    /// `?`: exactly one character.
    AnyOne,
}

/// How a rule language writes patterns: which characters are wildcards and
/// how a backslash escapes. Each front end has one of these per pattern
/// syntax it reads (`atlas_frontend::pattern`); [`read`] turns any of them
/// into [`Token`]s and [`write`] spells tokens back.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Syntax {
    /// The wildcard for any run of characters (`*`, SQL's `%`).
    pub any_run: char,
    /// The wildcard for one character (`?`, SQL's `_`), if the language has one.
    pub any_one: Option<char>,
    pub escape: Escape,
}

/// What a backslash does in a pattern.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Escape {
    /// Nothing: a backslash is a literal like any other character, and a
    /// wildcard character cannot be written literally (EQL, SQL `like()`).
    None,
    /// It makes the next character literal, whatever it is; a backslash at
    /// the end is literal (ES|QL `LIKE`, Elasticsearch `wildcard` queries).
    /// With `control`, `\t`, `\n` and `\r` stand for tab, newline and
    /// carriage return (KQL).
    Any { control: bool },
    /// It makes the next character literal only when that is one of these;
    /// before any other character it is a literal backslash, so Windows
    /// paths read naturally (Sigma and the catalog: `*`, `?`, `\`).
    Only(&'static [char]),
}

/// The catalog's own convention, which is also Sigma's.
pub const CATALOG: Syntax = Syntax { any_run: '*', any_one: Some('?'), escape: Escape::Only(&['*', '?', '\\']) };

/// Reads a pattern written in `syntax`.
pub fn read(pattern: &str, syntax: &Syntax) -> Vec<Token> {
    let mut tokens = Vec::with_capacity(pattern.len());
    let mut chars = pattern.chars().peekable();
    while let Some(c) = chars.next() {
        let token = match c {
            '\\' => match (syntax.escape, chars.peek().copied()) {
                (Escape::Any { control }, Some(next)) => {
                    chars.next();
                    Token::Literal(match next {
                        't' if control => '\t',
                        'n' if control => '\n',
                        'r' if control => '\r',
                        other => other,
                    })
                }
                (Escape::Only(escapable), Some(next)) if escapable.contains(&next) => {
                    chars.next();
                    Token::Literal(next)
                }
                _ => Token::Literal('\\'),
            },
            _ if c == syntax.any_run => Token::AnyRun,
            _ if Some(c) == syntax.any_one => Token::AnyOne,
            other => Token::Literal(other),
        };
        tokens.push(token);
    }
    tokens
}

/// Writes tokens in `syntax`, escaping only where a character would
/// otherwise be read as a wildcard or an escape (so `C:\Windows\*` keeps
/// its single backslashes in the catalog's convention). A syntax without
/// escapes cannot write a literal wildcard character: it is written as is.
pub fn write(tokens: &[Token], syntax: &Syntax) -> String {
    let mut out = String::with_capacity(tokens.len() + 4);
    for (i, token) in tokens.iter().enumerate() {
        match *token {
            Token::AnyRun => out.push(syntax.any_run),
            Token::AnyOne => out.push(syntax.any_one.unwrap_or('?')),
            Token::Literal(c) => {
                let is_wildcard = c == syntax.any_run || Some(c) == syntax.any_one;
                let escape = match syntax.escape {
                    Escape::None => false,
                    Escape::Any { .. } => is_wildcard || c == '\\',
                    Escape::Only(escapable) if c == '\\' => {
                        // A literal backslash needs doubling only where the
                        // next character would make it an escape.
                        let next = tokens.get(i + 1).map(|t| match *t {
                            Token::Literal(n) => n,
                            Token::AnyRun => syntax.any_run,
                            Token::AnyOne => syntax.any_one.unwrap_or('?'),
                        });
                        next.is_some_and(|n| escapable.contains(&n))
                    }
                    Escape::Only(escapable) => is_wildcard && escapable.contains(&c),
                };
                if escape {
                    out.push('\\');
                }
                out.push(c);
            }
        }
    }
    out
}

/// Whether `syntax` can write these tokens: a literal wildcard character
/// needs an escape the syntax has.
pub fn writable(tokens: &[Token], syntax: &Syntax) -> bool {
    tokens.iter().all(|token| match *token {
        Token::AnyOne => syntax.any_one.is_some(),
        Token::AnyRun => true,
        Token::Literal(c) if c == syntax.any_run || Some(c) == syntax.any_one => match syntax.escape {
            Escape::None => false,
            Escape::Any { .. } => true,
            Escape::Only(escapable) => escapable.contains(&c),
        },
        Token::Literal(_) => true,
    })
}

/// Reads a pattern written in the catalog convention (also Sigma's).
pub fn decode(pattern: &str) -> Vec<Token> {
    read(pattern, &CATALOG)
}

/// Writes tokens in the canonical spelling: the catalog's convention, with a
/// run of `*`s written as one `*` (they match the same). Equal patterns are
/// equal strings.
pub fn encode(tokens: &[Token]) -> String {
    let mut collapsed = Vec::with_capacity(tokens.len());
    for &token in tokens {
        if !(token == Token::AnyRun && collapsed.last() == Some(&Token::AnyRun)) {
            collapsed.push(token);
        }
    }
    write(&collapsed, &CATALOG)
}

/// The tokens with wildcards as `*` and `?` and nothing escaped: the text a
/// pattern stands for when it is taken literally (Sigma's encodings apply to
/// this text).
pub fn plain(tokens: &[Token]) -> String {
    tokens
        .iter()
        .map(|t| match t {
            Token::Literal(c) => *c,
            Token::AnyRun => '*',
            Token::AnyOne => '?',
        })
        .collect()
}

/// Re-spells a pattern canonically (`C:\\Windows` and `C:\Windows` are the
/// same pattern).
pub fn canonical(pattern: &str) -> String {
    encode(&decode(pattern))
}

/// Whether a pattern in the catalog convention has an unescaped `*` or `?`,
/// without decoding it.
pub fn has_wildcard_chars(pattern: &str) -> bool {
    let mut escaped = false;
    for c in pattern.chars() {
        match c {
            '*' | '?' if !escaped => return true,
            '\\' if !escaped => escaped = true,
            _ => escaped = false,
        }
    }
    false
}

/// Whether the tokens contain a `*` or `?` wildcard.
pub fn has_wildcards(tokens: &[Token]) -> bool {
    tokens.iter().any(|t| !matches!(t, Token::Literal(_)))
}

/// The literal text of wildcard-free tokens, or `None` if any is a wildcard.
pub fn literal(tokens: &[Token]) -> Option<String> {
    tokens
        .iter()
        .map(|t| match t {
            Token::Literal(c) => Some(*c),
            _ => None,
        })
        .collect()
}

/// Tokens for a literal string (every character literal).
pub fn literal_tokens(text: &str) -> Vec<Token> {
    text.chars().map(Token::Literal).collect()
}

/// Escapes a literal string into the pattern convention.
pub fn escape(text: &str) -> String {
    encode(&literal_tokens(text))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sigma_escapes_are_the_convention() {
        assert_eq!(
            decode(r"a\*b\?c\\d\e*?"),
            vec![
                Token::Literal('a'),
                Token::Literal('*'),
                Token::Literal('b'),
                Token::Literal('?'),
                Token::Literal('c'),
                Token::Literal('\\'),
                Token::Literal('d'),
                Token::Literal('\\'),
                Token::Literal('e'),
                Token::AnyRun,
                Token::AnyOne,
            ]
        );
    }

    #[test]
    fn canonical_spelling_is_minimal_and_unique() {
        assert_eq!(canonical(r"C:\Windows\System32\*"), r"C:\Windows\System32\*");
        // A literal backslash before a wildcard must be doubled.
        assert_eq!(encode(&[Token::Literal('\\'), Token::AnyRun]), r"\\*");
        // Two spellings of one pattern become one string.
        assert_eq!(canonical(r"C:\\Windows\\cmd.exe"), r"C:\Windows\cmd.exe");
        // UNC prefix: two literal backslashes.
        assert_eq!(escape(r"\\server\share"), r"\\\server\share");
        assert_eq!(decode(r"\\\server"), literal_tokens(r"\\server"));
        assert_eq!(escape("what?*"), r"what\?\*");
        assert_eq!(canonical("a**b***"), "a*b*");
    }

    #[test]
    fn literal_only_without_wildcards() {
        assert_eq!(literal(&decode(r"a\*b")).as_deref(), Some("a*b"));
        assert_eq!(literal(&decode("a*b")), None);
        assert!(has_wildcards(&decode("a?")));
        assert!(!has_wildcards(&decode(r"a\?")));
        for pattern in ["a*", r"a\\*", r"\a?", r"a\*", r"a\\\*", "", r"C:\x\"] {
            assert_eq!(has_wildcard_chars(pattern), has_wildcards(&decode(pattern)), "{pattern}");
        }
    }
}
