//! Value search: which normalized (field, operator, value) triples hold a
//! typed value (`mshta.exe`, `\Temp\`, `4688`, `ConsoleLogin`) or name a
//! field, across the whole catalog, indicators and exclusions alike, with
//! each triple's reach.
//!
//! The index is built once, on first use, from the two catalog-wide triple
//! indexes: every triple's field and value, lower-cased, in one text, so a
//! query is one substring scan over it (~1.5 MB on the corpus) rather than
//! tens of thousands of small ones. Patterns are searched as they read, not
//! as they are escaped: `*\Temp\\*` is found by `\Temp\`.

use crate::indicator::IndicatorKey;
use crate::pattern_text::readable;
use crate::predicate::Polarity;

use super::Atlas;
use super::atlas::to_u32;
use super::order;

/// Separates entries in the searched text; no value holds it.
const END: char = '\u{0}';
/// Separates an entry's field from its value.
const FIELD_END: char = '\u{1}';

/// The triples of the catalog, searchable.
#[derive(Debug, Default)]
pub struct ValueIndex {
    entries: Vec<Entry>,
    /// `field \u{1} value \u{0}` per entry, lower-cased, in entry order.
    text: String,
    /// Where each entry's text starts in `text`; one more at the end.
    starts: Vec<u32>,
}

#[derive(Debug)]
struct Entry {
    key: IndicatorKey,
    polarity: Polarity,
    reach: u32,
}

/// A triple holding the query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValueHit {
    pub key: IndicatorKey,
    /// Indicator or exclusion.
    pub polarity: Polarity,
    /// Rules in the catalog using the triple so.
    pub reach: u32,
    pub rank: Rank,
}

/// How well a triple matches, best first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Rank {
    /// The value is the query (leading and trailing `*` aside).
    Value,
    /// The field is the query: its triples, most used first.
    FieldName,
    /// The value starts with it (a leading `*` aside).
    Prefix,
    /// The value holds it.
    Within,
    /// Only the field (or the field and the value together) holds it.
    Field,
}

/// What a query found: the best `limit` triples, and how many there were.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ValueHits {
    pub hits: Vec<ValueHit>,
    pub total: usize,
}

impl ValueIndex {
    /// Indexes every indicator and exclusion triple of the catalog (builds
    /// the triple indexes if they are not yet).
    pub fn new(atlas: &Atlas) -> ValueIndex {
        let mut entries: Vec<Entry> = Vec::new();
        for polarity in [Polarity::Indicator, Polarity::Exclusion] {
            let index = atlas.index_of(polarity);
            entries.extend(index.keys().map(|key| Entry {
                key: key.clone(),
                polarity,
                reach: to_u32(index.reach(key)),
            }));
        }
        // A stable order, whatever the hash maps' order was.
        order::sort_by(&mut entries, |a, b| {
            (&a.key.field, &a.key.value, a.key.op, a.polarity == Polarity::Exclusion).cmp(&(
                &b.key.field,
                &b.key.value,
                b.key.op,
                b.polarity == Polarity::Exclusion,
            ))
        });
        let mut text = String::with_capacity(entries.len() * 40);
        let mut starts = Vec::with_capacity(entries.len() + 1);
        for entry in &entries {
            starts.push(to_u32(text.len()));
            push_lower(&mut text, &entry.key.field);
            text.push(FIELD_END);
            push_lower(&mut text, &readable(entry.key.op, &entry.key.value));
            text.push(END);
        }
        starts.push(to_u32(text.len()));
        ValueIndex { entries, text, starts }
    }

    /// How many triples the index holds.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The triples whose value or field holds the query (case ignored), best
    /// first: the value is the query, starts with it, holds it, then only
    /// the field holds it; then by reach, most rules first. A query of
    /// several words asks for each of them, in the field or the value.
    /// Quotes around the query are dropped, and a query with doubled
    /// backslashes (as a string literal spells `\Temp\`) also finds single ones.
    pub fn search(&self, query: &str, limit: usize) -> ValueHits {
        let query: String =
            unquote(query.trim()).chars().filter(|c| *c != END && *c != FIELD_END).collect::<String>().to_lowercase();
        if query.is_empty() {
            return ValueHits::default();
        }
        let mut variants = vec![query.clone()];
        if query.contains("\\\\") {
            variants.push(query.replace("\\\\", "\\"));
        }
        let mut found: Vec<(Rank, u32)> = Vec::new();
        for variant in &variants {
            let words: Vec<&str> = variant.split_whitespace().collect();
            // Scan for the whole text first (values hold spaces), then for
            // every word of it.
            self.scan(variant, |i, rank| found.push((rank, i)));
            if words.len() > 1
                && let Some(longest) = words.iter().max_by_key(|w| w.len())
            {
                self.scan(longest, |i, _| {
                    let entry = self.entry_text(i);
                    if words.iter().all(|w| entry.contains(w)) {
                        found.push((Rank::Field, i));
                    }
                });
            }
        }
        // Each entry once, at its best rank.
        order::sort_by(&mut found, |a, b| a.1.cmp(&b.1).then(a.0.cmp(&b.0)));
        found.dedup_by_key(|f| f.1);
        order::sort_by(&mut found, |a, b| {
            let reach = |i: u32| self.entries.get(i as usize).map_or(0, |e| e.reach);
            a.0.cmp(&b.0).then_with(|| reach(b.1).cmp(&reach(a.1))).then(a.1.cmp(&b.1))
        });
        let total = found.len();
        let hits = found
            .into_iter()
            .take(limit)
            .filter_map(|(rank, i)| {
                let entry = self.entries.get(i as usize)?;
                Some(ValueHit { key: entry.key.clone(), polarity: entry.polarity, reach: entry.reach, rank })
            })
            .collect();
        ValueHits { hits, total }
    }

    /// Calls `found` with every entry whose text holds `needle`, once, with
    /// how its value matches.
    fn scan(&self, needle: &str, mut found: impl FnMut(u32, Rank)) {
        let mut last = u32::MAX;
        for (at, _) in self.text.match_indices(needle) {
            let i = to_u32(self.starts.partition_point(|&s| s as usize <= at).saturating_sub(1));
            if i == last {
                continue;
            }
            // The needle holds no separator, so it matches within the field
            // or within the value, never across.
            let (field, value) = self.entry_text(i).split_once(FIELD_END).unwrap_or_default();
            last = i;
            found(i, rank(field, value, needle));
        }
    }

    /// The lower-cased `field \u{1} value` of an entry.
    fn entry_text(&self, i: u32) -> &str {
        let (start, end) = (self.starts.get(i as usize), self.starts.get(i as usize + 1));
        match (start, end) {
            (Some(&s), Some(&e)) => self.text.get(s as usize..(e as usize).saturating_sub(1)).unwrap_or_default(),
            _ => "",
        }
    }
}

/// How a triple (lower-cased, its value as shown) matches a needle its
/// field or value holds.
fn rank(field: &str, value: &str, needle: &str) -> Rank {
    let bare = value.trim_matches('*');
    let needle_bare = needle.trim_matches('*');
    if bare == needle_bare {
        Rank::Value
    } else if field == needle {
        Rank::FieldName
    } else if value.trim_start_matches('*').starts_with(needle_bare) {
        Rank::Prefix
    } else if value.contains(needle) {
        Rank::Within
    } else {
        Rank::Field
    }
}

fn push_lower(out: &mut String, text: &str) {
    for c in text.chars().filter(|c| *c != END && *c != FIELD_END) {
        if c.is_ascii() {
            out.push(c.to_ascii_lowercase());
        } else {
            out.extend(c.to_lowercase());
        }
    }
}

/// `'x'` or `"x"` is `x`: people paste values with their quotes.
fn unquote(text: &str) -> &str {
    for quote in ['\'', '"'] {
        if let Some(inner) = text.strip_prefix(quote).and_then(|t| t.strip_suffix(quote)) {
            return inner;
        }
    }
    text
}

impl Atlas {
    /// The value search index (built on first use).
    pub fn value_index(&self) -> &ValueIndex {
        self.values.get_or_init(|| ValueIndex::new(self))
    }
}

#[cfg(test)]
mod tests {
    use super::super::fixture::atlas;
    use super::*;

    fn found(atlas: &Atlas, query: &str) -> Vec<String> {
        let hits = atlas.value_index().search(query, 50);
        hits.hits
            .iter()
            .map(|h| {
                let kind = if h.polarity == Polarity::Exclusion { " (exclusion)" } else { "" };
                format!("{}{kind} reach {} {:?}", h.key, h.reach, h.rank)
            })
            .collect()
    }

    #[test]
    fn the_catalogs_triples_once_each() {
        let atlas = atlas();
        // 8 indicator triples and 2 exclusion triples in the fixture.
        assert_eq!((atlas.index_of(Polarity::Indicator).len(), atlas.index_of(Polarity::Exclusion).len()), (8, 2));
        assert_eq!(atlas.value_index().len(), 10);
        assert!(atlas.value_index().search("  ", 10).hits.is_empty());
    }

    #[test]
    fn a_process_name_as_indicator_and_exclusion() {
        let atlas = atlas();
        assert_eq!(found(&atlas, "MSHTA.exe"), ["process.name eq mshta.exe reach 4 Value"],);
        assert_eq!(
            found(&atlas, "explorer"),
            [
                "process.parent.name eq explorer.exe (exclusion) reach 4 Prefix",
                "process.name eq explorer.exe reach 1 Prefix",
            ]
        );
    }

    #[test]
    fn patterns_are_found_as_they_read() {
        let atlas = atlas();
        // `*\teams\\*` reads `*\teams\*`: typed plainly, with doubled
        // backslashes as a string literal has them, or quoted.
        let teams = ["process.command_line wildcard *\\teams\\\\* (exclusion) reach 1 Value"];
        assert_eq!(found(&atlas, r"\Teams\"), teams);
        assert_eq!(found(&atlas, r"\\Teams\\"), teams);
        assert_eq!(found(&atlas, r"'*\Teams\*'"), teams);
        assert_eq!(found(&atlas, "http"), ["process.command_line wildcard *http* reach 4 Value"]);
        assert_eq!(found(&atlas, "ja"), ["process.command_line wildcard *javascript:* reach 1 Prefix"]);
        assert_eq!(found(&atlas, "script:"), ["process.command_line wildcard *javascript:* reach 1 Within"]);
    }

    #[test]
    fn field_names_and_words() {
        let atlas = atlas();
        // Every triple of process.parent.name, by reach.
        assert_eq!(
            found(&atlas, "parent.name"),
            [
                "process.parent.name eq explorer.exe (exclusion) reach 4 Field",
                "process.parent.name eq winword.exe reach 2 Field",
            ]
        );
        // A whole field name comes before values merely holding it.
        assert_eq!(
            found(&atlas, "Process.Parent.Name"),
            [
                "process.parent.name eq explorer.exe (exclusion) reach 4 FieldName",
                "process.parent.name eq winword.exe reach 2 FieldName",
            ]
        );
        // Two words: one in the field, one in the value.
        assert_eq!(found(&atlas, "process.name mshta"), ["process.name eq mshta.exe reach 4 Field"]);
        assert!(found(&atlas, "process.name nothing-like-this").is_empty());
        // Across the field's end, nothing.
        assert!(found(&atlas, "namemshta").is_empty());
        let hits = atlas.value_index().search("e", 2);
        assert_eq!((hits.hits.len(), hits.total), (2, 10));
    }
}
