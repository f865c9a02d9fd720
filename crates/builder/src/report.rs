//! The build report (`build-report.json`) and its one-screen summary.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use atlas_catalog::{ParseStatus, Vendor};
use serde::{Deserialize, Serialize};

use atlas_frontend::diagnostic::Diagnostic;

/// Everything a build has to say, written next to the catalog.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct BuildReport {
    pub generator: String,
    /// Wall time of the build, in milliseconds.
    pub duration_ms: u64,
    /// Peak resident memory of the builder process when the report was
    /// written, in bytes (Linux; absent elsewhere).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub peak_memory_bytes: Option<u64>,
    pub attack_version: String,
    /// Per vendor that was read.
    pub vendors: BTreeMap<Vendor, VendorSummary>,
    /// Techniques and sub-techniques of the ATT&CK release with at least one rule.
    pub techniques_covered: usize,
    pub techniques_in_attack: usize,
    /// Technique IDs rules use that this ATT&CK release does not know, with
    /// how many rules use each.
    pub unknown_techniques: BTreeMap<String, usize>,
    /// Tactic tags this ATT&CK release does not know, with rule counts.
    pub unknown_tactics: BTreeMap<String, usize>,
    /// Revoked technique IDs rules use → the ID that replaced them.
    pub revoked_techniques: BTreeMap<String, String>,
    /// Distinct normalized indicator triples in the catalog.
    pub distinct_indicators: usize,
    /// Indicator triples used by rules of every vendor in each set.
    pub shared_indicators: BTreeMap<String, usize>,
    /// How rules map to catalog events (docs/events.md).
    pub events: EventsSummary,
    /// Every problem found, file by file.
    pub diagnostics: Vec<Diagnostic>,
}

/// The event catalog's side of the build.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct EventsSummary {
    /// Events in the catalog (every event some rule reads, with parents).
    pub listed: usize,
    pub vendors: BTreeMap<Vendor, EventMapping>,
}

/// How one vendor's rules map to events.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct EventMapping {
    pub rules: usize,
    /// Rules that name a log source, index, data model or base macro.
    pub naming_a_log_source: usize,
    /// Of those, the rules mapped to at least one event.
    pub mapped_of_those: usize,
    /// Rules mapped to at least one event, in all.
    pub mapped: usize,
    /// Rules with no event, by reason.
    pub unmapped: BTreeMap<String, usize>,
}

impl EventMapping {
    /// Share of the rules that name a log source mapped to an event, in percent.
    pub fn mapped_share(&self) -> f64 {
        if self.naming_a_log_source == 0 {
            100.0
        } else {
            self.mapped_of_those as f64 * 100.0 / self.naming_a_log_source as f64
        }
    }
}

/// What one vendor's repository gave.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct VendorSummary {
    /// Rule files read.
    pub files: usize,
    /// Files deliberately left out (deprecated), by reason.
    pub skipped: BTreeMap<String, usize>,
    /// Files that gave no rule at all (invalid YAML/TOML).
    pub unreadable: usize,
    /// Rules in the catalog, by parse status.
    pub by_status: BTreeMap<ParseStatus, usize>,
    /// Rules not `parsed`, by reason.
    pub reasons: BTreeMap<String, usize>,
    /// Per query language: how many rules, and how many have every event
    /// filter in their tree (status `parsed`; docs/computed-columns.md).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub languages: BTreeMap<String, LanguageSummary>,
    /// Rules not `parsed`, by rule type, query language, status and reason:
    /// the same counts as `reasons`, told apart the way a reader of one
    /// vendor's repository looks for them (Elastic `eql` rules, Splunk `TTP`s).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub not_parsed: Vec<NotParsed>,
}

/// One query language of one vendor.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LanguageSummary {
    /// Rules with a query in the language.
    pub rules: usize,
    /// Of those, the rules with every event filter in their tree.
    pub every_filter_in_tree: usize,
}

/// One row of [`VendorSummary::not_parsed`].
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct NotParsed {
    /// Rule type as the repository names it (`eql`, `machine_learning`,
    /// `TTP`), empty where the vendor has none (Sigma).
    pub kind: String,
    pub language: String,
    pub status: ParseStatus,
    pub reason: String,
    pub rules: usize,
}

impl VendorSummary {
    /// Where the rules with `reason` are: `eql 11` or `Anomaly 4, TTP 2`,
    /// with the language (`eql`, `spl`, `sigma`) when there is no type.
    fn kinds_of(&self, reason: &str) -> String {
        let rows = self.not_parsed.iter().filter(|r| r.reason == reason);
        let parts: Vec<String> =
            rows.map(|r| format!("{} {}", if r.kind.is_empty() { &r.language } else { &r.kind }, r.rules)).collect();
        parts.join(", ")
    }

    /// Counts one rule that is not `parsed` under one of its reasons.
    pub fn count_not_parsed(&mut self, kind: &str, language: &str, status: ParseStatus, reason: String) {
        *self.reasons.entry(reason.clone()).or_default() += 1;
        let row = self
            .not_parsed
            .iter_mut()
            .find(|r| r.kind == kind && r.language == language && r.status == status && r.reason == reason);
        match row {
            Some(row) => row.rules += 1,
            None => self.not_parsed.push(NotParsed {
                kind: kind.to_owned(),
                language: language.to_owned(),
                status,
                reason,
                rules: 1,
            }),
        }
    }
}

impl VendorSummary {
    pub fn rules(&self) -> usize {
        self.by_status.values().sum()
    }

    /// Share of the rules with a query that came out `parsed`, in percent.
    pub fn parsed_share(&self) -> f64 {
        let with_query = self.rules() - self.by_status.get(&ParseStatus::NoQuery).copied().unwrap_or(0);
        let parsed = self.by_status.get(&ParseStatus::Parsed).copied().unwrap_or(0);
        if with_query == 0 { 100.0 } else { parsed as f64 * 100.0 / with_query as f64 }
    }
}

impl BuildReport {
    /// The one-screen summary printed at the end of a build.
    pub fn summary(&self) -> String {
        let mut out = String::new();
        let statuses = ParseStatus::ALL;
        let _ = write!(out, "{:<9} {:>6}", "vendor", "rules");
        for status in statuses {
            let _ = write!(out, " {:>11}", status.as_str());
        }
        let _ = writeln!(out, " {:>8} {:>8}", "parsed%", "skipped");
        for (vendor, summary) in &self.vendors {
            let _ = write!(out, "{:<9} {:>6}", vendor.label(), summary.rules());
            for status in statuses {
                let _ = write!(out, " {:>11}", summary.by_status.get(&status).copied().unwrap_or(0));
            }
            let skipped: usize = summary.skipped.values().sum();
            let _ = writeln!(out, " {:>7.1}% {:>8}", summary.parsed_share(), skipped);
        }
        let languages: Vec<String> = self
            .vendors
            .iter()
            .flat_map(|(vendor, summary)| {
                summary.languages.iter().map(move |(language, l)| {
                    format!("{} {language} {}/{}", vendor.label(), l.every_filter_in_tree, l.rules)
                })
            })
            .collect();
        let _ = writeln!(out, "every event filter in the tree: {}", languages.join(", "));
        for (vendor, summary) in &self.vendors {
            let mut reasons: Vec<_> = summary.reasons.iter().collect();
            reasons.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
            for (reason, count) in reasons.into_iter().take(5) {
                let _ = writeln!(out, "  {} {count:>4} × {reason} ({})", vendor.label(), summary.kinds_of(reason));
            }
            if summary.unreadable > 0 {
                let _ = writeln!(out, "  {} {:>4} × unreadable file", vendor.label(), summary.unreadable);
            }
        }
        let _ = writeln!(
            out,
            "techniques covered: {} of {} in ATT&CK {} ({} IDs unknown to it)",
            self.techniques_covered,
            self.techniques_in_attack,
            self.attack_version,
            self.unknown_techniques.len()
        );
        let mapped: Vec<String> = self
            .events
            .vendors
            .iter()
            .map(|(vendor, m)| format!("{} {:.1}%", vendor.label(), m.mapped_share()))
            .collect();
        let _ = writeln!(
            out,
            "events: {} in the catalog; rules naming a log source mapped: {}",
            self.events.listed,
            mapped.join(", ")
        );
        let shared: Vec<String> = self.shared_indicators.iter().map(|(k, v)| format!("{k} {v}")).collect();
        let _ = writeln!(out, "indicators: {} distinct; shared: {}", self.distinct_indicators, shared.join(", "));
        let _ = writeln!(out, "diagnostics: {}; time: {} ms", self.diagnostics.len(), self.duration_ms);
        out
    }
}
