//! Elastic detection-rules front end (TOML metadata; KQL, EQL and ES|QL queries).
//!
//! `parse_file` reads one rule TOML: `metadata` fills the catalog fields,
//! the query is read by the parser of its language (`kql`, `eql`, `esql`;
//! Lucene through the KQL parser's Lucene mode), `[[rule.filters]]` are AND-ed
//! with it (`filters`). Problems go into the shared sink (`crate::problem`),
//! which settles the rule's status and reason and makes diagnostics: spans in
//! the query are mapped back through the TOML string the query was written
//! in, so a diagnostic has the line and column of the text it is about.

// The three query parsers are crate-visible for the fuzz targets
// (`crate::fuzzing`), which drive each one on its own.
pub(crate) mod eql;
pub(crate) mod esql;
mod expr;
mod filters;
pub(crate) mod kql;
mod lexer;
mod lower;
mod metadata;
#[cfg(test)]
mod testutil;

use atlas_catalog::{Expr, FieldTable, ParseStatus, RuleDetail, Vendor};
use toml::Spanned;

use self::lower::QueryLogic;
use self::metadata::RuleFile;
use crate::diagnostic::{Diagnostic, Severity, line_of};
use crate::leaf::LeafMaker;
use crate::outcome::{FileOutcome, ParsedRule, empty_rule, settle};
use crate::problem::Problems;
use crate::syntax::{Embedded, ErrorKind, LineIndex, Span};
use crate::{Context, FrontEnd, Repository};

/// The Elastic front end.
pub struct Elastic;

static REPOSITORY: Repository = Repository {
    url: "https://github.com/elastic/detection-rules",
    branch: "main",
    rule_folders: &["rules", "rules_building_block"],
    excluded: &["rules/_deprecated"],
    extensions: &["toml"],
};

impl FrontEnd for Elastic {
    fn vendor(&self) -> Vendor {
        Vendor::Elastic
    }

    fn repository(&self) -> &'static Repository {
        &REPOSITORY
    }

    fn recognizes(&self, extension: &str, _text: &str) -> bool {
        REPOSITORY.extensions.contains(&extension)
    }

    fn parse(&self, path: &str, text: &str, context: &Context) -> FileOutcome {
        settle(parse_file(path, text, context.fields))
    }
}

/// Reads one rule file (`rel_path` is its path inside the repository).
pub fn parse_file(rel_path: &str, text: &str, fields: &FieldTable) -> FileOutcome {
    let file: RuleFile = match toml::from_str(text) {
        Ok(file) => file,
        Err(err) if err.message().contains("missing field `rule`") => {
            return FileOutcome::skipped("not an Elastic rule (no `[rule]` table)");
        }
        Err(err) => {
            let position = err.span().map(|span| LineIndex::new(text).position(span.start));
            let message = format!("invalid TOML: {}", err.message().trim());
            return FileOutcome::failed(
                Diagnostic::new(Vendor::Elastic, rel_path, Severity::Error, "invalid TOML", message).at(position),
            );
        }
    };
    if file.metadata.maturity.as_deref().is_some_and(|m| m.eq_ignore_ascii_case("deprecated")) {
        return FileOutcome::skipped("deprecated rule (maturity = \"deprecated\")");
    }
    let (Some(id), Some(title)) = (file.rule.rule_id.clone(), file.rule.name.clone()) else {
        let message = "the rule has no `rule_id` or no `name`";
        return FileOutcome::failed(
            Diagnostic::new(Vendor::Elastic, rel_path, Severity::Error, "missing rule identity", message)
                .at_line(line_of(text, "[rule]")),
        );
    };
    let maker = LeafMaker::new(fields, Vendor::Elastic);
    RuleReader { rel_path, text, file: &file, maker }.read(id, title)
}

/// Reads the parts of one parsed TOML into a catalog rule.
struct RuleReader<'a> {
    rel_path: &'a str,
    text: &'a str,
    file: &'a RuleFile,
    maker: LeafMaker<'a>,
}

impl RuleReader<'_> {
    fn read(self, id: String, title: String) -> FileOutcome {
        let language = self.language();
        let url = crate::repository(Vendor::Elastic).file_url(self.rel_path);
        let mut rule = empty_rule(Vendor::Elastic, id, title, self.rel_path, url, &language);
        metadata::fill(&mut rule, self.file);

        let mut problems = Problems::default();
        let logic = self.logic(&language, &mut problems);
        rule.logic = logic.logic;
        rule.log_source.extend(logic.log_source);
        rule.attributes.extend(logic.attributes);
        let diagnostics = problems.settle(&mut rule, self.text);
        let detail = RuleDetail { text: self.text.to_owned(), sections: self.sections(), ..Default::default() };
        FileOutcome { rules: vec![ParsedRule { rule, detail, line: Some(1) }], diagnostics, skipped: None }
    }

    /// The rule's query language; machine-learning rules have none.
    fn language(&self) -> String {
        let section = &self.file.rule;
        match (section.language.as_ref().map(Spanned::get_ref), section.kind.as_deref()) {
            (Some(language), _) => language.to_ascii_lowercase(),
            (None, Some("machine_learning")) => "none".to_owned(),
            (None, Some("eql")) => "eql".to_owned(),
            (None, Some("esql")) => "esql".to_owned(),
            (None, _) if section.query.is_some() => "kuery".to_owned(),
            (None, _) => "none".to_owned(),
        }
    }

    /// The query's logic AND-ed with the filters; what is not read goes
    /// into `problems`.
    fn logic(&self, language: &str, problems: &mut Problems) -> QueryLogic {
        let section = &self.file.rule;
        if section.kind.as_deref() == Some("machine_learning") {
            problems.push(ParseStatus::NoQuery, "no query", "machine learning rule: no query", None);
            return QueryLogic::default();
        }
        let query = section.query.as_ref().map_or("", |q| q.get_ref().as_str());
        let category_field = section.event_category_override.as_deref().unwrap_or(EVENT_CATEGORY);
        let written = QueryText {
            query,
            category_field,
            place: &|span| self.in_file(query, span),
            language_span: section.language.as_ref().map(file_span),
        };
        // A query that cannot be read leaves no logic: the filters alone
        // would misstate what the rule looks for.
        let Some(mut logic) = read_query(language, &written, self.maker, problems) else {
            return QueryLogic::default();
        };
        let filters = section.filters.as_ref();
        let (filter_trees, filter_partial) = filters::read(filters.map_or(&[], |f| f.get_ref()), self.maker);
        // Filters point at their table (`[[rule.filters]]` or `filters = […]`).
        let filters_span = filters.map(file_span);
        for reason in filter_partial {
            problems.partial("Kibana filter kept as text", reason, filters_span);
        }
        if !filter_trees.is_empty() {
            let mut all: Vec<Expr> = logic.logic.take().into_iter().collect();
            all.extend(filter_trees);
            logic.logic = Some(Expr::and(all));
        }
        logic
    }

    /// A span of the query as a span of the file. TOML decoded the query
    /// from a string (quotes, escapes, the newline after `'''`); `Spanned`
    /// says where that string is written, and `Embedded` aligns the two.
    fn in_file(&self, query: &str, span: Span) -> Option<Span> {
        let written = file_span(self.file.rule.query.as_ref()?);
        let raw = self.text.get(written.start..written.end)?;
        Some(Embedded { raw, start: written.start }.file_span(query, span))
    }

    fn sections(&self) -> Vec<(String, String)> {
        let section = &self.file.rule;
        let mut out = Vec::new();
        if let Some(note) = section.note.as_ref().filter(|n| !n.trim().is_empty()) {
            out.push(("Investigation guide".to_owned(), note.clone()));
        }
        if let Some(setup) = section.setup.as_ref().filter(|s| !s.trim().is_empty()) {
            out.push(("Setup".to_owned(), setup.clone()));
        }
        out
    }
}

/// The field EQL's `process where …` tests, unless a rule overrides it.
const EVENT_CATEGORY: &str = "event.category";

/// A query and where it is written.
struct QueryText<'a> {
    query: &'a str,
    /// The field an EQL event category is a test of.
    category_field: &'a str,
    /// A span of the query as a span of the text diagnostics point into.
    place: &'a dyn Fn(Span) -> Option<Span>,
    /// Where the language is named, for an unknown one.
    language_span: Option<Span>,
}

/// Runs the parser of the query's language; `None` (and a problem) when the
/// query cannot be read. Parts kept as text are problems too (the logic
/// keeps none). One path for a rule file's query and a bare query.
fn read_query(language: &str, written: &QueryText, maker: LeafMaker, problems: &mut Problems) -> Option<QueryLogic> {
    let query = written.query;
    // An empty query or `*` matches every event: no logic, nothing unread.
    let match_all = matches!(query.trim(), "" | "*" | "*:*");
    if match_all && matches!(language, "kuery" | "lucene") {
        return Some(QueryLogic::default());
    }
    let tree = |expr| QueryLogic { logic: Some(expr), ..Default::default() };
    let (label, result) = match language {
        "kuery" => ("KQL", kql::parse(query, kql::Syntax::Kuery, maker).map(tree)),
        "lucene" => ("Lucene", kql::parse(query, kql::Syntax::Lucene, maker).map(tree)),
        "eql" => ("EQL", eql::parse(query, written.category_field, maker)),
        "esql" => ("ES|QL", esql::parse(query, maker)),
        other => {
            let message = format!("query language `{other}` is not read");
            problems.push(ParseStatus::Unsupported, "unsupported language", message, written.language_span);
            return None;
        }
    };
    let error = match result {
        Ok(mut logic) => {
            for kept in std::mem::take(&mut logic.partial) {
                problems.partial(kept.category, kept.message, (written.place)(kept.span));
            }
            return Some(logic);
        }
        Err(error) => error,
    };
    // Short categories for the build report: what is knowingly not read
    // (`unsupported Lucene syntax`), else a syntax error of the language.
    let category = match &error.kind {
        ErrorKind::Unsupported { what, .. } => format!("unsupported {what}"),
        _ => format!("{label} syntax error"),
    };
    let span = (written.place)(error.span);
    if label == "Lucene" {
        // Lucene is read as far as the KQL parser's Lucene mode goes: a
        // query past that is a form not read, not a malformed rule.
        let message = format!("Lucene query not understood: {error}");
        problems.push(ParseStatus::Unsupported, category, message, span);
    } else {
        problems.error(category, format!("{label} query could not be parsed: {error}"), span);
    }
    None
}

/// Reads one query given alone, not in a rule file (a query pasted into the
/// checker): `language` as a rule's `language` names it (`kuery`, `lucene`,
/// `eql`, `esql`). The rule is [`crate::query::DRAFT_ID`]; diagnostics point
/// into `text`.
pub fn parse_query(language: &str, path: &str, text: &str, fields: &FieldTable) -> FileOutcome {
    let (id, title) = (crate::query::DRAFT_ID.to_owned(), crate::query::DRAFT_TITLE.to_owned());
    let mut rule = empty_rule(Vendor::Elastic, id, title, path, String::new(), language);
    let mut problems = Problems::default();
    let written =
        QueryText { query: text, category_field: EVENT_CATEGORY, place: &|span| Some(span), language_span: None };
    if let Some(logic) = read_query(language, &written, LeafMaker::new(fields, Vendor::Elastic), &mut problems) {
        rule.logic = logic.logic;
        rule.log_source = logic.log_source;
        rule.attributes = logic.attributes;
    }
    let diagnostics = problems.settle(&mut rule, text);
    let detail = RuleDetail { text: text.to_owned(), ..Default::default() };
    settle(FileOutcome { rules: vec![ParsedRule { rule, detail, line: Some(1) }], diagnostics, skipped: None })
}

/// Where a TOML value is written in its file (for a string, with its quotes).
fn file_span<T>(value: &Spanned<T>) -> Span {
    let range = value.span();
    Span::new(range.start, range.end)
}
