//! A generic YAML value that keeps mapping order and never fails on an
//! unexpected type, so that metadata of any shape can be read leniently and
//! a Sigma detection is turned into predicates in the order it is written.

use std::fmt;

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};

/// Reads every document of a YAML stream. Numbers spelled with leading zeros
/// or underscores stay text (`00000429` is a registry value, not 429), as the
/// YAML 1.1 loaders rule authors test with read them; only `true`/`false` are
/// booleans (a field named `Y` stays `Y`).
pub fn parse_documents(text: &str) -> Result<Vec<Yaml>, serde_saphyr::Error> {
    let options = serde_saphyr::options! {
        leading_zero_numbers_as_strings: true,
        underscored_numbers_as_strings: true,
        strict_booleans: true,
    };
    serde_saphyr::from_multiple_with_options(text, options)
}

#[derive(Debug, Clone, PartialEq)]
pub enum Yaml {
    Null,
    Bool(bool),
    /// Integers and floats, kept as the text of the number.
    Number(String),
    String(String),
    Seq(Vec<Yaml>),
    /// Entries in document order; keys of other types are turned into text.
    Map(Vec<(String, Yaml)>),
}

impl Yaml {
    /// The value of `key` in a mapping.
    pub fn get(&self, key: &str) -> Option<&Yaml> {
        match self {
            Yaml::Map(entries) => entries.iter().find(|(k, _)| k == key).map(|(_, v)| v),
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
        self.get(key)
            .and_then(Yaml::scalar_text)
            .map(|s| s.trim().to_owned())
            .filter(|s| !s.is_empty())
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

impl<'de> Deserialize<'de> for Yaml {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(YamlVisitor)
    }
}

struct YamlVisitor;

impl<'de> Visitor<'de> for YamlVisitor {
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

    fn visit_i128<E: de::Error>(self, v: i128) -> Result<Yaml, E> {
        Ok(Yaml::Number(v.to_string()))
    }

    fn visit_u128<E: de::Error>(self, v: u128) -> Result<Yaml, E> {
        Ok(Yaml::Number(v.to_string()))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Yaml, E> {
        Ok(Yaml::Number(v.to_string()))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Yaml, E> {
        Ok(Yaml::String(v.to_owned()))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<Yaml, E> {
        Ok(Yaml::String(v))
    }

    fn visit_none<E: de::Error>(self) -> Result<Yaml, E> {
        Ok(Yaml::Null)
    }

    fn visit_unit<E: de::Error>(self) -> Result<Yaml, E> {
        Ok(Yaml::Null)
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Yaml, D::Error> {
        Yaml::deserialize(deserializer)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Yaml, A::Error> {
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0));
        while let Some(item) = seq.next_element()? {
            items.push(item);
        }
        Ok(Yaml::Seq(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Yaml, A::Error> {
        let mut entries = Vec::with_capacity(map.size_hint().unwrap_or(0));
        while let Some(key) = map.next_key::<Yaml>()? {
            let key = match key {
                Yaml::Null => String::new(),
                other => other.scalar_text().unwrap_or_default(),
            };
            entries.push((key, map.next_value()?));
        }
        Ok(Yaml::Map(entries))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_order_types_and_nulls() {
        let docs = parse_documents("b: 1\na: [x, 2, true]\nc:\nd: 007\ne: 00000429\n").expect("valid YAML");
        let doc = &docs[0];
        let Yaml::Map(entries) = &doc else { panic!("not a map") };
        let keys: Vec<_> = entries.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(keys, ["b", "a", "c", "d", "e"]);
        assert_eq!(doc.get("e"), Some(&Yaml::String("00000429".into())));
        assert_eq!(doc.get("b"), Some(&Yaml::Number("1".into())));
        assert_eq!(doc.texts("a"), ["x", "2", "true"]);
        assert_eq!(doc.get("c"), Some(&Yaml::Null));
        assert_eq!(doc.text("d").as_deref(), Some("007"));
    }
}
