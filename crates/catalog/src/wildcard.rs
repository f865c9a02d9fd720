//! The one wildcard-pattern convention of the catalog, shared by every vendor.
//!
//! `*` matches any run of characters and `?` one character; `\*`, `\?` and
//! `\\` stand for a literal `*`, `?` and backslash; any other backslash is
//! literal (so Windows paths read naturally). Front ends decode their own
//! syntax into [`Token`]s and encode them with [`encode`], which writes the one
//! canonical spelling: equal patterns are equal strings.

/// One element of a pattern.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Token {
    Literal(char),
    /// `*`: any run of characters, possibly empty.
    AnyRun,
    /// `?`: exactly one character.
    AnyOne,
}

/// Reads a pattern written in the catalog convention (also Sigma's).
pub fn decode(pattern: &str) -> Vec<Token> {
    let mut tokens = Vec::with_capacity(pattern.len());
    let mut chars = pattern.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '*' => tokens.push(Token::AnyRun),
            '?' => tokens.push(Token::AnyOne),
            '\\' => match chars.peek() {
                Some(&next @ ('*' | '?' | '\\')) => {
                    chars.next();
                    tokens.push(Token::Literal(next));
                }
                _ => tokens.push(Token::Literal('\\')),
            },
            other => tokens.push(Token::Literal(other)),
        }
    }
    tokens
}

/// Writes tokens in the canonical spelling: a literal backslash is doubled
/// only where a single one would be read as an escape, and a run of `*`s is
/// one `*` (they match the same).
pub fn encode(tokens: &[Token]) -> String {
    let mut out = String::with_capacity(tokens.len() + 4);
    for (i, token) in tokens.iter().enumerate() {
        match token {
            Token::AnyRun if i > 0 && tokens[i - 1] == Token::AnyRun => {}
            Token::AnyRun => out.push('*'),
            Token::AnyOne => out.push('?'),
            Token::Literal(c @ ('*' | '?')) => {
                out.push('\\');
                out.push(*c);
            }
            Token::Literal('\\') => {
                let escape_needed =
                    matches!(tokens.get(i + 1), Some(Token::AnyRun | Token::AnyOne | Token::Literal('*' | '?' | '\\')));
                out.push_str(if escape_needed { "\\\\" } else { "\\" });
            }
            Token::Literal(c) => out.push(*c),
        }
    }
    out
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
