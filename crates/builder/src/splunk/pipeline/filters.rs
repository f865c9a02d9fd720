//! The filtering commands of a pipeline — the base search, `| search`,
//! `| where`, `| regex` — and how each conjunct of a filter is sorted: into
//! the rule logic when it tests event fields, into the attributes as a
//! threshold or post-processing filter when it tests computed values.

use atlas_catalog::{Expr, Op};

use super::Walker;
use crate::splunk::commands;
use crate::splunk::env::{Computed, FieldEnv, Origin};
use crate::splunk::eval;
use crate::splunk::search;
use crate::splunk::search_logic::{self, FieldSource};
use crate::splunk::where_logic::{self, WhereLowering};

/// Resolves field names in filters through the pipeline's field provenance.
struct Resolver<'e> {
    env: &'e mut FieldEnv,
    /// Inside `tstats … where`, every `Object.field` loses its object.
    strip_any: bool,
}

impl FieldSource for Resolver<'_> {
    fn source(&mut self, name: &str) -> Result<String, Computed> {
        let stripped = if self.strip_any {
            self.env.strip_any(name)
        } else {
            self.env.strip(name)
        };
        match self.env.resolve(&stripped) {
            Origin::Source(field) => Ok(field),
            Origin::Computed(how) => Err(how),
        }
    }

    fn terms_allowed(&self) -> bool {
        !self.env.is_transformed()
    }
}

impl Walker<'_> {
    /// A search-language filter: the base search, `| search`, or the where
    /// clause of `tstats` (`data_model_fields`).
    pub(super) fn search_filter(&mut self, text: &str, data_model_fields: bool) {
        let node = match search::parse(text) {
            Ok(Some(node)) => node,
            Ok(None) => return,
            Err(error) => {
                return self.problem(
                    "search syntax",
                    format!("cannot read `{}`: {error}", text.trim()),
                );
            }
        };
        let Some(node) = search_logic::take_selectors(node, &mut self.selection) else {
            return;
        };
        for conjunct in node.conjuncts() {
            let mut subsearches = Vec::new();
            let mut resolver = Resolver {
                env: &mut self.env,
                strip_any: data_model_fields,
            };
            let lowered =
                search_logic::lower(&conjunct, &self.maker, &mut resolver, &mut subsearches);
            self.record(lowered, text.get(conjunct.span.clone()).unwrap_or(text));
            for sub in subsearches {
                self.problem(
                    "subsearch filter",
                    format!(
                        "filters on the results of a subsearch: [{}]",
                        abbreviate(&sub)
                    ),
                );
            }
        }
    }

    pub(super) fn where_filter(&mut self, text: &str) {
        let expr = match eval::parse(text) {
            Ok(expr) => expr,
            Err(error) => return self.unreadable_where(text, &error.to_string()),
        };
        for conjunct in where_logic::conjuncts(expr) {
            let mut resolver = Resolver {
                env: &mut self.env,
                strip_any: false,
            };
            let mut lowering = WhereLowering {
                maker: self.maker,
                fields: &mut resolver,
                src: text,
                subsearches: Vec::new(),
            };
            let lowered = lowering.lower(&conjunct);
            let subsearches = std::mem::take(&mut lowering.subsearches);
            self.record(lowered, text.get(conjunct.span.clone()).unwrap_or(text));
            for sub in subsearches {
                self.problem(
                    "subsearch filter",
                    format!(
                        "filters on the results of a subsearch: [{}]",
                        abbreviate(&sub)
                    ),
                );
            }
        }
    }

    /// A where clause that does not parse (broken quoting after a macro
    /// expansion, `\"` outside strings) still only post-processes when every
    /// name it mentions is computed; otherwise part of the logic is missing.
    fn unreadable_where(&mut self, text: &str, error: &str) {
        let names = where_logic::loose_names(text);
        let computed: Vec<Computed> = names
            .iter()
            .filter_map(|name| match self.env.resolve(&self.env.strip(name)) {
                Origin::Computed(how) => Some(how),
                Origin::Source(_) => None,
            })
            .collect();
        match computed.first() {
            Some(how) if computed.len() == names.len() => self
                .attributes
                .push((how.label().to_owned(), text.trim().to_owned())),
            _ => self.problem(
                "where syntax",
                format!("cannot read `where {}`: {error}", text.trim()),
            ),
        }
    }

    /// `| regex field="re"` / `field!="re"`.
    pub(super) fn regex_filter(&mut self, whole: &str, args: &str) {
        let Some((field, negated, regex)) = commands::regex(args) else {
            return self.problem("search syntax", format!("cannot read `{whole}`"));
        };
        let mut resolver = Resolver {
            env: &mut self.env,
            strip_any: false,
        };
        let lowered = resolver.source(&field).map(|source| {
            let leaf = self
                .maker
                .leaf(Some(&source), Op::RegexMatch, Some(regex), true);
            Some(if negated { Expr::not(leaf) } else { leaf })
        });
        self.record(lowered, whole);
    }

    /// A filter's lowered conjunct joins the logic; one on computed values is
    /// kept as an attribute with its text.
    fn record(&mut self, lowered: Result<Option<Expr>, Computed>, text: &str) {
        match lowered {
            Ok(Some(expr)) => {
                for leaf in expr.leaves() {
                    if let Some(source) = &leaf.source_field {
                        self.env.note_source(source);
                    }
                }
                self.logic.push(expr);
            }
            Ok(None) => {}
            Err(how) => self
                .attributes
                .push((how.label().to_owned(), text.trim().to_owned())),
        }
    }
}

/// A subsearch short enough for a reason line (the raw leaf keeps it whole).
fn abbreviate(subsearch: &str) -> String {
    const LIMIT: usize = 160;
    match subsearch.char_indices().nth(LIMIT) {
        Some((cut, _)) => format!("{}…", &subsearch[..cut]),
        None => subsearch.to_owned(),
    }
}
