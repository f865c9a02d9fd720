//! CSV of the app's tables (RFC 4180): one header row, then a row per table
//! row, cells quoted where they hold a comma, a quote or a line break, lines
//! ending in CRLF.
//!
//! Catalog text is untrusted (rule titles, values, ids), and a spreadsheet
//! runs a cell that starts with `=`, `+`, `-`, `@`, a tab or a carriage
//! return as a formula; such a cell gets a leading `'` (OWASP's advice for
//! CSV injection), which spreadsheets show as text. So a value such as
//! `-enc` reads `'-enc` in the file.

use std::borrow::Cow;

use crate::model::Vendor;

use crate::aggregate::{Atlas, Coverage, FieldRow, SimilarRule, ValueHit, ValueRow, VendorCounts};
use crate::number::fixed;
use crate::predicate::Polarity;

/// A table as text: a header and rows of cells.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Table {
    pub header: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

impl Table {
    pub fn new<S: Into<String>>(header: impl IntoIterator<Item = S>) -> Table {
        Table { header: header.into_iter().map(Into::into).collect(), rows: Vec::new() }
    }

    pub fn push(&mut self, row: Vec<String>) {
        self.rows.push(row);
    }

    /// The table as CSV text.
    pub fn to_csv(&self) -> String {
        let mut out = String::new();
        for row in std::iter::once(&self.header).chain(&self.rows) {
            for (i, text) in row.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&cell(text));
            }
            out.push_str("\r\n");
        }
        out
    }
}

/// One cell as CSV: guarded against formulas, quoted when it must be.
pub fn cell(text: &str) -> Cow<'_, str> {
    let formula = text.starts_with(['=', '+', '-', '@', '\t', '\r']);
    let quote = text.contains([',', '"', '\n', '\r']);
    if !formula && !quote {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 4);
    if quote {
        out.push('"');
    }
    if formula {
        out.push('\'');
    }
    for c in text.chars() {
        if c == '"' {
            out.push('"');
        }
        out.push(c);
    }
    if quote {
        out.push('"');
    }
    Cow::Owned(out)
}

/// The vendors' column headers, in vendor order.
fn vendor_headers() -> impl Iterator<Item = String> {
    Vendor::ALL.into_iter().map(|v| v.label().to_owned())
}

/// Rules per vendor, then their total, as cells.
fn vendor_cells(counts: VendorCounts) -> impl Iterator<Item = String> {
    Vendor::ALL.into_iter().map(move |v| counts.get(v).to_string()).chain(std::iter::once(counts.total().to_string()))
}

/// The guide's fields table: canonical field (empty for field-less
/// searches), the names rules write, rules, operators with their rules,
/// sample values (`; ` between items).
pub fn fields(rows: &[FieldRow]) -> Table {
    let mut table = Table::new(["Field", "Written as", "Rules", "How", "Sample values"]);
    for row in rows {
        let how = row.ops.iter().map(|o| format!("{} {}", o.op, o.rules)).collect::<Vec<_>>().join("; ");
        table.push(vec![
            row.field.clone(),
            row.source_fields.join("; "),
            row.rules.to_string(),
            how,
            row.samples.iter().map(|(_, v)| v.as_str()).collect::<Vec<_>>().join("; "),
        ]);
    }
    table
}

/// A guide table of triples (top indicator values, common exclusions):
/// field, operator, value in the catalog's pattern spelling, rules, and the
/// rules in the whole catalog using the triple (the page leaves that blank
/// when it equals the rules; the file always says it).
pub fn values(rows: &[ValueRow]) -> Table {
    let mut table = Table::new(["Field", "Operator", "Value", "Rules", "Corpus reach"]);
    for row in rows {
        table.push(vec![
            row.key.field.to_string(),
            row.key.op.as_str().to_owned(),
            row.key.value.clone(),
            row.rules.to_string(),
            row.reach.unwrap_or(row.rules).to_string(),
        ]);
    }
    table
}

/// Value search results: field, operator, value in the catalog's pattern
/// spelling, whether rules look for it or exclude it, and its reach.
pub fn value_hits(hits: &[ValueHit]) -> Table {
    let mut table = Table::new(["Field", "Operator", "Value", "As", "Reach"]);
    for hit in hits {
        let kind = if hit.polarity == Polarity::Exclusion { "exclusion" } else { "indicator" };
        table.push(vec![
            hit.key.field.to_string(),
            hit.key.op.as_str().to_owned(),
            hit.key.value.clone(),
            kind.to_owned(),
            hit.reach.to_string(),
        ]);
    }
    table
}

/// A rule's similar rules: id, title, vendor, score, the triples shared and
/// the rule's own, their Jaccard index, whether it looks like a port, and
/// the shared triples (`field op value`, `; ` between them).
pub fn similar(atlas: &Atlas, found: &[SimilarRule]) -> Table {
    let mut table =
        Table::new(["Id", "Title", "Vendor", "Score", "Shared", "Its triples", "Jaccard", "Port", "Shared triples"]);
    for similar in found {
        let Some(rule) = atlas.rule(similar.rule) else { continue };
        let shared = similar.shared.iter().map(ToString::to_string).collect::<Vec<_>>().join("; ");
        table.push(vec![
            rule.id.clone(),
            rule.title.clone(),
            rule.vendor.label().to_owned(),
            fixed(similar.score, 2),
            similar.shared.len().to_string(),
            similar.triples.to_string(),
            fixed(similar.jaccard, 2),
            if similar.port { "yes" } else { "no" }.to_owned(),
            shared,
        ]);
    }
    table
}

/// A list of rules: id, title, vendor, techniques, severity, parse status,
/// file path and its upstream link.
pub fn rules(atlas: &Atlas, positions: &[u32]) -> Table {
    let mut table = Table::new(["Id", "Title", "Vendor", "Techniques", "Severity", "Parse status", "Path", "Upstream"]);
    for rule in positions.iter().filter_map(|&p| atlas.rule(p)) {
        table.push(vec![
            rule.id.clone(),
            rule.title.clone(),
            rule.vendor.label().to_owned(),
            rule.techniques.join(" "),
            rule.severity.clone().unwrap_or_default(),
            rule.status.as_str().to_owned(),
            rule.path.clone(),
            atlas.catalog().file_url(rule).unwrap_or_default(),
        ]);
    }
    table
}

/// The coverage matrix as shown: a row per technique under each tactic it
/// is in, followed by its listed sub-techniques, with the rules per vendor
/// the cells count. With `gap`, a last column says whether the row is in
/// the gap (a parent may be listed only for its sub-techniques).
pub fn coverage(coverage: &Coverage, gap: bool) -> Table {
    let mut header: Vec<String> = ["Tactic", "Technique", "Name", "Sub-technique of"].map(String::from).into();
    header.extend(vendor_headers());
    header.push("Total".into());
    if gap {
        header.push("In gap".into());
    }
    let mut table = Table::new(header);
    for column in &coverage.columns {
        for cell in &column.cells {
            let mut row = vec![column.name.clone(), cell.id.clone(), cell.name.clone(), String::new()];
            row.extend(vendor_cells(cell.counts));
            if gap {
                row.push(if cell.in_gap { "yes" } else { "no" }.into());
            }
            table.push(row);
            for sub in &cell.subs {
                let mut row = vec![column.name.clone(), sub.id.clone(), sub.name.clone(), cell.id.clone()];
                row.extend(vendor_cells(sub.counts));
                if gap {
                    row.push("yes".into());
                }
                table.push(row);
            }
        }
    }
    table
}

/// A table of linked items with rules per vendor (events covered, an
/// event's techniques or per-call events): the name, its id or code, one
/// more column, then the rules per vendor and their total.
pub fn vendor_counts<'a>(headers: [&str; 3], rows: impl IntoIterator<Item = ([&'a str; 3], VendorCounts)>) -> Table {
    let mut header: Vec<String> = headers.map(String::from).into();
    header.extend(vendor_headers());
    header.push("Total".into());
    let mut table = Table::new(header);
    for (cells, counts) in rows {
        let mut row: Vec<String> = cells.map(String::from).into();
        row.extend(vendor_cells(counts));
        table.push(row);
    }
    table
}

#[cfg(test)]
mod tests {
    use super::super::super::aggregate::{CoverageFilter, Gap, coverage as matrix, guide};
    use super::*;
    use crate::aggregate::fixture::atlas;

    #[test]
    fn cells_are_quoted_and_guarded() {
        assert_eq!(cell("plain text"), "plain text");
        assert_eq!(cell("a,b"), "\"a,b\"");
        assert_eq!(cell("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(cell("two\nlines"), "\"two\nlines\"");
        assert_eq!(cell(r"*\temp\\*"), r"*\temp\\*");
        // Formulas stay text.
        assert_eq!(cell("=HYPERLINK(\"http://x\")"), "\"'=HYPERLINK(\"\"http://x\"\")\"");
        assert_eq!(cell("-enc"), "'-enc");
        assert_eq!(cell("+1"), "'+1");
        assert_eq!(cell("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(cell("\tx"), "'\tx");
        assert_eq!(cell("\rx"), "\"'\rx\"");
        assert_eq!(cell("a-b=c"), "a-b=c");
        assert_eq!(cell(""), "");
    }

    #[test]
    fn a_table_is_a_header_and_crlf_rows() {
        let mut table = Table::new(["A", "B"]);
        table.push(vec!["1".into(), "x,y".into()]);
        table.push(vec![String::new(), "é".into()]);
        assert_eq!(table.to_csv(), "A,B\r\n1,\"x,y\"\r\n,é\r\n");
    }

    #[test]
    fn guide_tables() {
        let atlas = atlas();
        let guide = guide(&atlas, &atlas.rules_under("T1204"));
        let fields = fields(&guide.fields);
        assert_eq!(fields.header, ["Field", "Written as", "Rules", "How", "Sample values"]);
        assert_eq!(
            fields.rows[0],
            ["process.name", "Image; process.name; process_name", "4", "eq 2; wildcard 2", "mshta.exe; explorer.exe"]
        );
        let values = values(&guide.indicators);
        // The corpus reach is said even where the page leaves it blank.
        assert_eq!(values.rows[0], ["process.name", "eq", "mshta.exe", "3", "4"]);
        assert_eq!(values.rows[2], ["process.parent.name", "eq", "winword.exe", "2", "2"]);
        let exclusions = super::values(&guide.exclusions);
        assert_eq!(exclusions.rows[1], ["process.command_line", "wildcard", r"*\teams\\*", "1", "1"]);
        assert!(exclusions.to_csv().contains("process.command_line,wildcard,*\\teams\\\\*,1,1\r\n"));
    }

    #[test]
    fn rule_lists() {
        let atlas = atlas();
        let table = rules(&atlas, &[1, 2, 99]);
        assert_eq!(table.rows.len(), 2);
        assert_eq!(
            table.rows[0],
            [
                "r2",
                "Microsoft HTML Application from Office",
                "Elastic",
                "T1204 T1204.002",
                "high",
                "parsed",
                "rules/r2.yml",
                ""
            ]
        );
    }

    #[test]
    fn the_matrix_as_filtered() {
        let atlas = atlas();
        let all = coverage(&matrix(&atlas, &CoverageFilter::default()), false);
        assert_eq!(
            all.header,
            ["Tactic", "Technique", "Name", "Sub-technique of", "Sigma", "Elastic", "Splunk", "Total"]
        );
        // Initial Access: T1566 and its sub-technique; Execution: T1059, T1059.001, T1204, …
        assert_eq!(all.rows[0], ["Initial Access", "T1566", "Phishing", "", "0", "0", "0", "0"]);
        assert_eq!(
            all.rows[1],
            ["Initial Access", "T1566.001", "Spearphishing Attachment", "T1566", "0", "0", "0", "0"]
        );
        assert_eq!(all.rows[4], ["Execution", "T1204", "User Execution", "", "2", "1", "1", "4"]);
        assert_eq!(all.rows.len(), 10);
        let none = CoverageFilter { gap: Gap::parse("none"), ..Default::default() };
        let gap = coverage(&matrix(&atlas, &none), true);
        let rows: Vec<(&str, &str)> = gap.rows.iter().map(|r| (r[1].as_str(), r[8].as_str())).collect();
        assert_eq!(
            rows,
            [("T1566", "yes"), ("T1566.001", "yes"), ("T1204", "no"), ("T1204.001", "yes"), ("T1027", "yes")]
        );
    }

    #[test]
    fn value_search_results() {
        let atlas = atlas();
        let table = value_hits(&atlas.value_index().search("explorer", 10).hits);
        assert_eq!(table.header, ["Field", "Operator", "Value", "As", "Reach"]);
        assert_eq!(
            table.rows,
            [
                ["process.parent.name", "eq", "explorer.exe", "exclusion", "4"],
                ["process.name", "eq", "explorer.exe", "indicator", "1"]
            ]
        );
    }

    #[test]
    fn similar_rules_of_a_rule() {
        let atlas = atlas();
        let own: Vec<_> =
            crate::aggregate::rule_keys(&atlas, 0, Polarity::Indicator).into_iter().map(|k| k.key).collect();
        let table = similar(&atlas, &crate::aggregate::similar_rules(&atlas, 0, &own, 1));
        assert_eq!(table.header[..4], ["Id", "Title", "Vendor", "Score"]);
        // r2 shares mshta.exe (reach 4 of 8: ln 2) and winword.exe (2 of 8: ln 4).
        assert_eq!(
            table.rows,
            [[
                "r2",
                "Microsoft HTML Application from Office",
                "Elastic",
                &format!("{:.2}", 2f64.ln() + 4f64.ln()),
                "2",
                "2",
                "0.67",
                "no",
                "process.parent.name eq winword.exe; process.name eq mshta.exe"
            ]]
        );
    }

    #[test]
    fn rules_per_vendor() {
        let atlas = atlas();
        let counts = VendorCounts::of(&atlas, &[0, 1, 3]);
        let table = vendor_counts(["Event", "Code", "Source"], [(["Process creation", "1", "Sysmon"], counts)]);
        assert_eq!(table.header, ["Event", "Code", "Source", "Sigma", "Elastic", "Splunk", "Total"]);
        assert_eq!(table.rows[0], ["Process creation", "1", "Sysmon", "2", "1", "0", "3"]);
    }
}
