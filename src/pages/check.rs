//! `/check`: a draft rule held against the whole atlas. Paste or drop a
//! Sigma, Elastic or Splunk rule file, or a bare KQL, Lucene, EQL, ES|QL or
//! SPL query; as you type, the checker (a web worker with the builder's
//! front ends and its own copy of the atlas, `src/checker.rs`) reads it and
//! answers with the view: status and diagnostics pointing into the text, the
//! predicate tree, the indicators and exclusions with their corpus reach
//! (the common ones flagged), what of a technique's authoring guide the
//! draft uses, and the existing rules most like it. This page holds the
//! editor and renders the answer's parts as they are (text as text, links
//! through [`Links`], trees with [`PredicateTree`]).
//!
//! The text lives in the URL fragment (`/check#v1.<kind>.<deflated text>`),
//! so a link reopens the check and nothing is sent anywhere;
//! `/check?rule=<id>` starts from a catalog rule's text, which the worker
//! loads.
//!
//! Written against the DOM rather than with `view!` and signals: every view
//! loads the main WASM, and the page's reactive version cost ~6 KB of it
//! (brotli) for an editor that only sends text and shows answers.

use std::any::Any;
use std::cell::{Cell, RefCell};
use std::rc::{Rc, Weak};

use atlas_catalog::check::{CheckRequest, InputKind};
#[cfg(doc)]
use atlas_catalog::check::{Part, Target};
use atlas_catalog::{Expr, IndicatorKey, Op, Polarity};
use leptos::html::Div;
use leptos::prelude::*;
use wasm_bindgen::prelude::Closure;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{DragEvent, Event, EventTarget, HtmlElement, HtmlInputElement, HtmlSelectElement, HtmlTextAreaElement};

use crate::checker::{Answer, Checker, field, items};
use crate::components::predicate::PredicateTree;
use crate::state::query_param;
use crate::url::{Links, param, set_title};

/// How long the URL waits for typing to pause before it takes the text
/// (browsers limit how often a page may replace its URL).
const LINK_DELAY_MS: i32 = 400;

/// The checker page.
#[component]
pub fn CheckPage() -> impl IntoView {
    set_title("Check a rule");
    let links = expect_context::<Links>();
    let rule = query_param(param::RULE).get_untracked();
    let root = NodeRef::<Div>::new();
    let page = StoredValue::new_local(None::<Rc<Page>>);
    // Built once the view is in the document (a timeout rather than
    // `on_load`, whose effect costs ~1 KB of WASM more).
    set_timeout(
        move || {
            // The page may have been left already: then both are disposed.
            if let Some(root) = root.try_get_untracked().flatten() {
                let _ = page.try_set_value(Page::mount(&root, links, &rule));
            }
        },
        std::time::Duration::ZERO,
    );
    // Dropping the page stops its listeners (`Drop`), whichever of the
    // two comes first: this cleanup or the stored value's disposal.
    on_cleanup(move || page.update_value(|p| drop(p.take())));
    view! { <div class="check-page" node_ref=root></div> }
}

/// An event listener: where, which event, the handler.
type Listener = (EventTarget, &'static str, Closure<dyn Fn(Event)>);

/// The page's elements and what it keeps between answers.
struct Page {
    editor: HtmlTextAreaElement,
    language: HtmlSelectElement,
    technique: HtmlInputElement,
    results: HtmlElement,
    links: Links,
    checker: Checker,
    /// The name of a dropped file or opened rule (its extension tells the
    /// vendor); a paste forgets it.
    file_name: RefCell<Option<String>>,
    /// The trees of the answer shown, mounted as the app's component.
    trees: RefCell<Vec<Box<dyn Any>>>,
    /// The address to take once typing pauses, and the timer for it.
    url: RefCell<String>,
    timer: Cell<Option<i32>>,
    on_timer: Closure<dyn Fn()>,
    /// Event listeners, removed when the page goes.
    listeners: RefCell<Vec<Listener>>,
}

impl Page {
    /// Builds the page into `root` and starts the first check: a shared
    /// link's, a catalog rule's, or none.
    fn mount(root: &HtmlElement, links: Links, rule: &str) -> Option<Rc<Page>> {
        append(root, element("h1", "", &[], Some("Check a rule")).map(Into::into));
        append(root, element("p", "explain", &[], Some(INTRO)).map(Into::into));
        let input = element("div", "check-input", &[], None)?;
        let controls = element("div", "check-controls", &[], None)?;
        let language: HtmlSelectElement =
            element("select", "", &[("aria-label", "Language")], None)?.dyn_into().ok()?;
        for kind in InputKind::ALL {
            append(&language, element("option", "", &[("value", kind.as_str())], Some(kind.label())).map(Into::into));
        }
        let technique: HtmlInputElement = element(
            "input",
            "",
            &[("type", "text"), ("placeholder", "the techniques it tags"), ("aria-label", "Technique to compare with")],
            None,
        )?
        .dyn_into()
        .ok()?;
        let editor: HtmlTextAreaElement = element("textarea", "check-text", EDITOR, None)?.dyn_into().ok()?;
        let results: HtmlElement =
            element("div", "check-results", &[("aria-live", "polite")], None)?.dyn_into().ok()?;
        let label = element("label", "", &[], Some("Read as "))?;
        append(&label, Some(language.clone().into()));
        append(&controls, Some(label.into()));
        let label = element("label", "", &[], Some("Compare with the guide of "))?;
        append(&label, Some(technique.clone().into()));
        append(&controls, Some(label.into()));
        append(&input, Some(controls.into()));
        append(&input, Some(editor.clone().into()));
        append(root, Some(input.into()));
        append(root, Some(results.clone().into()));

        let page = Rc::new_cyclic(|me: &Weak<Page>| {
            let me = me.clone();
            Page {
                editor,
                language,
                technique,
                results,
                links,
                checker: Checker::get(),
                file_name: RefCell::new(None),
                trees: RefCell::new(Vec::new()),
                url: RefCell::new(String::new()),
                timer: Cell::new(None),
                on_timer: Closure::new(move || {
                    if let Some(page) = me.upgrade() {
                        replace_url(&page.url.borrow());
                    }
                }),
                listeners: RefCell::new(Vec::new()),
            }
        });
        page.listen();
        let me = Rc::downgrade(&page);
        page.checker.listen(move |answer| {
            if let Some(page) = me.upgrade() {
                page.show(answer);
            }
        });
        if !page.open_link() && !rule.is_empty() {
            page.checker.check(CheckRequest { rule: Some(rule.to_owned()), ..CheckRequest::default() });
        }
        page.render(None);
        Some(page)
    }
}

impl Drop for Page {
    /// Stops listening: to the worker, the elements and the window (a
    /// listener left behind would call a dropped closure).
    fn drop(&mut self) {
        self.checker.stop_listening();
        for (target, event, listener) in self.listeners.take() {
            let _ = target.remove_event_listener_with_callback(event, listener.as_ref().unchecked_ref());
        }
        if let Some(handle) = self.timer.take() {
            window().clear_timeout_with_handle(handle);
        }
        self.trees.take();
    }
}

impl Page {
    fn listen(self: &Rc<Page>) {
        let editor: &EventTarget = &self.editor;
        self.on(editor, "input", |page, _| page.send());
        self.on(editor, "paste", |page, _| {
            page.file_name.take();
        });
        self.on(editor, "dragover", |_, event| event.prevent_default());
        self.on(editor, "drop", Page::dropped);
        self.on(&self.language, "change", |page, _| page.send());
        self.on(&self.technique, "input", |page, _| page.send());
        self.on(&self.results, "click", Page::clicked);
        // A link pasted into the address bar of an open checker changes only
        // the fragment (the page stays): open it too. The page's own address
        // updates replace the state, which raises no such event.
        self.on(&window(), "hashchange", |page, _| {
            page.open_link();
        });
    }

    /// Listens to `event` on `target` for as long as the page is open.
    fn on(self: &Rc<Page>, target: &EventTarget, event: &'static str, handler: fn(&Rc<Page>, Event)) {
        let me = Rc::downgrade(self);
        let listener = Closure::<dyn Fn(Event)>::new(move |e: Event| {
            if let Some(page) = me.upgrade() {
                handler(&page, e);
            }
        });
        if target.add_event_listener_with_callback(event, listener.as_ref().unchecked_ref()).is_ok() {
            self.listeners.borrow_mut().push((target.clone(), event, listener));
        }
    }

    /// Checks the editor's text as it is now.
    fn send(&self) {
        let technique = self.technique.value().trim().to_owned();
        self.checker.check(CheckRequest {
            text: self.editor.value(),
            kind: InputKind::parse(&self.language.value()).unwrap_or_default(),
            file_name: self.file_name.borrow().clone(),
            technique: (!technique.is_empty()).then_some(technique),
            ..CheckRequest::default()
        });
    }

    /// Opens the shared link in the address, if there is one.
    fn open_link(&self) -> bool {
        let hash = window().location().hash().unwrap_or_default();
        let opened = hash.len() > 1;
        if opened {
            self.checker.check(CheckRequest { fragment: Some(hash), ..CheckRequest::default() });
        }
        opened
    }

    /// A file dropped on the editor: its text replaces the editor's.
    fn dropped(self: &Rc<Page>, event: Event) {
        let Some(file) = event
            .dyn_ref::<DragEvent>()
            .and_then(DragEvent::data_transfer)
            .and_then(|d| d.files())
            .and_then(|f| f.get(0))
        else {
            return;
        };
        event.prevent_default();
        let me = Rc::downgrade(self);
        wasm_bindgen_futures::spawn_local(async move {
            let text = JsFuture::from(file.text()).await.ok().and_then(|t| t.as_string());
            let Some(page) = me.upgrade() else { return };
            match text {
                Some(text) => {
                    page.editor.set_value(&text);
                    page.file_name.replace(Some(file.name()));
                    page.send();
                }
                None => page.show(Err(format!("{} could not be read as text.", file.name()))),
            }
        });
    }

    /// A diagnostic's place selects it in the editor.
    fn clicked(self: &Rc<Page>, event: Event) {
        let target = event.target().and_then(|t| t.dyn_into::<web_sys::Element>().ok());
        let place = target.and_then(|t| t.closest("button.place").ok().flatten());
        let offset = place.and_then(|p| p.get_attribute("data-offset")).and_then(|o| o.parse::<u32>().ok());
        if let Some(offset) = offset {
            let _ = self.editor.focus();
            let _ = self.editor.set_selection_range(offset, offset.saturating_add(1));
        }
    }

    /// An answer came: a shared link's or a rule's text fills the editor,
    /// the address takes the text once typing pauses, the answer is shown.
    fn show(&self, answer: Answer) {
        if let Ok(answer) = &answer {
            if let Some(opened) = &answer.text {
                self.editor.set_value(opened);
                self.language.set_value(answer.kind.as_str());
            }
            let base = self.links.base();
            let url = match (&answer.fragment, self.editor.value().is_empty()) {
                (Some(fragment), false) => format!("{base}/check#{fragment}"),
                _ => format!("{base}/check"),
            };
            self.url.replace(url);
            if let Some(handle) = self.timer.take() {
                window().clear_timeout_with_handle(handle);
            }
            let callback = self.on_timer.as_ref().unchecked_ref();
            self.timer
                .set(window().set_timeout_with_callback_and_timeout_and_arguments_0(callback, LINK_DELAY_MS).ok());
        }
        self.render(Some(answer));
    }

    /// Replaces the answer shown, rebuilt whole from its parts; the trees
    /// are the app's [`PredicateTree`], mounted into their places.
    fn render(&self, answer: Option<Answer>) {
        let empty = self.editor.value().trim().is_empty();
        let mut trees = Vec::new();
        let built = match &answer {
            Some(Err(message)) => element("p", "check-error", &[("role", "alert")], Some(message.as_str())),
            Some(Ok(answer)) if !empty || answer.fragment.is_none() => {
                let root = element("div", "", &[], None);
                if let Some(root) = &root {
                    for part in &answer.parts {
                        append(root, build(part, &self.links, &mut trees));
                    }
                }
                root
            }
            _ => element("p", "empty", &[], Some("The checker shows what it reads as soon as there is text.")),
        };
        // Unmount the previous answer's trees, then replace it.
        self.trees.borrow_mut().clear();
        let mounted = trees
            .into_iter()
            .map(|(place, expr)| {
                let handle = leptos::mount::mount_to(place, move || view! { <PredicateTree expr/> });
                Box::new(handle) as Box<dyn Any>
            })
            .collect();
        self.results.set_text_content(None);
        append(&self.results, built.map(Into::into));
        self.trees.replace(mounted);
    }
}

const INTRO: &str = "Paste or drop a Sigma rule, an Elastic rule (TOML) or a Splunk detection (YAML), or a bare KQL, \
    Lucene, EQL, ES|QL or SPL query. It is read by the same parsers as the catalog, in your browser: nothing is sent \
    anywhere. The address of this page holds the text, so it reopens this check and can be shared.";

/// The editor's attributes.
const EDITOR: &[(&str, &str)] = &[
    ("aria-label", "Rule text"),
    ("spellcheck", "false"),
    ("autocomplete", "off"),
    ("wrap", "off"),
    ("rows", "18"),
    ("placeholder", "title: My rule\nlogsource:\n  category: process_creation\n  product: windows\ndetection:\n  …"),
];

/// Where a tree goes, and the tree.
type Trees = Vec<(web_sys::HtmlElement, Expr)>;

/// The tags an answer may use; any other renders as a `span`.
const TAGS: &[&str] = &[
    "p", "div", "span", "section", "h2", "h3", "h4", "h5", "ul", "ol", "li", "dl", "dt", "dd", "table", "thead",
    "tbody", "tr", "th", "td", "code", "pre", "strong", "details", "summary",
];

/// Builds a part ([`Part`] as JSON, externally tagged) as DOM nodes: text
/// as text, elements of the known tags with their class and known
/// attributes, links to app views, trees (left for the caller to mount) and
/// places in the text (buttons). Anything else is left out.
fn build(part: &JsValue, links: &Links, trees: &mut Trees) -> Option<web_sys::Node> {
    if let Some(text) = field(part, "t").as_string() {
        return Some(document().create_text_node(&text).into());
    }
    let e = field(part, "e");
    if e.is_object() {
        let tag = field(&e, "tag").as_string().unwrap_or_default();
        let tag = TAGS.iter().find(|t| **t == tag).copied().unwrap_or("span");
        let class = field(&e, "class").as_string().unwrap_or_default();
        let node = element(tag, &class, &[], None)?;
        for pair in items(&field(&e, "attrs")) {
            let pair = items(&pair);
            let (Some(name), Some(value)) =
                (pair.first().and_then(JsValue::as_string), pair.get(1).and_then(JsValue::as_string))
            else {
                continue;
            };
            if matches!(name.as_str(), "title" | "role" | "aria-label" | "scope") || name.starts_with("data-") {
                let _ = node.set_attribute(&name, &value);
            }
        }
        for part in items(&field(&e, "parts")) {
            append(&node, build(&part, links, trees));
        }
        return Some(node.into());
    }
    let link = items(&field(part, "a"));
    if let [target, parts] = link.as_slice() {
        let node = element("a", "", &[("href", &href(target, links)?)], None)?;
        for part in items(parts) {
            append(&node, build(&part, links, trees));
        }
        return Some(node.into());
    }
    if let Some(json) = field(part, "g").as_string() {
        let node = element("div", "check-tree", &[("data-logic", &json)], None)?;
        match serde_json::from_str::<Expr>(&json) {
            Ok(expr) => trees.push((node.clone().unchecked_into(), expr)),
            Err(error) => node.set_text_content(Some(&format!("The tree could not be read: {error}"))),
        }
        return Some(node.into());
    }
    let place = items(&field(part, "p"));
    if let [offset, label] = place.as_slice() {
        let offset = (offset.as_f64()? as u32).to_string();
        let attrs = [("type", "button"), ("data-offset", offset.as_str())];
        return element("button", "place", &attrs, label.as_string().as_deref()).map(Into::into);
    }
    None
}

/// The address of a link's [`Target`] (JSON, externally tagged).
fn href(target: &JsValue, links: &Links) -> Option<String> {
    if let Some(id) = field(target, "rule").as_string() {
        return Some(links.rule(&id));
    }
    if let Some(id) = field(target, "technique").as_string() {
        return Some(links.technique(&id));
    }
    if let Some(id) = field(target, "guide").as_string() {
        return Some(links.guide(&id));
    }
    let rules = items(&field(target, "rules"));
    let [key, exclusion] = rules.as_slice() else { return None };
    let key = IndicatorKey {
        field: field(key, "field").as_string()?.into(),
        op: Op::parse(&field(key, "op").as_string()?)?,
        value: field(key, "value").as_string()?,
    };
    let polarity = if exclusion.as_bool() == Some(true) { Polarity::Exclusion } else { Polarity::Indicator };
    Some(links.rules_with_key(None, &key, polarity))
}

/// A new element with a class, attributes and text.
fn element(tag: &str, class: &str, attrs: &[(&str, &str)], text: Option<&str>) -> Option<web_sys::Element> {
    let node = document().create_element(tag).ok()?;
    if !class.is_empty() {
        node.set_class_name(class);
    }
    for (name, value) in attrs {
        let _ = node.set_attribute(name, value);
    }
    if let Some(text) = text {
        node.set_text_content(Some(text));
    }
    Some(node)
}

fn append(parent: &web_sys::Element, child: Option<web_sys::Node>) {
    if let Some(child) = child {
        let _ = parent.append_child(&child);
    }
}

/// Replaces the address without a navigation (no history entry, no reload).
fn replace_url(url: &str) {
    if let Ok(history) = window().history() {
        let _ = history.replace_state_with_url(&JsValue::NULL, "", Some(url));
    }
}
