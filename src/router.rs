//! The app's router: path routes under the document base, links intercepted
//! so that following one does not reload the page, Back and Forward.
//!
//! It does what the app used of leptos_router, the same way (the link rules
//! and scrolling follow leptos_router 0.8's `BrowserUrl`), for ~110 KB less
//! WASM. The current URL lives in two signals; a page reads its `:id` with
//! [`id_param`] and query parameters with [`query_param`].

use leptos::prelude::*;
use wasm_bindgen::{JsCast, JsValue};

/// The views the app routes to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Route {
    /// `/`
    Coverage,
    /// `/technique/:id`
    Technique,
    /// `/technique/:id/guide`
    Guide,
    /// `/rule/:id`
    Rule,
    /// `/rules`
    Rules,
    /// `/event/:id`
    Event,
    /// Any other path.
    NotFound,
}

impl Route {
    /// The route of a URL path (`/rule-atlas/technique/T1204`) under `base`
    /// (`/rule-atlas`, or empty at the root), and its `:id` as written in the
    /// path (still percent-encoded). A path outside the base is not found.
    pub fn matching<'a>(base: &str, path: &'a str) -> (Route, &'a str) {
        let path = if base.is_empty() {
            Some(path)
        } else {
            path.trim_start_matches('/').strip_prefix(base.trim_start_matches('/'))
        };
        let Some(path) = path else { return (Route::NotFound, "") };
        // One trailing slash is allowed, as leptos_router allows it.
        let path = path.strip_suffix('/').unwrap_or(path);
        if path.is_empty() {
            return (Route::Coverage, "");
        }
        let Some(path) = path.strip_prefix('/') else { return (Route::NotFound, "") };
        let mut segments = path.split('/');
        let route = match (segments.next(), segments.next(), segments.next(), segments.next()) {
            (Some("rules"), None, ..) => (Route::Rules, ""),
            (Some("technique"), Some(id), None, _) => (Route::Technique, id),
            (Some("technique"), Some(id), Some("guide"), None) => (Route::Guide, id),
            (Some("rule"), Some(id), None, _) => (Route::Rule, id),
            (Some("event"), Some(id), None, _) => (Route::Event, id),
            _ => (Route::NotFound, ""),
        };
        if route.0 != Route::Rules && route.1.is_empty() { (Route::NotFound, "") } else { route }
    }
}

/// The current URL, in context from [`Router::provide`] on.
#[derive(Clone, Copy)]
pub struct Router {
    base: StoredValue<String>,
    /// `location.pathname`, percent-encoded as the browser keeps it.
    pathname: RwSignal<String>,
    /// `location.search` without its `?`.
    search: RwSignal<String>,
    /// The route of `pathname` and its `:id`, decoded.
    matched: Memo<(Route, String)>,
    /// The route alone, so that a new `:id` does not rebuild the page.
    route: Memo<Route>,
}

impl Router {
    /// Reads the current URL, listens for link clicks and history moves, and
    /// puts the router in context. `base` is the document base's path without
    /// its trailing slash.
    pub fn provide(base: String) -> Router {
        let (pathname, search) = current_url();
        let pathname = RwSignal::new(pathname);
        let base = StoredValue::new(base);
        let matched = Memo::new(move |_| {
            pathname.with(|path| {
                let (route, id) = base.with_value(|base| Route::matching(base, path));
                (route, decode_component(id))
            })
        });
        let route = Memo::new(move |_| matched.with(|(route, _)| *route));
        let router = Router { base, pathname, search: RwSignal::new(search), matched, route };
        provide_context(router);
        let _ = window_event_listener(leptos::ev::popstate, move |_| router.sync());
        let _ = window_event_listener(leptos::ev::click, move |ev| router.on_click(&ev));
        router
    }

    /// The route to render; changes only when the route does, not its `:id`.
    pub fn route(self) -> Route {
        self.route.get()
    }

    /// Goes to `href`, a path that carries the base (`/rule-atlas/rules?op=eq`),
    /// pushing a history entry (unless it is the current URL) or replacing the
    /// current one; then scrolls to the `#fragment` or, if `scroll`, to the top.
    pub fn navigate(self, href: &str, replace: bool, scroll: bool) {
        let Ok(history) = window().history() else { return };
        let pushed = if replace {
            history.replace_state_with_url(&JsValue::NULL, "", Some(href))
        } else if !is_current(href) {
            history.push_state_with_url(&JsValue::NULL, "", Some(href))
        } else {
            Ok(())
        };
        if pushed.is_err() {
            // Not a URL of this document: let the browser go there.
            let _ = window().location().set_href(href);
            return;
        }
        self.sync();
        // After the new view has rendered (its effects run first), as
        // leptos_router does, so that a `#fragment` it holds is there.
        leptos::task::spawn_local(async move { scroll_to_fragment(scroll) });
    }

    /// Sets one query parameter of the current view (an empty value removes
    /// it), replacing the current history entry rather than adding one.
    pub fn set_query(self, name: &str, value: &str) {
        let path = self.pathname.get_untracked();
        let mut pairs: Vec<(String, String)> =
            self.search.with_untracked(|s| query_pairs(s)).into_iter().filter(|(key, _)| key != name).collect();
        pairs.push((name.to_owned(), value.to_owned()));
        let borrowed: Vec<(&str, &str)> = pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        let target = format!("{path}{}", crate::url::query_string(&borrowed));
        self.navigate(&target, true, false);
    }

    /// Sets the signals from the address bar (after a navigation or a history
    /// move), leaving unchanged parts untouched.
    fn sync(self) {
        let (pathname, search) = current_url();
        if self.pathname.with_untracked(|p| *p != pathname) {
            self.pathname.set(pathname);
        }
        if self.search.with_untracked(|s| *s != search) {
            self.search.set(search);
        }
    }

    /// Follows a click on a link within the app without reloading, unless the
    /// browser should handle it: a modified or non-primary click, a link with a
    /// target, `download` or `rel="external"`, or one leaving the origin or the
    /// base path.
    fn on_click(self, ev: &web_sys::MouseEvent) {
        if ev.default_prevented()
            || ev.button() != 0
            || ev.meta_key()
            || ev.alt_key()
            || ev.ctrl_key()
            || ev.shift_key()
        {
            return;
        }
        let Some(element) = ev.target().and_then(|t| t.dyn_into::<web_sys::Element>().ok()) else { return };
        let Some(a) = element.closest("a").ok().flatten().and_then(|a| a.dyn_into::<web_sys::HtmlAnchorElement>().ok())
        else {
            return;
        };
        let href = a.href();
        if !a.target().is_empty() || href.is_empty() || a.has_attribute("download") {
            return;
        }
        if a.get_attribute("rel").is_some_and(|rel| rel.split([' ', '\t']).any(|r| r == "external")) {
            return;
        }
        let Ok(origin) = window().location().origin() else { return };
        let Ok(url) = web_sys::Url::new_with_base(&href, &origin) else { return };
        let path = decode_uri(&url.pathname());
        let outside = self.base.with_value(|base| !base.is_empty() && !path.is_empty() && !path.starts_with(base));
        if url.origin() != origin || outside {
            return;
        }
        ev.prevent_default();
        let scroll = !a.has_attribute("noscroll") && !a.has_attribute("data-noscroll");
        self.navigate(&format!("{path}{}{}", url.search(), url.hash()), false, scroll);
    }
}

/// `location.pathname` and `location.search` without its `?`.
fn current_url() -> (String, String) {
    let location = window().location();
    let pathname = location.pathname().unwrap_or_default();
    let search = location.search().unwrap_or_default();
    let search = search.strip_prefix('?').map(str::to_owned).unwrap_or(search);
    (pathname, search)
}

/// Whether `href` names the URL the document is at.
fn is_current(href: &str) -> bool {
    let location = window().location();
    let (Ok(here), Ok(origin)) = (location.href(), location.origin()) else { return false };
    web_sys::Url::new_with_base(href, &origin).is_ok_and(|url| url.href() == here)
}

/// Scrolls to the element the URL's `#fragment` names, else to the top if
/// asked to.
fn scroll_to_fragment(scroll: bool) {
    let hash = window().location().hash().unwrap_or_default();
    let id = hash.strip_prefix('#').filter(|id| !id.is_empty());
    if let Some(element) = id.and_then(|id| document().get_element_by_id(&decode_uri(id))) {
        element.scroll_into_view();
        return;
    }
    if scroll {
        window().scroll_to_with_x_and_y(0.0, 0.0);
    }
}

/// `decodeURI`: escapes of reserved characters (`%2F`, `%3F`…) stay.
fn decode_uri(text: &str) -> String {
    js_sys::decode_uri(text).map_or_else(|_| text.to_owned(), String::from)
}

/// `decodeURIComponent`, or the text as is when it is not a valid encoding.
fn decode_component(text: &str) -> String {
    percent_decode(text.as_bytes()).and_then(|bytes| String::from_utf8(bytes).ok()).unwrap_or_else(|| text.to_owned())
}

/// The bytes `%XX` escapes stand for; `None` on a malformed escape.
fn percent_decode(text: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(text.len());
    let mut i = 0;
    while let Some(&byte) = text.get(i) {
        if byte == b'%' {
            out.push(hex_byte(text.get(i + 1..i + 3)?)?);
            i += 3;
        } else {
            out.push(byte);
            i += 1;
        }
    }
    Some(out)
}

/// The pairs of a query string (`a=1&b=x%20y`), decoded as browsers decode
/// forms (`URLSearchParams`): `+` is a space, and a malformed escape or byte
/// sequence is kept rather than rejected.
pub fn query_pairs(search: &str) -> Vec<(String, String)> {
    let decode = |text: &str| {
        let text = text.replace('+', " ");
        let bytes = text.as_bytes();
        let mut out = Vec::with_capacity(bytes.len());
        let mut i = 0;
        while let Some(&byte) = bytes.get(i) {
            match bytes.get(i + 1..i + 3).filter(|_| byte == b'%').and_then(hex_byte) {
                Some(escaped) => {
                    out.push(escaped);
                    i += 3;
                }
                None => {
                    out.push(byte);
                    i += 1;
                }
            }
        }
        String::from_utf8_lossy(&out).into_owned()
    };
    search
        .split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            (decode(name), decode(value))
        })
        .collect()
}

/// The byte two hex digits spell.
fn hex_byte(hex: &[u8]) -> Option<u8> {
    let digit = |b: &u8| char::from(*b).to_digit(16);
    match hex {
        [high, low] => u8::try_from(digit(high)? * 16 + digit(low)?).ok(),
        _ => None,
    }
}

/// The router in context.
pub fn use_router() -> Router {
    expect_context::<Router>()
}

/// The current page's `:id` route parameter, decoded. It follows the URL
/// while the route stays the one the page was made for, so a page being
/// replaced does not render another route's id.
pub fn id_param() -> Memo<String> {
    let matched = use_router().matched;
    let route = matched.with_untracked(|(route, _)| *route);
    Memo::new(move |previous: Option<&String>| {
        matched.with(|(now, id)| if *now == route { id.clone() } else { previous.cloned().unwrap_or_default() })
    })
}

/// The value of a query parameter, empty when absent.
pub fn query_param(name: &'static str) -> Memo<String> {
    let search = use_router().search;
    Memo::new(move |_| {
        search.with(|s| query_pairs(s).into_iter().find(|(key, _)| key == name).map(|(_, v)| v).unwrap_or_default())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn routes_under_the_base() {
        let base = "/rule-atlas";
        assert_eq!(Route::matching(base, "/rule-atlas/"), (Route::Coverage, ""));
        assert_eq!(Route::matching(base, "/rule-atlas"), (Route::Coverage, ""));
        assert_eq!(Route::matching(base, "/rule-atlas/technique/T1204"), (Route::Technique, "T1204"));
        assert_eq!(Route::matching(base, "/rule-atlas/technique/T1204/"), (Route::Technique, "T1204"));
        assert_eq!(Route::matching(base, "/rule-atlas/technique/T1204/guide"), (Route::Guide, "T1204"));
        assert_eq!(Route::matching(base, "/rule-atlas/rule/a-b"), (Route::Rule, "a-b"));
        assert_eq!(Route::matching(base, "/rule-atlas/rules"), (Route::Rules, ""));
        assert_eq!(
            Route::matching(base, "/rule-atlas/event/m365%3AConsent%20x."),
            (Route::Event, "m365%3AConsent%20x.")
        );
        for path in [
            "/rule-atlas/no/such/page",
            "/rule-atlas/technique",
            "/rule-atlas/technique/",
            "/other/technique/T1",
            "/rule-atlas/rules/x",
            "/rule-atlas/technique//guide",
            "/rule-atlas/technique/T1/guide/x",
        ] {
            assert_eq!(Route::matching(base, path).0, Route::NotFound, "{path}");
        }
        assert_eq!(Route::matching("", "/"), (Route::Coverage, ""));
        assert_eq!(Route::matching("", "/rule/x"), (Route::Rule, "x"));
    }

    #[test]
    fn ids_and_queries_decode_as_browsers_do() {
        assert_eq!(decode_component("m365%3AConsent%20to%20application."), "m365:Consent to application.");
        assert_eq!(decode_component("a+b"), "a+b");
        assert_eq!(decode_component("100%"), "100%");
        assert_eq!(decode_component("%FF"), "%FF");
        assert_eq!(
            query_pairs("field=process.executable&value=%2A%5Ctemp%5C%2A%26x&q=a+b&bad=%zz%&e=&flag"),
            [
                ("field", "process.executable"),
                ("value", r"*\temp\*&x"),
                ("q", "a b"),
                ("bad", "%zz%"),
                ("e", ""),
                ("flag", ""),
            ]
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
        );
        assert_eq!(query_pairs("x=%C3%A9%FF").remove(0).1, "é\u{FFFD}");
        assert!(query_pairs("").is_empty());
    }
}
