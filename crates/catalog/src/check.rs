//! The messages between the app and its checker: the checker is a web worker
//! (`crates/checker`) holding the front ends, so that no parser code loads
//! with the app's other views. The app posts a [`CheckRequest`] as JSON and
//! the worker answers with a [`CheckResponse`]; the app renders the answer
//! and holds it against the atlas with this crate's aggregations
//! (`aggregate::draft_keys`, `guide_check`, `similar`).

use serde::{Deserialize, Serialize};

use crate::model::{ParseStatus, Vendor};
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
    /// The text of the catalog's `macros.json`, sent once; the checker keeps
    /// the macros for every later request.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub macros: Option<String>,
}

/// The checker's answer.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct CheckResponse {
    pub seq: u32,
    /// The text checked, when it came from a `fragment` (to fill the editor).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    /// The kind asked for (a fragment's own when one was opened).
    pub kind: InputKind,
    /// What the text was read as, for people (`Sigma rule file`, `KQL query`).
    pub read_as: String,
    /// The text did not say what it is: `read_as` is a guess.
    pub guessed: bool,
    /// The rules read, in file order.
    pub rules: Vec<CheckedRule>,
    /// Diagnostics about the text rather than one of its rules.
    pub diagnostics: Vec<CheckDiagnostic>,
    /// Why the text is deliberately not read (a deprecated rule, a macro file).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub skipped: Option<String>,
    /// The fragment that reopens this check (`v1.<kind>.<data>`); none when
    /// the text is too long for a link.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fragment: Option<String>,
    /// What kept the request from being checked at all (a damaged link, a
    /// text over the size limit, a malformed request).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// How many macro definitions the checker holds.
    pub macros: u32,
    /// Time spent in the worker, in milliseconds.
    pub took_ms: u32,
}
deserialize_object!(CheckResponse {
    seq,
    text: default,
    kind: default,
    read_as: default,
    guessed: default,
    rules: default,
    diagnostics: default,
    skipped: default,
    fragment: default,
    error: default,
    macros: default,
    took_ms: default
});

/// One rule as the front end read it: what `rule-atlas explain` prints, and
/// its diagnostics.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CheckedRule {
    pub id: String,
    pub title: String,
    pub vendor: Vendor,
    /// The query language (`sigma`, `kuery`, `eql`, `esql`, `spl`…).
    pub language: String,
    /// As tagged (the app resolves revoked IDs against the catalog's ATT&CK).
    pub techniques: Vec<String>,
    pub status: ParseStatus,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// The predicate tree in the contract form `explain` prints
    /// (docs/catalog-format.md), as JSON text; none when there is no logic.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub logic: Option<String>,
    pub log_source: Vec<(String, String)>,
    pub diagnostics: Vec<CheckDiagnostic>,
}
deserialize_object!(CheckedRule {
    id,
    title,
    vendor,
    language: default,
    techniques: default,
    status,
    reason: default,
    logic: default,
    log_source: default,
    diagnostics: default
});

/// A finding, with where it is in the text when known.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CheckDiagnostic {
    /// `error`, `warning` or `info`.
    pub severity: String,
    /// Short and stable (`EQL syntax error`, `undefined macro`).
    pub category: String,
    pub message: String,
    /// 1-based.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<u32>,
    /// 1-based, in characters.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub column: Option<u32>,
}
deserialize_object!(CheckDiagnostic { severity, category, message, line: default, column: default });

#[cfg(test)]
mod tests {
    use super::*;

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
    fn answers_read_back() {
        let response = CheckResponse {
            seq: 3,
            kind: InputKind::Kql,
            read_as: "KQL query".into(),
            rules: vec![CheckedRule {
                id: "draft".into(),
                title: "Draft query".into(),
                vendor: Vendor::Elastic,
                language: "kuery".into(),
                techniques: vec![],
                status: ParseStatus::Error,
                reason: Some("x".into()),
                logic: None,
                log_source: vec![("index".into(), "logs-*".into())],
                diagnostics: vec![CheckDiagnostic {
                    severity: "error".into(),
                    category: "KQL syntax error".into(),
                    message: "m".into(),
                    line: Some(1),
                    column: Some(4),
                }],
            }],
            fragment: Some("v1.kql.eJw".into()),
            ..CheckResponse::default()
        };
        let json = serde_json::to_string(&response).unwrap();
        assert_eq!(serde_json::from_str::<CheckResponse>(&json).unwrap(), response);
        let request = CheckRequest { seq: 1, text: "a".into(), kind: InputKind::Spl, ..CheckRequest::default() };
        let json = serde_json::to_string(&request).unwrap();
        assert_eq!(json, r#"{"seq":1,"text":"a","kind":"spl"}"#);
        assert_eq!(serde_json::from_str::<CheckRequest>(&json).unwrap(), request);
    }
}
