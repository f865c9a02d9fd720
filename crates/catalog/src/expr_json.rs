//! The JSON forms of a predicate tree.
//!
//! - The **contract** form (what `rule-atlas explain` prints and tools read):
//!   every leaf an object with all five keys (docs/catalog-format.md).
//! - The **compact** form catalog.json uses, to download and parse fast: a
//!   leaf is an array `[op, value, field, source_field, case_sensitive]`
//!   whose trailing elements are left out when they take their usual value —
//!   `source_field` when it equals `field`, `case_sensitive` when false —
//!   so `["eq","mshta.exe","process.name","process_name"]` and
//!   `["match","evil"]` (a field-less keyword).
//!
//! Reading accepts both forms anywhere in a tree.

use std::cell::RefCell;
use std::fmt;

use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::ser::{SerializeMap, SerializeSeq, Serializer};
use serde::{Deserialize, Serialize};

use rustc_hash::FxHashMap;

use crate::predicate::{Expr, FieldName, Leaf, Op};

impl Serialize for Expr {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Expr::Leaf(leaf) => leaf.serialize(serializer),
            Expr::And(operands) => single_entry(serializer, "and", operands),
            Expr::Or(operands) => single_entry(serializer, "or", operands),
            Expr::Not(inner) => single_entry(serializer, "not", inner),
        }
    }
}

/// An expression written in the compact form.
pub struct Compact<'a>(pub &'a Expr);

impl Serialize for Compact<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self.0 {
            Expr::Leaf(leaf) => compact_leaf(leaf, serializer),
            Expr::And(operands) => single_entry(serializer, "and", &CompactList(operands)),
            Expr::Or(operands) => single_entry(serializer, "or", &CompactList(operands)),
            Expr::Not(inner) => single_entry(serializer, "not", &Compact(inner)),
        }
    }
}

struct CompactList<'a>(&'a [Expr]);

impl Serialize for CompactList<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut seq = serializer.serialize_seq(Some(self.0.len()))?;
        for expr in self.0 {
            seq.serialize_element(&Compact(expr))?;
        }
        seq.end()
    }
}

fn compact_leaf<S: Serializer>(leaf: &Leaf, serializer: S) -> Result<S::Ok, S::Error> {
    let with_source = leaf.source_field != leaf.field;
    let len = if leaf.case_sensitive {
        5
    } else if with_source {
        4
    } else if leaf.field.is_some() {
        3
    } else if leaf.value.is_some() {
        2
    } else {
        1
    };
    let mut seq = serializer.serialize_seq(Some(len))?;
    seq.serialize_element(&leaf.op)?;
    if len > 1 {
        seq.serialize_element(&leaf.value)?;
    }
    if len > 2 {
        seq.serialize_element(&leaf.field)?;
    }
    if len > 3 {
        seq.serialize_element(&leaf.source_field)?;
    }
    if len > 4 {
        seq.serialize_element(&leaf.case_sensitive)?;
    }
    seq.end()
}

fn single_entry<S: Serializer, T: Serialize + ?Sized>(serializer: S, key: &str, value: &T) -> Result<S::Ok, S::Error> {
    let mut map = serializer.serialize_map(Some(1))?;
    map.serialize_entry(key, value)?;
    map.end()
}

/// `serde(with)` for `Option<Expr>` fields written in the compact form.
pub mod compact_option {
    use super::*;

    pub fn serialize<S: Serializer>(expr: &Option<Expr>, serializer: S) -> Result<S::Ok, S::Error> {
        match expr {
            Some(expr) => serializer.serialize_some(&Compact(expr)),
            None => serializer.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<Expr>, D::Error> {
        Option::<Expr>::deserialize(deserializer)
    }
}

impl<'de> Deserialize<'de> for Expr {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(ExprVisitor)
    }
}

/// The keys of an expression object; an enum, so reading a key allocates nothing.
#[derive(Deserialize)]
#[serde(field_identifier, rename_all = "snake_case")]
enum Key {
    And,
    Or,
    Not,
    Field,
    SourceField,
    Op,
    Value,
    CaseSensitive,
    #[serde(other)]
    Other,
}

struct ExprVisitor;

impl<'de> Visitor<'de> for ExprVisitor {
    type Value = Expr;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an object with `and`, `or`, `not` or a leaf's keys, or a compact leaf array")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Expr, A::Error> {
        let mut leaf = Leaf { field: None, source_field: None, op: Op::Raw, value: None, case_sensitive: false };
        let mut has_op = false;
        while let Some(key) = map.next_key::<Key>()? {
            match key {
                Key::And => return Ok(Expr::And(finish(map.next_value()?, map)?)),
                Key::Or => return Ok(Expr::Or(finish(map.next_value()?, map)?)),
                Key::Not => return Ok(Expr::Not(Box::new(finish(map.next_value()?, map)?))),
                Key::Field => leaf.field = map.next_value::<Option<Interned>>()?.map(|n| n.0),
                Key::SourceField => leaf.source_field = map.next_value::<Option<Interned>>()?.map(|n| n.0),
                Key::Op => {
                    leaf.op = map.next_value()?;
                    has_op = true;
                }
                Key::Value => leaf.value = map.next_value()?,
                Key::CaseSensitive => leaf.case_sensitive = map.next_value()?,
                Key::Other => {
                    map.next_value::<de::IgnoredAny>()?;
                }
            }
        }
        if !has_op {
            return Err(de::Error::missing_field("op"));
        }
        Ok(Expr::Leaf(leaf))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Expr, A::Error> {
        let op: Op = seq.next_element()?.ok_or_else(|| de::Error::invalid_length(0, &"a leaf's operator"))?;
        let value: Option<String> = seq.next_element()?.flatten();
        let field = seq.next_element::<Option<Interned>>()?.flatten().map(|n| n.0);
        let source_field = match seq.next_element::<Option<Interned>>()? {
            Some(source) => source.map(|n| n.0),
            None => field.clone(),
        };
        let case_sensitive = seq.next_element()?.unwrap_or(false);
        if seq.next_element::<de::IgnoredAny>()?.is_some() {
            return Err(de::Error::invalid_length(6, &"at most five leaf elements"));
        }
        Ok(Expr::Leaf(Leaf { field, source_field, op, value, case_sensitive }))
    }
}

/// A field name read through the interner: each distinct name is allocated
/// once per thread however many leaves use it.
struct Interned(FieldName);

/// Most names the interner keeps. A catalog holds about a thousand distinct
/// field names (1,098 in the corpus catalog), far below it; a thread that
/// reads many unrelated trees (the fuzz targets, a long-lived reader of many
/// catalogs) would otherwise keep every name it ever read (1 million names
/// held ~290 MB). Past the cap the table starts afresh: names already read
/// stay valid, only sharing with them is lost.
const MAX_INTERNED: usize = 1 << 14;

thread_local! {
    static NAMES: RefCell<FxHashMap<Box<str>, FieldName>> = RefCell::new(FxHashMap::default());
}

impl<'de> Deserialize<'de> for Interned {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_str(InternVisitor)
    }
}

struct InternVisitor;

impl Visitor<'_> for InternVisitor {
    type Value = Interned;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a field name")
    }

    fn visit_str<E: de::Error>(self, name: &str) -> Result<Interned, E> {
        Ok(Interned(NAMES.with(|names| {
            let mut names = names.borrow_mut();
            match names.get(name) {
                Some(shared) => shared.clone(),
                None => {
                    if names.len() >= MAX_INTERNED {
                        names.clear();
                    }
                    let shared = FieldName::from(name);
                    names.insert(name.into(), shared.clone());
                    shared
                }
            }
        })))
    }
}

/// Rejects anything after the single key of an `and` / `or` / `not` object.
fn finish<'de, T, A: MapAccess<'de>>(value: T, mut map: A) -> Result<T, A::Error> {
    if map.next_key::<de::IgnoredAny>()?.is_some() {
        return Err(de::Error::custom("unexpected key beside a boolean operator"));
    }
    Ok(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn leaf(field: Option<&str>, source: Option<&str>, op: Op, value: Option<&str>, cased: bool) -> Expr {
        Expr::Leaf(Leaf {
            field: field.map(Into::into),
            source_field: source.map(Into::into),
            op,
            value: value.map(Into::into),
            case_sensitive: cased,
        })
    }

    fn sample() -> Expr {
        Expr::and(vec![
            leaf(Some("process.name"), Some("process.name"), Op::Eq, Some("mshta.exe"), false),
            leaf(Some("process.executable"), Some("Image"), Op::Wildcard, Some(r"*\x.exe"), false),
            leaf(Some("process.command_line"), Some("CommandLine"), Op::Eq, Some("Foo"), true),
            Expr::negate(Expr::or(vec![
                leaf(None, None, Op::Match, Some("evil"), false),
                leaf(Some("user.name"), Some("User"), Op::Exists, None, false),
                leaf(Some("a"), None, Op::Null, None, false),
            ])),
        ])
    }

    #[test]
    fn compact_form_drops_usual_values() {
        let json = serde_json::to_string(&Compact(&sample())).unwrap();
        assert_eq!(
            json,
            r#"{"and":[["eq","mshta.exe","process.name"],["wildcard","*\\x.exe","process.executable","Image"],["eq","Foo","process.command_line","CommandLine",true],{"not":{"or":[["match","evil"],["exists",null,"user.name","User"],["null",null,"a",null]]}}]}"#
        );
    }

    #[test]
    fn both_forms_read_back_to_the_same_tree() {
        let expr = sample();
        let compact: Expr = serde_json::from_str(&serde_json::to_string(&Compact(&expr)).unwrap()).unwrap();
        let contract: Expr = serde_json::from_str(&serde_json::to_string(&expr).unwrap()).unwrap();
        assert_eq!(compact, expr);
        assert_eq!(contract, expr);
    }

    #[test]
    fn malformed_trees_are_errors() {
        for bad in [
            r#"{"not":{"op":"exists","field":"a"},"and":[]}"#,
            r#"{"field":"a"}"#,
            r#"["eq","a","f","f",false,1]"#,
            r#"[]"#,
            r#"["nope","a"]"#,
        ] {
            assert!(serde_json::from_str::<Expr>(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn the_interner_keeps_a_bounded_number_of_names() {
        // A thread that reads many unrelated trees (the fuzz targets read
        // millions) must not keep every field name it ever read.
        for i in 0..MAX_INTERNED + 100 {
            let expr: Expr = serde_json::from_str(&format!(r#"["eq","v","f{i}"]"#)).expect("a leaf");
            drop(expr);
        }
        let kept = NAMES.with(|names| names.borrow().len());
        assert!(kept <= MAX_INTERNED, "the interner keeps {kept} names");
        // Sharing still works after the cap is reached.
        let a: Expr = serde_json::from_str(r#"["eq","v","process.name"]"#).expect("a leaf");
        let b: Expr = serde_json::from_str(r#"["eq","w","process.name"]"#).expect("a leaf");
        let (Expr::Leaf(a), Expr::Leaf(b)) = (a, b) else { panic!("leaves") };
        assert!(std::sync::Arc::ptr_eq(a.field.as_ref().expect("field"), b.field.as_ref().expect("field")));
    }
}
