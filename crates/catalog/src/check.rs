//! The messages between the app and its checker: the checker is a web worker
//! (`crates/checker`) holding the front ends and a copy of the atlas, so that
//! neither the parsers nor the checker's views load with the app's other
//! views. The app posts a [`CheckRequest`] as JSON; the worker answers with
//! a [`CheckAnswer`]: the answer as [`Part`]s, a small view model (elements,
//! text, links to app views, predicate trees, places in the text) that the
//! app renders as it is, text as text.

use serde::{Deserialize, Serialize};

use crate::indicator::IndicatorKey;
use crate::object::deserialize_object;

/// The worker's first message, once it can take requests: messages posted
/// to a worker before its WASM has started are lost, so the app holds its
/// requests until then.
pub const READY: &str = "ready";

/// What a text is to be read as: a rule file of a vendor, a bare query of
/// one language, or whatever it looks like.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum InputKind {
    #[default]
    Auto,
    Sigma,
    ElasticToml,
    Kql,
    Lucene,
    Eql,
    Esql,
    SplunkYaml,
    Spl,
}

impl InputKind {
    /// In the order of the checker's menu.
    pub const ALL: [InputKind; 9] = [
        InputKind::Auto,
        InputKind::Sigma,
        InputKind::ElasticToml,
        InputKind::Kql,
        InputKind::Lucene,
        InputKind::Eql,
        InputKind::Esql,
        InputKind::SplunkYaml,
        InputKind::Spl,
    ];

    /// The name in JSON and in a shared link.
    pub fn as_str(self) -> &'static str {
        match self {
            InputKind::Auto => "auto",
            InputKind::Sigma => "sigma",
            InputKind::ElasticToml => "elastic-toml",
            InputKind::Kql => "kql",
            InputKind::Lucene => "lucene",
            InputKind::Eql => "eql",
            InputKind::Esql => "esql",
            InputKind::SplunkYaml => "splunk-yaml",
            InputKind::Spl => "spl",
        }
    }

    pub fn parse(text: &str) -> Option<InputKind> {
        InputKind::ALL.into_iter().find(|kind| kind.as_str() == text)
    }

    /// For people.
    pub fn label(self) -> &'static str {
        match self {
            InputKind::Auto => "Recognize",
            InputKind::Sigma => "Sigma rule (YAML)",
            InputKind::ElasticToml => "Elastic rule (TOML)",
            InputKind::Kql => "KQL query",
            InputKind::Lucene => "Lucene query",
            InputKind::Eql => "EQL query",
            InputKind::Esql => "ES|QL query",
            InputKind::SplunkYaml => "Splunk detection (YAML)",
            InputKind::Spl => "SPL search",
        }
    }
}

/// One message to the checker.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckRequest {
    /// Echoed in the answer, so the app keeps only the latest.
    pub seq: u32,
    /// The text to check (ignored with a `fragment`).
    #[serde(default)]
    pub text: String,
    #[serde(default)]
    pub kind: InputKind,
    /// The name of a dropped file: its extension tells its vendor.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file_name: Option<String>,
    /// A shared link's fragment (after `#`) to open instead of `text`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fragment: Option<String>,
    /// The technique whose guide to compare with, instead of those the rule
    /// tags.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub technique: Option<String>,
    /// A catalog rule to check instead of `text`: the checker loads its
    /// text (`/check?rule=<id>`, a rule page's "Open in checker") and
    /// answers with it, as for a `fragment`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rule: Option<String>,
}

/// The checker's answer.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct CheckAnswer {
    pub seq: u32,
    /// The text checked, when it came from a `fragment` (to fill the editor).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    /// The kind asked for (a fragment's own when one was opened).
    pub kind: InputKind,
    /// The fragment that reopens this check (`v1.<kind>.<data>`); none when
    /// the text is too long for a link, or could not be checked.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fragment: Option<String>,
    /// The answer to show.
    pub parts: Vec<Part>,
}
deserialize_object!(CheckAnswer { seq, text: default, kind: default, fragment: default, parts: default });

/// A piece of an answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Part {
    /// Text, shown as text.
    #[serde(rename = "t")]
    Text(String),
    /// An element of the answer's few kinds (the app renders the tags and
    /// attributes it knows, and nothing else).
    #[serde(rename = "e")]
    Element(Element),
    /// A link to a view of the app.
    #[serde(rename = "a")]
    Link(Target, Vec<Part>),
    /// A rule's predicate tree, as JSON in the contract form `rule-atlas
    /// explain` prints (docs/catalog-format.md).
    #[serde(rename = "g")]
    Tree(String),
    /// A place in the checked text (UTF-16 offset, as an editor counts) and
    /// its label; the app selects it in the editor when it is clicked.
    #[serde(rename = "p")]
    Place(u32, String),
}

/// An element: tag, class, attributes (`title`, `role`, `aria-label`,
/// `data-*`) and content.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Element {
    pub tag: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub class: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub attrs: Vec<(String, String)>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub parts: Vec<Part>,
}
deserialize_object!(Element { tag, class: default, attrs: default, parts: default });

/// The app view a link goes to; the app writes the URL.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Target {
    #[serde(rename = "rule")]
    Rule(String),
    #[serde(rename = "technique")]
    Technique(String),
    #[serde(rename = "guide")]
    Guide(String),
    /// The rules in the catalog using a triple, as an indicator or (with
    /// `true`) as an exclusion.
    #[serde(rename = "rules")]
    Rules(IndicatorKey, bool),
}

impl Part {
    pub fn text(text: impl Into<String>) -> Part {
        Part::Text(text.into())
    }

    /// The text of the part and all it holds, for tests and summaries.
    pub fn plain_text(&self) -> String {
        let mut out = String::new();
        self.write_text(&mut out);
        out
    }

    fn write_text(&self, out: &mut String) {
        match self {
            Part::Text(text) | Part::Place(_, text) => out.push_str(text),
            Part::Element(element) => element.parts.iter().for_each(|p| p.write_text(out)),
            Part::Link(_, parts) => parts.iter().for_each(|p| p.write_text(out)),
            Part::Tree(_) => {}
        }
    }
}

impl Element {
    pub fn new(tag: &str, class: &str) -> Element {
        Element { tag: tag.to_owned(), class: class.to_owned(), ..Element::default() }
    }

    pub fn attr(mut self, name: &str, value: impl Into<String>) -> Element {
        self.attrs.push((name.to_owned(), value.into()));
        self
    }

    pub fn text(self, text: impl Into<String>) -> Element {
        self.part(Part::Text(text.into()))
    }

    pub fn child(self, child: Element) -> Element {
        self.part(Part::Element(child))
    }

    pub fn part(mut self, part: Part) -> Element {
        self.parts.push(part);
        self
    }

    pub fn parts(mut self, parts: impl IntoIterator<Item = Part>) -> Element {
        self.parts.extend(parts);
        self
    }

    pub fn children(self, children: impl IntoIterator<Item = Element>) -> Element {
        self.parts(children.into_iter().map(Part::Element))
    }

    /// Adds the child when there is one.
    pub fn maybe(self, child: Option<Element>) -> Element {
        match child {
            Some(child) => self.child(child),
            None => self,
        }
    }
}

impl From<Element> for Part {
    fn from(element: Element) -> Part {
        Part::Element(element)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::predicate::Op;

    #[test]
    fn kinds_round_trip_by_name() {
        for kind in InputKind::ALL {
            assert_eq!(InputKind::parse(kind.as_str()), Some(kind));
            let json = serde_json::to_string(&kind).unwrap();
            assert_eq!(json, format!("\"{}\"", kind.as_str()));
        }
        assert_eq!(InputKind::parse("yaml"), None);
    }

    #[test]
    fn requests_and_answers_read_back() {
        let request = CheckRequest { seq: 1, text: "a".into(), kind: InputKind::Spl, ..CheckRequest::default() };
        let json = serde_json::to_string(&request).unwrap();
        assert_eq!(json, r#"{"seq":1,"text":"a","kind":"spl"}"#);
        assert_eq!(serde_json::from_str::<CheckRequest>(&json).unwrap(), request);
        // Every field, and text that needs escapes.
        let request = CheckRequest {
            seq: 7,
            text: "title: \"x\"\n\tdetection: \\ \u{1}é".into(),
            kind: InputKind::Sigma,
            file_name: Some("a.yml".into()),
            fragment: Some("v1.sigma.eJw".into()),
            technique: Some("T1059".into()),
            rule: Some("r1".into()),
        };
        assert_eq!(serde_json::from_str::<CheckRequest>(&serde_json::to_string(&request).unwrap()).unwrap(), request);
        let bare = CheckRequest { seq: 2, ..CheckRequest::default() };
        assert_eq!(serde_json::from_str::<CheckRequest>(&serde_json::to_string(&bare).unwrap()).unwrap(), bare);

        let key = IndicatorKey { field: "process.name".into(), op: Op::Eq, value: "mshta.exe".into() };
        let answer = CheckAnswer {
            seq: 3,
            kind: InputKind::Kql,
            fragment: Some("v1.kql.eJw".into()),
            parts: vec![
                Element::new("p", "check-summary").attr("data-seq", "3").text("Read as ").into(),
                Part::Link(Target::Rules(key, false), vec![Part::text("4")]),
                Part::Tree(r#"{"and":[]}"#.into()),
                Part::Place(7, "line 2, column 3".into()),
            ],
            ..CheckAnswer::default()
        };
        let json = serde_json::to_string(&answer).unwrap();
        assert_eq!(serde_json::from_str::<CheckAnswer>(&json).unwrap(), answer);
        assert_eq!(answer.parts.iter().map(Part::plain_text).collect::<String>(), "Read as 4line 2, column 3");
    }
}
