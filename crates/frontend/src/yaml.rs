//! YAML rule files into a generic value that keeps mapping order and the
//! exact text of every scalar, so metadata of any shape is read leniently and
//! a Sigma detection is turned into predicates in the order it is written.
//!
//! Built on `saphyr-parser`'s event stream (the maintained successor of
//! yaml-rust's parser): it is several times faster than going through serde
//! for these small files, and scalars arrive with their quoting style, which
//! is what decides how to read them.

use std::collections::HashMap;

use saphyr_parser::{Event, Marker, Parser, ScalarStyle, ScanError};

use crate::limits::MAX_YAML_DEPTH;
use crate::syntax::{LineIndex, Position, Span};

#[derive(Debug, Clone, PartialEq)]
pub enum Yaml {
    Null,
    Bool(bool),
    /// A plain scalar that reads as a number, kept exactly as written
    /// (`4688`, `00000429`, `0x10`): rule values are text to match.
    Number(String),
    String(String),
    Seq(Vec<Yaml>),
    /// Entries in document order; keys of other types are turned into text.
    Map(Vec<(Key, Yaml)>),
}

/// A mapping key, with where it and its value are written in the file, so
/// that diagnostics point at the exact place.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Key {
    pub text: String,
    /// The key, as byte offsets in the file.
    pub span: Span,
    /// The value: a scalar with its quotes, or the start of a collection.
    /// Empty when the file was read by the relaxed fallback, which has no
    /// positions.
    pub value: Span,
}

impl Key {
    pub fn as_str(&self) -> &str {
        &self.text
    }
}

impl From<String> for Key {
    fn from(text: String) -> Self {
        Key { text, ..Key::default() }
    }
}

impl From<&str> for Key {
    fn from(text: &str) -> Self {
        Key::from(text.to_owned())
    }
}

/// A YAML file that could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message} (line {line}, column {column})")]
pub struct YamlError {
    pub message: String,
    pub line: u32,
    pub column: u32,
}

impl From<ScanError> for YamlError {
    fn from(error: ScanError) -> Self {
        let marker = error.marker();
        YamlError {
            message: error.info().to_owned(),
            line: u32::try_from(marker.line()).unwrap_or(u32::MAX),
            column: u32::try_from(marker.col() + 1).unwrap_or(u32::MAX),
        }
    }
}

/// More alias expansions than this is an attack, not a rule.
const MAX_ALIAS_NODES: usize = 10_000;

/// Reads every document of a YAML stream.
///
/// `saphyr-parser` follows the YAML 1.2 indentation rules strictly; a few
/// rule files continue a quoted scalar at column 0, which the YAML 1.1 tools
/// rule authors use accept. Those files are read again through serde-saphyr,
/// which has a relaxed mode for exactly this, before giving up.
pub fn parse_documents(text: &str) -> Result<Vec<Yaml>, YamlError> {
    parse_strict(text).or_else(|error| match error.message.contains("indentation") {
        true => relaxed::parse(text).ok_or(error),
        false => Err(error),
    })
}

fn parse_strict(text: &str) -> Result<Vec<Yaml>, YamlError> {
    let lines = LineIndex::new(text);
    let mut builder = Builder::default();
    for event in Parser::new_from_str(text) {
        let (event, span) = event?;
        let at = |marker: &Marker| {
            let position = Position {
                line: u32::try_from(marker.line()).unwrap_or(u32::MAX),
                column: u32::try_from(marker.col() + 1).unwrap_or(u32::MAX),
            };
            lines.offset(position)
        };
        let span_in_file = Span::new(at(&span.start), at(&span.end));
        builder.on_event(event, span_in_file).map_err(|message| YamlError {
            message,
            line: u32::try_from(span.start.line()).unwrap_or(u32::MAX),
            column: u32::try_from(span.start.col() + 1).unwrap_or(u32::MAX),
        })?;
    }
    Ok(builder.documents)
}

/// Assembles values from parser events with an explicit stack. Nesting is
/// bounded by [`MAX_YAML_DEPTH`], because everything done with a value later
/// (clone, compare, drop) recurses.
#[derive(Default)]
struct Builder {
    documents: Vec<Yaml>,
    /// Open collections, with the anchor they will be registered under, and
    /// for mappings the key waiting for its value.
    stack: Vec<(Yaml, usize, Option<Key>)>,
    anchors: HashMap<usize, Yaml>,
    alias_nodes: usize,
}

impl Builder {
    fn on_event(&mut self, event: Event<'_>, span: Span) -> Result<(), String> {
        match event {
            Event::SequenceStart(..) | Event::MappingStart(..) if self.stack.len() >= MAX_YAML_DEPTH => {
                return Err(format!("collections nested deeper than the limit of {MAX_YAML_DEPTH}"));
            }
            Event::SequenceStart(anchor, _) => {
                self.value_starts(Span::at(span.start));
                self.stack.push((Yaml::Seq(Vec::new()), anchor, None));
            }
            Event::MappingStart(anchor, _) => {
                self.value_starts(Span::at(span.start));
                self.stack.push((Yaml::Map(Vec::new()), anchor, None));
            }
            Event::SequenceEnd | Event::MappingEnd => {
                let (node, anchor, _) = self.stack.pop().ok_or("unbalanced collection end")?;
                self.insert(node, anchor, span);
            }
            Event::Scalar(text, style, anchor, _) => {
                self.value_starts(span);
                self.insert(scalar(&text, style), anchor, span);
            }
            Event::Alias(anchor) => {
                let node = self.anchors.get(&anchor).cloned().ok_or("alias to an unknown anchor")?;
                self.alias_nodes += size(&node);
                if self.alias_nodes > MAX_ALIAS_NODES {
                    return Err("too many alias expansions".into());
                }
                self.value_starts(span);
                self.insert(node, 0, span);
            }
            Event::DocumentEnd if self.stack.is_empty() && self.documents.is_empty() => {}
            Event::StreamStart | Event::StreamEnd | Event::DocumentStart(_) | Event::DocumentEnd | Event::Nothing => {}
        }
        Ok(())
    }

    /// A value starts at `span`: when it is the value of a pending mapping
    /// key, the key records where.
    fn value_starts(&mut self, span: Span) {
        if let Some((Yaml::Map(_), _, Some(key))) = self.stack.last_mut()
            && key.value == Span::default()
        {
            key.value = span;
        }
    }

    /// Places a finished node into the collection being built, or makes it a
    /// document; `span` is where the node (a key's, for a key) was read.
    fn insert(&mut self, node: Yaml, anchor: usize, span: Span) {
        if anchor > 0 {
            self.anchors.insert(anchor, node.clone());
        }
        match self.stack.last_mut() {
            None => self.documents.push(node),
            Some((Yaml::Seq(items), _, _)) => items.push(node),
            Some((Yaml::Map(entries), _, pending)) => match pending.take() {
                None => *pending = Some(Key { text: key_text(node), span, value: Span::default() }),
                Some(key) => entries.push((key, node)),
            },
            Some(_) => {}
        }
    }
}

/// Reads a scalar the way rule authors' YAML 1.1 tools do, except that numbers
/// keep their spelling and only `true`/`false` are booleans (a field named `Y`
/// stays `Y`). Quoted scalars are always text.
fn scalar(text: &str, style: ScalarStyle) -> Yaml {
    if style != ScalarStyle::Plain {
        return Yaml::String(text.to_owned());
    }
    match text {
        "" | "~" | "null" | "Null" | "NULL" => Yaml::Null,
        "true" | "True" | "TRUE" => Yaml::Bool(true),
        "false" | "False" | "FALSE" => Yaml::Bool(false),
        _ if looks_numeric(text) => Yaml::Number(text.to_owned()),
        _ => Yaml::String(text.to_owned()),
    }
}

fn looks_numeric(text: &str) -> bool {
    let digits = text.strip_prefix(['-', '+']).unwrap_or(text);
    !digits.is_empty()
        && digits.starts_with(|c: char| c.is_ascii_digit())
        && (digits.bytes().all(|b| b.is_ascii_digit())
            || digits.parse::<f64>().is_ok()
            || digits.strip_prefix("0x").is_some_and(|h| !h.is_empty() && h.bytes().all(|b| b.is_ascii_hexdigit())))
}

fn key_text(node: Yaml) -> String {
    match node {
        Yaml::Null => String::new(),
        Yaml::String(s) | Yaml::Number(s) => s,
        Yaml::Bool(b) => b.to_string(),
        // Collections as keys do not occur in rules; keep something readable.
        other => format!("{other:?}"),
    }
}

fn size(node: &Yaml) -> usize {
    match node {
        Yaml::Seq(items) => 1 + items.iter().map(size).sum::<usize>(),
        Yaml::Map(entries) => 1 + entries.iter().map(|(_, v)| size(v)).sum::<usize>(),
        _ => 1,
    }
}

/// The fallback reader: serde-saphyr in its relaxed mode, into [`Yaml`].
mod relaxed {
    use std::fmt;

    use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};

    use super::Yaml;

    pub fn parse(text: &str) -> Option<Vec<Yaml>> {
        let options = serde_saphyr::options! {
            leading_zero_numbers_as_strings: true,
            underscored_numbers_as_strings: true,
            strict_booleans: true,
            emit_comments: false,
        };
        serde_saphyr::from_multiple_with_options::<Relaxed>(text, options)
            .ok()
            .map(|docs| docs.into_iter().map(|d| d.0).collect())
    }

    struct Relaxed(Yaml);

    impl<'de> Deserialize<'de> for Relaxed {
        fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            deserializer.deserialize_any(RelaxedVisitor).map(Relaxed)
        }
    }

    struct RelaxedVisitor;

    impl<'de> Visitor<'de> for RelaxedVisitor {
        type Value = Yaml;

        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("any YAML value")
        }

        fn visit_bool<E: de::Error>(self, v: bool) -> Result<Yaml, E> {
            Ok(Yaml::Bool(v))
        }

        fn visit_i64<E: de::Error>(self, v: i64) -> Result<Yaml, E> {
            Ok(Yaml::Number(v.to_string()))
        }

        fn visit_u64<E: de::Error>(self, v: u64) -> Result<Yaml, E> {
            Ok(Yaml::Number(v.to_string()))
        }

        fn visit_f64<E: de::Error>(self, v: f64) -> Result<Yaml, E> {
            Ok(Yaml::Number(v.to_string()))
        }

        fn visit_str<E: de::Error>(self, v: &str) -> Result<Yaml, E> {
            Ok(Yaml::String(v.to_owned()))
        }

        fn visit_none<E: de::Error>(self) -> Result<Yaml, E> {
            Ok(Yaml::Null)
        }

        fn visit_unit<E: de::Error>(self) -> Result<Yaml, E> {
            Ok(Yaml::Null)
        }

        fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Yaml, D::Error> {
            deserializer.deserialize_any(RelaxedVisitor)
        }

        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Yaml, A::Error> {
            let mut items = Vec::new();
            while let Some(Relaxed(item)) = seq.next_element()? {
                items.push(item);
            }
            Ok(Yaml::Seq(items))
        }

        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Yaml, A::Error> {
            let mut entries = Vec::new();
            while let Some(Relaxed(key)) = map.next_key()? {
                let Relaxed(value) = map.next_value()?;
                entries.push((super::key_text(key).into(), value));
            }
            Ok(Yaml::Map(entries))
        }
    }
}

impl Yaml {
    /// The value of `key` in a mapping.
    pub fn get(&self, key: &str) -> Option<&Yaml> {
        match self {
            Yaml::Map(entries) => entries.iter().find(|(k, _)| k.text == key).map(|(_, v)| v),
            _ => None,
        }
    }

    /// The key `key` of a mapping, with its positions.
    pub fn key(&self, key: &str) -> Option<&Key> {
        match self {
            Yaml::Map(entries) => entries.iter().find(|(k, _)| k.text == key).map(|(k, _)| k),
            _ => None,
        }
    }

    /// A scalar as text (numbers and booleans as written); `None` for null,
    /// sequences and mappings.
    pub fn scalar_text(&self) -> Option<String> {
        match self {
            Yaml::Bool(b) => Some(b.to_string()),
            Yaml::Number(n) | Yaml::String(n) => Some(n.clone()),
            _ => None,
        }
    }

    /// Text of a scalar field, trimmed, `None` when absent or empty.
    pub fn text(&self, key: &str) -> Option<String> {
        self.get(key).and_then(Yaml::scalar_text).map(|s| s.trim().to_owned()).filter(|s| !s.is_empty())
    }

    /// A list of texts: a sequence of scalars, or a single scalar.
    pub fn texts(&self, key: &str) -> Vec<String> {
        match self.get(key) {
            Some(Yaml::Seq(items)) => items.iter().filter_map(Yaml::scalar_text).collect(),
            Some(other) => other.scalar_text().into_iter().collect(),
            None => Vec::new(),
        }
    }

    pub fn is_map(&self) -> bool {
        matches!(self, Yaml::Map(_))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_order_spelling_and_nulls() {
        let docs =
            parse_documents("b: 1\na: [x, 2, true]\nc:\nd: 007\ne: '00000429'\nY: yes\nf: \"a\\tb\"\n").expect("valid");
        let doc = &docs[0];
        let Yaml::Map(entries) = doc else { panic!("not a map") };
        let keys: Vec<_> = entries.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(keys, ["b", "a", "c", "d", "e", "Y", "f"]);
        assert_eq!(doc.get("b"), Some(&Yaml::Number("1".into())));
        assert_eq!(doc.texts("a"), ["x", "2", "true"]);
        assert_eq!(doc.get("c"), Some(&Yaml::Null));
        assert_eq!(doc.get("d"), Some(&Yaml::Number("007".into())));
        assert_eq!(doc.get("e"), Some(&Yaml::String("00000429".into())));
        assert_eq!(doc.get("Y"), Some(&Yaml::String("yes".into())));
        assert_eq!(doc.text("f").as_deref(), Some("a\tb"));
    }

    #[test]
    fn nesting_is_bounded() {
        let deep = format!("a: {}1{}", "[".repeat(MAX_YAML_DEPTH), "]".repeat(MAX_YAML_DEPTH));
        let error = parse_documents(&deep).expect_err("too deep");
        assert!(error.message.contains("nested deeper than the limit of 64"), "{error}");
        assert_eq!(error.line, 1);
        let fits = format!("a: {}1{}", "[".repeat(MAX_YAML_DEPTH - 1), "]".repeat(MAX_YAML_DEPTH - 1));
        assert!(parse_documents(&fits).is_ok());
    }

    #[test]
    fn quoted_scalars_continued_at_column_zero_are_read() {
        let docs = parse_documents("a: 1\nsearch: ' x=1\n| stats count'\nb: 2\n").expect("relaxed reading");
        assert_eq!(docs[0].text("search").as_deref(), Some("x=1 | stats count"));
        assert_eq!(docs[0].text("b").as_deref(), Some("2"));
    }

    #[test]
    fn multiple_documents_anchors_and_errors() {
        let docs = parse_documents("a: &x [1, 2]\nb: *x\n---\nc: d\n").expect("valid");
        assert_eq!(docs.len(), 2);
        assert_eq!(docs[0].get("b"), docs[0].get("a"));
        assert_eq!(docs[1].text("c").as_deref(), Some("d"));
        let error = parse_documents("a: [1, 2\nb: c\n").expect_err("invalid");
        assert!(error.line >= 1, "{error}");
        let bomb = "a: &a [x,x,x,x,x,x,x,x,x,x]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: [*c,*c,*c,*c,*c,*c,*c,*c,*c,*c]\n";
        assert!(parse_documents(bomb).is_err());
    }
}
