//! The lexer shared by EQL and ES|QL: both are C-like expression languages
//! with double-quoted and triple-quoted strings, backtick-quoted names, `//`
//! and `/* */` comments. Every token keeps the byte span it was read from, so
//! conditions the model cannot express are shown exactly as written. Tokens,
//! spans and errors are the parsing kit's (`crate::syntax`).

use crate::syntax::{self, ErrorKind, Span, SyntaxError};

/// One token of an EQL or ES|QL query.
pub type Token = syntax::Token<TokenKind>;

/// Which language is being read; they differ in a few string escapes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    Eql,
    Esql,
}

#[derive(Debug, Clone, PartialEq)]
pub enum TokenKind {
    /// A name, with dotted segments joined (`process.parent.name`); `quoted`
    /// when any segment was written in backticks, which makes it never a
    /// keyword.
    Ident {
        name: String,
        quoted: bool,
    },
    /// A string literal with escapes decoded.
    Str(String),
    /// A number as written, with a unit suffix glued on (`5m`, `1.5`).
    Number(String),
    LParen,
    RParen,
    LBracket,
    RBracket,
    LBrace,
    RBrace,
    Comma,
    /// A `.` not inside a dotted name (`FROM .alerts-*`)
    Dot,
    Colon,
    /// `::` (ES|QL cast)
    DoubleColon,
    /// `==`
    EqEq,
    /// `=` (assignment, `maxspan=`)
    Assign,
    /// `!=`
    NotEq,
    Lt,
    Le,
    Gt,
    Ge,
    Plus,
    Minus,
    Star,
    Slash,
    Percent,
    /// `~`, the case-insensitive suffix of EQL operators and functions
    Tilde,
    /// `!`, the missing-event marker of EQL sequences
    Bang,
    /// `?`, EQL's optional-field prefix and ES|QL's parameter prefix
    Question,
    Pipe,
}

impl syntax::TokenKind for TokenKind {
    fn describe(&self) -> String {
        match self {
            TokenKind::Ident { name, .. } => format!("`{name}`"),
            TokenKind::Str(_) => "a string".to_owned(),
            TokenKind::Number(n) => format!("number `{n}`"),
            other => format!("`{}`", other.symbol()),
        }
    }
}

impl TokenKind {
    /// Whether the token is the unquoted keyword `word` (any case).
    pub fn is_keyword(&self, word: &str) -> bool {
        matches!(self, TokenKind::Ident { name, quoted: false } if name.eq_ignore_ascii_case(word))
    }

    fn symbol(&self) -> &'static str {
        match self {
            TokenKind::LParen => "(",
            TokenKind::RParen => ")",
            TokenKind::LBracket => "[",
            TokenKind::RBracket => "]",
            TokenKind::LBrace => "{",
            TokenKind::RBrace => "}",
            TokenKind::Comma => ",",
            TokenKind::Dot => ".",
            TokenKind::Colon => ":",
            TokenKind::DoubleColon => "::",
            TokenKind::EqEq => "==",
            TokenKind::Assign => "=",
            TokenKind::NotEq => "!=",
            TokenKind::Lt => "<",
            TokenKind::Le => "<=",
            TokenKind::Gt => ">",
            TokenKind::Ge => ">=",
            TokenKind::Plus => "+",
            TokenKind::Minus => "-",
            TokenKind::Star => "*",
            TokenKind::Slash => "/",
            TokenKind::Percent => "%",
            TokenKind::Tilde => "~",
            TokenKind::Bang => "!",
            TokenKind::Question => "?",
            TokenKind::Pipe => "|",
            TokenKind::Ident { .. } | TokenKind::Str(_) | TokenKind::Number(_) => "",
        }
    }
}

/// Splits a query into tokens, skipping whitespace and comments.
///
/// Errors ([`SyntaxError`] with the span of the offending text):
/// `Unterminated("string")` for `"abc` or `"""abc`,
/// `Unterminated("backtick-quoted name")` for `` `abc ``,
/// `Unterminated("comment")` for `/* abc` (each from its opening to the end
/// of the query), and `Character('#')` for a `#` outside a string.
pub fn tokenize(source: &str, dialect: Dialect) -> Result<Vec<Token>, SyntaxError> {
    let mut lexer = Lexer { src: source, bytes: source.as_bytes(), pos: 0, dialect };
    let mut tokens = Vec::with_capacity(source.len() / 4);
    while let Some(token) = lexer.next_token()? {
        tokens.push(token);
    }
    Ok(tokens)
}

struct Lexer<'a> {
    src: &'a str,
    bytes: &'a [u8],
    pos: usize,
    dialect: Dialect,
}

fn is_ident_start(b: u8) -> bool {
    b.is_ascii_alphabetic() || b == b'_' || b == b'@' || b == b'$' || b >= 0x80
}

fn is_ident_continue(b: u8) -> bool {
    is_ident_start(b) || b.is_ascii_digit()
}

impl<'a> Lexer<'a> {
    /// A string, name or comment opened at `start` and never closed: the
    /// error covers it to the end of the query.
    fn unterminated(&self, what: &'static str, start: usize) -> SyntaxError {
        SyntaxError::new(ErrorKind::Unterminated(what), Span::new(start, self.src.len()))
    }

    fn peek(&self, ahead: usize) -> Option<u8> {
        self.bytes.get(self.pos + ahead).copied()
    }

    fn next_token(&mut self) -> Result<Option<Token>, SyntaxError> {
        self.skip_trivia()?;
        let start = self.pos;
        let Some(b) = self.peek(0) else {
            return Ok(None);
        };
        let kind = match b {
            b'"' | b'\'' => self.string(b)?,
            b'`' => self.ident()?,
            b if is_ident_start(b) => self.ident()?,
            b if b.is_ascii_digit() => self.number(),
            _ => self.punct(b)?,
        };
        Ok(Some(Token { kind, span: Span::new(start, self.pos) }))
    }

    fn skip_trivia(&mut self) -> Result<(), SyntaxError> {
        loop {
            match (self.peek(0), self.peek(1)) {
                (Some(b), _) if b.is_ascii_whitespace() => self.pos += 1,
                (Some(b'/'), Some(b'/')) => {
                    while self.peek(0).is_some_and(|b| b != b'\n') {
                        self.pos += 1;
                    }
                }
                (Some(b'/'), Some(b'*')) => {
                    let start = self.pos;
                    match self.src[self.pos + 2..].find("*/") {
                        Some(end) => self.pos += 2 + end + 2,
                        None => return Err(self.unterminated("comment", start)),
                    }
                }
                _ => return Ok(()),
            }
        }
    }

    fn punct(&mut self, b: u8) -> Result<TokenKind, SyntaxError> {
        let next = self.peek(1);
        let (kind, len) = match (b, next) {
            (b'=', Some(b'=')) => (TokenKind::EqEq, 2),
            (b'!', Some(b'=')) => (TokenKind::NotEq, 2),
            (b'<', Some(b'=')) => (TokenKind::Le, 2),
            (b'>', Some(b'=')) => (TokenKind::Ge, 2),
            (b':', Some(b':')) => (TokenKind::DoubleColon, 2),
            (b'=', _) => (TokenKind::Assign, 1),
            (b'!', _) => (TokenKind::Bang, 1),
            (b'<', _) => (TokenKind::Lt, 1),
            (b'>', _) => (TokenKind::Gt, 1),
            (b':', _) => (TokenKind::Colon, 1),
            (b'(', _) => (TokenKind::LParen, 1),
            (b')', _) => (TokenKind::RParen, 1),
            (b'[', _) => (TokenKind::LBracket, 1),
            (b']', _) => (TokenKind::RBracket, 1),
            (b'{', _) => (TokenKind::LBrace, 1),
            (b'}', _) => (TokenKind::RBrace, 1),
            (b',', _) => (TokenKind::Comma, 1),
            (b'.', _) => (TokenKind::Dot, 1),
            (b'+', _) => (TokenKind::Plus, 1),
            (b'-', _) => (TokenKind::Minus, 1),
            (b'*', _) => (TokenKind::Star, 1),
            (b'/', _) => (TokenKind::Slash, 1),
            (b'%', _) => (TokenKind::Percent, 1),
            (b'~', _) => (TokenKind::Tilde, 1),
            (b'?', _) => (TokenKind::Question, 1),
            (b'|', _) => (TokenKind::Pipe, 1),
            _ => {
                let ch = self.src[self.pos..].chars().next().unwrap_or('\u{fffd}');
                let span = Span::new(self.pos, self.pos + ch.len_utf8());
                return Err(SyntaxError::new(ErrorKind::Character(ch), span));
            }
        };
        self.pos += len;
        Ok(kind)
    }

    /// A number with any letters glued to it (`5m`, `1e3`, `0x1f`).
    fn number(&mut self) -> TokenKind {
        let start = self.pos;
        while let Some(b) = self.peek(0) {
            let decimal_point = b == b'.' && self.peek(1).is_some_and(|n| n.is_ascii_digit());
            if b.is_ascii_alphanumeric() || b == b'_' || decimal_point {
                self.pos += 1;
            } else {
                break;
            }
        }
        TokenKind::Number(self.src[start..self.pos].to_owned())
    }

    /// A dotted name; segments may be backtick-quoted.
    fn ident(&mut self) -> Result<TokenKind, SyntaxError> {
        let mut name = String::new();
        let mut quoted = false;
        loop {
            if self.peek(0) == Some(b'`') {
                quoted = true;
                name.push_str(&self.backtick_segment()?);
            } else {
                let start = self.pos;
                while self.peek(0).is_some_and(is_ident_continue) {
                    self.pos += 1;
                }
                name.push_str(&self.src[start..self.pos]);
            }
            let continues =
                self.peek(0) == Some(b'.') && self.peek(1).is_some_and(|b| is_ident_continue(b) || b == b'`');
            if !continues {
                return Ok(TokenKind::Ident { name, quoted });
            }
            name.push('.');
            self.pos += 1;
        }
    }

    /// `` `a-b` `` → `a-b`; a doubled backtick stands for one.
    fn backtick_segment(&mut self) -> Result<String, SyntaxError> {
        let start = self.pos;
        self.pos += 1;
        let mut out = String::new();
        loop {
            let rest = &self.src[self.pos..];
            let Some(end) = rest.find('`') else {
                return Err(self.unterminated("backtick-quoted name", start));
            };
            out.push_str(&rest[..end]);
            self.pos += end + 1;
            if self.peek(0) == Some(b'`') {
                out.push('`');
                self.pos += 1;
            } else {
                return Ok(out);
            }
        }
    }

    fn string(&mut self, quote: u8) -> Result<TokenKind, SyntaxError> {
        let start = self.pos;
        if quote == b'"' && self.src[self.pos..].starts_with("\"\"\"") {
            // Triple-quoted strings are raw: no escapes at all.
            let body_start = self.pos + 3;
            return match self.src[body_start..].find("\"\"\"") {
                Some(len) => {
                    // A run of more than three quotes closes at its end.
                    let mut end = body_start + len;
                    while self.src[end + 3..].starts_with('"') {
                        end += 1;
                    }
                    self.pos = end + 3;
                    Ok(TokenKind::Str(self.src[body_start..end].to_owned()))
                }
                None => Err(self.unterminated("string", start)),
            };
        }
        self.pos += 1;
        let mut out = String::new();
        let mut chars = self.src[self.pos..].char_indices();
        while let Some((i, c)) = chars.next() {
            if c == char::from(quote) {
                self.pos += i + 1;
                return Ok(TokenKind::Str(out));
            }
            if c != '\\' {
                out.push(c);
                continue;
            }
            let Some((_, escaped)) = chars.next() else {
                break;
            };
            match escaped {
                'n' => out.push('\n'),
                't' => out.push('\t'),
                'r' => out.push('\r'),
                'b' if self.dialect == Dialect::Eql => out.push('\u{8}'),
                'f' if self.dialect == Dialect::Eql => out.push('\u{c}'),
                'u' if self.dialect == Dialect::Eql => out.push_str(&unicode_escape(&mut chars)),
                '\\' | '"' | '\'' => out.push(escaped),
                // Unknown escapes are kept as written rather than rejected:
                // the catalog reads rules, it does not validate them.
                other => {
                    out.push('\\');
                    out.push(other);
                }
            }
        }
        Err(self.unterminated("string", start))
    }
}

/// The rest of an EQL `\u{1F600}` escape after the `u`; malformed escapes
/// are kept as written.
fn unicode_escape(chars: &mut std::str::CharIndices<'_>) -> String {
    let rest = chars.as_str();
    let braced = rest.strip_prefix('{').and_then(|body| Some((body, body.find('}')?)));
    let decoded = braced.and_then(|(body, close)| {
        let ch = u32::from_str_radix(&body[..close], 16).ok().and_then(char::from_u32)?;
        Some((ch, close))
    });
    match decoded {
        Some((ch, close)) => {
            // `{`, the digits, `}`
            for _ in 0..close + 2 {
                chars.next();
            }
            ch.to_string()
        }
        None => "\\u".to_owned(),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn kinds(source: &str) -> Vec<TokenKind> {
        tokenize(source, Dialect::Eql).unwrap().into_iter().map(|t| t.kind).collect()
    }

    fn ident(name: &str, quoted: bool) -> TokenKind {
        TokenKind::Ident { name: name.into(), quoted }
    }

    #[test]
    fn dotted_and_backtick_names() {
        assert_eq!(kinds("process.parent.name"), [ident("process.parent.name", false)]);
        assert_eq!(kinds("a.`b-c`.d"), [ident("a.b-c.d", true)]);
        assert_eq!(kinds("?x.y"), [TokenKind::Question, ident("x.y", false)]);
    }

    #[test]
    fn strings_and_escapes() {
        assert_eq!(
            kinds(r#""C:\\Windows\\*" "a\"b" "\u{41}\n""#),
            [TokenKind::Str(r"C:\Windows\*".into()), TokenKind::Str("a\"b".into()), TokenKind::Str("A\n".into())]
        );
        assert_eq!(kinds(r#""""raw \d+ "q" """"#), [TokenKind::Str(r#"raw \d+ "q" "#.into())]);
        assert_eq!(kinds(r#""""ends with quote"""""#), [TokenKind::Str(r#"ends with quote""#.into())]);
    }

    #[test]
    fn comments_and_operators() {
        assert_eq!(
            kinds("a /* c */ == // d\n 5m"),
            [ident("a", false), TokenKind::EqEq, TokenKind::Number("5m".into())]
        );
        assert_eq!(
            kinds("like~ != :: !["),
            [
                ident("like", false),
                TokenKind::Tilde,
                TokenKind::NotEq,
                TokenKind::DoubleColon,
                TokenKind::Bang,
                TokenKind::LBracket
            ]
        );
    }

    #[test]
    fn errors_cover_the_offending_text() {
        let error = |source: &str| tokenize(source, Dialect::Esql).unwrap_err();
        let unterminated = |what, start, end| SyntaxError::new(ErrorKind::Unterminated(what), Span::new(start, end));
        assert_eq!(error("a == \"abc"), unterminated("string", 5, 9));
        assert_eq!(error("a == \"\"\"abc\"\""), unterminated("string", 5, 13));
        assert_eq!(error("a.`b c"), unterminated("backtick-quoted name", 2, 6));
        assert_eq!(error("a /* x"), unterminated("comment", 2, 6));
        assert_eq!(error("a # b"), SyntaxError::new(ErrorKind::Character('#'), Span::new(2, 3)));
        assert_eq!(error("a # b").to_string(), "unexpected character `#`");
    }
}
