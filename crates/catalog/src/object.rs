//! `Deserialize` for the catalog's structs, read from JSON objects only.
//!
//! `#[derive(Deserialize)]` also reads a struct written as an array of its
//! field values, a form no catalog uses, and serde_json builds that reader for
//! every struct all the same: ~23 KB of the app's WASM. [`deserialize_object!`]
//! writes the object reader alone, with the derive's rules otherwise: unknown
//! keys are skipped, a repeated key is an error, and a missing key is an error
//! unless the field is listed as `default` (as `#[serde(default)]` would be;
//! list every `Option` field so, as the derive treats a missing one as `None`).
//!
//! ```ignore
//! deserialize_object!(Source { vendor, repository, revision, rules, note: default });
//! ```
//!
//! Every field of the struct must be listed (the struct literal it builds does
//! not compile otherwise), under its Rust name, which is also its JSON key.

/// Implements `Deserialize` for a struct from a JSON object; see the module
/// documentation.
macro_rules! deserialize_object {
    ($ty:ident { $($field:ident $(: $default:ident)?),* $(,)? }) => {
        impl<'de> serde::Deserialize<'de> for $ty {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                #[allow(non_camel_case_types)]
                enum Key {
                    $($field,)*
                    __other,
                }

                impl<'de> serde::Deserialize<'de> for Key {
                    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                        struct KeyVisitor;
                        impl serde::de::Visitor<'_> for KeyVisitor {
                            type Value = Key;

                            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                                f.write_str("field identifier")
                            }

                            fn visit_str<E: serde::de::Error>(self, key: &str) -> Result<Key, E> {
                                Ok(match key {
                                    $(stringify!($field) => Key::$field,)*
                                    _ => Key::__other,
                                })
                            }
                        }
                        deserializer.deserialize_identifier(KeyVisitor)
                    }
                }

                struct ObjectVisitor;
                impl<'de> serde::de::Visitor<'de> for ObjectVisitor {
                    type Value = $ty;

                    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                        f.write_str(concat!("struct ", stringify!($ty)))
                    }

                    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<$ty, A::Error> {
                        $(let mut $field = None;)*
                        while let Some(key) = map.next_key::<Key>()? {
                            match key {
                                $(Key::$field => {
                                    if $field.is_some() {
                                        return Err(serde::de::Error::duplicate_field(stringify!($field)));
                                    }
                                    $field = Some(map.next_value()?);
                                })*
                                Key::__other => {
                                    map.next_value::<serde::de::IgnoredAny>()?;
                                }
                            }
                        }
                        Ok($ty {
                            $($field: deserialize_object!(@value $field $($default)?),)*
                        })
                    }
                }

                deserializer.deserialize_map(ObjectVisitor)
            }
        }
    };
    (@value $field:ident default) => {
        $field.unwrap_or_default()
    };
    (@value $field:ident) => {
        match $field {
            Some(value) => value,
            None => return Err(serde::de::Error::missing_field(stringify!($field))),
        }
    };
}

pub(crate) use deserialize_object;

#[cfg(test)]
mod tests {
    use serde::Deserialize;

    #[derive(Debug, PartialEq)]
    struct Probe {
        id: String,
        count: u32,
        note: Option<String>,
        tags: Vec<String>,
    }
    deserialize_object!(Probe { id, count, note: default, tags: default });

    /// The same struct read by the derive, to compare with.
    #[derive(Debug, PartialEq, Deserialize)]
    struct Derived {
        id: String,
        count: u32,
        note: Option<String>,
        #[serde(default)]
        tags: Vec<String>,
    }

    fn read(json: &str) -> Result<Probe, String> {
        serde_json::from_str(json).map_err(|e| e.to_string())
    }

    #[test]
    fn reads_objects_as_the_derive_does() {
        let inputs = [
            r#"{"id": "a", "count": 2, "other": [1, {"x": null}], "tags": ["t"]}"#,
            r#"{"id": "a", "count": 2, "note": "n"}"#,
            r#"{"count": 2}"#,
            r#"{"id": "a", "id": "b", "count": 1}"#,
            r#"{"id": 3, "count": 1}"#,
            r#"{"id": "a", "count": 1"#,
            // Keys with escapes are not borrowed from the input.
            r#"{"\u0069d": "a", "count": 2}"#,
        ];
        for json in inputs {
            let derived = serde_json::from_str::<Derived>(json)
                .map(|d| Probe { id: d.id, count: d.count, note: d.note, tags: d.tags })
                .map_err(|e| e.to_string());
            assert_eq!(read(json), derived, "{json}");
        }
        assert_eq!(read(inputs[0]).unwrap().tags, ["t"]);
        assert_eq!(read(inputs[6]).unwrap().id, "a");
        // The array form, which the derive would also read, is not read.
        assert!(
            read(r#"["a", 2, null, []]"#).unwrap_err().starts_with("invalid type: sequence, expected struct Probe")
        );
    }
}
