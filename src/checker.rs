//! The app's side of the checker (`/check`): loads the checker's module on
//! the page's main thread (its wasm-bindgen script, then
//! `src/checker-page.js`, which instantiates it), asks it to build the page
//! into the view's place, and lends it, as `window.__ruleAtlas(name, …)`,
//! what only the app has:
//!
//! - `href(kind, id | field, op, value, exclusion)`: the URL of an app view
//!   for a link target of an answer (`atlas_catalog::check::Target`: kind
//!   `rule`, `technique` or `guide` with an id, or `rules` with a triple), as
//!   [`Links`] writes it (plain arguments: a serde reader for `Target` would
//!   weigh more than all of this);
//! - `mountTree(element, tree)`: the app's predicate tree component for a
//!   tree as JSON, mounted into the element; `unmountTrees()` drops them all.
//!
//! Loaded once per page: a second visit to `/check` opens at once.

use std::any::Any;
use std::cell::RefCell;

use atlas_catalog::{Expr, IndicatorKey, Op, Polarity};
use js_sys::{Function, Reflect};
use leptos::prelude::*;
use wasm_bindgen::prelude::Closure;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{Event, HtmlElement};

use crate::components::predicate::PredicateTree;
use crate::url::Links;

/// The checker module's wasm-bindgen script (trunk builds it beside
/// index.html, index.html) and the loader that instantiates it.
const SCRIPTS: [&str; 2] = ["atlas-checker.js", "checker-page.js"];
/// What the loader puts on `window` once the module is in, and the event it
/// raises then (with an error message as `detail` when it failed).
const LOADED: &str = "__ruleAtlasChecker";
const READY_EVENT: &str = "rule-atlas-checker";
/// What the app lends the page.
const LENT: &str = "__ruleAtlas";

thread_local! {
    /// The place and arguments of a page waiting for the module.
    static WAITING: RefCell<Option<(HtmlElement, String, String)>> = const { RefCell::new(None) };
    /// Whether the scripts were added to the document.
    static REQUESTED: RefCell<bool> = const { RefCell::new(false) };
    /// The trees mounted into the page's answer.
    static TREES: RefCell<Vec<Box<dyn Any>>> = RefCell::new(Vec::new());
}

/// Opens the checker's page in `root`, loading its module first if needed.
pub fn open(root: HtmlElement, links: &Links, rule: String) {
    lend(links.clone());
    let base = links.base().to_owned();
    if !call(LOADED, "open", &[root.clone().into(), JsValue::from_str(&base), JsValue::from_str(&rule)]) {
        WAITING.set(Some((root, base, rule)));
        request();
    }
}

/// The view is left: the page stops listening, its trees are dropped.
pub fn close() {
    WAITING.set(None);
    call(LOADED, "close", &[]);
    TREES.with_borrow_mut(Vec::clear);
}

/// Adds the scripts (in order) and listens for the module to be ready.
fn request() {
    if REQUESTED.replace(true) {
        return;
    }
    let document = document();
    let on_ready = Closure::<dyn Fn(Event)>::new(|event: Event| {
        let Some((root, base, rule)) = WAITING.take() else { return };
        let failed = event.dyn_ref::<web_sys::CustomEvent>().and_then(|e| e.detail().as_string());
        match failed {
            Some(why) => root.set_text_content(Some(&format!("The checker could not be loaded: {why}"))),
            None => {
                call(LOADED, "open", &[root.into(), JsValue::from_str(&base), JsValue::from_str(&rule)]);
            }
        }
    });
    let _ = document.add_event_listener_with_callback(READY_EVENT, on_ready.as_ref().unchecked_ref());
    // It serves every later visit too.
    on_ready.forget();
    // A script that cannot be loaded: say so in the view, and try again on
    // the next visit.
    let on_error = Closure::<dyn Fn(Event)>::new(|event: Event| {
        REQUESTED.set(false);
        let src =
            event.target().and_then(|t| Reflect::get(&t, &JsValue::from_str("src")).ok()).and_then(|s| s.as_string());
        if let Some((root, _, _)) = WAITING.take() {
            let what = src.unwrap_or_else(|| "its script".to_owned());
            root.set_text_content(Some(&format!("The checker could not be loaded: {what} did not load.")));
        }
    });
    let Some(head) = document.head() else { return };
    for script in SCRIPTS {
        if let Ok(element) = document.create_element("script") {
            let _ = element.set_attribute("src", &crate::load::absolute(script));
            // Inserted scripts run in insertion order only when not async.
            let _ = Reflect::set(&element, &JsValue::from_str("async"), &JsValue::FALSE);
            let _ = element.add_event_listener_with_callback("error", on_error.as_ref().unchecked_ref());
            let _ = head.append_child(&element);
        }
    }
    on_error.forget();
}

/// Calls `window.<object>.<name>(args…)`; whether there was such a function.
fn call(object: &str, name: &str, args: &[JsValue]) -> bool {
    let Ok(target) = Reflect::get(&window(), &JsValue::from_str(object)) else { return false };
    let Some(function) =
        Reflect::get(&target, &JsValue::from_str(name)).ok().and_then(|f| f.dyn_into::<Function>().ok())
    else {
        return false;
    };
    let args: js_sys::Array = args.iter().collect();
    function.apply(&target, &args).is_ok()
}

/// Puts `window.__ruleAtlas` in place (again: the links may have changed):
/// one function, `__ruleAtlas(name, …)`, for the three things lent (one
/// closure type rather than three keeps the WASM smaller).
fn lend(links: Links) {
    let lent = Closure::<dyn Fn(String, JsValue, JsValue, JsValue, JsValue, JsValue) -> JsValue>::new(
        move |name: String, a: JsValue, b: JsValue, c: JsValue, d: JsValue, e: JsValue| {
            let text = |v: JsValue| v.as_string().unwrap_or_default();
            match name.as_str() {
                "href" => {
                    let op = text(c);
                    href(&links, &text(a), text(b), &op, text(d), e.as_bool() == Some(true))
                        .map_or(JsValue::UNDEFINED, |url| JsValue::from_str(&url))
                }
                "mountTree" => {
                    if let Ok(place) = a.dyn_into::<HtmlElement>() {
                        mount_tree(place, &text(b));
                    }
                    JsValue::UNDEFINED
                }
                "unmountTrees" => {
                    TREES.with_borrow_mut(Vec::clear);
                    JsValue::UNDEFINED
                }
                _ => JsValue::UNDEFINED,
            }
        },
    );
    let _ = Reflect::set(&window(), &JsValue::from_str(LENT), &lent.into_js_value());
}

/// The URL of a link target of an answer: `kind` and an id, or `rules`
/// with a field, an operator and a value.
fn href(links: &Links, kind: &str, id: String, op: &str, value: String, exclusion: bool) -> Option<String> {
    Some(match kind {
        "rule" => links.rule(&id),
        "technique" => links.technique(&id),
        "guide" => links.guide(&id),
        "rules" => {
            let key = IndicatorKey { field: id.into(), op: Op::parse(op)?, value };
            links.rules_with_key(None, &key, if exclusion { Polarity::Exclusion } else { Polarity::Indicator })
        }
        _ => return None,
    })
}

/// Mounts the predicate tree `json` (the contract form) into `place`.
fn mount_tree(place: HtmlElement, json: &str) {
    match serde_json::from_str::<Expr>(json) {
        Ok(expr) => {
            let handle = leptos::mount::mount_to(place, move || view! { <PredicateTree expr/> });
            TREES.with_borrow_mut(|trees| trees.push(Box::new(handle)));
        }
        Err(error) => place.set_text_content(Some(&format!("The tree could not be read: {error}"))),
    }
}
