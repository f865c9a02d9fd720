//! A detection's YAML metadata (everything but the logic of its `search`)
//! and how it fills the catalog's [`Rule`].

use atlas_catalog::{Rule, Vendor};

use crate::outcome::{empty_rule, technique_id};
use crate::yaml::Yaml;

/// The keys of a detection file Rule Atlas reads; others are ignored.
/// Every value is read as text whatever its YAML type (`confidence: 80`,
/// `date: 2024-05-20`) and lists may be written as one scalar, so metadata of
/// an unexpected shape never rejects a detection.
#[derive(Debug, Default)]
pub struct Detection {
    pub name: Option<String>,
    pub id: Option<String>,
    pub version: Option<String>,
    pub date: Option<String>,
    pub author: Option<String>,
    pub status: Option<String>,
    pub kind: Option<String>,
    pub description: Option<String>,
    pub data_source: Vec<String>,
    /// A misspelling found in a few files.
    pub data_sources: Vec<String>,
    pub datamodel: Vec<String>,
    pub search: Option<String>,
    pub how_to_implement: Option<String>,
    pub known_false_positives: Option<String>,
    pub references: Vec<String>,
    pub cve: Vec<String>,
    pub tags: Tags,
}

#[derive(Debug, Default)]
pub struct Tags {
    pub analytic_story: Vec<String>,
    pub asset_type: Option<String>,
    pub confidence: Option<String>,
    pub impact: Option<String>,
    pub risk_score: Option<String>,
    pub mitre_attack_id: Vec<String>,
    pub cve: Vec<String>,
    pub security_domain: Option<String>,
}

/// Trimmed text of an optional scalar, `None` when absent or empty.
fn text(value: &Option<String>) -> Option<String> {
    value.as_ref().map(|t| t.trim().to_owned()).filter(|t| !t.is_empty())
}

/// A scalar's text as written (untrimmed), `None` when absent or null.
fn raw(doc: &Yaml, key: &str) -> Option<String> {
    doc.get(key).and_then(Yaml::scalar_text)
}

impl Tags {
    /// `tags` of an unexpected shape are ignored: they hold metadata, not logic.
    fn from_yaml(tags: Option<&Yaml>) -> Tags {
        let Some(tags) = tags.filter(|t| t.is_map()) else { return Tags::default() };
        Tags {
            analytic_story: tags.texts("analytic_story"),
            asset_type: raw(tags, "asset_type"),
            confidence: raw(tags, "confidence"),
            impact: raw(tags, "impact"),
            risk_score: raw(tags, "risk_score"),
            mitre_attack_id: tags.texts("mitre_attack_id"),
            cve: tags.texts("cve"),
            security_domain: raw(tags, "security_domain"),
        }
    }
}

impl Detection {
    /// Reads a detection file's document.
    pub fn from_yaml(doc: &Yaml) -> Detection {
        Detection {
            name: raw(doc, "name"),
            id: raw(doc, "id"),
            version: raw(doc, "version"),
            date: raw(doc, "date"),
            author: raw(doc, "author"),
            status: raw(doc, "status"),
            kind: raw(doc, "type"),
            description: raw(doc, "description"),
            data_source: doc.texts("data_source"),
            data_sources: doc.texts("data_sources"),
            datamodel: doc.texts("datamodel"),
            search: raw(doc, "search"),
            how_to_implement: raw(doc, "how_to_implement"),
            known_false_positives: raw(doc, "known_false_positives"),
            references: doc.texts("references"),
            cve: doc.texts("cve"),
            tags: Tags::from_yaml(doc.get("tags")),
        }
    }

    /// Whether the file looks like a detection at all (a YAML mapping
    /// without any of `name`, `id` and `search` is something else).
    pub fn is_detection(&self) -> bool {
        self.name.is_some() || self.id.is_some() || self.search.is_some()
    }

    pub fn is_deprecated(&self) -> bool {
        text(&self.status).is_some_and(|s| s.eq_ignore_ascii_case("deprecated"))
    }

    /// The SPL, when there is any.
    pub fn search(&self) -> Option<&str> {
        self.search.as_deref().filter(|s| !s.trim().is_empty())
    }

    pub fn how_to_implement(&self) -> Option<String> {
        text(&self.how_to_implement)
    }

    /// The data sources named in `data_source` (or the misspelled key).
    pub fn data_sources(&self) -> impl Iterator<Item = &String> {
        self.data_source.iter().chain(&self.data_sources).filter(|s| !s.trim().is_empty())
    }

    /// The catalog rule for this detection, without its logic.
    pub fn to_rule(&self, rel_path: &str) -> Rule {
        let id = text(&self.id).unwrap_or_else(|| rel_path.to_owned());
        let title = text(&self.name).unwrap_or_else(|| file_stem(rel_path));
        let url = crate::repository(Vendor::Splunk).file_url(rel_path);
        let mut rule = empty_rule(Vendor::Splunk, id, title, rel_path, url, "spl");
        rule.description = text(&self.description).unwrap_or_default();
        rule.kind = text(&self.kind);
        rule.maturity = text(&self.status);
        rule.date = text(&self.date);
        rule.authors = text(&self.author)
            .map(|a| a.split(", ").map(str::trim).filter(|s| !s.is_empty()).map(str::to_owned).collect())
            .unwrap_or_default();
        rule.references = nonempty(&self.references);
        rule.false_positives = text(&self.known_false_positives).into_iter().collect();
        rule.techniques = techniques(&self.tags.mitre_attack_id);
        rule.tags = self.tags();
        rule.log_source = self.log_source();
        rule.attributes = self.attributes();
        rule
    }

    fn tags(&self) -> Vec<String> {
        let stories = self.tags.analytic_story.iter().map(|s| format!("story: {}", s.trim()));
        let cves = self.cve.iter().chain(&self.tags.cve).map(|c| c.trim().to_owned());
        dedup(stories.chain(cves).filter(|t| !t.is_empty() && t != "story: "))
    }

    fn log_source(&self) -> Vec<(String, String)> {
        let models = self.datamodel.iter().map(|m| ("data model".to_owned(), m.trim().to_owned()));
        let sources = self.data_sources().map(|s| ("data source".to_owned(), s.trim().to_owned()));
        dedup(models.chain(sources))
    }

    fn attributes(&self) -> Vec<(String, String)> {
        let mut out: Vec<(String, String)> =
            self.tags.analytic_story.iter().map(|s| ("analytic story".to_owned(), s.trim().to_owned())).collect();
        let single = [
            ("security domain", &self.tags.security_domain),
            ("asset type", &self.tags.asset_type),
            ("risk score", &self.tags.risk_score),
            ("confidence", &self.tags.confidence),
            ("impact", &self.tags.impact),
            ("version", &self.version),
        ];
        out.extend(single.into_iter().filter_map(|(label, value)| text(value).map(|v| (label.to_owned(), v))));
        dedup(out.into_iter().filter(|(_, v)| !v.is_empty()))
    }
}

/// Technique IDs as tagged, normalized and without duplicates.
fn techniques(ids: &[String]) -> Vec<String> {
    dedup(ids.iter().filter_map(|id| technique_id(id)))
}

fn nonempty(items: &[String]) -> Vec<String> {
    dedup(items.iter().map(|s| s.trim().to_owned()).filter(|s| !s.is_empty()))
}

/// Keeps the first of equal items, in order.
pub fn dedup<T: PartialEq>(items: impl IntoIterator<Item = T>) -> Vec<T> {
    let mut out = Vec::new();
    for item in items {
        if !out.contains(&item) {
            out.push(item);
        }
    }
    out
}

fn file_stem(rel_path: &str) -> String {
    let name = rel_path.rsplit('/').next().unwrap_or(rel_path);
    name.strip_suffix(".yml").unwrap_or(name).to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    const DETECTION: &str = r#"name: Example Detection
id: 11111111-2222-3333-4444-555555555555
version: 3
date: '2024-05-20'
author: Jane Doe, Splunk
status: production
type: TTP
data_source:
- Sysmon EventID 1
- Windows Event Log Security 4688
description: Finds things.
search: '| tstats count from datamodel=Endpoint.Processes'
how_to_implement: Ingest things.
known_false_positives: Admins.
references:
- https://example.com/a
tags:
  analytic_story:
  - Story One
  cve:
  - CVE-2021-44228
  confidence: 80
  mitre_attack_id:
  - T1059.001
  - t1059
  - not-a-technique
  risk_score: 64
  security_domain: endpoint
"#;

    fn parse(text: &str) -> Detection {
        let docs = crate::yaml::parse_documents(text).expect("fixture parses");
        Detection::from_yaml(&docs[0])
    }

    #[test]
    fn metadata_fills_the_rule() {
        let detection = parse(DETECTION);
        let rule = detection.to_rule("detections/endpoint/example.yml");
        assert_eq!(rule.id, "11111111-2222-3333-4444-555555555555");
        assert_eq!(rule.title, "Example Detection");
        assert_eq!(rule.url, "https://github.com/splunk/security_content/blob/develop/detections/endpoint/example.yml");
        assert_eq!(rule.kind.as_deref(), Some("TTP"));
        assert_eq!(rule.maturity.as_deref(), Some("production"));
        assert_eq!(rule.authors, ["Jane Doe", "Splunk"]);
        assert_eq!(rule.date.as_deref(), Some("2024-05-20"));
        assert_eq!(rule.techniques, ["T1059.001", "T1059"]);
        assert_eq!(rule.tags, ["story: Story One", "CVE-2021-44228"]);
        assert_eq!(rule.false_positives, ["Admins."]);
        assert_eq!(
            rule.log_source,
            [
                ("data source".to_owned(), "Sysmon EventID 1".to_owned()),
                ("data source".into(), "Windows Event Log Security 4688".into())
            ]
        );
        assert!(rule.attributes.contains(&("risk score".into(), "64".into())));
        assert!(rule.attributes.contains(&("analytic story".into(), "Story One".into())));
        assert!(rule.attributes.contains(&("security domain".into(), "endpoint".into())));
        assert_eq!(rule.language, "spl");
        assert!(!detection.is_deprecated());
        assert_eq!(detection.how_to_implement().as_deref(), Some("Ingest things."));
    }

    #[test]
    fn odd_shapes_are_tolerated() {
        let detection = parse(
            "name: x\nreferences: https://one\ndata_source:\ntags:\n  mitre_attack_id: T1003\nstatus: Deprecated\n",
        );
        assert_eq!(detection.references, ["https://one"]);
        assert!(detection.data_source.is_empty());
        assert_eq!(detection.tags.mitre_attack_id, ["T1003"]);
        assert!(detection.is_deprecated());
        let odd_tags = parse("name: x\ntags: just text\n");
        assert!(odd_tags.tags.mitre_attack_id.is_empty());
        assert!(odd_tags.is_detection());
        let not_one = parse("description: x\n");
        assert!(!not_one.is_detection());
    }
}
