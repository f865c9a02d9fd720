//! Where in a JSON file a serde_json error happened, as a path a person can
//! look up: `rules[3] (id "fx-mshta").techniques`.
//!
//! serde_json reports a line and a column only, which in a 10 MB catalog
//! written on one line says little. A path-tracking deserializer wrapper would
//! add a crate and WASM to the path every catalog takes; this scanner runs on
//! the error path only: it walks the text serde_json has already accepted, up
//! to the error, keeping the stack of objects and arrays it is in.

/// Longest `id` quoted in a path (ids are catalog data: a hostile one may be
/// kilobytes long).
const ID_CHARS: usize = 60;

/// One open object or array.
enum Frame<'a> {
    Array {
        index: usize,
    },
    Object {
        /// The key whose value is being read, once it has been read.
        key: Option<&'a str>,
        /// The object's own `"id"`, when it came before the error.
        id: Option<&'a str>,
    },
}

/// The path of the value serde_json was reading at `line` and `column`
/// (`serde_json::Error::line` and `column`: 1-based line, column in bytes
/// from the line's start). Empty at the top level.
pub fn path_at(text: &str, line: usize, column: usize) -> String {
    let end = offset(text, line, column);
    let bytes = text.as_bytes();
    let mut stack: Vec<Frame> = Vec::new();
    let mut i = 0;
    while i < end {
        match bytes[i] {
            b'"' => {
                let (string, next) = string_at(text, i, end);
                i = next;
                if let Some(Frame::Object { key, id }) = stack.last_mut() {
                    match key {
                        None => *key = Some(string),
                        Some("id") => *id = Some(string),
                        Some(_) => {}
                    }
                }
                continue;
            }
            b'{' => stack.push(Frame::Object { key: None, id: None }),
            b'[' => stack.push(Frame::Array { index: 0 }),
            // serde_json reports a missing field just after the object's `}`:
            // keep that object (for its id), but no longer in one of its keys.
            b'}' if i + 1 >= end => {
                if let Some(Frame::Object { key, .. }) = stack.last_mut() {
                    *key = None;
                }
            }
            b'}' | b']' => {
                stack.pop();
            }
            b',' => match stack.last_mut() {
                Some(Frame::Array { index }) => *index += 1,
                Some(Frame::Object { key, .. }) => *key = None,
                None => {}
            },
            _ => {}
        }
        i += 1;
    }
    render(&stack)
}

/// The byte offset of a serde_json position, clamped to the text.
fn offset(text: &str, line: usize, column: usize) -> usize {
    let line_start =
        if line <= 1 { 0 } else { text.match_indices('\n').nth(line - 2).map_or(text.len(), |(i, _)| i + 1) };
    line_start.saturating_add(column).min(text.len())
}

/// The raw contents of the string starting at `start` (a `"`), escapes left
/// as written, and the index after it (or `end` if it runs past the error).
fn string_at(text: &str, start: usize, end: usize) -> (&str, usize) {
    let bytes = text.as_bytes();
    let mut i = start + 1;
    while i < end {
        match bytes[i] {
            b'\\' => i += 2,
            b'"' => return (text.get(start + 1..i).unwrap_or_default(), i + 1),
            _ => i += 1,
        }
    }
    (text.get(start + 1..end).unwrap_or_default(), end)
}

fn render(stack: &[Frame]) -> String {
    let mut path = String::new();
    for frame in stack {
        match frame {
            Frame::Array { index } => {
                path.push('[');
                path.push_str(&index.to_string());
                path.push(']');
            }
            Frame::Object { key, id } => {
                if let Some(id) = id {
                    path.push_str(" (id \"");
                    path.push_str(&shorten(id, ID_CHARS));
                    path.push_str("\")");
                }
                if let Some(key) = key {
                    if !path.is_empty() {
                        path.push('.');
                    }
                    path.push_str(key);
                }
            }
        }
    }
    path.trim_start().to_owned()
}

/// `text` cut to `max` characters, with an ellipsis when cut.
pub fn shorten(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The path serde_json's own error position leads to.
    fn path_of_error<T: serde::de::DeserializeOwned + std::fmt::Debug>(json: &str) -> String {
        let error = serde_json::from_str::<T>(json).expect_err("should fail");
        path_at(json, error.line(), error.column())
    }

    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct Rule {
        id: String,
        title: String,
        techniques: Vec<String>,
    }

    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct File {
        format: String,
        rules: Vec<Rule>,
    }

    #[test]
    fn names_the_value_that_is_wrong() {
        let ok = r#"{"id": "a", "title": "A", "techniques": []}"#;
        let wrong_type =
            format!(r#"{{"format": "f", "rules": [{ok}, {{"id": "b\"x", "title": "B", "techniques": 5}}]}}"#);
        assert_eq!(path_of_error::<File>(&wrong_type), r#"rules[1] (id "b\"x").techniques"#);
        let nested = format!(
            r#"{{"format": "f", "rules": [{ok}, {ok}, {{"id": "c", "title": "C", "techniques": ["T1", 2]}}]}}"#
        );
        assert_eq!(path_of_error::<File>(&nested), r#"rules[2] (id "c").techniques[1]"#);
        let top = r#"{"format": 3, "rules": []}"#;
        assert_eq!(path_of_error::<File>(top), "format");
    }

    #[test]
    fn names_the_object_missing_a_field() {
        let missing =
            r#"{"format": "f", "rules": [{"id": "a", "techniques": [], "title": "A"}, {"id": "b", "techniques": []}]}"#;
        assert_eq!(path_of_error::<File>(missing), r#"rules[1] (id "b")"#);
        let no_id = "{\"format\": \"f\",\n \"rules\": [\n  {\"title\": \"A\", \"techniques\": [\"T1\"]}\n ]\n}";
        assert_eq!(path_of_error::<File>(no_id), "rules[0]");
        assert_eq!(path_of_error::<File>(r#"{"rules": []}"#), "");
    }

    #[test]
    fn long_ids_are_cut() {
        let id = "x".repeat(10_000);
        let json = format!(r#"{{"format": "f", "rules": [{{"id": "{id}", "title": 1, "techniques": []}}]}}"#);
        let path = path_of_error::<File>(&json);
        assert!(path.len() < 100, "{path}");
        assert!(path.ends_with("…\").title"), "{path}");
    }

    #[test]
    fn positions_past_the_text_are_clamped() {
        assert_eq!(path_at("{\"a\": [1, 2", 9, 99), "a[1]");
        assert_eq!(path_at("", 1, 5), "");
        assert_eq!(shorten("héllo", 2), "hé…");
    }
}
