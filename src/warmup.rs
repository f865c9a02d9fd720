//! Warming the catalog reader while the catalog downloads.
//!
//! The WASM starts a few hundred milliseconds before the catalog has
//! arrived, and the browser first runs it with its baseline compiler;
//! functions are only optimized once they are hot. Reading 10 MB of JSON in
//! baseline code takes about twice as long as in optimized code, so while the
//! bytes are still on the way we read and index a small synthetic catalog of
//! the same shape, in short slices that let the download's callbacks run.
//! When the real catalog arrives, its reader is already optimized.

use std::cell::Cell;
use std::fmt::Write as _;
use std::rc::Rc;
use std::time::Duration;

use atlas_catalog::aggregate::Atlas;
use atlas_catalog::model::{FORMAT_NAME, FORMAT_VERSION};
use atlas_catalog::{Catalog, Polarity};

/// Slices of warm-up work; each takes a few milliseconds.
const MAX_SLICES: u32 = 40;

/// Runs warm-up slices until `done` is set (the catalog arrived) or the
/// budget is spent.
pub async fn until(done: Rc<Cell<bool>>) {
    let sample = sample_catalog();
    for _ in 0..MAX_SLICES {
        if done.get() {
            return;
        }
        if let Ok(catalog) = serde_json::from_str::<Catalog>(&sample) {
            let atlas = Atlas::new(catalog);
            atlas.index_of(Polarity::Indicator);
        }
        // Yield to the event loop so the download can complete.
        sleep(Duration::ZERO).await;
    }
}

/// A `setTimeout` sleep, so other tasks (the fetch) run in between slices.
async fn sleep(duration: Duration) {
    let millis = i32::try_from(duration.as_millis()).unwrap_or(0);
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        if let Some(window) = web_sys::window() {
            let _ = window.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, millis);
        }
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
}

/// A catalog in the real one's format with every kind of leaf and value the
/// reader meets: compact leaves with and without source fields, escapes,
/// nested and/or/not, events and log sources.
pub(crate) fn sample_catalog() -> String {
    let mut rules = String::new();
    for i in 0..120 {
        if i > 0 {
            rules.push(',');
        }
        let _ = write!(
            rules,
            r#"{{"id":"warm-{i}","vendor":"{vendor}","title":"Warm-up rule {i}","path":"rules/warm/{i}.yml","status":"parsed","techniques":["T1059.001","T1204"],"tactics":["execution"],"severity":"high","maturity":"test","language":"sigma","log_source":[["product","windows"],["category","process_creation"]],"logic":{{"and":[{{"or":[["wildcard","*\\cmd{i}.exe","process.executable","Image"],["eq","CMD.EXE","process.pe.original_file_name","OriginalFileName"]]}},["wildcard","* -enc {i} *","process.command_line","CommandLine"],["eq","{i}","event.code","EventID"],["match","keyword {i}"],{{"not":{{"or":[["null",null,"process.parent.executable","ParentImage"],["regex_match","^a\\d+$","user.name","User",true],["exists",null,"process.hash"]]}}}}]}},"events":["sysmon-1","win-security-4688"]}}"#,
            vendor = ["sigma", "elastic", "splunk"][i % 3],
        );
    }
    format!(
        r#"{{"format":"{FORMAT_NAME}","version":{FORMAT_VERSION},"generator":"warm-up","sources":[],"attack":{{"version":"0","tactics":[],"techniques":[],"revoked":[],"data_components":[]}},"fields":[],"events":[],"rules":[{rules}],"detail_shards":1}}"#
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sample_is_a_catalog_with_every_leaf_shape() {
        let catalog: Catalog = serde_json::from_str(&sample_catalog()).expect("sample parses");
        assert_eq!(catalog.rules.len(), 120);
        let leaves = catalog.rules[0].logic.as_ref().expect("logic").leaf_count();
        assert_eq!(leaves, 8);
    }
}
