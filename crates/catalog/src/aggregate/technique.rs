//! A technique's page: the rules under it grouped by vendor, which
//! sub-technique each rule is tagged with, and the log sources they read
//! (the events they read are in `events.rs`).

use rustc_hash::FxHashMap;

use crate::model::Vendor;

use super::Atlas;
use super::atlas::{normalize_technique_id, to_u32};
use super::order;

/// What the technique page shows besides the ATT&CK text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TechniqueView {
    /// Normalized id (`T1204.002`).
    pub id: String,
    /// ATT&CK's name, or the id when ATT&CK does not know it.
    pub name: String,
    /// Whether this ATT&CK version knows the id.
    pub known: bool,
    /// The parent (id, name) of a sub-technique.
    pub parent: Option<(String, String)>,
    /// A parent's sub-techniques with the number of rules tagged with each.
    pub subtechniques: Vec<(String, String, u32)>,
    /// Every rule under the technique, by position, ascending.
    pub rules: Vec<u32>,
    /// The same rules grouped by vendor (vendor order), titles sorted.
    pub groups: Vec<VendorGroup>,
}

/// A vendor's rules under the technique.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VendorGroup {
    pub vendor: Vendor,
    pub rules: Vec<RuleRef>,
}

/// A rule in a technique's list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleRef {
    pub position: u32,
    pub title: String,
    /// The sub-techniques of the page's technique the rule is tagged with
    /// (empty on a sub-technique's page, which lists only its own rules).
    pub tagged: Vec<String>,
}

/// The view of a technique, or `None` when neither ATT&CK nor any rule knows
/// the id.
pub fn technique_view(atlas: &Atlas, id: &str) -> Option<TechniqueView> {
    let id = normalize_technique_id(id);
    if !atlas.knows_technique(&id) {
        return None;
    }
    let technique = atlas.technique(&id);
    let parent = id.split_once('.').map(|(parent, _)| (parent.to_owned(), atlas.technique_name(parent).to_owned()));
    let subtechniques = atlas
        .subtechniques(&id)
        .iter()
        .filter(|sub| atlas.technique(sub).is_none_or(|t| !t.deprecated) || !atlas.tagged(sub).is_empty())
        .map(|sub| (sub.clone(), atlas.technique_name(sub).to_owned(), to_u32(atlas.tagged(sub).len())))
        .collect();
    let rules = atlas.rules_under(&id);
    let groups = group_by_vendor(atlas, &id, &rules);
    Some(TechniqueView {
        name: technique.map_or_else(|| id.clone(), |t| t.name.clone()),
        known: technique.is_some(),
        id,
        parent,
        subtechniques,
        rules,
        groups,
    })
}

fn group_by_vendor(atlas: &Atlas, id: &str, rules: &[u32]) -> Vec<VendorGroup> {
    let family_prefix = format!("{id}.");
    let mut groups: Vec<VendorGroup> =
        Vendor::ALL.into_iter().map(|vendor| VendorGroup { vendor, rules: vec![] }).collect();
    for &position in rules {
        let Some(rule) = atlas.rule(position) else { continue };
        let mut tagged: Vec<String> = rule
            .techniques
            .iter()
            .map(|t| normalize_technique_id(t))
            .filter(|t| t.starts_with(&family_prefix))
            .collect();
        order::sort_dedup(&mut tagged);
        let entry = RuleRef { position, title: rule.title.clone(), tagged };
        if let Some(group) = groups.iter_mut().find(|g| g.vendor == rule.vendor) {
            group.rules.push(entry);
        }
    }
    groups.retain(|g| !g.rules.is_empty());
    for group in &mut groups {
        order::sort_by_key(&mut group.rules, |r| r.title.to_lowercase());
    }
    groups
}

/// One log source (a rule's full set of labelled pairs) and how many of the
/// given rules read it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogSourceCount {
    pub pairs: Vec<(String, String)>,
    pub rules: u32,
}

/// The log sources the given rules read, most rules first.
pub fn log_sources(atlas: &Atlas, rules: &[u32]) -> Vec<LogSourceCount> {
    let mut counts: FxHashMap<&[(String, String)], u32> = FxHashMap::default();
    for rule in rules.iter().filter_map(|&p| atlas.rule(p)) {
        *counts.entry(rule.log_source.as_slice()).or_default() += 1;
    }
    let mut out: Vec<LogSourceCount> = counts
        .into_iter()
        .filter(|(pairs, _)| !pairs.is_empty())
        .map(|(pairs, rules)| LogSourceCount { pairs: pairs.to_vec(), rules })
        .collect();
    order::sort_by(&mut out, |a, b| b.rules.cmp(&a.rules).then_with(|| a.pairs.cmp(&b.pairs)));
    out
}

#[cfg(test)]
mod tests {
    use super::super::fixture::atlas;
    use super::*;

    fn titles(group: &VendorGroup) -> Vec<&str> {
        group.rules.iter().map(|r| r.title.as_str()).collect()
    }

    #[test]
    fn a_technique_lists_its_subtechniques_rules_by_vendor() {
        let view = technique_view(&atlas(), "t1204").expect("known");
        assert_eq!(view.id, "T1204");
        assert_eq!(view.rules, [0, 1, 2, 4]);
        let vendors: Vec<_> = view.groups.iter().map(|g| (g.vendor, g.rules.len())).collect();
        assert_eq!(vendors, [(Vendor::Sigma, 2), (Vendor::Elastic, 1), (Vendor::Splunk, 1)]);
        assert_eq!(titles(&view.groups[0]), ["LNK File Opened", "Mshta Spawned by Word"]);
        // Which sub-technique each rule is tagged with.
        let lnk = &view.groups[0].rules[0];
        assert_eq!(lnk.tagged, ["T1204.002"]);
        assert!(view.groups[0].rules[1].tagged.is_empty());
        assert_eq!(view.groups[1].rules[0].tagged, ["T1204.002"]);
        assert_eq!(
            view.subtechniques,
            [("T1204.001".into(), "Malicious Link".into(), 0), ("T1204.002".into(), "Malicious File".into(), 3)]
        );
    }

    #[test]
    fn a_subtechnique_lists_only_its_own_rules() {
        let view = technique_view(&atlas(), "T1204.002").expect("known");
        assert_eq!(view.rules, [1, 2, 4]);
        assert_eq!(view.parent, Some(("T1204".into(), "User Execution".into())));
        assert!(view.groups.iter().all(|g| g.rules.iter().all(|r| r.tagged.is_empty())));
        // T1218.005 is tagged by r1 alone; its parent rolls it up.
        assert_eq!(technique_view(&atlas(), "T1218").expect("known").rules, [0]);
    }

    #[test]
    fn unknown_ids() {
        let atlas = atlas();
        let view = technique_view(&atlas, "T1999").expect("tagged by r7");
        assert!(!view.known);
        assert_eq!((view.name.as_str(), view.rules.as_slice()), ("T1999", &[6][..]));
        assert!(technique_view(&atlas, "T4242").is_none());
        // Known to ATT&CK, no rule: a page with no rules.
        assert!(technique_view(&atlas, "T1027").expect("known").groups.is_empty());
    }

    #[test]
    fn log_sources_count_rules() {
        let atlas = atlas();
        let sources = log_sources(&atlas, &atlas.rules_under("T1204"));
        assert_eq!(sources.len(), 1);
        assert_eq!(sources[0].rules, 4);
    }
}
