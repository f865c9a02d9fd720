//! The filtering commands of a pipeline — the base search, `| search`,
//! `| where`, `| regex` — and how each conjunct of a filter is read: into
//! the rule logic when it tests event fields (or exact transforms of them);
//! a threshold attribute when it tests aggregates; a time window when it
//! tests `_time`; and otherwise a `raw` leaf with the computed field's
//! definition, the rule partial (docs/computed-columns.md).
//! Also the `if(cond, 1, 0)` flags of `eval` (their tests are `cond`) and the
//! data-model-qualified field lookup (`Web.status` before `status`).

use atlas_catalog::{Expr, Op};

use super::Walker;
use crate::splunk::commands;
use crate::splunk::env::{Computed, FieldEnv, Flag, Origin, Untraced};
use crate::splunk::eval::{self, Eval, EvalKind};
use crate::splunk::search;
use crate::splunk::search_logic::{self, FieldSource};
use crate::splunk::where_logic::{self, WhereLowering};
use crate::syntax::Span;

/// Resolves field names in filters through the pipeline's field provenance.
struct Resolver<'e> {
    env: &'e mut FieldEnv,
    /// Inside `tstats … where`, every `Object.field` loses its object.
    strip_any: bool,
}

impl FieldSource for Resolver<'_> {
    fn source(&mut self, name: &str) -> Result<String, Untraced> {
        let stripped = if self.strip_any { self.env.strip_any(name) } else { self.env.strip(name) };
        match self.env.resolve(&stripped) {
            Origin::Source(field) => Ok(field),
            Origin::Computed(how) => Err(Untraced { name: name.to_owned(), how }),
        }
    }

    fn folded(&self, name: &str) -> bool {
        self.env.is_folded(name)
    }

    fn terms_allowed(&self) -> bool {
        !self.env.is_transformed()
    }

    fn flag(&self, name: &str) -> Option<Flag> {
        self.env.flag(name).cloned()
    }
}

impl Walker<'_> {
    /// A search-language filter: the base search, `| search`, or the where
    /// clause of `tstats` (`data_model_fields`); `at` is where `text` starts
    /// in the text walked.
    pub(super) fn search_filter(&mut self, text: &str, at: usize, data_model_fields: bool) {
        let node = match search::parse(text) {
            Ok(Some(node)) => node,
            Ok(None) => return,
            Err(error) => {
                let message = format!("cannot read `{}`: {error}", text.trim());
                return self.problem("search syntax", message, error.span.shifted(at));
            }
        };
        let Some(node) = search_logic::take_selectors(node, &mut self.selection) else {
            return;
        };
        for conjunct in node.conjuncts() {
            let mut subsearches = Vec::new();
            let mut resolver = Resolver { env: &mut self.env, strip_any: data_model_fields };
            let lowered = search_logic::lower(&conjunct, &self.maker, &mut resolver, &mut subsearches);
            self.record(
                lowered,
                text.get(conjunct.span.start..conjunct.span.end).unwrap_or(text),
                conjunct.span.shifted(at),
            );
            for sub in subsearches {
                self.problem(
                    "subsearch filter",
                    format!("filters on the results of a subsearch: [{}]", abbreviate(&sub)),
                    conjunct.span.shifted(at),
                );
            }
        }
    }

    /// `| where`: `text` is its expression, at `at` of the text walked.
    pub(super) fn where_filter(&mut self, text: &str, at: usize) {
        let expr = match eval::parse(text) {
            Ok(expr) => expr,
            Err(error) => return self.unreadable_where(text, &error.to_string(), error.span.shifted(at)),
        };
        for conjunct in where_logic::conjuncts(expr) {
            let mut resolver = Resolver { env: &mut self.env, strip_any: false };
            let mut lowering =
                WhereLowering { maker: self.maker, fields: &mut resolver, src: text, subsearches: Vec::new() };
            let lowered = lowering.lower(&conjunct);
            let subsearches = std::mem::take(&mut lowering.subsearches);
            self.record(
                lowered,
                text.get(conjunct.span.start..conjunct.span.end).unwrap_or(text),
                conjunct.span.shifted(at),
            );
            for sub in subsearches {
                self.problem(
                    "subsearch filter",
                    format!("filters on the results of a subsearch: [{}]", abbreviate(&sub)),
                    conjunct.span.shifted(at),
                );
            }
        }
    }

    /// `if(cond, 1, 0)` or `if(cond, "true", "false")` where `cond` is a
    /// condition on event fields the model can express (no raw leaf): the
    /// flag a later `flag=1` reads as `cond`. Flags of computed values (risk
    /// scores, outlier tests) are not flags of events.
    pub(super) fn flag_of(&mut self, value: &Eval, src: &str) -> Option<Flag> {
        let EvalKind::Call(function, args) = &value.kind else {
            return None;
        };
        let ("if", [condition, set, unset]) = (function.as_str(), args.as_slice()) else {
            return None;
        };
        let (set, unset) = flag_values(set, unset)?;
        let mut resolver = Resolver { env: &mut self.env, strip_any: false };
        let mut lowering = WhereLowering { maker: self.maker, fields: &mut resolver, src, subsearches: Vec::new() };
        let lowered = lowering.lower(condition);
        if !lowering.subsearches.is_empty() {
            return None;
        }
        let mut condition = lowered.ok()??;
        if condition.leaves().iter().any(|leaf| leaf.op == Op::Raw) {
            return None;
        }
        self.qualify(&mut condition);
        Some(Flag { condition, set, unset })
    }

    /// A where clause that does not parse (broken quoting after a macro
    /// expansion, `\"` outside strings) still only post-processes when every
    /// name it mentions is computed; otherwise part of the logic is missing
    /// (a problem at `span`, where the parser stopped).
    fn unreadable_where(&mut self, text: &str, error: &str, span: Span) {
        let names = where_logic::loose_names(text);
        let aggregates = names.iter().all(|name| {
            let stripped = self.env.strip(name);
            matches!(self.env.resolve(&stripped), Origin::Computed(Computed::Aggregate(_)))
        });
        match aggregates && !names.is_empty() {
            true => self.attributes.push(("threshold".to_owned(), text.trim().to_owned())),
            false => self.problem("where syntax", format!("cannot read `where {}`: {error}", text.trim()), span),
        }
    }

    /// `| regex field="re"` / `field!="re"`; `span` is the command's.
    pub(super) fn regex_filter(&mut self, whole: &str, args: &str, span: Span) {
        let Some((field, negated, regex)) = commands::regex(args) else {
            return self.problem("search syntax", format!("cannot read `{whole}`"), span);
        };
        let mut resolver = Resolver { env: &mut self.env, strip_any: false };
        let lowered = resolver.source(&field).map(|source| {
            let leaf = self.maker.leaf(Some(&source), Op::RegexMatch, Some(regex), true);
            Some(if negated { Expr::negate(leaf) } else { leaf })
        });
        self.record(lowered, whole, span);
    }

    /// A filter's lowered conjunct joins the logic. One that tests a value
    /// the pipeline computed is read by how it was computed: a threshold on
    /// aggregates, a time window on `_time`; on anything else it is kept as
    /// a `raw` leaf with the computed field's definition and the rule is
    /// partial, naming the field. `span` is the conjunct's place.
    fn record(&mut self, lowered: Result<Option<Expr>, Untraced>, text: &str, span: Span) {
        let text = text.trim();
        match lowered {
            Ok(Some(mut expr)) => {
                self.qualify(&mut expr);
                for leaf in expr.leaves() {
                    if let Some(source) = &leaf.source_field {
                        self.env.note_source(source);
                    }
                }
                self.logic.push(expr);
            }
            Ok(None) => {}
            Err(Untraced { name, how: Computed::Aggregate(definition) }) => {
                let value = match definition == name {
                    true => text.to_owned(),
                    false => format!("{text} ({name} = {definition})"),
                };
                self.attributes.push(("threshold".to_owned(), value));
            }
            Err(Untraced { how: Computed::Time, .. }) => {
                self.attributes.push(("time window".to_owned(), text.to_owned()));
            }
            Err(Untraced { name, how: Computed::Lookup { table, keys } }) => {
                let definition = format!("{name} from lookup {table} by {keys}");
                self.logic.push(self.maker.leaf(None, Op::Raw, Some(format!("{text} ({definition})")), false));
                let message = format!("condition on the output of lookup `{table}` (keyed on {keys}): `{name}`");
                self.problem("lookup filter", message, span);
            }
            Err(Untraced { name, how: Computed::Derived(definition) }) => {
                self.logic.push(self.maker.leaf(None, Op::Raw, Some(format!("{text} ({name} = {definition})")), false));
                self.problem("computed field", format!("condition on computed field `{name}`"), span);
            }
        }
    }

    /// Some CIM names mean different things in different data models
    /// (`status` is an HTTP status in Web and an outcome in Change): a field
    /// stripped from a data-model object is looked up with that object first
    /// (`Web.status`), and keeps the canonical field of its bare name only
    /// when the table has no entry for the qualified one.
    fn qualify(&self, expr: &mut Expr) {
        match expr {
            Expr::And(items) | Expr::Or(items) => items.iter_mut().for_each(|item| self.qualify(item)),
            Expr::Not(inner) => self.qualify(inner),
            Expr::Leaf(leaf) => {
                let Some(source) = leaf.source_field.as_deref() else {
                    return;
                };
                // A computed name that holds another event field's value.
                if let Some(canonical) = self.env.canonical_of(source) {
                    leaf.field = Some(canonical.into());
                    return;
                }
                let Some(object) = self.env.object_of(source) else {
                    return;
                };
                let qualified = format!("{object}.{source}");
                if let Some(canonical) = self.maker.fields.canonical(self.maker.vendor, &qualified) {
                    leaf.field = Some(canonical.into());
                }
            }
        }
    }
}

/// A subsearch short enough for a reason line (the raw leaf keeps it whole).
pub(super) fn abbreviate(subsearch: &str) -> String {
    const LIMIT: usize = 160;
    match subsearch.char_indices().nth(LIMIT) {
        Some((cut, _)) => format!("{}…", &subsearch[..cut]),
        None => subsearch.to_owned(),
    }
}

/// The two values of a flag: `1` / `0` (numbers or strings) or `"true"` /
/// `"false"`, as written.
fn flag_values(set: &Eval, unset: &Eval) -> Option<(String, String)> {
    let text = |e: &Eval| match &e.kind {
        EvalKind::Num(text) | EvalKind::Str(text) => Some(text.clone()),
        _ => None,
    };
    let (set, unset) = (text(set)?, text(unset)?);
    let numeric = set == "1" && unset == "0";
    let boolean = set.eq_ignore_ascii_case("true") && unset.eq_ignore_ascii_case("false");
    (numeric || boolean).then_some((set, unset))
}
