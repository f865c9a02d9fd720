//! Elastic detection-rules front end (TOML metadata; KQL, EQL and ES|QL queries).
//!
//! `parse_file` reads one rule TOML: `metadata` fills the catalog fields,
//! the query is read by the parser of its language (`kql`, `eql`, `esql`;
//! Lucene through the KQL parser's Lucene mode), `[[rule.filters]]` are AND-ed
//! with it (`filters`), and every problem becomes a diagnostic on the rule.

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

use self::lower::QueryLogic;
use self::metadata::RuleFile;
use crate::diagnostic::{Diagnostic, Severity, line_of};
use crate::leaf::LeafMaker;
use crate::outcome::{FileOutcome, ParsedRule, downgrade, empty_rule, settle};
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
            let line = err.span().map(|span| line_at(text, span.start));
            let message = format!("invalid TOML: {}", err.message().trim());
            return FileOutcome::failed(
                Diagnostic::new(Vendor::Elastic, rel_path, Severity::Error, "invalid TOML", message).at_line(line),
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
    RuleReader { rel_path, text, file: &file, maker, diagnostics: Vec::new() }.read(id, title)
}

/// Reads the parts of one parsed TOML into a catalog rule.
struct RuleReader<'a> {
    rel_path: &'a str,
    text: &'a str,
    file: &'a RuleFile,
    maker: LeafMaker<'a>,
    diagnostics: Vec<Diagnostic>,
}

impl RuleReader<'_> {
    fn read(mut self, id: String, title: String) -> FileOutcome {
        let language = self.language();
        let url = crate::repository(Vendor::Elastic).file_url(self.rel_path);
        let mut rule = empty_rule(Vendor::Elastic, id.clone(), title, self.rel_path, url, &language);
        metadata::fill(&mut rule, self.file);

        let (logic, problems) = self.logic(&language);
        rule.logic = logic.logic;
        rule.log_source.extend(logic.log_source);
        rule.attributes.extend(logic.attributes);
        for problem in &problems {
            downgrade(&mut rule, problem.status, &problem.reason);
        }
        for problem in problems {
            let severity = match problem.status {
                ParseStatus::Error => Severity::Error,
                ParseStatus::Partial | ParseStatus::Unsupported => Severity::Warning,
                ParseStatus::Parsed | ParseStatus::NoQuery => Severity::Info,
            };
            let diagnostic =
                Diagnostic::new(Vendor::Elastic, self.rel_path, severity, problem.category, problem.reason)
                    .at_line(problem.line)
                    .for_rule(&id);
            self.diagnostics.push(diagnostic);
        }
        let detail = RuleDetail { text: self.text.to_owned(), sections: self.sections(), ..Default::default() };
        FileOutcome {
            rules: vec![ParsedRule { rule, detail, line: Some(1) }],
            diagnostics: self.diagnostics,
            skipped: None,
        }
    }

    /// The rule's query language; machine-learning rules have none.
    fn language(&self) -> String {
        let section = &self.file.rule;
        match (section.language.as_deref(), section.kind.as_deref()) {
            (Some(language), _) => language.to_ascii_lowercase(),
            (None, Some("machine_learning")) => "none".to_owned(),
            (None, Some("eql")) => "eql".to_owned(),
            (None, Some("esql")) => "esql".to_owned(),
            (None, _) if section.query.is_some() => "kuery".to_owned(),
            (None, _) => "none".to_owned(),
        }
    }

    /// The query's logic AND-ed with the filters, and what went wrong.
    fn logic(&self, language: &str) -> (QueryLogic, Vec<Problem>) {
        let section = &self.file.rule;
        if section.kind.as_deref() == Some("machine_learning") {
            let problem =
                Problem::new(ParseStatus::NoQuery, "no query", "machine learning rule: no query".into(), None);
            return (QueryLogic::default(), vec![problem]);
        }
        let query = section.query.as_deref().unwrap_or("");
        let mut logic = match self.query(language, query) {
            Ok(logic) => logic,
            // A query that cannot be read leaves no logic: the filters alone
            // would misstate what the rule looks for.
            Err(problem) => return (QueryLogic::default(), vec![problem]),
        };
        let mut problems = Vec::new();
        for reason in std::mem::take(&mut logic.partial) {
            problems.push(Problem::new(ParseStatus::Partial, "partial logic", reason, self.query_line(query, 0)));
        }
        let (filter_trees, filter_partial) = filters::read(&section.filters, self.maker);
        for reason in filter_partial {
            problems.push(Problem::new(
                ParseStatus::Partial,
                "partial logic",
                reason,
                line_of(self.text, "[[rule.filters]]"),
            ));
        }
        if !filter_trees.is_empty() {
            let mut all: Vec<Expr> = logic.logic.take().into_iter().collect();
            all.extend(filter_trees);
            logic.logic = Some(Expr::and(all));
        }
        (logic, problems)
    }

    /// Runs the parser of the query's language.
    fn query(&self, language: &str, query: &str) -> Result<QueryLogic, Problem> {
        let section = &self.file.rule;
        let failed = |label: &str, message: String, offset: usize| {
            let reason = format!("{label} query could not be parsed: {message}");
            Problem::new(ParseStatus::Error, "query syntax error", reason, self.query_line(query, offset))
        };
        // An empty query or `*` matches every event: no logic, nothing unread.
        let match_all = matches!(query.trim(), "" | "*" | "*:*");
        if match_all && matches!(language, "kuery" | "lucene") {
            return Ok(QueryLogic::default());
        }
        match language {
            "kuery" => match kql::parse(query, kql::Syntax::Kuery, self.maker) {
                Ok(expr) => Ok(QueryLogic { logic: Some(expr), ..Default::default() }),
                Err(err) => Err(failed("KQL", err.to_string(), err.span.start)),
            },
            "lucene" => match kql::parse(query, kql::Syntax::Lucene, self.maker) {
                Ok(expr) => Ok(QueryLogic { logic: Some(expr), ..Default::default() }),
                Err(err) => {
                    let reason = format!("Lucene query not understood: {err}");
                    Err(Problem::new(
                        ParseStatus::Unsupported,
                        "unsupported language",
                        reason,
                        self.query_line(query, err.span.start),
                    ))
                }
            },
            "eql" => {
                let category_field = section.event_category_override.as_deref().unwrap_or("event.category");
                eql::parse(query, category_field, self.maker)
                    .map_err(|err| failed("EQL", err.to_string(), err.span.start))
            }
            "esql" => esql::parse(query, self.maker).map_err(|err| failed("ES|QL", err.to_string(), err.span.start)),
            other => {
                let reason = format!("query language `{other}` is not read");
                Err(Problem::new(
                    ParseStatus::Unsupported,
                    "unsupported language",
                    reason,
                    line_of(self.text, "language"),
                ))
            }
        }
    }

    /// The file line of a byte offset in the query: the query starts on the
    /// line after `query = '''` (TOML drops the newline after the quotes), or
    /// on the key's own line for a one-line string.
    fn query_line(&self, query: &str, offset: usize) -> Option<u32> {
        let key_line = line_of(self.text, "query =").or_else(|| line_of(self.text, "query="))?;
        let key_text = self.text.lines().nth(usize::try_from(key_line).ok()?.checked_sub(1)?)?;
        let multiline = key_text.trim_end().ends_with("'''") || key_text.trim_end().ends_with("\"\"\"");
        let within = query.get(..offset).unwrap_or(query).matches('\n').count();
        key_line.checked_add(u32::from(multiline))?.checked_add(u32::try_from(within).ok()?)
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

/// One thing that keeps a rule from being fully parsed.
struct Problem {
    status: ParseStatus,
    /// Short, stable category for counting diagnostics.
    category: &'static str,
    /// The full reason, recorded on the rule.
    reason: String,
    line: Option<u32>,
}

impl Problem {
    fn new(status: ParseStatus, category: &'static str, reason: String, line: Option<u32>) -> Self {
        Problem { status, category, reason, line }
    }
}

/// 1-based line of a byte offset.
fn line_at(text: &str, offset: usize) -> u32 {
    let before = text.get(..offset).unwrap_or(text);
    u32::try_from(before.matches('\n').count() + 1).unwrap_or(u32::MAX)
}
