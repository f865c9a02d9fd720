//! The coverage matrix: ATT&CK tactics as columns in matrix order, each
//! technique cell with its rule count per vendor (sub-techniques rolled up,
//! each rule once), filtered by vendor, platform and the event rules read,
//! and optionally limited to a coverage gap ([`Gap`]).

use crate::model::{Technique, Vendor};

use super::Atlas;
use super::atlas::to_u32;
use super::order;
use super::vendors::{VendorCounts, VendorSet};

/// Which rules the cells count: the filter's vendors and, with an event
/// filter, only the rules that read the event.
struct Scope {
    vendors: VendorSet,
    /// By rule position: whether the rule reads the filter's event.
    readers: Option<Vec<bool>>,
}

/// A cell's rules per vendor: every vendor's (what a gap is decided on, so
/// that "Elastic but not Splunk" means the same under any vendor filter)
/// and the filter's vendors' (what the cell shows).
struct Counted {
    every: VendorCounts,
    shown: VendorCounts,
}

impl Scope {
    fn new(atlas: &Atlas, filter: &CoverageFilter) -> Scope {
        let readers = filter.event.as_deref().map(|id| {
            let mut readers = vec![false; atlas.rules().len()];
            // An id the catalog does not know is read by no rule.
            for p in atlas.event_position(id).map(|e| atlas.rules_reading(e)).unwrap_or_default() {
                if let Some(slot) = readers.get_mut(p as usize) {
                    *slot = true;
                }
            }
            readers
        });
        Scope { vendors: filter.vendors, readers }
    }

    fn admits(&self, position: u32, vendor: Vendor) -> bool {
        self.vendors.contains(vendor) && self.reads(position)
    }

    /// Whether the rule passes the event filter (any vendor).
    fn reads(&self, position: u32) -> bool {
        self.readers.as_ref().is_none_or(|r| r.get(position as usize).copied().unwrap_or(false))
    }
}

/// The rules of a cell that pass the event filter, per vendor, for every
/// vendor and for the filter's vendors.
fn count(atlas: &Atlas, rules: &[u32], scope: &Scope) -> Counted {
    let mut every = VendorCounts::default();
    let mut shown = VendorCounts::default();
    for &position in rules {
        if let Some(rule) = atlas.rule(position).filter(|_| scope.reads(position)) {
            every.add(rule.vendor);
            if scope.vendors.contains(rule.vendor) {
                shown.add(rule.vendor);
            }
        }
    }
    Counted { every, shown }
}

/// What the matrix shows.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CoverageFilter {
    pub vendors: VendorSet,
    /// An ATT&CK platform (`Windows`); techniques not on it are left out.
    pub platform: Option<String>,
    /// A catalog event id: only rules that read it (or, for a service-level
    /// event, one of its per-call events) are counted.
    pub event: Option<String>,
    pub order: CellOrder,
    /// Only the techniques in this coverage gap (and the parents of
    /// sub-techniques in it).
    pub gap: Option<Gap>,
}

/// A coverage gap: which techniques the matrix is limited to, decided on
/// each technique's (and each sub-technique's own) rules per vendor, counting
/// only the rules that pass the event filter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Gap {
    /// Exactly one of the filter's vendors has a rule (every vendor when the
    /// filter names none): coverage that rests on one vendor.
    Single,
    /// None of the filter's vendors has a rule.
    Uncovered,
    /// `covered` has a rule and `missing` has none, whatever the vendor
    /// filter ("what Elastic covers that Splunk does not").
    Missing { covered: Vendor, missing: Vendor },
}

impl Gap {
    /// Reads the URL form (`?gap=`): `single`, `none`, or
    /// `<covered>-not-<missing>` (`elastic-not-splunk`); anything else,
    /// including a vendor missing from itself, is no gap.
    pub fn parse(text: &str) -> Option<Gap> {
        match text {
            "single" => Some(Gap::Single),
            "none" => Some(Gap::Uncovered),
            _ => {
                let (covered, missing) = text.split_once("-not-")?;
                let (covered, missing) = (Vendor::parse(covered)?, Vendor::parse(missing)?);
                (covered != missing).then_some(Gap::Missing { covered, missing })
            }
        }
    }

    /// The URL form, which [`Gap::parse`] reads back.
    pub fn to_param(self) -> String {
        match self {
            Gap::Single => "single".to_owned(),
            Gap::Uncovered => "none".to_owned(),
            Gap::Missing { covered, missing } => format!("{}-not-{}", covered.as_str(), missing.as_str()),
        }
    }

    /// Every gap the matrix offers: the two that need no vendor, then each
    /// ordered pair of vendors.
    pub fn all() -> Vec<Gap> {
        let mut gaps = vec![Gap::Single, Gap::Uncovered];
        for covered in Vendor::ALL {
            for missing in Vendor::ALL.into_iter().filter(|m| *m != covered) {
                gaps.push(Gap::Missing { covered, missing });
            }
        }
        gaps
    }

    /// What the techniques in the gap are, for people: "covered by one
    /// vendor only", "covered by no vendor", "covered by Elastic, not by
    /// Splunk".
    pub fn label(self) -> String {
        match self {
            Gap::Single => "covered by one vendor only".to_owned(),
            Gap::Uncovered => "covered by no vendor".to_owned(),
            Gap::Missing { covered, missing } => format!("covered by {}, not by {}", covered.label(), missing.label()),
        }
    }

    /// Whether a technique with these rules per vendor (all vendors, after
    /// the event filter) is in the gap, under the filter's vendors.
    pub fn holds(self, every: VendorCounts, vendors: VendorSet) -> bool {
        let with_rules = || Vendor::ALL.into_iter().filter(|v| vendors.contains(*v) && every.get(*v) > 0).count();
        match self {
            Gap::Single => with_rules() == 1,
            Gap::Uncovered => with_rules() == 0,
            Gap::Missing { covered, missing } => every.get(covered) > 0 && every.get(missing) == 0,
        }
    }
}

/// How cells are ordered within a column.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum CellOrder {
    /// Alphabetically by technique name, as ATT&CK draws the matrix.
    #[default]
    Name,
    /// Most rules first.
    Rules,
}

impl CellOrder {
    /// Reads the URL form (`?order=rules`): `rules` orders by rules, anything
    /// else (nothing, an unknown word) by name.
    pub fn parse(text: &str) -> CellOrder {
        if text == CellOrder::Rules.as_str() { CellOrder::Rules } else { CellOrder::Name }
    }

    /// The order's name: `name` or `rules`.
    pub fn as_str(self) -> &'static str {
        match self {
            CellOrder::Name => "name",
            CellOrder::Rules => "rules",
        }
    }

    /// The URL form: empty for the default order, else its name.
    pub fn to_param(self) -> &'static str {
        if self == CellOrder::default() { "" } else { self.as_str() }
    }
}

/// The matrix.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Coverage {
    pub columns: Vec<Column>,
    /// Techniques shown (a technique under two tactics counts once).
    pub techniques: usize,
    /// Of those, techniques with at least one rule.
    pub covered: usize,
    /// Rules counted in at least one cell.
    pub rules: usize,
    /// With a gap filter, the techniques and sub-techniques in the gap
    /// (each once); 0 without one.
    pub in_gap: usize,
}

/// One tactic.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Column {
    pub tactic_id: String,
    pub name: String,
    pub cells: Vec<Cell>,
    /// Cells with at least one rule.
    pub covered: usize,
}

/// One technique under one tactic.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cell {
    pub id: String,
    pub name: String,
    /// Distinct rules tagged with the technique or any sub-technique.
    pub counts: VendorCounts,
    pub subs: Vec<SubCell>,
    /// Whether the technique itself is in the filter's gap (always, without
    /// a gap filter); a cell outside it is shown for its sub-techniques in
    /// the gap, and then lists only those.
    pub in_gap: bool,
}

/// One sub-technique of a cell, with the rules tagged with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubCell {
    pub id: String,
    pub name: String,
    pub counts: VendorCounts,
}

/// Builds the matrix for a filter.
pub fn coverage(atlas: &Atlas, filter: &CoverageFilter) -> Coverage {
    let attack = &atlas.catalog().attack;
    // Technique ids, once per column they show in (deduplicated below).
    let mut shown = Vec::new();
    let mut covered = Vec::new();
    let mut in_gap: Vec<String> = Vec::new();
    let mut counted_rules = vec![false; atlas.rules().len()];
    let mut columns = Vec::with_capacity(attack.tactics.len());
    let scope = Scope::new(atlas, filter);
    let gap_holds = |counted: &Counted| filter.gap.is_none_or(|gap| gap.holds(counted.every, filter.vendors));
    for tactic in &attack.tactics {
        let mut cells = Vec::new();
        for technique in attack.techniques.iter().filter(|t| t.parent.is_none() && shows(t, filter)) {
            if !technique.tactics.iter().any(|t| t == &tactic.shortname) {
                continue;
            }
            let rules = atlas.rules_under(&technique.id);
            let counted = count(atlas, &rules, &scope);
            let mut subs = sub_cells(atlas, technique, filter, &scope);
            let technique_in_gap = gap_holds(&counted);
            if filter.gap.is_some() {
                subs.retain(|(_, holds)| *holds);
                if !technique_in_gap && subs.is_empty() {
                    continue;
                }
                if technique_in_gap {
                    in_gap.push(technique.id.clone());
                }
                in_gap.extend(subs.iter().map(|(sub, _)| sub.id.clone()));
            }
            for &p in &rules {
                if atlas.rule(p).is_some_and(|r| scope.admits(p, r.vendor)) {
                    counted_rules[p as usize] = true;
                }
            }
            shown.push(technique.id.as_str());
            if counted.shown.total() > 0 {
                covered.push(technique.id.as_str());
            }
            cells.push(Cell {
                id: technique.id.clone(),
                name: technique.name.clone(),
                counts: counted.shown,
                subs: subs.into_iter().map(|(sub, _)| sub).collect(),
                in_gap: technique_in_gap,
            });
        }
        order_cells(&mut cells, filter.order);
        let column_covered = cells.iter().filter(|c| c.counts.total() > 0).count();
        columns.push(Column {
            tactic_id: tactic.id.clone(),
            name: tactic.name.clone(),
            cells,
            covered: column_covered,
        });
    }
    order::sort_dedup(&mut shown);
    order::sort_dedup(&mut covered);
    order::sort_dedup(&mut in_gap);
    Coverage {
        columns,
        techniques: shown.len(),
        covered: covered.len(),
        rules: counted_rules.iter().filter(|c| **c).count(),
        in_gap: in_gap.len(),
    }
}

fn shows(technique: &Technique, filter: &CoverageFilter) -> bool {
    !technique.deprecated && filter.platform.as_ref().is_none_or(|p| technique.platforms.iter().any(|tp| tp == p))
}

/// The shown sub-techniques of a cell, each with whether it is in the
/// filter's gap (always, without one).
fn sub_cells(atlas: &Atlas, technique: &Technique, filter: &CoverageFilter, scope: &Scope) -> Vec<(SubCell, bool)> {
    atlas
        .subtechniques(&technique.id)
        .iter()
        .filter_map(|id| atlas.technique(id))
        .filter(|sub| shows(sub, filter))
        .map(|sub| {
            let counted = count(atlas, atlas.tagged(&sub.id), scope);
            let holds = filter.gap.is_none_or(|gap| gap.holds(counted.every, filter.vendors));
            (SubCell { id: sub.id.clone(), name: sub.name.clone(), counts: counted.shown }, holds)
        })
        .collect()
}

fn order_cells(cells: &mut Vec<Cell>, cell_order: CellOrder) {
    match cell_order {
        CellOrder::Name => order::sort_by(cells, |a, b| a.name.cmp(&b.name)),
        CellOrder::Rules => {
            order::sort_by(cells, |a, b| b.counts.total().cmp(&a.counts.total()).then_with(|| a.name.cmp(&b.name)))
        }
    }
}

/// The fewest rules of each shading step: step `i` holds the counts from
/// `SHADE_FLOORS[i]` up to the next floor (a roughly doubling scale).
const SHADE_FLOORS: [u32; 6] = [0, 1, 2, 4, 10, 25];

/// The shading step of a cell (0 for no rule, up to 5), on a fixed doubling
/// scale so that colors mean the same count under every filter.
pub fn shade(rules: u32) -> u8 {
    let above = SHADE_FLOORS.iter().skip(1).filter(|&&floor| rules >= floor).count();
    u8::try_from(above).unwrap_or(u8::MAX)
}

/// What the shades mean, for the matrix's legend: each step with the rule
/// counts it stands for (`0`, `1`, `2–3`, `4–9`, `10–24`, `25+`), from the
/// same floors as [`shade`].
pub fn shade_legend() -> Vec<(u8, String)> {
    let mut legend = Vec::with_capacity(SHADE_FLOORS.len());
    for (step, &floor) in SHADE_FLOORS.iter().enumerate() {
        let label = match SHADE_FLOORS.get(step + 1) {
            None => format!("{floor}+"),
            Some(&next) if next == floor + 1 => floor.to_string(),
            Some(&next) => format!("{floor}–{}", next - 1),
        };
        legend.push((shade(floor), label));
    }
    legend
}

/// Every platform ATT&CK lists for a non-deprecated technique, sorted.
pub fn platforms(atlas: &Atlas) -> Vec<String> {
    let mut platforms: Vec<&str> = atlas
        .catalog()
        .attack
        .techniques
        .iter()
        .filter(|t| !t.deprecated)
        .flat_map(|t| t.platforms.iter().map(String::as_str))
        .collect();
    order::sort_dedup(&mut platforms);
    platforms.into_iter().map(str::to_owned).collect()
}

impl Atlas {
    /// Rules that tag no technique at all.
    pub fn untagged_rules(&self) -> u32 {
        to_u32(self.rules().iter().filter(|r| r.techniques.is_empty()).count())
    }
}

#[cfg(test)]
mod tests {
    use super::super::fixture::atlas;
    use super::*;

    fn cell<'a>(coverage: &'a Coverage, tactic: &str, id: &str) -> &'a Cell {
        let column = coverage.columns.iter().find(|c| c.tactic_id == tactic).expect("tactic");
        column.cells.iter().find(|c| c.id == id).expect("cell")
    }

    #[test]
    fn columns_follow_matrix_order_and_skip_deprecated() {
        let coverage = coverage(&atlas(), &CoverageFilter::default());
        let ids: Vec<_> = coverage.columns.iter().map(|c| c.tactic_id.as_str()).collect();
        assert_eq!(ids, ["TA0001", "TA0002", "TA0005"]);
        let execution: Vec<_> = coverage.columns[1].cells.iter().map(|c| c.id.as_str()).collect();
        // Alphabetical by name; T1064 is deprecated.
        assert_eq!(execution, ["T1059", "T1204"]);
        // T1566, T1204, T1059, T1218, T1027 shown; T1204, T1059, T1218 covered.
        assert_eq!((coverage.techniques, coverage.covered), (5, 3));
        // r1..r6 sit in a cell; r7 (unknown technique) and r8 (none) do not.
        assert_eq!(coverage.rules, 6);
    }

    #[test]
    fn cells_roll_up_subtechniques_counting_each_rule_once() {
        let coverage = coverage(&atlas(), &CoverageFilter::default());
        let t1204 = cell(&coverage, "TA0002", "T1204");
        // r1 and r5 (Sigma), r2 (Elastic, tagged with T1204 and T1204.002: once), r3 (Splunk).
        assert_eq!(
            (t1204.counts.get(Vendor::Sigma), t1204.counts.get(Vendor::Elastic), t1204.counts.get(Vendor::Splunk)),
            (2, 1, 1)
        );
        assert_eq!(t1204.counts.total(), 4);
        let subs: Vec<_> = t1204.subs.iter().map(|s| (s.id.as_str(), s.counts.total())).collect();
        assert_eq!(subs, [("T1204.001", 0), ("T1204.002", 3)]);
        // r6 tags T1059 and T1059.001: one rule.
        assert_eq!(cell(&coverage, "TA0002", "T1059").counts.total(), 2);
        assert_eq!(cell(&coverage, "TA0005", "T1218").counts.get(Vendor::Sigma), 1);
    }

    #[test]
    fn vendor_and_platform_filters() {
        let atlas = atlas();
        let elastic = CoverageFilter { vendors: VendorSet::of([Vendor::Elastic]), ..Default::default() };
        let coverage = coverage(&atlas, &elastic);
        assert_eq!(cell(&coverage, "TA0002", "T1204").counts.total(), 1);
        assert_eq!(coverage.rules, 2);
        let network = CoverageFilter { platform: Some("Network Devices".into()), ..Default::default() };
        let coverage = super::coverage(&atlas, &network);
        let execution: Vec<_> = coverage.columns[1].cells.iter().map(|c| c.id.as_str()).collect();
        assert_eq!(execution, ["T1059"]);
        // PowerShell is Windows-only, so the cell shows no sub-technique,
        // while its count still includes the sub-technique's rules.
        assert!(coverage.columns[1].cells[0].subs.is_empty());
        assert_eq!(coverage.columns[1].cells[0].counts.total(), 2);
        assert!(coverage.columns[0].cells.is_empty());
    }

    #[test]
    fn event_filter_counts_only_rules_reading_the_event() {
        let atlas = atlas();
        let on = |event: &str| CoverageFilter { event: Some(event.into()), ..Default::default() };
        let sysmon_1 = coverage(&atlas, &on("sysmon-1"));
        // T1204: r1, r2, r3 read Sysmon 1; r5 reads Sysmon 11 only.
        let t1204 = cell(&sysmon_1, "TA0002", "T1204");
        assert_eq!(t1204.counts.total(), 3);
        assert_eq!(t1204.subs.iter().map(|s| s.counts.total()).collect::<Vec<_>>(), [0, 2]);
        assert_eq!(cell(&sysmon_1, "TA0002", "T1059").counts.total(), 2);
        // r1..r4 and r6; r7's technique is in no cell.
        assert_eq!((sysmon_1.rules, sysmon_1.covered), (5, 3));
        let file = coverage(&atlas, &on("sysmon-11"));
        assert_eq!((file.rules, file.covered, cell(&file, "TA0002", "T1204").counts.get(Vendor::Sigma)), (1, 1, 1));
        // A service-level event counts the rules of its per-call events: r8
        // reads the Security log (no technique), r1, r3, r4 its 4688.
        let security = coverage(&atlas, &on("win-security"));
        let t1204 = cell(&security, "TA0002", "T1204");
        assert_eq!(
            (t1204.counts.get(Vendor::Sigma), t1204.counts.get(Vendor::Splunk), t1204.counts.total()),
            (1, 1, 2)
        );
        assert_eq!(security.rules, 3);
        // With a vendor filter too.
        let elastic = CoverageFilter { vendors: VendorSet::of([Vendor::Elastic]), ..on("sysmon-1") };
        assert_eq!(coverage(&atlas, &elastic).rules, 2);
        // An unknown event: no rule reads it.
        let unknown = coverage(&atlas, &on("nope"));
        assert_eq!((unknown.rules, unknown.covered, unknown.techniques), (0, 0, 5));
    }

    #[test]
    fn order_by_rules() {
        let filter = CoverageFilter { order: CellOrder::Rules, ..Default::default() };
        let coverage = coverage(&atlas(), &filter);
        assert_eq!(coverage.columns[1].cells[0].id, "T1204");
    }

    #[test]
    fn shading_doubles() {
        let steps: Vec<u8> = [0, 1, 2, 3, 4, 9, 10, 24, 25, 400].into_iter().map(shade).collect();
        assert_eq!(steps, [0, 1, 2, 2, 3, 3, 4, 4, 5, 5]);
        assert_eq!(shade(u32::MAX), 5);
    }

    #[test]
    fn the_legend_names_the_shades_steps() {
        let legend = shade_legend();
        let expected = [(0, "0"), (1, "1"), (2, "2–3"), (3, "4–9"), (4, "10–24"), (5, "25+")];
        assert_eq!(legend.iter().map(|(step, label)| (*step, label.as_str())).collect::<Vec<_>>(), expected);
    }

    #[test]
    fn cell_orders_in_the_url() {
        assert_eq!(CellOrder::parse("rules"), CellOrder::Rules);
        assert_eq!(CellOrder::parse(""), CellOrder::Name);
        assert_eq!(CellOrder::parse("name"), CellOrder::Name);
        assert_eq!(CellOrder::parse("Rules"), CellOrder::Name);
        assert_eq!((CellOrder::Name.to_param(), CellOrder::Rules.to_param()), ("", "rules"));
        assert_eq!((CellOrder::Name.as_str(), CellOrder::Rules.as_str()), ("name", "rules"));
    }

    /// The gap's techniques and sub-techniques, and the matrix's cells with
    /// whether each is itself in the gap and the sub-techniques it lists.
    fn gap_cells(filter: &CoverageFilter) -> (usize, Vec<(String, bool, Vec<String>)>) {
        let coverage = coverage(&atlas(), filter);
        let cells = coverage
            .columns
            .iter()
            .flat_map(|c| &c.cells)
            .map(|c| (c.id.clone(), c.in_gap, c.subs.iter().map(|s| s.id.clone()).collect()))
            .collect();
        (coverage.in_gap, cells)
    }

    fn on(gap: &str) -> CoverageFilter {
        CoverageFilter { gap: Gap::parse(gap), ..Default::default() }
    }

    fn cell_of(id: &str, in_gap: bool, subs: &[&str]) -> (String, bool, Vec<String>) {
        (id.to_owned(), in_gap, subs.iter().map(|s| (*s).to_owned()).collect())
    }

    #[test]
    fn techniques_resting_on_one_vendor() {
        // T1218 and T1218.005: r1 (Sigma) alone. T1204 has all three
        // vendors, T1059 Sigma and Elastic.
        assert_eq!(gap_cells(&on("single")), (2, vec![cell_of("T1218", true, &["T1218.005"])]));
        // Among Sigma and Splunk only, T1059's Elastic rule does not count.
        let sigma_splunk = CoverageFilter { vendors: VendorSet::of([Vendor::Sigma, Vendor::Splunk]), ..on("single") };
        assert_eq!(
            gap_cells(&sigma_splunk),
            (4, vec![cell_of("T1059", true, &["T1059.001"]), cell_of("T1218", true, &["T1218.005"])])
        );
        // Reading Sysmon 11, T1204 rests on r5 (Sigma) alone; r1 does not read it.
        let file = CoverageFilter { event: Some("sysmon-11".into()), ..on("single") };
        assert_eq!(gap_cells(&file), (2, vec![cell_of("T1204", true, &["T1204.002"])]));
    }

    #[test]
    fn techniques_no_vendor_covers() {
        // T1204 is covered, but its sub-technique T1204.001 is not: the cell
        // shows for it, marked as not in the gap itself, listing only it.
        let (in_gap, cells) = gap_cells(&on("none"));
        assert_eq!(in_gap, 4);
        assert_eq!(
            cells,
            [
                cell_of("T1566", true, &["T1566.001"]),
                cell_of("T1204", false, &["T1204.001"]),
                cell_of("T1027", true, &[])
            ]
        );
        let coverage = coverage(&atlas(), &on("none"));
        assert_eq!((coverage.techniques, coverage.covered), (3, 1));
    }

    #[test]
    fn what_one_vendor_covers_and_another_does_not() {
        assert_eq!(
            gap_cells(&on("sigma-not-splunk")),
            (4, vec![cell_of("T1059", true, &["T1059.001"]), cell_of("T1218", true, &["T1218.005"])])
        );
        assert_eq!(gap_cells(&on("splunk-not-elastic")), (0, vec![]));
        // Decided on every vendor's rules whatever the vendor filter: the
        // cells then count only Splunk's (none).
        let splunk = CoverageFilter { vendors: VendorSet::of([Vendor::Splunk]), ..on("elastic-not-sigma") };
        assert_eq!(gap_cells(&splunk), (0, vec![]));
        let splunk = CoverageFilter { vendors: VendorSet::of([Vendor::Splunk]), ..on("elastic-not-splunk") };
        let coverage = coverage(&atlas(), &splunk);
        assert_eq!(coverage.in_gap, 2);
        let t1059 = &coverage.columns[1].cells[0];
        assert_eq!((t1059.id.as_str(), t1059.counts.total()), ("T1059", 0));
    }

    #[test]
    fn gaps_in_the_url() {
        assert_eq!(Gap::parse("single"), Some(Gap::Single));
        assert_eq!(Gap::parse("none"), Some(Gap::Uncovered));
        let elastic_splunk = Gap::Missing { covered: Vendor::Elastic, missing: Vendor::Splunk };
        assert_eq!(Gap::parse("elastic-not-splunk"), Some(elastic_splunk));
        assert_eq!(Gap::parse("Elastic-not-SPLUNK"), Some(elastic_splunk));
        for bad in ["", "elastic-not-elastic", "elastic-not-", "qradar-not-splunk", "elastic", "Single"] {
            assert_eq!(Gap::parse(bad), None, "{bad}");
        }
        let all = Gap::all();
        assert_eq!(all.len(), 8);
        for gap in all {
            assert_eq!(Gap::parse(&gap.to_param()), Some(gap));
        }
        assert_eq!(elastic_splunk.to_param(), "elastic-not-splunk");
        assert_eq!(elastic_splunk.label(), "covered by Elastic, not by Splunk");
        assert_eq!(Gap::Single.label(), "covered by one vendor only");
    }

    #[test]
    fn platform_list() {
        assert_eq!(platforms(&atlas()), ["Linux", "Network Devices", "Windows", "macOS"]);
        assert_eq!(atlas().untagged_rules(), 1);
    }
}
