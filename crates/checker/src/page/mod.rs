//! `/check`'s page: the editor, the language and technique controls, and
//! the answer rendered from the worker's parts. It runs on the page's main
//! thread in this same module (the worker is another instance of it), so
//! the app's own WASM carries none of it: the app's `/check` view only
//! loads this module and gives it a place (`src/pages/check.rs`), and lends
//! it what only the app has through `window.__ruleAtlas(name, …)` — the URL
//! of an app view for a link target (`href`), and its predicate tree
//! component (`mountTree`, `unmountTrees`).
//!
//! The text lives in the URL fragment (`/check#v1.<kind>.<deflated text>`),
//! so a link reopens the check and nothing is sent anywhere;
//! `/check?rule=<id>` starts from a catalog rule's text, which the worker
//! loads. Text is only ever set as text; elements are of a few known tags
//! with a few known attributes.

mod client;

use std::cell::{Cell, RefCell};
use std::rc::{Rc, Weak};

use atlas_catalog::check::{CheckRequest, InputKind, Part, Target};
use js_sys::{Function, Reflect};
use wasm_bindgen::prelude::Closure;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{
    Document, DragEvent, Event, EventTarget, HtmlElement, HtmlInputElement, HtmlSelectElement, HtmlTextAreaElement,
    Window,
};

pub use client::js_message;
use client::{Answer, Checker};

/// How long the URL waits for typing to pause before it takes the text
/// (browsers limit how often a page may replace its URL).
const LINK_DELAY_MS: i32 = 400;

thread_local! {
    /// The open page, if any.
    static PAGE: RefCell<Option<Rc<Page>>> = const { RefCell::new(None) };
}

/// Builds the page into `root` (replacing what it holds) and starts the
/// first check: a shared link's, the catalog rule `rule`'s, or none. `base`
/// is the app's base path.
pub fn open(root: &HtmlElement, base: &str, rule: &str) {
    close();
    root.set_text_content(None);
    let page = Page::mount(root, base, rule);
    PAGE.set(page);
}

/// Closes the open page: its listeners go, the worker stays for the next.
pub fn close() {
    drop(PAGE.take());
}

fn window() -> Window {
    web_sys::window().expect("a page has a window")
}

fn document() -> Document {
    window().document().expect("a page has a document")
}

/// An event listener: where, which event, the handler.
type Listener = (EventTarget, &'static str, Closure<dyn Fn(Event)>);

/// The page's elements and what it keeps between answers.
struct Page {
    editor: HtmlTextAreaElement,
    language: HtmlSelectElement,
    technique: HtmlInputElement,
    results: HtmlElement,
    /// The app's base path.
    base: String,
    checker: Checker,
    /// The name of a dropped file or opened rule (its extension tells the
    /// vendor); a paste forgets it.
    file_name: RefCell<Option<String>>,
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
    fn mount(root: &HtmlElement, base: &str, rule: &str) -> Option<Rc<Page>> {
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
                base: base.to_owned(),
                checker: Checker::get(base),
                file_name: RefCell::new(None),
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
        bridge("unmountTrees", &[]);
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
            let base = &self.base;
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
    /// are the app's predicate tree component, mounted into their places.
    fn render(&self, answer: Option<Answer>) {
        let empty = self.editor.value().trim().is_empty();
        let mut trees = Vec::new();
        let built = match &answer {
            Some(Err(message)) => element("p", "check-error", &[("role", "alert")], Some(message.as_str())),
            Some(Ok(answer)) if !empty || answer.fragment.is_none() => {
                let root = element("div", "", &[], None);
                if let Some(root) = &root {
                    for part in &answer.parts {
                        append(root, build(part, &mut trees));
                    }
                }
                root
            }
            _ => element("p", "empty", &[], Some("The checker shows what it reads as soon as there is text.")),
        };
        // Unmount the previous answer's trees, then replace it.
        bridge("unmountTrees", &[]);
        self.results.set_text_content(None);
        append(&self.results, built.map(Into::into));
        for (place, json) in trees {
            bridge("mountTree", &[place.into(), JsValue::from_str(&json)]);
        }
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

/// Where a tree goes, and the tree as JSON.
type Trees = Vec<(web_sys::Element, String)>;

/// The tags an answer may use; any other renders as a `span`.
const TAGS: &[&str] = &[
    "p", "div", "span", "section", "h2", "h3", "h4", "h5", "ul", "ol", "li", "dl", "dt", "dd", "table", "thead",
    "tbody", "tr", "th", "td", "code", "pre", "strong", "details", "summary",
];

/// Builds a part as DOM nodes: text as text, elements of the known tags
/// with their class and known attributes, links to app views (their URL
/// from the app), trees (left for the caller to mount: where, and the tree
/// as JSON) and places in the text (buttons).
fn build(part: &Part, trees: &mut Trees) -> Option<web_sys::Node> {
    match part {
        Part::Text(text) => Some(document().create_text_node(text).into()),
        Part::Element(e) => {
            let tag = TAGS.iter().find(|t| **t == e.tag).copied().unwrap_or("span");
            let attrs: Vec<(&str, &str)> = e
                .attrs
                .iter()
                .filter(|(name, _)| {
                    matches!(name.as_str(), "title" | "role" | "aria-label" | "scope") || name.starts_with("data-")
                })
                .map(|(name, value)| (name.as_str(), value.as_str()))
                .collect();
            let node = element(tag, &e.class, &attrs, None)?;
            for part in &e.parts {
                append(&node, build(part, trees));
            }
            Some(node.into())
        }
        Part::Link(target, parts) => {
            let node = element("a", "", &[("href", &href(target)?)], None)?;
            for part in parts {
                append(&node, build(part, trees));
            }
            Some(node.into())
        }
        Part::Tree(json) => {
            let node = element("div", "check-tree", &[("data-logic", json)], None)?;
            trees.push((node.clone(), json.clone()));
            Some(node.into())
        }
        Part::Place(offset, label) => {
            let attrs = [("type", "button"), ("data-offset", &offset.to_string())];
            element("button", "place", &attrs, Some(label)).map(Into::into)
        }
    }
}

/// The URL of an app view, as the app writes it.
fn href(target: &Target) -> Option<String> {
    let text = |t: &str| JsValue::from_str(t);
    let args = match target {
        Target::Rule(id) => [text("rule"), text(id), text(""), text(""), JsValue::FALSE],
        Target::Technique(id) => [text("technique"), text(id), text(""), text(""), JsValue::FALSE],
        Target::Guide(id) => [text("guide"), text(id), text(""), text(""), JsValue::FALSE],
        Target::Rules(key, exclusion) => {
            [text("rules"), text(&key.field), text(key.op.as_str()), text(&key.value), JsValue::from_bool(*exclusion)]
        }
    };
    bridge("href", &args).as_string()
}

/// Calls what the app lends the page: `window.__ruleAtlas(name, args…)`;
/// `undefined` when it lends nothing.
fn bridge(name: &str, args: &[JsValue]) -> JsValue {
    let Some(lent) =
        Reflect::get(&window(), &JsValue::from_str("__ruleAtlas")).ok().and_then(|f| f.dyn_into::<Function>().ok())
    else {
        return JsValue::UNDEFINED;
    };
    let args: js_sys::Array = std::iter::once(JsValue::from_str(name)).chain(args.iter().cloned()).collect();
    lent.apply(&JsValue::NULL, &args).unwrap_or(JsValue::UNDEFINED)
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
