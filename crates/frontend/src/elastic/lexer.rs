//! The lexer shared by EQL and ES|QL: both are C-like expression languages
//! with double-quoted and triple-quoted strings, backtick-quoted names, `//`
//! and `/* */` comments. Every token keeps the byte span it was read from, so
//! conditions the model cannot express are shown exactly as written.

use thiserror::Error;

/// A byte range of the query text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

impl Span {
    pub fn new(start: usize, end: usize) -> Self {
        Span { start, end }
    }

    /// The smallest span covering both.
    pub fn to(self, other: Span) -> Span {
        Span { start: self.start.min(other.start), end: self.end.max(other.end) }
    }

    /// The text of the span, or "" when it does not fit the text.
    pub fn text(self, source: &str) -> &str {
        source.get(self.start..self.end).unwrap_or("")
    }
}

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

impl TokenKind {
    /// How the token is named in error messages.
    pub fn description(&self) -> String {
        match self {
            TokenKind::Ident { name, .. } => format!("`{name}`"),
            TokenKind::Str(_) => "a string".to_owned(),
            TokenKind::Number(n) => format!("number `{n}`"),
            other => format!("`{}`", other.symbol()),
        }
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

#[derive(Debug, Clone, PartialEq)]
pub struct Token {
    pub kind: TokenKind,
    pub span: Span,
}

impl Token {
    /// Whether the token is the unquoted keyword `word` (any case).
    pub fn is_keyword(&self, word: &str) -> bool {
        matches!(&self.kind, TokenKind::Ident { name, quoted: false } if name.eq_ignore_ascii_case(word))
    }
}

/// Why a query could not be split into tokens.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum LexError {
    /// `"abc` or `"""abc`
    #[error("unterminated string starting at byte {0}")]
    UnterminatedString(usize),
    /// `` `abc ``
    #[error("unterminated backtick-quoted name starting at byte {0}")]
    UnterminatedBacktick(usize),
    /// `/* abc`
    #[error("unterminated comment starting at byte {0}")]
    UnterminatedComment(usize),
    /// `#` outside a string
    #[error("unexpected character `{ch}` at byte {at}")]
    UnexpectedChar { ch: char, at: usize },
}

impl LexError {
    /// Byte offset the error points at.
    pub fn offset(&self) -> usize {
        match self {
            LexError::UnterminatedString(at)
            | LexError::UnterminatedBacktick(at)
            | LexError::UnterminatedComment(at)
            | LexError::UnexpectedChar { at, .. } => *at,
        }
    }
}

/// Splits a query into tokens, skipping whitespace and comments.
pub fn tokenize(source: &str, dialect: Dialect) -> Result<Vec<Token>, LexError> {
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
    fn peek(&self, ahead: usize) -> Option<u8> {
        self.bytes.get(self.pos + ahead).copied()
    }

    fn next_token(&mut self) -> Result<Option<Token>, LexError> {
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

    fn skip_trivia(&mut self) -> Result<(), LexError> {
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
                        None => return Err(LexError::UnterminatedComment(start)),
                    }
                }
                _ => return Ok(()),
            }
        }
    }

    fn punct(&mut self, b: u8) -> Result<TokenKind, LexError> {
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
                return Err(LexError::UnexpectedChar { ch, at: self.pos });
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
    fn ident(&mut self) -> Result<TokenKind, LexError> {
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
    fn backtick_segment(&mut self) -> Result<String, LexError> {
        let start = self.pos;
        self.pos += 1;
        let mut out = String::new();
        loop {
            let rest = &self.src[self.pos..];
            let Some(end) = rest.find('`') else {
                return Err(LexError::UnterminatedBacktick(start));
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

    fn string(&mut self, quote: u8) -> Result<TokenKind, LexError> {
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
                None => Err(LexError::UnterminatedString(start)),
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
        Err(LexError::UnterminatedString(start))
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
    fn errors_point_at_their_start() {
        assert_eq!(tokenize("a == \"abc", Dialect::Eql), Err(LexError::UnterminatedString(5)));
        assert_eq!(tokenize("a # b", Dialect::Esql), Err(LexError::UnexpectedChar { ch: '#', at: 2 }));
        assert_eq!(tokenize("/* x", Dialect::Esql), Err(LexError::UnterminatedComment(0)));
    }
}
