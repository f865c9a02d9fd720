//! A detection's YAML metadata (everything but the logic of its `search`)
//! and how it fills the catalog's [`Rule`].

use std::fmt;

use atlas_catalog::{Rule, Vendor};
use serde::Deserialize;
use serde::de::{self, Deserializer, Visitor};

use crate::frontend::{empty_rule, technique_id};

/// Where rule links point.
pub const REPOSITORY: &str = "https://github.com/splunk/security_content";
pub const BRANCH: &str = "develop";

/// A scalar read as text whatever its YAML type (`confidence: 80`,
/// `version: 3`, `date: 2024-05-20`), so that metadata of an unexpected type
/// never rejects a detection.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Text(pub String);

impl Text {
    pub fn into_string(self) -> String {
        self.0
    }
}

impl<'de> Deserialize<'de> for Text {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(TextVisitor)
    }
}

struct TextVisitor;

impl<'de> Visitor<'de> for TextVisitor {
    type Value = Text;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a scalar")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Text, E> {
        Ok(Text(v.to_owned()))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<Text, E> {
        Ok(Text(v))
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Text, E> {
        Ok(Text(v.to_string()))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Text, E> {
        Ok(Text(v.to_string()))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Text, E> {
        Ok(Text(v.to_string()))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Text, E> {
        Ok(Text(v.to_string()))
    }

    fn visit_unit<E: de::Error>(self) -> Result<Text, E> {
        Ok(Text::default())
    }

    fn visit_none<E: de::Error>(self) -> Result<Text, E> {
        Ok(Text::default())
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Text, D::Error> {
        deserializer.deserialize_any(TextVisitor)
    }
}

/// A list of scalars that may also be written as one scalar or `null`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Texts(pub Vec<String>);

impl<'de> Deserialize<'de> for Texts {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Shape {
            Many(Vec<Option<Text>>),
            One(Text),
        }
        Ok(match Option::<Shape>::deserialize(deserializer)? {
            Some(Shape::Many(items)) => {
                Texts(items.into_iter().flatten().map(Text::into_string).collect())
            }
            Some(Shape::One(text)) => Texts(vec![text.into_string()]),
            None => Texts::default(),
        })
    }
}

/// The keys of a detection file Rule Atlas reads; others are ignored.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct Detection {
    pub name: Option<Text>,
    pub id: Option<Text>,
    pub version: Option<Text>,
    pub date: Option<Text>,
    pub author: Option<Text>,
    pub status: Option<Text>,
    #[serde(rename = "type")]
    pub kind: Option<Text>,
    pub description: Option<Text>,
    pub data_source: Texts,
    /// A misspelling found in a few files.
    pub data_sources: Texts,
    pub datamodel: Texts,
    pub search: Option<Text>,
    pub how_to_implement: Option<Text>,
    pub known_false_positives: Option<Text>,
    pub references: Texts,
    pub cve: Texts,
    #[serde(deserialize_with = "lenient_tags")]
    pub tags: Tags,
}

/// `tags` of an unexpected shape are ignored rather than rejecting the
/// whole detection: they hold metadata, not logic.
fn lenient_tags<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Tags, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Shape {
        Tags(Tags),
        Other(de::IgnoredAny),
    }
    Ok(match Option::<Shape>::deserialize(deserializer)? {
        Some(Shape::Tags(tags)) => tags,
        Some(Shape::Other(_)) | None => Tags::default(),
    })
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct Tags {
    pub analytic_story: Texts,
    pub asset_type: Option<Text>,
    pub confidence: Option<Text>,
    pub impact: Option<Text>,
    pub risk_score: Option<Text>,
    pub mitre_attack_id: Texts,
    pub cve: Texts,
    pub security_domain: Option<Text>,
}

/// Trimmed text of an optional scalar, `None` when absent or empty.
fn text(value: &Option<Text>) -> Option<String> {
    value
        .as_ref()
        .map(|t| t.0.trim().to_owned())
        .filter(|t| !t.is_empty())
}

impl Detection {
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
        self.search
            .as_ref()
            .map(|t| t.0.as_str())
            .filter(|s| !s.trim().is_empty())
    }

    pub fn how_to_implement(&self) -> Option<String> {
        text(&self.how_to_implement)
    }

    /// The data sources named in `data_source` (or the misspelled key).
    pub fn data_sources(&self) -> impl Iterator<Item = &String> {
        self.data_source
            .0
            .iter()
            .chain(&self.data_sources.0)
            .filter(|s| !s.trim().is_empty())
    }

    /// The catalog rule for this detection, without its logic.
    pub fn to_rule(&self, rel_path: &str) -> Rule {
        let id = text(&self.id).unwrap_or_else(|| rel_path.to_owned());
        let title = text(&self.name).unwrap_or_else(|| file_stem(rel_path));
        let url = format!("{REPOSITORY}/blob/{BRANCH}/{rel_path}");
        let mut rule = empty_rule(Vendor::Splunk, id, title, rel_path, url, "spl");
        rule.description = text(&self.description).unwrap_or_default();
        rule.kind = text(&self.kind);
        rule.maturity = text(&self.status);
        rule.date = text(&self.date);
        rule.authors = text(&self.author)
            .map(|a| {
                a.split(", ")
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_default();
        rule.references = nonempty(&self.references.0);
        rule.false_positives = text(&self.known_false_positives).into_iter().collect();
        rule.techniques = techniques(&self.tags.mitre_attack_id.0);
        rule.tags = self.tags();
        rule.log_source = self.log_source();
        rule.attributes = self.attributes();
        rule
    }

    fn tags(&self) -> Vec<String> {
        let stories = self
            .tags
            .analytic_story
            .0
            .iter()
            .map(|s| format!("story: {}", s.trim()));
        let cves = self
            .cve
            .0
            .iter()
            .chain(&self.tags.cve.0)
            .map(|c| c.trim().to_owned());
        dedup(
            stories
                .chain(cves)
                .filter(|t| !t.is_empty() && t != "story: "),
        )
    }

    fn log_source(&self) -> Vec<(String, String)> {
        let models = self
            .datamodel
            .0
            .iter()
            .map(|m| ("data model".to_owned(), m.trim().to_owned()));
        let sources = self
            .data_sources()
            .map(|s| ("data source".to_owned(), s.trim().to_owned()));
        dedup(models.chain(sources))
    }

    fn attributes(&self) -> Vec<(String, String)> {
        let mut out: Vec<(String, String)> = self
            .tags
            .analytic_story
            .0
            .iter()
            .map(|s| ("analytic story".to_owned(), s.trim().to_owned()))
            .collect();
        let single = [
            ("security domain", &self.tags.security_domain),
            ("asset type", &self.tags.asset_type),
            ("risk score", &self.tags.risk_score),
            ("confidence", &self.tags.confidence),
            ("impact", &self.tags.impact),
            ("version", &self.version),
        ];
        out.extend(
            single
                .into_iter()
                .filter_map(|(label, value)| text(value).map(|v| (label.to_owned(), v))),
        );
        dedup(out.into_iter().filter(|(_, v)| !v.is_empty()))
    }
}

/// Technique IDs as tagged, normalized and without duplicates.
fn techniques(ids: &[String]) -> Vec<String> {
    dedup(ids.iter().filter_map(|id| technique_id(id)))
}

fn nonempty(items: &[String]) -> Vec<String> {
    dedup(
        items
            .iter()
            .map(|s| s.trim().to_owned())
            .filter(|s| !s.is_empty()),
    )
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

    #[test]
    fn metadata_fills_the_rule() {
        let detection: Detection = serde_saphyr::from_str(DETECTION).expect("fixture parses");
        let rule = detection.to_rule("detections/endpoint/example.yml");
        assert_eq!(rule.id, "11111111-2222-3333-4444-555555555555");
        assert_eq!(rule.title, "Example Detection");
        assert_eq!(
            rule.url,
            "https://github.com/splunk/security_content/blob/develop/detections/endpoint/example.yml"
        );
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
                (
                    "data source".into(),
                    "Windows Event Log Security 4688".into()
                )
            ]
        );
        assert!(
            rule.attributes
                .contains(&("risk score".into(), "64".into()))
        );
        assert!(
            rule.attributes
                .contains(&("analytic story".into(), "Story One".into()))
        );
        assert!(
            rule.attributes
                .contains(&("security domain".into(), "endpoint".into()))
        );
        assert_eq!(rule.language, "spl");
        assert!(!detection.is_deprecated());
        assert_eq!(
            detection.how_to_implement().as_deref(),
            Some("Ingest things.")
        );
    }

    #[test]
    fn odd_shapes_are_tolerated() {
        let detection: Detection =
            serde_saphyr::from_str("name: x\nreferences: https://one\ndata_source:\ntags:\n  mitre_attack_id: T1003\nstatus: Deprecated\n").expect("fixture parses");
        assert_eq!(detection.references.0, ["https://one"]);
        assert!(detection.data_source.0.is_empty());
        assert_eq!(detection.tags.mitre_attack_id.0, ["T1003"]);
        assert!(detection.is_deprecated());
        let odd_tags: Detection =
            serde_saphyr::from_str("name: x\ntags: just text\n").expect("tags are lenient");
        assert!(odd_tags.tags.mitre_attack_id.0.is_empty());
        assert!(odd_tags.is_detection());
        let not_one: Detection = serde_saphyr::from_str("description: x\n").expect("parses");
        assert!(!not_one.is_detection());
    }
}
