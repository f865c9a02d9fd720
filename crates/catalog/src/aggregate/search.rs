//! Search as you type: techniques by ID or name, rules by title,
//! case-insensitive. The lower-cased texts are prepared once, so a query is
//! one substring scan over ~7,500 short titles.

use crate::model::Catalog;

use super::atlas::to_u32;
use super::order;

/// Lower-cased search texts, by position.
#[derive(Debug, Default)]
pub struct SearchIndex {
    /// `t1204 user execution`, per ATT&CK technique (deprecated ones skipped
    /// by leaving the text empty).
    techniques: Vec<String>,
    /// Lower-cased rule titles.
    rules: Vec<String>,
}

/// What a query found: positions of techniques in `attack.techniques` and of
/// rules, best first, cut at the limit, with the full counts.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SearchHits {
    pub techniques: Vec<u32>,
    pub technique_total: usize,
    pub rules: Vec<u32>,
    pub rule_total: usize,
}

impl SearchIndex {
    pub fn new(catalog: &Catalog) -> SearchIndex {
        let techniques = catalog
            .attack
            .techniques
            .iter()
            .map(|t| if t.deprecated { String::new() } else { format!("{} {}", t.id, t.name).to_lowercase() })
            .collect();
        let rules = catalog.rules.iter().map(|r| r.title.to_lowercase()).collect();
        SearchIndex { techniques, rules }
    }

    /// Every word of the query must occur. Techniques whose ID starts with
    /// the query come first, then by ID; rules whose title starts with the
    /// query come first, then in catalog order. `keep_rule` filters rules
    /// (the vendor filter).
    pub fn search(&self, query: &str, limit: usize, keep_rule: impl Fn(u32) -> bool) -> SearchHits {
        let query = query.trim().to_lowercase();
        let words: Vec<&str> = query.split_whitespace().collect();
        if words.is_empty() {
            return SearchHits::default();
        }
        let matches = |text: &str| !text.is_empty() && words.iter().all(|w| text.contains(w));
        let mut techniques: Vec<(bool, u32)> = self
            .techniques
            .iter()
            .enumerate()
            .filter(|(_, text)| matches(text))
            .map(|(i, text)| (!text.starts_with(&query), to_u32(i)))
            .collect();
        order::sort_by(&mut techniques, |a, b| {
            a.0.cmp(&b.0).then_with(|| self.techniques[a.1 as usize].cmp(&self.techniques[b.1 as usize]))
        });
        let mut rules: Vec<(bool, u32)> = self
            .rules
            .iter()
            .enumerate()
            .map(|(i, text)| (text, to_u32(i)))
            .filter(|(text, i)| matches(text) && keep_rule(*i))
            .map(|(text, i)| (!text.starts_with(&query), i))
            .collect();
        order::sort_by(&mut rules, Ord::cmp);
        SearchHits {
            technique_total: techniques.len(),
            techniques: techniques.into_iter().take(limit).map(|(_, i)| i).collect(),
            rule_total: rules.len(),
            rules: rules.into_iter().take(limit).map(|(_, i)| i).collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::fixture::atlas;

    fn technique_ids(atlas: &super::super::Atlas, query: &str) -> Vec<String> {
        let hits = atlas.search_index().search(query, 10, |_| true);
        hits.techniques.iter().map(|&i| atlas.catalog().attack.techniques[i as usize].id.clone()).collect()
    }

    #[test]
    fn techniques_by_id_or_name() {
        let atlas = atlas();
        assert_eq!(technique_ids(&atlas, "t1204"), ["T1204", "T1204.001", "T1204.002"]);
        assert_eq!(technique_ids(&atlas, "  POWER"), ["T1059.001"]);
        // Words in any order; deprecated T1064 "Scripting" is not offered.
        assert_eq!(technique_ids(&atlas, "execution user"), ["T1204"]);
        assert!(technique_ids(&atlas, "scripting").iter().all(|id| id != "T1064"));
    }

    #[test]
    fn rules_by_title_prefix_first() {
        let atlas = atlas();
        let hits = atlas.search_index().search("mshta", 10, |_| true);
        // "Mshta Spawned by Word" (0) and "Mshta Anywhere" (6) start with it,
        // then "Suspicious mshta child" (2) contains it.
        assert_eq!(hits.rules, [0, 6, 2]);
        let hits = atlas.search_index().search("power", 1, |_| true);
        assert_eq!((hits.rules.len(), hits.rule_total), (1, 2));
        let hits = atlas.search_index().search("mshta", 10, |p| p != 0);
        assert_eq!(hits.rules, [6, 2]);
        assert_eq!(atlas.search_index().search("   ", 10, |_| true), Default::default());
    }
}
