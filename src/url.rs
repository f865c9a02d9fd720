//! The URL is the app's state: the document base (so the app works under a
//! sub-path), the hrefs of every view, and the query parameters, named once.
//!
//! Links are plain `<a href>` with the base already applied: the router
//! intercepts clicks on them, and they still open in a new tab.

use atlas_catalog::IndicatorKey;
use atlas_catalog::Polarity;

/// Query parameter names, in one place.
pub mod param {
    /// Vendors shown in the matrix (`sigma,elastic`).
    pub const VENDOR: &str = "vendor";
    /// ATT&CK platform the matrix is filtered to.
    pub const PLATFORM: &str = "platform";
    /// Search text.
    pub const QUERY: &str = "q";
    /// Cell order in the matrix (`rules`).
    pub const ORDER: &str = "order";
    /// The coverage gap the matrix is limited to (`single`, `none`,
    /// `elastic-not-splunk`).
    pub const GAP: &str = "gap";
    /// Rules list: technique scope, field, operator, value, and `exclusion`.
    pub const TECHNIQUE: &str = "technique";
    pub const FIELD: &str = "field";
    pub const OP: &str = "op";
    pub const VALUE: &str = "value";
    pub const KIND: &str = "kind";
    /// A catalog event id: the matrix counts, or the rules list holds, only
    /// rules that read it.
    pub const EVENT: &str = "event";
    /// The checker: the catalog rule whose text it starts from.
    pub const RULE: &str = "rule";
}

/// The rules a guide-style table row was computed over, for its links.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    /// The rules under a technique.
    Technique(String),
    /// The rules that read an event (or one of its per-call events).
    Event(String),
}

/// The path of the document base without its trailing slash: `""` at the
/// root, `/rule-atlas` under `trunk build --public-url /rule-atlas/`.
pub fn base_path() -> String {
    let base = leptos::prelude::document().base_uri().ok().flatten().unwrap_or_default();
    path_of(&base)
}

/// The path part of an absolute URL, without trailing slash.
fn path_of(url: &str) -> String {
    let after_scheme = url.split_once("://").map_or(url, |(_, rest)| rest);
    let path = after_scheme.find('/').map_or("", |i| &after_scheme[i..]);
    let path = path.split(['?', '#']).next().unwrap_or_default();
    path.trim_end_matches('/').to_owned()
}

/// Builds app hrefs under the document base.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Links {
    base: String,
}

impl Links {
    pub fn new(base: String) -> Links {
        Links { base }
    }

    pub fn base(&self) -> &str {
        &self.base
    }

    pub fn home(&self) -> String {
        format!("{}/", self.base)
    }

    pub fn about(&self) -> String {
        format!("{}/about", self.base)
    }

    /// Value search (`?q=` holds the query).
    pub fn values(&self) -> String {
        format!("{}/values", self.base)
    }

    pub fn technique(&self, id: &str) -> String {
        format!("{}/technique/{}", self.base, encode(id))
    }

    pub fn guide(&self, id: &str) -> String {
        format!("{}/technique/{}/guide", self.base, encode(id))
    }

    pub fn rule(&self, id: &str) -> String {
        format!("{}/rule/{}", self.base, encode(id))
    }

    /// The checker, empty or with a shared check in the fragment.
    pub fn check(&self) -> String {
        format!("{}/check", self.base)
    }

    /// The checker, starting from a catalog rule's text.
    pub fn check_rule(&self, id: &str) -> String {
        format!("{}/check{}", self.base, query_string(&[(param::RULE, id)]))
    }

    /// A catalog event; its id may hold spaces, `/`, `:` and `.`.
    pub fn event(&self, id: &str) -> String {
        format!("{}/event/{}", self.base, encode(id))
    }

    /// The coverage matrix counting only the rules that read an event.
    pub fn coverage_of_event(&self, id: &str) -> String {
        format!("{}/{}", self.base, query_string(&[(param::EVENT, id)]))
    }

    /// The rules in a scope that test a field.
    pub fn rules_with_field(&self, scope: &Scope, field: &str) -> String {
        let scope = match scope {
            Scope::Technique(id) => (param::TECHNIQUE, id.as_str()),
            Scope::Event(id) => (param::EVENT, id.as_str()),
        };
        self.rules(&[(param::FIELD, field), scope])
    }

    /// The rules under `technique` (or in the catalog) that use a triple.
    pub fn rules_with_key(&self, technique: Option<&str>, key: &IndicatorKey, polarity: Polarity) -> String {
        let mut pairs =
            vec![(param::FIELD, &*key.field), (param::OP, key.op.as_str()), (param::VALUE, key.value.as_str())];
        if polarity == Polarity::Exclusion {
            pairs.push((param::KIND, "exclusion"));
        }
        pairs.extend(technique.map(|t| (param::TECHNIQUE, t)));
        self.rules(&pairs)
    }

    fn rules(&self, pairs: &[(&str, &str)]) -> String {
        format!("{}/rules{}", self.base, query_string(pairs))
    }
}

/// `?a=1&b=2`, skipping empty values; empty when nothing is left.
pub fn query_string(pairs: &[(&str, &str)]) -> String {
    let mut out = String::new();
    for (name, value) in pairs.iter().filter(|(_, v)| !v.is_empty()) {
        out.push(if out.is_empty() { '?' } else { '&' });
        out.push_str(&encode(name));
        out.push('=');
        out.push_str(&encode(value));
    }
    out
}

/// Navigates clicks on app links whose path holds an encoded `%` (`%25`).
///
/// leptos_router 0.8 decodes a clicked link's path with `decodeURI` before it
/// navigates, which turns `%25` into a bare `%`: an id holding `%` (catalog
/// data, so possibly) is then decoded twice and not found, although the same
/// link opened in a new tab works. This listener runs before the router's
/// (on the document, the router's is on the window) and navigates such links
/// with their path as written; every other click is left to the router.
/// Call once, inside the router.
pub fn navigate_percent_links() {
    use leptos::ev::MouseEvent;
    use leptos_router::NavigateOptions;
    use wasm_bindgen::JsCast;
    use wasm_bindgen::closure::Closure;

    let navigate = leptos_router::hooks::use_navigate();
    let on_click = Closure::<dyn Fn(MouseEvent)>::new(move |ev: MouseEvent| {
        if ev.default_prevented()
            || ev.button() != 0
            || ev.meta_key()
            || ev.alt_key()
            || ev.ctrl_key()
            || ev.shift_key()
        {
            return;
        }
        let Some(target) = ev.target().and_then(|t| t.dyn_into::<web_sys::Element>().ok()) else { return };
        let Ok(Some(link)) = target.closest("a[href*='%25']:not([target]):not([download])") else { return };
        let Some(href) = link.get_attribute("href") else { return };
        // App links are absolute paths on this origin (`Links`).
        if !href.starts_with('/') || href.starts_with("//") {
            return;
        }
        ev.prevent_default();
        navigate(&href, NavigateOptions { resolve: false, ..Default::default() });
    });
    let _ = leptos::prelude::document().add_event_listener_with_callback("click", on_click.as_ref().unchecked_ref());
    // The app lives as long as the page.
    on_click.forget();
}

/// Percent-encodes everything but unreserved characters (RFC 3986), so a
/// value such as `*\temp\*` or `a&b` survives a round trip through the URL
/// (the catalog crate's, which the exports' links use too).
pub use atlas_catalog::export::encode;

/// The URL when it is safe to link to from catalog text: `http(s)` only, so
/// a `javascript:` or `data:` URL in a rule or description stays text.
pub fn external(url: &str) -> Option<&str> {
    let url = url.trim();
    let scheme = url.split_once("://").map(|(s, _)| s.to_ascii_lowercase());
    matches!(scheme.as_deref(), Some("http" | "https")).then_some(url)
}

/// Sets the page title of the current view.
pub fn set_title(title: &str) {
    leptos::prelude::document().set_title(&format!("{title} · Rule Atlas"));
}

#[cfg(test)]
mod tests {
    use super::*;
    use atlas_catalog::Op;

    #[test]
    fn base_is_the_path_of_the_document_base() {
        assert_eq!(path_of("http://127.0.0.1:8080/"), "");
        assert_eq!(path_of("https://x.github.io/rule-atlas/"), "/rule-atlas");
        assert_eq!(path_of("https://x.github.io/rule-atlas/?q=1#/t"), "/rule-atlas");
        assert_eq!(path_of("file:///srv/dist/index.html"), "/srv/dist/index.html");
    }

    #[test]
    fn hrefs_carry_the_base_and_encode_values() {
        let links = Links::new("/rule-atlas".into());
        assert_eq!(links.technique("T1059.001"), "/rule-atlas/technique/T1059.001");
        assert_eq!(links.guide("T1204"), "/rule-atlas/technique/T1204/guide");
        assert_eq!(links.check_rule("a b/%"), "/rule-atlas/check?rule=a%20b%2F%25");
        let key = IndicatorKey { field: "process.executable".into(), op: Op::Wildcard, value: r"*\temp\*&x".into() };
        assert_eq!(
            links.rules_with_key(Some("T1204"), &key, Polarity::Exclusion),
            "/rule-atlas/rules?field=process.executable&op=wildcard&value=%2A%5Ctemp%5C%2A%26x&kind=exclusion&technique=T1204"
        );
        assert_eq!(Links::new(String::new()).home(), "/");
        assert_eq!(
            links.rules_with_field(&Scope::Technique("T1204".into()), "file.path"),
            "/rule-atlas/rules?field=file.path&technique=T1204"
        );
    }

    #[test]
    fn event_ids_are_one_path_segment() {
        let links = Links::new("/rule-atlas".into());
        assert_eq!(links.event("sysmon-1"), "/rule-atlas/event/sysmon-1");
        assert_eq!(links.event("m365:Consent to application."), "/rule-atlas/event/m365%3AConsent%20to%20application.");
        assert_eq!(
            links.event("azure-activity:MICROSOFT.COMPUTE/SNAPSHOTS/DELETE"),
            "/rule-atlas/event/azure-activity%3AMICROSOFT.COMPUTE%2FSNAPSHOTS%2FDELETE"
        );
        assert_eq!(
            links.coverage_of_event("aws-cloudtrail:ConsoleLogin"),
            "/rule-atlas/?event=aws-cloudtrail%3AConsoleLogin"
        );
        assert_eq!(
            links.rules_with_field(&Scope::Event("okta:user.session.start".into()), ""),
            "/rule-atlas/rules?event=okta%3Auser.session.start"
        );
        assert_eq!(query_string(&[("q", ""), ("vendor", "")]), "");
    }

    #[test]
    fn only_web_links_from_catalog_text() {
        assert_eq!(external(" https://attack.mitre.org/x "), Some("https://attack.mitre.org/x"));
        assert!(external("javascript:alert(1)").is_none());
        assert!(external("JavaScript://%0aalert(1)").is_none());
        assert!(external("data:text/html,x").is_none());
        assert!(external("Internal Research").is_none());
    }
}
