//! Fetching the catalog and rule details.
//!
//! `catalog/catalog.json` is fetched once, relative to the document base (so
//! the app works under any sub-path), deserialized once and wrapped in an
//! [`Atlas`] whose indexes every view shares. A rule page fetches the detail
//! shard holding its text; shards are cached for the session.

use std::cell::Cell;
use std::collections::HashMap;
use std::rc::Rc;
use std::sync::Arc;

use atlas_catalog::aggregate::Atlas;
use atlas_catalog::model::{FORMAT_NAME, FORMAT_VERSION, detail_shard};
use atlas_catalog::{Catalog, RuleDetail};
use leptos::prelude::*;
use serde::Deserialize;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

/// Where the catalog lives, relative to the document base.
pub const CATALOG_PATH: &str = "catalog/catalog.json";

/// Why the catalog (or a rule's detail) could not be loaded. Strings rather
/// than the source errors, so the error can be cloned into every view.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LoadError {
    /// The request itself failed (offline, blocked, CORS).
    #[error("could not fetch {url}: {message}")]
    Network { url: String, message: String },
    /// The server answered, but not with the file (`404 Not Found`).
    #[error("{url} answered HTTP {status} {status_text}")]
    Status { url: String, status: u16, status_text: String },
    /// The body is not JSON (`{"format": …` cut short, binary…).
    #[error("{url} is not valid JSON: {message}")]
    Json { url: String, message: String },
    /// An HTML page where JSON was expected: what a host that answers every
    /// path with its index or 404 page sends for a missing file.
    #[error("{url} is an HTML page, not JSON: the file is probably missing and the server sent a page instead")]
    Html { url: String },
    /// JSON, but another kind of file.
    #[error("{url} is not a Rule Atlas catalog: its format is {found}, expected \"{FORMAT_NAME}\"")]
    Format { url: String, found: String },
    /// A catalog written for another version of the app.
    #[error(
        "{url} is catalog version {found}, but this app reads version {FORMAT_VERSION}; rebuild the catalog or the app"
    )]
    Version { url: String, found: String },
    /// The right format and version, but a field is missing or has the
    /// wrong shape; `path` says where (`rules[3] (id "…").techniques`, empty
    /// at the top level).
    #[error("{url} does not match the catalog format at {}: {message}", place(.path))]
    Schema { url: String, path: String, message: String },
}

/// The loaded catalog, shared by every view.
pub type AtlasResult = Result<Arc<Atlas>, LoadError>;

/// Fetches, checks and indexes the catalog.
pub async fn load_atlas() -> AtlasResult {
    let url = absolute(CATALOG_PATH);
    let started = now();
    let arrived = Rc::new(Cell::new(false));
    leptos::task::spawn_local(crate::warmup::until(Rc::clone(&arrived)));
    let bytes = match early_catalog() {
        Some(response) => read(&url, response.await).await,
        None => fetch(&url).await,
    };
    arrived.set(true);
    let bytes = bytes?;
    let fetched = now();
    let catalog = parse_catalog(&url, &bytes)?;
    drop(bytes);
    let parsed = now();
    let atlas = Atlas::new(catalog);
    // The cold-start budget is spent here; say where it went.
    web_sys::console::debug_1(
        &format!(
            "catalog: fetch from {} ms to {} ms, parsed in {} ms, indexed in {} ms",
            started as u32,
            fetched as u32,
            (parsed - fetched) as u32,
            (now() - parsed) as u32
        )
        .into(),
    );
    Ok(Arc::new(atlas))
}

/// Milliseconds since the page started loading.
fn now() -> f64 {
    window().performance().map_or(0.0, |p| p.now())
}

/// Reads catalog bytes, naming what is wrong when they are not a catalog this
/// app can read.
pub fn parse_catalog(url: &str, bytes: &[u8]) -> Result<Catalog, LoadError> {
    // One UTF-8 check over the whole file is cheaper than serde_json's check
    // of every string in it.
    let text = utf8(url, bytes)?;
    match serde_json::from_str::<Catalog>(text) {
        Ok(catalog) => {
            check_header(
                url,
                &Header { format: Some(catalog.format.clone()), version: Some(u64::from(catalog.version)) },
            )?;
            Ok(catalog)
        }
        Err(error) => {
            // A wrong format or version explains a shape mismatch better than
            // the mismatch itself does.
            if !error.is_syntax()
                && !error.is_eof()
                && let Ok(header) = serde_json::from_str::<Header>(text)
            {
                check_header(url, &header)?;
            }
            Err(json_error(url, text, &error))
        }
    }
}

/// Reads a JSON file of the catalog (a detail shard), naming what is wrong.
pub fn parse_json<T: serde::de::DeserializeOwned>(url: &str, bytes: &[u8]) -> Result<T, LoadError> {
    let text = utf8(url, bytes)?;
    serde_json::from_str(text).map_err(|error| json_error(url, text, &error))
}

fn utf8<'a>(url: &str, bytes: &'a [u8]) -> Result<&'a str, LoadError> {
    std::str::from_utf8(bytes).map_err(|e| LoadError::Json { url: url.to_owned(), message: e.to_string() })
}

/// Longest serde message shown: one may quote a hostile value (`unknown
/// variant` of a 10 KB string).
const MESSAGE_CHARS: usize = 400;

/// The error view's account of a serde_json error over `text`.
fn json_error(url: &str, text: &str, error: &serde_json::Error) -> LoadError {
    let url = url.to_owned();
    let message = crate::json_path::shorten(&error.to_string(), MESSAGE_CHARS);
    if error.is_syntax() || error.is_eof() {
        if text.trim_start().starts_with('<') {
            return LoadError::Html { url };
        }
        return LoadError::Json { url, message };
    }
    let path = crate::json_path::path_at(text, error.line(), error.column());
    LoadError::Schema { url, path, message }
}

/// Where a schema error is, in words.
fn place(path: &str) -> &str {
    if path.is_empty() { "the top level" } else { path }
}

/// The two fields every catalog version keeps. (Plain types rather than
/// `serde_json::Value`, whose deserializer would add to the WASM.)
#[derive(Debug, Deserialize)]
struct Header {
    format: Option<String>,
    version: Option<u64>,
}

fn check_header(url: &str, header: &Header) -> Result<(), LoadError> {
    if header.format.as_deref() != Some(FORMAT_NAME) {
        let found = header.format.as_ref().map_or_else(|| "missing".to_owned(), |f| format!("\"{f}\""));
        return Err(LoadError::Format { url: url.to_owned(), found });
    }
    if header.version != Some(u64::from(FORMAT_VERSION)) {
        let found = header.version.map_or_else(|| "missing".to_owned(), |v| v.to_string());
        return Err(LoadError::Version { url: url.to_owned(), found });
    }
    Ok(())
}

/// One `details/<n>.json` file: rule id → detail.
type Shard = HashMap<String, RuleDetail>;

/// Detail shards fetched so far, so going back to a rule page is instant.
#[derive(Clone, Copy)]
pub struct DetailCache(StoredValue<HashMap<u32, Arc<Shard>>>);

impl DetailCache {
    pub fn new() -> DetailCache {
        DetailCache(StoredValue::new(HashMap::new()))
    }

    /// The detail of a rule; `Ok(None)` when its shard does not list it.
    pub async fn detail(self, rule_id: String, shards: u32) -> Result<Option<RuleDetail>, LoadError> {
        let n = detail_shard(&rule_id, shards);
        let cached = self.0.with_value(|cache| cache.get(&n).cloned());
        let shard = match cached {
            Some(shard) => shard,
            None => {
                let url = absolute(&format!("catalog/details/{n}.json"));
                let bytes = fetch(&url).await?;
                let shard = Arc::new(parse_json::<Shard>(&url, &bytes)?);
                self.0.update_value(|cache| {
                    cache.insert(n, Arc::clone(&shard));
                });
                shard
            }
        };
        Ok(shard.get(&rule_id).cloned())
    }
}

impl Default for DetailCache {
    fn default() -> Self {
        DetailCache::new()
    }
}

/// The catalog request index.html started before the WASM loaded, if any.
/// It is taken once: a later load (after an error) fetches anew.
fn early_catalog() -> Option<JsFuture> {
    let window = window();
    let key = JsValue::from_str("__ruleAtlasCatalog");
    let promise = js_sys::Reflect::get(&window, &key).ok()?.dyn_into::<js_sys::Promise>().ok()?;
    let _ = js_sys::Reflect::set(&window, &key, &JsValue::UNDEFINED);
    Some(JsFuture::from(promise))
}

async fn fetch(url: &str) -> Result<Vec<u8>, LoadError> {
    let response =
        gloo_net::http::Request::get(url).send().await.map(|r| Ok(JsValue::from(web_sys::Response::from(r))));
    match response {
        Ok(response) => read(url, response).await,
        Err(e) => Err(LoadError::Network { url: url.to_owned(), message: e.to_string() }),
    }
}

/// The body of a fetch response, or why there is none.
async fn read(url: &str, response: Result<JsValue, JsValue>) -> Result<Vec<u8>, LoadError> {
    let network = |message: String| LoadError::Network { url: url.to_owned(), message };
    let raw = response.map_err(|e| network(js_message(&e)))?;
    let raw: web_sys::Response = raw.dyn_into().map_err(|_| network("not a fetch response".into()))?;
    let response = gloo_net::http::Response::from(raw);
    if !response.ok() {
        return Err(LoadError::Status {
            url: url.to_owned(),
            status: response.status(),
            status_text: response.status_text(),
        });
    }
    response.binary().await.map_err(|e| network(e.to_string()))
}

/// The message of a JavaScript error (a rejected fetch is a `TypeError`).
fn js_message(error: &JsValue) -> String {
    error.dyn_ref::<js_sys::Error>().map_or_else(|| format!("{error:?}"), |e| String::from(e.message()))
}

/// A path resolved against the document base, for fetching and for error
/// messages that say exactly which URL failed.
pub fn absolute(path: &str) -> String {
    let base = document().base_uri().ok().flatten().unwrap_or_default();
    let dir = base.rsplit_once('/').map_or(base.as_str(), |(dir, _)| dir);
    format!("{dir}/{path}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn error(json: &str) -> LoadError {
        parse_catalog("c.json", json.as_bytes()).expect_err("should fail")
    }

    #[test]
    fn names_what_is_wrong() {
        assert!(matches!(error("{\"format\": "), LoadError::Json { .. }));
        assert_eq!(error("\n<!DOCTYPE html>"), LoadError::Html { url: "c.json".into() });
        assert_eq!(
            error("{\"format\": \"other\", \"rules\": 3}"),
            LoadError::Format { url: "c.json".into(), found: "\"other\"".into() }
        );
        let version = error(&format!("{{\"format\": \"{FORMAT_NAME}\", \"version\": 99}}"));
        assert_eq!(version, LoadError::Version { url: "c.json".into(), found: "99".into() });
        let schema = error(&format!("{{\"format\": \"{FORMAT_NAME}\", \"version\": {FORMAT_VERSION}, \"rules\": 3}}"));
        assert!(matches!(&schema, LoadError::Schema { path, .. } if path == "rules"), "{schema:?}");
    }

    #[test]
    fn reads_missing_fields_with_an_obvious_meaning() {
        // A rule without techniques is untagged; without logic, it has none;
        // a catalog without events has no event list.
        let catalog = crate::warmup::sample_catalog()
            .replacen(r#""techniques":["T1059.001","T1204"],"#, "", 1)
            .replacen(r#","events":[]"#, "", 1);
        let catalog = parse_catalog("c.json", catalog.as_bytes()).expect("reads");
        assert!(catalog.rules[0].techniques.is_empty());
        assert_eq!(catalog.rules[1].techniques, ["T1059.001", "T1204"]);
        assert!(catalog.events.is_empty());
    }

    #[test]
    fn names_where_the_shape_is_wrong() {
        let mut catalog = crate::warmup::sample_catalog();
        // The second rule loses its title.
        catalog = catalog.replacen(r#""title":"Warm-up rule 1","#, "", 1);
        let schema = error(&catalog);
        assert!(
            matches!(&schema, LoadError::Schema { path, message, .. }
                if path == "rules[1] (id \"warm-1\")" && message.starts_with("missing field `title` at line 1 column")),
            "{schema}"
        );
        let shard =
            parse_json::<Shard>("d.json", br#"{"a": {"text": "t"}, "b": {"text": 5}}"#).expect_err("should fail");
        assert_eq!(
            shard.to_string(),
            "d.json does not match the catalog format at b.text: invalid type: integer `5`, expected a string at line 1 column 36"
        );
        let html = parse_json::<Shard>("d.json", b"<!doctype html><p>Not found").expect_err("should fail");
        assert_eq!(html, LoadError::Html { url: "d.json".into() });
    }
}
