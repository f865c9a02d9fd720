//! ATT&CK: loads a STIX 2.1 bundle as MITRE publishes it (enterprise-attack.json)
//! into the catalog's tactics and techniques, and resolves rule tags against it.

use std::collections::{HashMap, HashSet};

use atlas_catalog::{Attack, DataComponent, Tactic, Technique};
use serde::Deserialize;

#[derive(Debug, thiserror::Error)]
pub enum AttackError {
    /// The file is not JSON, or not a STIX bundle.
    #[error("not a STIX bundle: {0}")]
    Json(#[from] serde_json::Error),
    /// A bundle without an `x-mitre-matrix` cannot give the tactic order.
    #[error("the bundle has no x-mitre-matrix object, so the tactic order is unknown")]
    NoMatrix,
}

#[derive(Deserialize)]
struct Bundle {
    objects: Vec<StixObject>,
}

/// The few properties Rule Atlas reads; serde skips the rest.
#[derive(Deserialize)]
struct StixObject {
    #[serde(rename = "type")]
    kind: String,
    id: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    external_references: Vec<ExternalReference>,
    #[serde(default)]
    kill_chain_phases: Vec<KillChainPhase>,
    #[serde(default)]
    x_mitre_platforms: Vec<String>,
    #[serde(default)]
    x_mitre_shortname: String,
    #[serde(default)]
    x_mitre_deprecated: bool,
    #[serde(default)]
    revoked: bool,
    #[serde(default)]
    tactic_refs: Vec<String>,
    #[serde(default)]
    relationship_type: String,
    #[serde(default)]
    source_ref: String,
    #[serde(default)]
    target_ref: String,
    #[serde(default)]
    x_mitre_version: String,
    #[serde(default)]
    x_mitre_log_sources: Vec<LogSource>,
    /// An ISO timestamp (`2025-10-28T14:00:00.000Z`).
    #[serde(default)]
    modified: String,
}

#[derive(Deserialize)]
struct LogSource {
    #[serde(default)]
    name: String,
    #[serde(default)]
    channel: String,
}

#[derive(Deserialize)]
struct ExternalReference {
    source_name: String,
    #[serde(default)]
    external_id: String,
    #[serde(default)]
    url: String,
}

#[derive(Deserialize)]
struct KillChainPhase {
    kill_chain_name: String,
    phase_name: String,
}

impl StixObject {
    /// The ATT&CK ID (`T1204.002`, `TA0002`) and page URL.
    fn attack_ref(&self) -> Option<&ExternalReference> {
        self.external_references.iter().find(|r| r.source_name == "mitre-attack")
    }
}

/// The day the bundle was released: its collection's `modified`, or (for a
/// bundle without one) the latest change to any of its objects.
fn release_date(objects: &[StixObject], collection: Option<&StixObject>) -> Option<String> {
    let stamp = match collection.filter(|c| !c.modified.is_empty()) {
        Some(collection) => collection.modified.as_str(),
        None => objects.iter().map(|o| o.modified.as_str()).max()?,
    };
    let day = stamp.get(..10)?;
    let is_date = day.bytes().enumerate().all(|(i, b)| if i == 4 || i == 7 { b == b'-' } else { b.is_ascii_digit() });
    is_date.then(|| day.to_owned())
}

/// Reads a bundle. `version` names the ATT&CK release when the bundle has no
/// `x-mitre-collection` saying it (the per-domain bundles do not).
pub fn load(json: &str, version: Option<&str>) -> Result<Attack, AttackError> {
    let bundle: Bundle = serde_json::from_str(json)?;
    let by_stix_id: HashMap<&str, &StixObject> = bundle.objects.iter().map(|o| (o.id.as_str(), o)).collect();

    let matrix = bundle.objects.iter().find(|o| o.kind == "x-mitre-matrix").ok_or(AttackError::NoMatrix)?;
    let tactics: Vec<Tactic> = matrix
        .tactic_refs
        .iter()
        .filter_map(|r| by_stix_id.get(r.as_str()))
        .filter_map(|t| {
            let reference = t.attack_ref()?;
            Some(Tactic {
                id: reference.external_id.clone(),
                shortname: t.x_mitre_shortname.clone(),
                name: t.name.clone(),
                url: reference.url.clone(),
            })
        })
        .collect();
    let tactic_order: HashMap<&str, usize> =
        tactics.iter().enumerate().map(|(i, t)| (t.shortname.as_str(), i)).collect();

    let mut techniques: Vec<Technique> = bundle
        .objects
        .iter()
        .filter(|o| o.kind == "attack-pattern" && !o.revoked)
        .filter_map(|o| technique(o, &tactic_order))
        .collect();
    techniques.sort_by(|a, b| a.id.cmp(&b.id));

    let mut revoked: Vec<(String, String)> = bundle
        .objects
        .iter()
        .filter(|o| o.kind == "relationship" && o.relationship_type == "revoked-by")
        .filter_map(|r| {
            let from = by_stix_id.get(r.source_ref.as_str())?.attack_ref()?;
            let to = by_stix_id.get(r.target_ref.as_str())?.attack_ref()?;
            Some((from.external_id.clone(), to.external_id.clone()))
        })
        .filter(|(from, to)| from.starts_with('T') && to.starts_with('T'))
        .collect();
    revoked.sort();
    revoked.dedup();

    let collection = bundle.objects.iter().find(|o| o.kind == "x-mitre-collection");
    let collection_version = collection.map(|o| o.x_mitre_version.clone()).filter(|v| !v.is_empty());
    Ok(Attack {
        // The bundle's own word wins; `version` is for bundles without one.
        version: collection_version.or(version.map(str::to_owned)).unwrap_or_else(|| "unknown".into()),
        date: release_date(&bundle.objects, collection),
        tactics,
        techniques,
        revoked,
        data_components: data_components(&bundle.objects),
    })
}

fn data_components(objects: &[StixObject]) -> Vec<DataComponent> {
    let mut components: Vec<DataComponent> = objects
        .iter()
        .filter(|o| o.kind == "x-mitre-data-component" && !o.revoked && !o.x_mitre_deprecated)
        .filter_map(|o| {
            Some(DataComponent {
                id: o.attack_ref()?.external_id.clone(),
                name: o.name.clone(),
                description: strip_citations(&o.description),
                log_sources: o.x_mitre_log_sources.iter().map(|l| (l.name.clone(), l.channel.clone())).collect(),
            })
        })
        .collect();
    components.sort_by(|a, b| a.id.cmp(&b.id));
    components
}

fn technique(o: &StixObject, tactic_order: &HashMap<&str, usize>) -> Option<Technique> {
    let reference = o.attack_ref()?;
    let id = reference.external_id.clone();
    let mut tactics: Vec<String> = o
        .kill_chain_phases
        .iter()
        .filter(|p| p.kill_chain_name == "mitre-attack")
        .map(|p| p.phase_name.clone())
        .collect();
    tactics.sort_by_key(|t| tactic_order.get(t.as_str()).copied().unwrap_or(usize::MAX));
    Some(Technique {
        parent: id.split_once('.').map(|(parent, _)| parent.to_owned()),
        id,
        name: o.name.clone(),
        description: strip_citations(&o.description),
        platforms: o.x_mitre_platforms.clone(),
        tactics,
        url: reference.url.clone(),
        deprecated: o.x_mitre_deprecated,
    })
}

/// Drops ATT&CK's `(Citation: Source Name)` markers, which point into a
/// reference list the catalog does not carry.
fn strip_citations(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find("(Citation:") {
        out.push_str(rest[..start].trim_end_matches(' '));
        match rest[start..].find(')') {
            Some(end) => rest = &rest[start + end + 1..],
            None => {
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

/// Resolves rule tags against one ATT&CK release.
pub struct Resolver<'a> {
    attack: &'a Attack,
    known: HashSet<&'a str>,
    revoked: HashMap<&'a str, &'a str>,
}

/// What became of one tagged technique ID.
#[derive(Debug, PartialEq, Eq)]
pub enum Resolution {
    Known(String),
    /// Revoked in this release; replaced by the first ID.
    Replaced {
        by: String,
        tagged: String,
    },
    /// Not in this release (newer, or mistyped): kept as tagged.
    Unknown(String),
}

impl<'a> Resolver<'a> {
    pub fn new(attack: &'a Attack) -> Self {
        Resolver {
            attack,
            known: attack.techniques.iter().map(|t| t.id.as_str()).collect(),
            revoked: attack.revoked.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect(),
        }
    }

    pub fn technique(&self, id: &str) -> Resolution {
        if self.known.contains(id) {
            return Resolution::Known(id.to_owned());
        }
        match self.revoked.get(id) {
            Some(by) => Resolution::Replaced { by: (*by).to_owned(), tagged: id.to_owned() },
            None => Resolution::Unknown(id.to_owned()),
        }
    }

    /// Whether a tactic (shortname like `execution`, or ID like `TA0002`) is in
    /// this release.
    pub fn knows_tactic(&self, tactic: &str) -> bool {
        self.attack.tactics.iter().any(|t| t.shortname == tactic || t.id == tactic)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const BUNDLE: &str = r#"{"type":"bundle","id":"bundle--1","objects":[
      {"type":"x-mitre-matrix","id":"m","tactic_refs":["t2","t1"]},
      {"type":"x-mitre-tactic","id":"t1","name":"Execution","x_mitre_shortname":"execution",
       "external_references":[{"source_name":"mitre-attack","external_id":"TA0002","url":"https://attack.mitre.org/tactics/TA0002"}]},
      {"type":"x-mitre-tactic","id":"t2","name":"Initial Access","x_mitre_shortname":"initial-access",
       "external_references":[{"source_name":"mitre-attack","external_id":"TA0001","url":"https://attack.mitre.org/tactics/TA0001"}]},
      {"type":"attack-pattern","id":"a1","name":"User Execution","description":"Users run things.(Citation: X Y)",
       "x_mitre_platforms":["Windows"],
       "kill_chain_phases":[{"kill_chain_name":"mitre-attack","phase_name":"execution"},{"kill_chain_name":"mitre-attack","phase_name":"initial-access"}],
       "external_references":[{"source_name":"mitre-attack","external_id":"T1204","url":"https://attack.mitre.org/techniques/T1204"}]},
      {"type":"attack-pattern","id":"a2","name":"Malicious File","x_mitre_is_subtechnique":true,
       "kill_chain_phases":[{"kill_chain_name":"mitre-attack","phase_name":"execution"}],
       "external_references":[{"source_name":"mitre-attack","external_id":"T1204.002","url":"u"}]},
      {"type":"attack-pattern","id":"a3","name":"Old","revoked":true,
       "external_references":[{"source_name":"mitre-attack","external_id":"T1999","url":"u"}]},
      {"type":"attack-pattern","id":"a4","name":"Gone","x_mitre_deprecated":true,
       "external_references":[{"source_name":"mitre-attack","external_id":"T1998","url":"u"}]},
      {"type":"relationship","id":"r1","relationship_type":"revoked-by","source_ref":"a3","target_ref":"a1"},
      {"type":"x-mitre-data-component","id":"dc","name":"Process Creation",
       "x_mitre_log_sources":[{"name":"WinEventLog:Sysmon","channel":"EventCode=1"}],
       "external_references":[{"source_name":"mitre-attack","external_id":"DC0032","url":"u"}]}
    ]}"#;

    #[test]
    fn loads_tactics_in_matrix_order_and_techniques() {
        let attack = load(BUNDLE, Some("18.1")).expect("bundle loads");
        assert_eq!(attack.version, "18.1");
        let order: Vec<_> = attack.tactics.iter().map(|t| t.id.as_str()).collect();
        assert_eq!(order, ["TA0001", "TA0002"]);
        let ids: Vec<_> = attack.techniques.iter().map(|t| t.id.as_str()).collect();
        assert_eq!(ids, ["T1204", "T1204.002", "T1998"]);
        let t1204 = &attack.techniques[0];
        assert_eq!(t1204.tactics, ["initial-access", "execution"]);
        assert_eq!(t1204.description, "Users run things.");
        assert_eq!(attack.techniques[1].parent.as_deref(), Some("T1204"));
        assert!(attack.techniques[2].deprecated);
        assert_eq!(attack.revoked, [("T1999".to_owned(), "T1204".to_owned())]);
        assert_eq!(attack.data_components.len(), 1);
        assert_eq!(attack.data_components[0].id, "DC0032");
        assert_eq!(
            attack.data_components[0].log_sources,
            [("WinEventLog:Sysmon".to_owned(), "EventCode=1".to_owned())]
        );
    }

    #[test]
    fn resolves_known_revoked_and_unknown_ids() {
        let attack = load(BUNDLE, None).expect("bundle loads");
        let resolver = Resolver::new(&attack);
        assert_eq!(resolver.technique("T1204.002"), Resolution::Known("T1204.002".into()));
        assert_eq!(resolver.technique("T1999"), Resolution::Replaced { by: "T1204".into(), tagged: "T1999".into() });
        assert_eq!(resolver.technique("T1685"), Resolution::Unknown("T1685".into()));
        assert!(resolver.knows_tactic("execution"));
        assert!(resolver.knows_tactic("TA0001"));
        assert!(!resolver.knows_tactic("stealth"));
    }

    #[test]
    fn rejects_bundles_without_a_matrix() {
        assert!(matches!(load(r#"{"objects":[]}"#, None), Err(AttackError::NoMatrix)));
        assert!(matches!(load("not json", None), Err(AttackError::Json(_))));
    }
}
