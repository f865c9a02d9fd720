//! Kibana filter objects (`[[rule.filters]]`) into the predicate model.
//!
//! A filter is a piece of Elasticsearch query DSL (`query.wildcard`,
//! `query.exists`, `match_phrase`, `bool`…) with `meta.negate` and
//! `meta.disabled`. Enabled filters are AND-ed with the rule's query; a negated
//! one becomes `not(…)` under that root `and`, so its leaves are exclusions.
//! Query DSL the model cannot read is kept as a `raw` leaf holding its JSON.

use atlas_catalog::wildcard;
use atlas_catalog::{Expr, Op};
use toml::{Table, Value};

use super::kql::{self, Syntax};
use crate::leaf::LeafMaker;

/// Query DSL nested deeper than this is kept as text.
use crate::limits::MAX_PARSE_DEPTH as MAX_DEPTH;

/// The filters' trees, and reasons for any part kept as text.
pub fn read(filters: &[Value], maker: LeafMaker<'_>) -> (Vec<Expr>, Vec<String>) {
    let mut reader = Reader { maker, partial: Vec::new() };
    let mut trees = Vec::new();
    for filter in filters {
        let Some(table) = filter.as_table() else {
            trees.push(reader.raw(filter, "a Kibana filter that is not a table"));
            continue;
        };
        let meta = table.get("meta").and_then(Value::as_table);
        let flag = |key: &str| meta.and_then(|m| m.get(key)).and_then(Value::as_bool).unwrap_or(false);
        if flag("disabled") {
            continue;
        }
        // Saved filters hold their DSL under `query`; older ones at the top.
        let dsl = table.get("query").and_then(Value::as_table).unwrap_or(table);
        let tree = reader.query(dsl, 0);
        trees.push(if flag("negate") { Expr::negate(tree) } else { tree });
    }
    (trees, reader.partial)
}

struct Reader<'a> {
    maker: LeafMaker<'a>,
    partial: Vec<String>,
}

impl Reader<'_> {
    /// One query-DSL object: `{ "<kind>": { … } }` (extra keys such as
    /// `$state` or `meta` are ignored).
    fn query(&mut self, dsl: &Table, depth: usize) -> Expr {
        if depth > MAX_DEPTH {
            return self.raw(&Value::Table(dsl.clone()), "a Kibana filter nested too deeply");
        }
        for (kind, body) in dsl {
            let tree = match kind.as_str() {
                "bool" => body.as_table().map(|b| self.boolean(b, depth)),
                "exists" => {
                    body.get("field").and_then(Value::as_str).map(|f| self.maker.leaf(Some(f), Op::Exists, None, false))
                }
                "wildcard" => self.field_test(body, "value", |m, field, value, cs| {
                    m.pattern(Some(field), &wildcard::read(value, &crate::pattern::ESQL_LIKE), cs)
                }),
                "prefix" => self.field_test(body, "value", |m, field, value, cs| m.starts_with(Some(field), value, cs)),
                "term" => self.field_test(body, "value", |m, field, value, cs| {
                    m.leaf(Some(field), Op::Eq, Some(value.to_owned()), cs)
                }),
                "match_phrase" => self.field_test(body, "query", |m, field, value, _| {
                    m.leaf(Some(field), Op::Eq, Some(value.to_owned()), true)
                }),
                "match" => self.field_test(body, "query", |m, field, value, _| {
                    m.leaf(Some(field), Op::Match, Some(wildcard::escape(value)), false)
                }),
                "regexp" => self.field_test(body, "value", |m, field, value, cs| {
                    m.leaf(Some(field), Op::RegexMatch, Some(value.to_owned()), cs)
                }),
                "terms" => self.terms(body),
                "range" => self.range(body),
                "query_string" => self.query_string(body),
                _ => continue,
            };
            return tree.unwrap_or_else(|| self.raw(&Value::Table(dsl.clone()), "a Kibana filter"));
        }
        self.raw(&Value::Table(dsl.clone()), "a Kibana filter")
    }

    /// `must` / `filter` → and, `should` → or, `must_not` → and of nots.
    fn boolean(&mut self, body: &Table, depth: usize) -> Expr {
        let mut parts = Vec::new();
        for (clause, list) in body {
            let items: Vec<&Table> = match list {
                Value::Array(items) => items.iter().filter_map(Value::as_table).collect(),
                Value::Table(one) => vec![one],
                _ => continue,
            };
            let trees: Vec<Expr> = items.into_iter().map(|q| self.query(q, depth + 1)).collect();
            if trees.is_empty() {
                continue;
            }
            match clause.as_str() {
                "must" | "filter" => parts.push(Expr::and(trees)),
                "should" => parts.push(Expr::or(trees)),
                "must_not" => parts.extend(trees.into_iter().map(Expr::negate)),
                _ => {}
            }
        }
        if parts.is_empty() {
            return self.raw(&Value::Table(body.clone()), "an empty Kibana bool filter");
        }
        Expr::and(parts)
    }

    /// `{ "<field>": "v" }` or `{ "<field>": { "<key>": "v", "case_insensitive": b } }`.
    fn field_test(
        &mut self,
        body: &Value,
        key: &str,
        leaf: impl Fn(&LeafMaker<'_>, &str, &str, bool) -> Expr,
    ) -> Option<Expr> {
        let (field, spec) = body.as_table()?.iter().next()?;
        let (value, case_insensitive) = match spec {
            Value::Table(spec) => {
                let value = spec.get(key).or_else(|| spec.get("value")).or_else(|| spec.get("query"))?;
                (scalar(value)?, spec.get("case_insensitive").and_then(Value::as_bool).unwrap_or(false))
            }
            other => (scalar(other)?, false),
        };
        Some(leaf(&self.maker, field, &value, !case_insensitive))
    }

    fn terms(&mut self, body: &Value) -> Option<Expr> {
        let (field, values) = body.as_table()?.iter().find(|(k, _)| k.as_str() != "boost")?;
        let values: Vec<String> = values.as_array()?.iter().filter_map(scalar).collect();
        let maker = self.maker;
        Some(Expr::or(values.into_iter().map(|v| maker.leaf(Some(field), Op::Eq, Some(v), true)).collect()))
    }

    fn range(&mut self, body: &Value) -> Option<Expr> {
        let (field, bounds) = body.as_table()?.iter().next()?;
        let mut leaves = Vec::new();
        for (bound, value) in bounds.as_table()? {
            let op = match bound.as_str() {
                "gt" => Op::Gt,
                "gte" => Op::Gte,
                "lt" => Op::Lt,
                "lte" => Op::Lte,
                _ => continue,
            };
            leaves.push(self.maker.leaf(Some(field), op, scalar(value), true));
        }
        (!leaves.is_empty()).then(|| Expr::and(leaves))
    }

    fn query_string(&mut self, body: &Value) -> Option<Expr> {
        let query = body.get("query").and_then(Value::as_str)?;
        kql::parse(query, Syntax::Lucene, self.maker).ok()
    }

    /// A filter kept as its JSON text; the rule becomes partial.
    fn raw(&mut self, value: &Value, what: &str) -> Expr {
        let reason = format!("{what} kept as text");
        if !self.partial.contains(&reason) {
            self.partial.push(reason);
        }
        let text = serde_json::to_string(value).unwrap_or_default();
        self.maker.leaf(None, Op::Raw, Some(text), false)
    }
}

/// Strings, numbers and booleans as text.
fn scalar(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Integer(_) | Value::Float(_) | Value::Boolean(_) => Some(value.to_string()),
        _ => None,
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use atlas_catalog::{FieldTable, Vendor};
    use serde_json::json;

    use super::*;

    fn read_toml(text: &str) -> (serde_json::Value, Vec<String>) {
        #[derive(serde::Deserialize)]
        struct Doc {
            filters: Vec<Value>,
        }
        let doc: Doc = toml::from_str(text).unwrap();
        let fields = FieldTable::default();
        let (trees, partial) = read(&doc.filters, LeafMaker::new(&fields, Vendor::Elastic));
        (serde_json::to_value(&trees).unwrap(), partial)
    }

    #[test]
    fn negated_wildcard_and_exists_filters() {
        let (trees, partial) = read_toml(
            r#"
            [[filters]]
            [filters.meta]
            negate = true
            [filters.query.wildcard."file.path"]
            case_insensitive = true
            value = "?:\\\\ProgramData\\\\*.ps1"

            [[filters]]
            "$state" = { store = "appState" }
            meta = { negate = false, disabled = false, key = "user.id", type = "exists" }
            query = { exists = { field = "user.id" } }

            [[filters]]
            meta = { negate = true, disabled = true }
            query = { exists = { field = "ignored" } }
            "#,
        );
        assert!(partial.is_empty());
        assert_eq!(
            trees,
            json!([
                {"not": {"field": "file.path", "source_field": "file.path", "op": "wildcard",
                         "value": r"?:\ProgramData\\*.ps1", "case_sensitive": false}},
                {"field": "user.id", "source_field": "user.id", "op": "exists", "value": null, "case_sensitive": false}
            ])
        );
    }

    #[test]
    fn phrases_bools_and_unknown_dsl() {
        let (trees, partial) = read_toml(
            r#"
            [[filters]]
            query = { match_phrase = { "event.category" = "threat" } }
            [[filters]]
            query = { bool = { should = [ { match_phrase = { a = "1" } }, { match_phrase = { a = "2" } } ] } }
            [[filters]]
            query = { geo_shape = { x = 1 } }
            "#,
        );
        let eq =
            |f: &str, v: &str| json!({"field": f, "source_field": f, "op": "eq", "value": v, "case_sensitive": true});
        assert_eq!(trees[0], eq("event.category", "threat"));
        assert_eq!(trees[1], json!({"or": [eq("a", "1"), eq("a", "2")]}));
        assert_eq!(trees[2]["op"], "raw");
        assert_eq!(partial, ["a Kibana filter kept as text"]);
    }
}
