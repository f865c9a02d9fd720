//! A small JSON writer for the files the app makes. Written out rather than
//! through serde's `Serialize`: the app reads JSON but never wrote any, and
//! serde's serializer for a handful of structs cost ~10 KB of WASM; this is
//! one non-generic function.

use std::fmt::Write;

/// A JSON value; object members keep their order.
#[derive(Debug, Clone, PartialEq)]
pub enum Json {
    Text(String),
    Number(u32),
    Bool(bool),
    Array(Vec<Json>),
    Object(Vec<(&'static str, Json)>),
}

impl Json {
    pub fn text(text: &str) -> Json {
        Json::Text(text.to_owned())
    }

    /// The value as text, indented by two spaces per level.
    pub fn to_pretty(&self) -> String {
        let mut out = String::new();
        self.write(&mut out, 0);
        out.push('\n');
        out
    }

    fn write(&self, out: &mut String, depth: usize) {
        match self {
            Json::Text(text) => string(out, text),
            Json::Number(n) => {
                let _ = write!(out, "{n}");
            }
            Json::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            Json::Array(items) if items.is_empty() => out.push_str("[]"),
            Json::Object(members) if members.is_empty() => out.push_str("{}"),
            Json::Array(items) => {
                out.push('[');
                for (i, item) in items.iter().enumerate() {
                    separator(out, i, depth + 1);
                    item.write(out, depth + 1);
                }
                newline(out, depth);
                out.push(']');
            }
            Json::Object(members) => {
                out.push('{');
                for (i, (name, value)) in members.iter().enumerate() {
                    separator(out, i, depth + 1);
                    string(out, name);
                    out.push_str(": ");
                    value.write(out, depth + 1);
                }
                newline(out, depth);
                out.push('}');
            }
        }
    }
}

fn separator(out: &mut String, i: usize, depth: usize) {
    if i > 0 {
        out.push(',');
    }
    newline(out, depth);
}

fn newline(out: &mut String, depth: usize) {
    out.push('\n');
    for _ in 0..depth {
        out.push_str("  ");
    }
}

/// A JSON string: quotes, backslashes and control characters escaped; the
/// rest as it is (JSON text is UTF-8).
fn string(out: &mut String, text: &str) {
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if u32::from(c) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::Json;

    #[test]
    fn writes_what_a_json_reader_reads_back() {
        let value = Json::Object(vec![
            ("text", Json::text("a \"quote\", a \\ and\n\t\u{1}é")),
            ("n", Json::Number(42)),
            ("yes", Json::Bool(true)),
            ("empty", Json::Array(vec![])),
            ("list", Json::Array(vec![Json::Number(1), Json::Object(vec![])])),
        ]);
        let text = value.to_pretty();
        assert_eq!(
            text,
            "{\n  \"text\": \"a \\\"quote\\\", a \\\\ and\\n\\t\\u0001é\",\n  \"n\": 42,\n  \"yes\": true,\n  \"empty\": [],\n  \"list\": [\n    1,\n    {}\n  ]\n}\n"
        );
        let read: serde_json::Value = serde_json::from_str(&text).expect("JSON");
        assert_eq!(read["text"], "a \"quote\", a \\ and\n\t\u{1}é");
        assert_eq!(read["list"][0], 1);
    }
}
