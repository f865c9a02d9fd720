//! Walks a detection's SPL pipeline command by command and collects what it
//! says about events: the predicate logic (base search, `tstats … where`,
//! later `search` / `where` / `regex` on event fields, the subsearch of an
//! inner `join`), the log source (selector macros, data models), and — as
//! attributes — the filters on values the pipeline computed (thresholds
//! after `stats`, post-processing after `eval` / `rex` / `lookup`).
//!
//! The walk reads the query with comments removed and macros expanded; the
//! problems it finds are mapped back through both to the search as written
//! (text from a macro to the macro's call).

use atlas_catalog::{Expr, Op};

use super::commands::{self, Aggregate};
use super::env::{Computed, FieldEnv, Origin};
use super::eval::{self, BinOp, Eval, EvalKind};
use super::macros::{self, MacroTable};
use super::metadata::dedup;
use super::search;
use super::search_logic::{self, Selection};
use super::text::{Stage, split_pipeline, strip_comments_mapped, tidy_subsearch};
use super::where_logic;
use crate::leaf::LeafMaker;
use crate::problem::Problems;
use crate::syntax::Span;

mod filters;

/// Joined subsearches are walked this deep, no deeper.
const MAX_SUBSEARCH_DEPTH: usize = 4;

/// Commands that start a query without a leading pipe when they open a
/// subsearch (`[ summary model ]`, `[ tstats … ]`).
const GENERATING: &[&str] = &[
    "tstats",
    "mstats",
    "from",
    "datamodel",
    "rest",
    "inputlookup",
    "makeresults",
    "summary",
    "metadata",
    "loadjob",
    "pivot",
];

/// Aggregates that carry a field's values through a `stats` unchanged, so a
/// later filter on them still tests the event field.
const CARRYING: &[&str] = &["values", "list", "first", "last", "earliest", "latest"];

/// Commands that add fields whose names or origins are not known here.
const OPAQUE: &[&str] = &[
    "foreach",
    "apply",
    "fit",
    "predict",
    "anomalydetection",
    "anomalies",
    "outlier",
    "cyberchef",
    "addtotals",
    "xyseries",
    "untable",
    "kmeans",
    "cluster",
    "trendline",
    "autoregress",
    "delta",
    "accum",
    "inputlookup",
    "appendcols",
    "geostats",
    "contingency",
    "associate",
    "correlate",
    "findtypes",
    "rangemap",
    "strcat",
];

/// Commands that neither filter events nor change where fields come from.
const NEUTRAL: &[&str] = &[
    "table",
    "fields",
    "dedup",
    "sort",
    "head",
    "tail",
    "fillnull",
    "convert",
    "fieldformat",
    "mvexpand",
    "makemv",
    "mvcombine",
    "nomv",
    "xmlkv",
    "fromjson",
    "tojson",
    "extract",
    "kvform",
    "multikv",
    "outputlookup",
    "collect",
    "sendalert",
    "return",
    "format",
    "reverse",
    "uniq",
    "makeresults",
    "typer",
    "tags",
    "localize",
    "replace",
    "sendemail",
    "rest",
    "",
];

/// Everything read from one query.
#[derive(Debug, Clone, Default)]
pub struct Analysis {
    pub logic: Option<Expr>,
    pub log_source: Vec<(String, String)>,
    pub attributes: Vec<(String, String)>,
    /// Why the logic is incomplete (each makes the rule partial), with spans
    /// in the search as written.
    pub problems: Problems,
}

/// Reads a detection's `search`.
pub fn analyze(spl: &str, macros: &MacroTable, maker: LeafMaker<'_>) -> Analysis {
    let (stripped, comments) = strip_comments_mapped(spl);
    let mut walker = Walker::new(maker);
    walker.note_base_macros(&stripped, macros);
    let expansion = macros.expand(&stripped);
    let mut problems = Problems::default();
    for (problem, call) in &expansion.problems {
        let category = match problem {
            macros::MacroProblem::Undefined(_) => "undefined macro",
            _ => "macro expansion",
        };
        problems.partial(category, problem.to_string(), Some(comments.span(*call)));
    }
    walker.run(&split_pipeline(&expansion.text));
    let mut analysis = walker.finish();
    // The walk's spans are in the expanded text.
    for mut problem in analysis.problems {
        problem.span = problem.span.map(|span| comments.span(expansion.map.span(span)));
        problems.push(problem.status, problem.category, problem.message, problem.span);
    }
    analysis.problems = problems;
    analysis
}

/// Where a stage's command and arguments are in the text walked, without
/// the whitespace around them.
fn stage_span(stage: &Stage<'_>) -> Span {
    let start = stage.start + (stage.text.len() - stage.text.trim_start().len());
    Span::new(start, start + stage.text.trim().len())
}

struct Walker<'a> {
    maker: LeafMaker<'a>,
    env: FieldEnv,
    logic: Vec<Expr>,
    selection: Selection,
    log_source: Vec<(String, String)>,
    attributes: Vec<(String, String)>,
    /// With spans in the text walked.
    problems: Problems,
    /// Subsearch nesting, for walking joined subsearches.
    depth: usize,
}

impl<'a> Walker<'a> {
    fn new(maker: LeafMaker<'a>) -> Self {
        Walker {
            maker,
            env: FieldEnv::new(),
            logic: Vec::new(),
            selection: Selection::default(),
            log_source: Vec::new(),
            attributes: Vec::new(),
            problems: Problems::default(),
            depth: 0,
        }
    }

    /// Records a problem at `span` of the text walked, once (at the first
    /// place it is found).
    fn problem(&mut self, category: &str, message: String, span: Span) {
        if !self.problems.iter().any(|p| p.category == category && p.message == message) {
            self.problems.partial(category, message, Some(span));
        }
    }

    /// The selector macros of a base search (`sysmon`, `cloudtrail`) name its
    /// log source the way the repository's authors think of it; macros that
    /// only hold predicates (`process_net`) do not. A query that starts with
    /// a pipe selects in its generating command instead
    /// (``| mstats … where `kubernetes_metrics` ``), so that stage counts.
    fn note_base_macros(&mut self, spl: &str, macros: &MacroTable) {
        let stages = split_pipeline(spl);
        let Some(base) = stages.iter().find(|stage| !stage.text.trim().is_empty()) else {
            return;
        };
        for name in macros::call_names(base.text) {
            let expansion = macros.expand(&format!("`{name}`")).text;
            let mut selection = Selection::default();
            if let Ok(Some(node)) = search::parse(&expansion) {
                search_logic::take_selectors(node, &mut selection);
            }
            if !selection.log_source.is_empty() {
                self.log_source.push(("macro".to_owned(), name));
            }
        }
    }

    fn run(&mut self, stages: &[Stage<'_>]) {
        let Some((first, rest)) = stages.split_first() else {
            return;
        };
        let rest = if first.text.trim().is_empty() {
            // `| tstats …`: the query starts with a generating command.
            match rest.split_first() {
                Some((generating, rest)) => {
                    self.generating(generating);
                    rest
                }
                None => rest,
            }
        } else if GENERATING.contains(&first.command().as_str()) {
            self.generating(first);
            rest
        } else if first.command() == "search" {
            self.search_filter(first.arguments(), first.arguments_start(), false);
            rest
        } else {
            self.search_filter(first.text, first.start, false);
            rest
        };
        for stage in rest {
            self.command(stage);
        }
    }

    fn generating(&mut self, stage: &Stage<'_>) {
        let (args, at) = (stage.arguments(), stage.arguments_start());
        match stage.command().as_str() {
            "tstats" => self.tstats(args, at, true),
            "mstats" => self.tstats(args, at, false),
            "search" => self.search_filter(args, at, false),
            "from" => match commands::from_data_model(args) {
                Some(model) => self.data_model(&model),
                None => self.problem("unsupported command", format!("cannot read `from{args}`"), stage_span(stage)),
            },
            "datamodel" => {
                let names = commands::positionals(args);
                if let [model, object, ..] = names.as_slice() {
                    self.data_model(&format!("{model}.{object}"));
                }
            }
            "rest" => {
                if let Some(endpoint) = commands::first_field(args) {
                    self.log_source.push(("rest endpoint".to_owned(), endpoint));
                }
            }
            "inputlookup" => {
                if let Some(table) = commands::first_field(args) {
                    self.log_source.push(("lookup".to_owned(), table));
                }
            }
            "makeresults" => {}
            // MLTK's `summary model` returns a model's parameters, not
            // events (`join HourOfDay [summary cloud_…_v1]`): fields of
            // names unknown here, and nothing to filter.
            "summary" => self.env.make_opaque("summary"),
            other => {
                self.env.make_opaque(other);
                self.problem("unsupported command", format!("unknown generating command `{other}`"), stage_span(stage));
            }
        }
    }

    fn data_model(&mut self, model: &str) {
        self.env.use_data_model(model);
        self.log_source.push(("data model".to_owned(), model.to_owned()));
    }

    fn command(&mut self, stage: &Stage<'_>) {
        let args = stage.arguments();
        let name = stage.command();
        match name.as_str() {
            "search" => self.search_filter(args, stage.arguments_start(), false),
            "where" => self.where_filter(args, stage.arguments_start()),
            "regex" => self.regex_filter(stage.text.trim(), args, stage_span(stage)),
            "stats" | "chart" | "timechart" | "sistats" | "tstats" | "mstats" => self.transform(args, false),
            "top" | "rare" => self.transform(args, true),
            "eventstats" | "streamstats" => self.side_aggregation(args),
            "transaction" => self.transaction(args),
            "join" => self.join(args, stage_span(stage)),
            "map" => self.map(args, stage_span(stage)),
            "append" | "appendpipe" => {
                if let Some(sub) = commands::subsearch(args) {
                    self.attributes.push((name.clone(), tidy_subsearch(&sub)));
                }
            }
            _ => self.field_command(&name, args),
        }
    }

    /// `transaction` groups events; its `startswith` / `endswith` conditions
    /// order events in a sequence the model cannot express, so they are kept
    /// as written.
    fn transaction(&mut self, args: &str) {
        for name in ["eventcount", "duration", "closed_txn", "linecount"] {
            self.env.define(name, Origin::Computed(Computed::aggregate("transaction", None)));
        }
        let lower = args.to_ascii_lowercase();
        if lower.contains("startswith") || lower.contains("endswith") {
            self.attributes.push(("transaction".to_owned(), args.trim().to_owned()));
        }
    }

    /// Commands that create, rename or rewrite fields without filtering.
    fn field_command(&mut self, name: &str, args: &str) {
        match name {
            "eval" => self.eval(args),
            "rename" => {
                for (from, to) in commands::renames(args) {
                    let from = self.env.strip(&from);
                    self.env.rename(&from, &to);
                }
            }
            "rex" => self.rex(args),
            "lookup" => {
                let (table, keys) = commands::lookup_table_and_keys(args);
                let keys = keys.iter().map(|key| self.env.strip(key)).collect::<Vec<_>>().join(", ");
                let how = Computed::Lookup { table, keys };
                match commands::lookup_outputs(args) {
                    Some(outputs) => outputs.iter().for_each(|o| self.env.define(o, Origin::Computed(how.clone()))),
                    None => self.env.make_opaque(&format!("lookup {}", args.trim())),
                }
            }
            "spath" => {
                // Without input=, spath reads the event itself: its output is
                // the event field at that path; from another field, a value.
                if let Some((output, path)) = commands::spath(args) {
                    let origin = match commands::option(args, "input") {
                        None => self.env.resolve(&path),
                        Some(input) => Origin::Computed(Computed::derived(format!("spath input={input} path={path}"))),
                    };
                    self.env.define(&output, origin);
                }
            }
            "iplocation" => {
                let prefix = commands::option(args, "prefix").unwrap_or_default();
                let how = Computed::derived(format!("iplocation {}", args.trim()));
                for field in ["City", "Country", "Region", "lat", "lon"] {
                    self.env.define(&format!("{prefix}{field}"), Origin::Computed(how.clone()));
                }
            }
            "bin" | "bucket" => {
                // Bucketed times stay times; other bins are computed.
                if let Some(field) = commands::first_field(args) {
                    let how = match self.env.resolve(&field) {
                        Origin::Computed(Computed::Time) => Computed::Time,
                        _ => Computed::derived(format!("bin {}", args.trim())),
                    };
                    self.env.define(&field, Origin::Computed(how));
                }
            }
            _ if OPAQUE.contains(&name) => self.env.make_opaque(name),
            _ if NEUTRAL.contains(&name) => {}
            // A command Rule Atlas does not know may add fields of any name.
            _ => self.env.make_opaque(name),
        }
    }

    /// `tstats` / `mstats` as the generating command (arguments `args`,
    /// at `at` of the text walked): data model, where clause (logic) and the
    /// aggregation it ends with.
    fn tstats(&mut self, args: &str, at: usize, data_model_fields: bool) {
        let aggregation = match commands::aggregation(args) {
            Ok(aggregation) => aggregation,
            Err(error) => {
                return self.problem("search syntax", format!("cannot read tstats: {error}"), error.span.shifted(at));
            }
        };
        if let Some(model) = &aggregation.data_model {
            self.data_model(model);
        }
        if let Some(clause) = aggregation.where_clause {
            self.search_filter(clause.text(args), at + clause.start, data_model_fields);
        }
        let strip = |env: &mut FieldEnv, name: &str| {
            if data_model_fields { env.strip_any(name) } else { name.to_owned() }
        };
        let by: Vec<String> = aggregation.by.iter().map(|b| strip(&mut self.env, b)).collect();
        let outputs = aggregation
            .outputs
            .iter()
            .map(|a| {
                let argument = a.argument.as_ref().map(|f| strip(&mut self.env, f));
                (a.name.clone(), self.aggregate_origin(&a.function, argument.as_deref()))
            })
            .collect();
        self.finish_transform(by, outputs, carries_all(&aggregation.outputs));
    }

    /// `stats`, `chart`, `top`…: only group-by fields and outputs remain.
    fn transform(&mut self, args: &str, outputs_are_groups: bool) {
        let Ok(aggregation) = commands::aggregation(args) else {
            return self.env.transform(&[], Vec::new());
        };
        let mut by: Vec<String> = aggregation.by.iter().map(|b| self.env.strip(b)).collect();
        let outputs = if outputs_are_groups {
            by.extend(aggregation.outputs.iter().map(|a| self.env.strip(&a.name)));
            ["count", "percent"]
                .iter()
                .map(|n| ((*n).to_owned(), Origin::Computed(Computed::aggregate(n, None))))
                .collect()
        } else {
            self.outputs(&aggregation.outputs)
        };
        self.finish_transform(by, outputs, carries_all(&aggregation.outputs));
    }

    fn finish_transform(&mut self, by: Vec<String>, outputs: Vec<(String, Origin)>, carry_all: bool) {
        for field in &by {
            if let Origin::Source(source) = self.env.resolve(field) {
                self.env.note_source(&source);
            }
        }
        self.env.transform(&by, outputs);
        if carry_all {
            self.env.keep_all_fields();
        }
    }

    /// `eventstats` / `streamstats` add aggregates beside the events.
    fn side_aggregation(&mut self, args: &str) {
        let Ok(aggregation) = commands::aggregation(args) else {
            return self.env.make_opaque("eventstats");
        };
        for (name, origin) in self.outputs(&aggregation.outputs) {
            self.env.define(&name, origin);
        }
    }

    fn outputs(&mut self, aggregates: &[Aggregate]) -> Vec<(String, Origin)> {
        aggregates
            .iter()
            .map(|a| {
                let argument = a.argument.as_ref().map(|f| self.env.strip(f));
                (a.name.clone(), self.aggregate_origin(&a.function, argument.as_deref()))
            })
            .collect()
    }

    fn aggregate_origin(&mut self, function: &str, argument: Option<&str>) -> Origin {
        match argument.map(|field| self.env.resolve(field)) {
            Some(Origin::Source(source)) if CARRYING.contains(&function) => {
                self.env.note_source(&source);
                Origin::Source(source)
            }
            _ => Origin::Computed(Computed::aggregate(function, argument)),
        }
    }

    fn eval(&mut self, args: &str) {
        let Ok(assignments) = eval::parse_assignments(args) else {
            return self.env.make_opaque("eval");
        };
        for (name, value) in assignments {
            if let Some(flag) = self.flag_of(&value, args) {
                self.env.define_flag(&name, flag, value.span.text(args).trim());
                continue;
            }
            match self.traced(&value) {
                Some(Traced::Field { origin, folded: true }) => self.env.define_folded(&name, origin),
                Some(Traced::Field { origin, folded: false }) => self.env.define(&name, origin),
                Some(Traced::CommandLine) => self.env.define_as_canonical(&name, COMMAND_LINE),
                None => {
                    let definition = value.span.text(args).trim().to_owned();
                    let mut fields = Vec::new();
                    where_logic::collect_fields(&value, &mut fields);
                    // A value made from aggregates is one too. After a
                    // transforming command, a value made from the group-by
                    // fields alone is still about the events' fields (a
                    // filter on it is an event filter the model cannot
                    // trace); only a constant is about the groups.
                    let of_groups =
                        (self.env.is_transformed() && fields.is_empty()) || fields.iter().any(|f| self.is_aggregate(f));
                    let how = if of_groups { Computed::Aggregate(definition) } else { Computed::Derived(definition) };
                    self.env.define(&name, Origin::Computed(how));
                }
            }
        }
    }

    /// Whether a name holds an aggregate (so values made from it are too).
    fn is_aggregate(&mut self, name: &str) -> bool {
        let stripped = self.env.strip(name);
        matches!(self.env.resolve(&stripped), Origin::Computed(Computed::Aggregate(_)))
    }

    /// An `eval` value that is an event field through exact transforms
    /// (docs/computed-columns.md): a copy, `lower`/`upper` (folded), `trim`,
    /// `urldecode`, type conversions, `replace`/`substr` with constant
    /// arguments, `mvjoin` of a field, `coalesce` of one field or of fields
    /// that are one canonical field; or the command line, when it joins the
    /// EXECVE arguments `a0`, `a1`, ….
    fn traced(&mut self, value: &Eval) -> Option<Traced> {
        if is_execve_join(value) {
            return Some(Traced::CommandLine);
        }
        match &value.kind {
            EvalKind::Field(field) => {
                let stripped = self.env.strip(field);
                let folded = self.env.is_folded(&stripped);
                match self.env.resolve(&stripped) {
                    origin @ Origin::Source(_) => Some(Traced::Field { origin, folded }),
                    Origin::Computed(_) => None,
                }
            }
            EvalKind::Call(function, args) => {
                let (first, rest) = args.split_first()?;
                let constants = rest.iter().all(|a| matches!(a.kind, EvalKind::Str(_) | EvalKind::Num(_)));
                match function.as_str() {
                    "lower" | "upper" if rest.is_empty() => match self.traced(first)? {
                        Traced::Field { origin, .. } => Some(Traced::Field { origin, folded: true }),
                        Traced::CommandLine => Some(Traced::CommandLine),
                    },
                    "trim" | "ltrim" | "rtrim" | "urldecode" | "tostring" | "tonumber" | "mvjoin" | "replace"
                    | "substr"
                        if constants =>
                    {
                        self.traced(first)
                    }
                    "coalesce" => self.coalesced(args),
                    _ => None,
                }
            }
            _ => None,
        }
    }

    /// `coalesce(a, b, "default")`: the field when every field argument is
    /// the same canonical field (or there is one), constants aside.
    fn coalesced(&mut self, args: &[Eval]) -> Option<Traced> {
        let mut found: Option<(Traced, String)> = None;
        for arg in args {
            if matches!(arg.kind, EvalKind::Str(_) | EvalKind::Num(_)) {
                continue;
            }
            let traced = self.traced(arg)?;
            let canonical = match &traced {
                Traced::Field { origin: Origin::Source(field), .. } => {
                    self.maker.fields.resolve(self.maker.vendor, field).to_string()
                }
                Traced::CommandLine => COMMAND_LINE.to_owned(),
                Traced::Field { .. } => return None,
            };
            match &found {
                Some((_, seen)) if *seen != canonical => return None,
                Some(_) => {}
                None => found = Some((traced, canonical)),
            }
        }
        found.map(|(traced, _)| traced)
    }

    fn rex(&mut self, args: &str) {
        let rex = commands::rex(args);
        let how = Computed::derived(format!("rex {}", args.trim()));
        for group in &rex.groups {
            self.env.define(group, Origin::Computed(how.clone()));
        }
        if let (true, Some(field)) = (rex.sed, &rex.field) {
            self.env.define(field, Origin::Computed(how.clone()));
        }
    }

    /// An inner join keeps only the events whose keys the subsearch also
    /// returns, so the subsearch's own predicates are part of the rule's
    /// logic: its tree is AND-ed into the rule's, as the steps of an EQL
    /// sequence are, and its thresholds, problems and time range come along.
    /// Outer joins only add fields: their subsearch is an attribute.
    /// `span`: the join command, where problems of its subsearch are reported.
    fn join(&mut self, args: &str, span: Span) {
        let join = commands::join(args);
        let Some(subsearch) = join.subsearch else {
            return;
        };
        let subsearch = tidy_subsearch(&subsearch);
        let inner = join.kind.as_deref().is_none_or(|k| k.eq_ignore_ascii_case("inner"));
        let Some(joined) = self.walk_subsearch(&subsearch) else {
            return self.too_deep(&subsearch, inner, span);
        };
        self.env.join(joined.env);
        // The joined events are read too: `join process_guid [| tstats … from
        // datamodel=Endpoint.Registry …]` reads the Registry data model. They
        // go after the main search's own sources, which are listed first.
        self.selection.log_source.extend(joined.log_source);
        self.selection.log_source.extend(joined.selection.log_source);
        if !inner {
            self.attributes.push(("outer join".to_owned(), subsearch));
            return;
        }
        self.logic.extend(joined.logic);
        self.attributes.extend(joined.attributes);
        self.selection.time_range.extend(joined.selection.time_range);
        // Their spans are in the subsearch as tidied, which is not written
        // anywhere: the join stands for them.
        for problem in joined.problems {
            self.problem(&problem.category, problem.message, span);
        }
        // Without fields Splunk joins on every field the two sides share;
        // there is no key to name then.
        if !join.fields.is_empty() {
            self.attributes.push(("join on".to_owned(), join.fields.join(", ")));
        }
    }

    /// `map search="…"` runs a search per result and returns its events
    /// instead: the mapped search selects what the rule reports, through
    /// `$field$` tokens of the results so far, which the model cannot
    /// express. It is kept as written, a `raw` leaf making the rule partial,
    /// and every later field is computed by `map`.
    fn map(&mut self, args: &str, span: Span) {
        let search = commands::option(args, "search").unwrap_or_else(|| args.trim().to_owned());
        self.logic.push(self.maker.leaf(None, Op::Raw, Some(format!("map search=\"{search}\"")), false));
        let message = format!("filters on the results of a map search: [{}]", filters::abbreviate(&search));
        self.problem("subsearch filter", message, span);
        self.env.replace_all();
    }

    /// A joined subsearch nested deeper than [`MAX_SUBSEARCH_DEPTH`]: its
    /// fields are unknown and, for an inner join, its filter is kept as written.
    fn too_deep(&mut self, subsearch: &str, inner: bool, span: Span) {
        self.env.make_opaque("join");
        if inner {
            self.logic.push(self.maker.leaf(None, Op::Raw, Some(subsearch.to_owned()), false));
            self.problem("subsearch filter", format!("joins a subsearch nested too deep: [{subsearch}]"), span);
        } else {
            self.attributes.push(("outer join".to_owned(), subsearch.to_owned()));
        }
    }

    /// The subsearch of a `join` read with the same walk as the main search
    /// (field provenance, logic, log source, attributes and problems), or
    /// `None` past [`MAX_SUBSEARCH_DEPTH`].
    fn walk_subsearch(&self, subsearch: &str) -> Option<Walker<'a>> {
        if self.depth >= MAX_SUBSEARCH_DEPTH {
            return None;
        }
        let mut walker = Walker::new(self.maker);
        walker.depth = self.depth + 1;
        walker.run(&split_pipeline(subsearch));
        Some(walker)
    }

    fn finish(mut self) -> Analysis {
        self.log_source.append(&mut self.selection.log_source);
        let times = self.selection.time_range.drain(..).map(|t| ("time range".to_owned(), t));
        self.attributes.extend(times);
        Analysis {
            logic: (!self.logic.is_empty()).then(|| without_repeats(Expr::and(self.logic))),
            log_source: dedup(self.log_source),
            attributes: dedup(self.attributes),
            problems: self.problems,
        }
    }
}

/// The conjunction without operands repeated word for word (`a!=1 a!=2`
/// both require `a` to exist: once is enough).
fn without_repeats(logic: Expr) -> Expr {
    match logic {
        Expr::And(operands) => {
            let mut kept: Vec<Expr> = Vec::with_capacity(operands.len());
            for operand in operands {
                if !kept.contains(&operand) {
                    kept.push(operand);
                }
            }
            Expr::and(kept)
        }
        other => other,
    }
}

/// The canonical field the EXECVE arguments joined stand for.
const COMMAND_LINE: &str = "process.command_line";

/// What an `eval` value traces to.
enum Traced {
    /// An event field (through exact transforms), possibly case-folded.
    Field { origin: Origin, folded: bool },
    /// The command line, made of the auditd EXECVE arguments.
    CommandLine,
}

/// `mvjoin(mvappend(a0, a1, …), " ")` or `a0." ".a1…`: the auditd EXECVE
/// record's arguments `a0`, `a1`, … joined with spaces, which is the
/// process' command line.
fn is_execve_join(value: &Eval) -> bool {
    let is_argument = |e: &Eval| {
        matches!(&e.kind, EvalKind::Field(name)
            if name.len() > 1 && name.starts_with('a') && name[1..].bytes().all(|b| b.is_ascii_digit()))
    };
    let is_space = |e: &Eval| matches!(&e.kind, EvalKind::Str(s) if s == " ");
    match &value.kind {
        EvalKind::Call(function, args) if function == "mvjoin" => match args.as_slice() {
            [Eval { kind: EvalKind::Call(inner, items), .. }, separator] if inner == "mvappend" => {
                is_space(separator) && items.len() >= 2 && items.iter().all(is_argument)
            }
            _ => false,
        },
        EvalKind::Binary(BinOp::Concat, ..) => {
            let mut parts = Vec::new();
            concat_parts(value, &mut parts);
            let arguments = parts.iter().filter(|p| is_argument(p)).count();
            arguments >= 2 && parts.iter().all(|p| is_argument(p) || is_space(p))
        }
        _ => false,
    }
}

fn concat_parts<'e>(value: &'e Eval, out: &mut Vec<&'e Eval>) {
    match &value.kind {
        EvalKind::Binary(BinOp::Concat, left, right) => {
            concat_parts(left, out);
            concat_parts(right, out);
        }
        _ => out.push(value),
    }
}

/// `values(*) as *`, `latest(*) as *`: every field goes through unchanged.
fn carries_all(outputs: &[Aggregate]) -> bool {
    outputs
        .iter()
        .any(|a| a.name == "*" && a.argument.as_deref() == Some("*") && CARRYING.contains(&a.function.as_str()))
}
