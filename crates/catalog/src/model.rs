//! The catalog: what the builder writes and the app reads
//! (docs/catalog-format.md describes every field and the versioning rule).

use serde::{Deserialize, Serialize};

use crate::fields::FieldDef;
use crate::object::deserialize_object;
use crate::predicate::Expr;

/// Written into every catalog; bumped on any change a reader must know about.
pub const FORMAT_VERSION: u32 = 1;
/// The `format` tag that tells a Rule Atlas catalog from other JSON.
pub const FORMAT_NAME: &str = "rule-atlas-catalog";

/// The rule repositories Rule Atlas reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Vendor {
    Sigma,
    Elastic,
    Splunk,
}

impl Vendor {
    pub const ALL: [Vendor; 3] = [Vendor::Sigma, Vendor::Elastic, Vendor::Splunk];

    /// The name shown to people.
    pub fn label(self) -> &'static str {
        match self {
            Vendor::Sigma => "Sigma",
            Vendor::Elastic => "Elastic",
            Vendor::Splunk => "Splunk",
        }
    }

    /// The name used in JSON and URLs.
    pub fn as_str(self) -> &'static str {
        match self {
            Vendor::Sigma => "sigma",
            Vendor::Elastic => "elastic",
            Vendor::Splunk => "splunk",
        }
    }

    pub fn parse(text: &str) -> Option<Vendor> {
        Vendor::ALL.into_iter().find(|v| v.as_str().eq_ignore_ascii_case(text))
    }
}

/// How much of a rule's logic the front end understood.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ParseStatus {
    /// All of the logic is in the predicate tree.
    Parsed,
    /// The tree holds the logic that was understood; `reason` names the rest.
    Partial,
    /// A rule form Rule Atlas does not read (correlation, legacy aggregation…).
    Unsupported,
    /// The rule is malformed; `reason` says how.
    Error,
    /// The rule has no query to read (Elastic machine-learning rules).
    NoQuery,
}

impl ParseStatus {
    pub const ALL: [ParseStatus; 5] =
        [ParseStatus::Parsed, ParseStatus::Partial, ParseStatus::Unsupported, ParseStatus::Error, ParseStatus::NoQuery];

    pub fn as_str(self) -> &'static str {
        match self {
            ParseStatus::Parsed => "parsed",
            ParseStatus::Partial => "partial",
            ParseStatus::Unsupported => "unsupported",
            ParseStatus::Error => "error",
            ParseStatus::NoQuery => "no_query",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            ParseStatus::NoQuery => "no query logic",
            other => other.as_str(),
        }
    }
}

/// The whole catalog file (`catalog.json`).
#[derive(Debug, Clone, Serialize)]
pub struct Catalog {
    /// Always [`FORMAT_NAME`].
    pub format: String,
    /// [`FORMAT_VERSION`] of the writer.
    pub version: u32,
    /// Builder name and version.
    pub generator: String,
    /// The repositories the catalog was built from.
    pub sources: Vec<Source>,
    pub attack: Attack,
    /// The field table the builder used.
    pub fields: Vec<FieldDef>,
    /// The event catalog: the log event types rules read.
    #[serde(default)]
    pub events: Vec<Event>,
    pub rules: Vec<Rule>,
    /// Rule texts and long sections live in `details/<n>.json` shards; see
    /// [`detail_shard`].
    pub detail_shards: u32,
    /// Built from the repository's own fixture rules (the demo the app
    /// ships with), not from the public repositories.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub demo: bool,
}
deserialize_object!(Catalog {
    format,
    version,
    generator,
    sources,
    attack,
    fields,
    events: default,
    rules,
    detail_shards,
    demo: default
});

/// One rule repository read into the catalog.
#[derive(Debug, Clone, Serialize)]
pub struct Source {
    pub vendor: Vendor,
    /// Upstream repository, for links (`https://github.com/SigmaHQ/sigma`).
    pub repository: String,
    /// Branch or commit links point at.
    pub revision: String,
    pub rules: u32,
    /// The commit the rules were read at, when the source was a git checkout.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub commit: Option<String>,
    /// That commit's date (ISO 8601).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub committed: Option<String>,
}
deserialize_object!(Source { vendor, repository, revision, rules, commit: default, committed: default });

impl Source {
    /// The commit's first 12 characters, as people cite commits.
    pub fn short_commit(&self) -> Option<&str> {
        self.commit.as_deref().map(|c| c.get(..12).unwrap_or(c))
    }

    /// The commit's page upstream, for a GitHub-style repository address.
    pub fn commit_url(&self) -> Option<String> {
        let commit = self.commit.as_deref().filter(|c| c.bytes().all(|b| b.is_ascii_hexdigit()))?;
        Some(format!("{}/commit/{commit}", self.repository.trim_end_matches('/')))
    }

    /// The day of the commit (`2026-11-30`).
    pub fn day(&self) -> Option<&str> {
        self.committed.as_deref().and_then(|d| d.get(..10))
    }
}

/// The ATT&CK knowledge base, as far as the catalog needs it.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Attack {
    /// ATT&CK release (`18.1`).
    pub version: String,
    /// The day the bundle was released (`2025-10-28`), when it says.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
    /// Tactics in matrix order.
    pub tactics: Vec<Tactic>,
    /// Techniques and sub-techniques (deprecated ones flagged, revoked ones
    /// left out: see `revoked`).
    pub techniques: Vec<Technique>,
    /// Revoked technique ID → the ID that replaces it.
    #[serde(default)]
    pub revoked: Vec<(String, String)>,
    /// Data components (`DC0032` Process Creation) with the log sources
    /// ATT&CK names for them.
    #[serde(default)]
    pub data_components: Vec<DataComponent>,
}
deserialize_object!(Attack { version, date: default, tactics, techniques, revoked: default, data_components: default });

/// An ATT&CK data component: a kind of telemetry, with the log sources
/// (`WinEventLog:Sysmon` / `EventCode=1`) ATT&CK's analytics name for it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DataComponent {
    /// `DC0032`
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub description: String,
    /// (name, channel) pairs.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub log_sources: Vec<(String, String)>,
}
deserialize_object!(DataComponent { id, name, description: default, log_sources: default });

impl Attack {
    /// The tactic a tag names: rules tag tactics by shortname (Sigma's
    /// `execution`, as techniques list them) or by ID (Elastic's `TA0002`).
    pub fn tactic(&self, tag: &str) -> Option<&Tactic> {
        self.tactics.iter().find(|t| t.shortname == tag || t.id == tag)
    }

    /// A tactic's display name (`Execution`), or the tag itself when ATT&CK
    /// does not know it.
    pub fn tactic_name<'a>(&'a self, tag: &'a str) -> &'a str {
        self.tactic(tag).map_or(tag, |t| t.name.as_str())
    }

    /// The data component with this ID (`DC0032`).
    pub fn data_component(&self, id: &str) -> Option<&DataComponent> {
        self.data_components.iter().find(|c| c.id == id)
    }
}

/// One concrete log event type rules read (Sysmon 1, Security 4688, a
/// CloudTrail API call…), from the event catalog (docs/events.md).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Event {
    /// Stable id used in URLs (`sysmon-1`, `win-security-4688`).
    pub id: String,
    /// `Process creation`
    pub name: String,
    /// The log source family (`Sysmon`, `Windows Security`, `AWS CloudTrail`).
    pub source: String,
    /// `windows`, `linux`, `macos`, `cloud`, `identity`, `saas`, `network`…
    pub platform: String,
    /// Event id or API call within the source (`1`, `4688`, `ConsoleLogin`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    /// Log channel or dataset (`Microsoft-Windows-Sysmon/Operational`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub channel: Option<String>,
    #[serde(default)]
    pub description: String,
    /// ATT&CK data components the event is telemetry for.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub data_components: Vec<String>,
    /// Canonical fields the event carries.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<String>,
    /// The service-level event a per-call event belongs to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent: Option<String>,
}
deserialize_object!(Event {
    id,
    name,
    source,
    platform,
    code: default,
    channel: default,
    description: default,
    data_components: default,
    fields: default,
    parent: default
});

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Tactic {
    /// `TA0002`
    pub id: String,
    /// `execution`: the name in rule tags and kill-chain phases.
    pub shortname: String,
    /// `Execution`
    pub name: String,
    pub url: String,
}
deserialize_object!(Tactic { id, shortname, name, url });

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Technique {
    /// `T1204` or `T1204.002`.
    pub id: String,
    pub name: String,
    pub description: String,
    pub platforms: Vec<String>,
    /// Tactic shortnames, in matrix order.
    pub tactics: Vec<String>,
    pub url: String,
    /// The parent technique of a sub-technique.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent: Option<String>,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub deprecated: bool,
}
deserialize_object!(Technique { id, name, description, platforms, tactics, url, parent: default, deprecated: default });

/// One detection rule.
#[derive(Debug, Clone, Serialize)]
pub struct Rule {
    /// The rule's own id (Sigma `id`, Elastic `rule_id`, Splunk `id`).
    pub id: String,
    pub vendor: Vendor,
    pub title: String,
    /// Path of the rule file inside its repository.
    pub path: String,
    /// Link to the file upstream (in the detail shard once written).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub url: String,
    pub status: ParseStatus,
    /// Why the status is not `parsed`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// ATT&CK technique IDs, resolved (revoked IDs replaced). IDs this ATT&CK
    /// version does not know are kept. Read as none when missing: an untagged
    /// rule, which the app lists apart, not a broken catalog.
    #[serde(default)]
    pub techniques: Vec<String>,
    /// Tactics as tagged (shortnames such as `execution`, or IDs).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tactics: Vec<String>,
    /// Other tags (CVE, software, vendor facets).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
    /// Level / severity.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub severity: Option<String>,
    /// The rule's own status or maturity (stable, test, production…).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub maturity: Option<String>,
    /// Rule type (Elastic `eql`, Splunk `TTP`…).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// Query language (`sigma`, `eql`, `kuery`, `esql`, `spl`).
    pub language: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub authors: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub modified: Option<String>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub references: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub false_positives: Vec<String>,
    /// Where the rule reads from, as labelled pairs: (`product`, `windows`),
    /// (`index`, `logs-endpoint.events.process-*`), (`data model`, `Endpoint.Processes`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub log_source: Vec<(String, String)>,
    /// Further labelled metadata (risk score, building block, analytic story…).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub attributes: Vec<(String, String)>,
    /// The rule's logic, when there is any; written in the compact form
    /// (`expr_json`), read in either form.
    #[serde(default, skip_serializing_if = "Option::is_none", with = "crate::expr_json::compact_option")]
    pub logic: Option<Expr>,
    /// Ids of the catalog events the rule reads.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub events: Vec<String>,
}
deserialize_object!(Rule {
    id,
    vendor,
    title,
    path,
    url: default,
    status,
    reason: default,
    techniques: default,
    tactics: default,
    tags: default,
    severity: default,
    maturity: default,
    kind: default,
    language,
    authors: default,
    date: default,
    modified: default,
    description: default,
    references: default,
    false_positives: default,
    log_source: default,
    attributes: default,
    logic: default,
    events: default
});

impl Rule {
    /// The rule's severity on one scale for every vendor, for ordering:
    /// `critical` 5, `high` 4, `medium` 3, `low` 2, `informational` or `info`
    /// 1 (any case); none or any other word 0.
    pub fn severity_rank(&self) -> u8 {
        match self.severity.as_deref().map(str::to_ascii_lowercase).as_deref() {
            Some("critical") => 5,
            Some("high") => 4,
            Some("medium") => 3,
            Some("low") => 2,
            Some("informational" | "info") => 1,
            _ => 0,
        }
    }
}

/// The large parts of a rule, fetched only for its own page from the
/// `details/<n>.json` shard (so that catalog.json stays small enough to load
/// before the first view renders).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct RuleDetail {
    /// The rule file as written upstream.
    pub text: String,
    /// Long titled sections (investigation guide, how to implement…).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sections: Vec<(String, String)>,
    /// The rule's descriptive metadata, moved out of catalog.json.
    #[serde(default)]
    pub about: RuleAbout,
    /// The text's syntax tokens for colouring, as
    /// [`crate::highlight::encode`] writes them (three numbers a token): the
    /// builder runs the tokenizers so the app does not carry them. None in
    /// an older catalog, whose texts are then shown plain.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub highlight: Vec<u32>,
}
deserialize_object!(RuleDetail { text, sections: default, about: default, highlight: default });

/// Descriptive metadata only a rule's own page shows. In memory it lives on
/// [`Rule`]; the builder moves it into the rule's detail shard when writing
/// (see [`RuleAbout::take_from`]) and the app puts it back ([`RuleAbout::restore`]).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct RuleAbout {
    pub url: String,
    pub description: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub authors: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub modified: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub references: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub false_positives: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub attributes: Vec<(String, String)>,
}
deserialize_object!(RuleAbout {
    url,
    description,
    authors: default,
    date: default,
    modified: default,
    references: default,
    false_positives: default,
    tags: default,
    attributes: default
});

impl RuleAbout {
    /// Moves the descriptive fields out of a rule, leaving them empty.
    pub fn take_from(rule: &mut Rule) -> RuleAbout {
        RuleAbout {
            url: std::mem::take(&mut rule.url),
            description: std::mem::take(&mut rule.description),
            authors: std::mem::take(&mut rule.authors),
            date: rule.date.take(),
            modified: rule.modified.take(),
            references: std::mem::take(&mut rule.references),
            false_positives: std::mem::take(&mut rule.false_positives),
            tags: std::mem::take(&mut rule.tags),
            attributes: std::mem::take(&mut rule.attributes),
        }
    }

    /// Puts the descriptive fields back on a rule.
    pub fn restore(self, rule: &mut Rule) {
        rule.url = self.url;
        rule.description = self.description;
        rule.authors = self.authors;
        rule.date = self.date;
        rule.modified = self.modified;
        rule.references = self.references;
        rule.false_positives = self.false_positives;
        rule.tags = self.tags;
        rule.attributes = self.attributes;
    }
}

impl Catalog {
    /// Where a rule's file is upstream, from the source of its vendor:
    /// `<repository>/blob/<revision>/<path>`, as the builder links rules.
    /// `None` when the catalog lists no source for the vendor.
    pub fn file_url(&self, rule: &Rule) -> Option<String> {
        let source = self.sources.iter().find(|s| s.vendor == rule.vendor)?;
        Some(blob_url(&source.repository, &source.revision, &rule.path))
    }
}

/// A file of a GitHub repository at a revision (a branch or a commit):
/// `<repository>/blob/<revision>/<path>`. The one spelling of rule links,
/// for the front ends (at the repository's branch) and the app (at the
/// catalog's commit).
pub fn blob_url(repository: &str, revision: &str, path: &str) -> String {
    format!("{}/blob/{revision}/{path}", repository.trim_end_matches('/'))
}

/// The shard file a rule's detail lives in: `details/<n>.json`, a map of rule
/// id to [`RuleDetail`]. FNV-1a over the id, so builder and app agree.
pub fn detail_shard(rule_id: &str, shards: u32) -> u32 {
    let mut hash: u32 = 0x811c_9dc5;
    for byte in rule_id.bytes() {
        hash ^= u32::from(byte);
        hash = hash.wrapping_mul(0x0100_0193);
    }
    hash % shards.max(1)
}

#[cfg(test)]
mod provenance_tests {
    use super::*;

    #[test]
    fn a_source_links_to_its_commit() {
        let source = Source {
            vendor: Vendor::Sigma,
            repository: "https://github.com/SigmaHQ/sigma".into(),
            revision: "master".into(),
            rules: 3,
            commit: Some("c5e6d0ecd5a08bee5d5b7042a0de8368d8ef838f".into()),
            committed: Some("2026-11-30T09:12:44+01:00".into()),
        };
        assert_eq!(source.short_commit(), Some("c5e6d0ecd5a0"));
        assert_eq!(
            source.commit_url().as_deref(),
            Some("https://github.com/SigmaHQ/sigma/commit/c5e6d0ecd5a08bee5d5b7042a0de8368d8ef838f")
        );
        assert_eq!(source.day(), Some("2026-11-30"));
        let odd = Source { commit: Some("../../evil".into()), ..source };
        assert_eq!(odd.commit_url(), None, "only a hexadecimal commit becomes a link");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shards_are_stable() {
        // Pinned: changing the hash would orphan published detail files.
        // Modulo u32::MAX the shard is the whole 32-bit FNV-1a hash: the
        // reference test vectors ("" 0x811c9dc5, "a" 0xe40c292c, "foobar"
        // 0xbf9cf968) and a rule id, hashed by an independent implementation
        // (a five-line Python FNV-1a that gives those vectors too).
        for (id, hash) in [
            ("", 0x811c_9dc5),
            ("a", 0xe40c_292c),
            ("foobar", 0xbf9c_f968),
            ("6f1a11aa-4b8a-4b7f-9e13-4d3e4ff0e0d4", 0xc1f4_0c24),
        ] {
            assert_eq!(detail_shard(id, u32::MAX), hash, "{id:?}");
        }
        // Shards of rule ids for the builder's 128 and the default catalog's 4
        // (both computed by that Python), and 0 shards read as 1.
        for (id, of_128, of_4) in [
            ("6f1a11aa-4b8a-4b7f-9e13-4d3e4ff0e0d4", 36, 0),
            ("3c9d2a41-6e0b-4b8e-a1f5-7d2c9e4b1a26", 95, 3),
            ("5f3a6f2e-9a3c-4d1e-8b7a-2c4e6f8a0b1d", 63, 3),
        ] {
            assert_eq!((detail_shard(id, 128), detail_shard(id, 4)), (of_128, of_4), "{id}");
            assert_eq!(detail_shard(id, 1), 0);
            assert_eq!(detail_shard(id, 0), 0);
        }
    }

    #[test]
    fn severities_rank_on_one_scale() {
        let rank = |severity: Option<&str>| {
            let mut rule: Rule = serde_json::from_str(
                r#"{"id":"r","vendor":"splunk","title":"t","path":"p","status":"parsed","language":"spl"}"#,
            )
            .unwrap();
            rule.severity = severity.map(str::to_owned);
            rule.severity_rank()
        };
        let ranks: Vec<u8> =
            [Some("critical"), Some("High"), Some("medium"), Some("LOW"), Some("informational"), Some("info")]
                .into_iter()
                .map(rank)
                .collect();
        assert_eq!(ranks, [5, 4, 3, 2, 1, 1]);
        assert_eq!((rank(None), rank(Some("urgent")), rank(Some(""))), (0, 0, 0));
    }

    #[test]
    fn tactics_by_shortname_or_id() {
        let tactic = |id: &str, shortname: &str, name: &str| Tactic {
            id: id.into(),
            shortname: shortname.into(),
            name: name.into(),
            url: String::new(),
        };
        let component = DataComponent {
            id: "DC0032".into(),
            name: "Process Creation".into(),
            description: String::new(),
            log_sources: vec![],
        };
        let attack = Attack {
            tactics: vec![
                tactic("TA0002", "execution", "Execution"),
                tactic("TA0005", "defense-evasion", "Defense Evasion"),
            ],
            data_components: vec![component],
            ..Attack::default()
        };
        assert_eq!(attack.tactic("execution").map(|t| t.id.as_str()), Some("TA0002"));
        assert_eq!(attack.tactic("TA0005").map(|t| t.shortname.as_str()), Some("defense-evasion"));
        assert_eq!(attack.tactic_name("defense-evasion"), "Defense Evasion");
        assert_eq!(attack.tactic_name("TA0002"), "Execution");
        // Unknown tags, and the display name, are shown as written.
        assert_eq!(attack.tactic("Execution"), None);
        assert_eq!(attack.tactic_name("impact"), "impact");
        assert_eq!(attack.data_component("DC0032").map(|c| c.name.as_str()), Some("Process Creation"));
        assert_eq!(attack.data_component("DC0001"), None);
    }

    #[test]
    fn upstream_file_links() {
        let mut catalog: Catalog = serde_json::from_str(
            r#"{"format":"rule-atlas-catalog","version":1,"generator":"test","attack":{"version":"18","tactics":[],"techniques":[]},
                "sources":[{"vendor":"elastic","repository":"https://github.com/elastic/detection-rules/","revision":"main","rules":1}],
                "fields":[],"rules":[],"detail_shards":1}"#,
        )
        .unwrap();
        let rule: Rule = serde_json::from_str(
            r#"{"id":"r","vendor":"elastic","title":"t","path":"rules/windows/a.toml","status":"parsed","language":"eql"}"#,
        )
        .unwrap();
        assert_eq!(
            catalog.file_url(&rule).as_deref(),
            Some("https://github.com/elastic/detection-rules/blob/main/rules/windows/a.toml")
        );
        catalog.sources.clear();
        assert_eq!(catalog.file_url(&rule), None);
    }

    #[test]
    fn vendor_names() {
        assert_eq!(Vendor::parse("Elastic"), Some(Vendor::Elastic));
        assert_eq!(serde_json::to_string(&Vendor::Splunk).unwrap(), "\"splunk\"");
        assert_eq!(serde_json::to_string(&ParseStatus::NoQuery).unwrap(), "\"no_query\"");
    }
}
