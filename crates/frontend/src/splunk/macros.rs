//! Search macros: loading macros/*.yml and expanding `` `name` `` and
//! `` `name(arg, …)` `` calls in a query before it is parsed.
//!
//! Detections hide whole predicates in macros (`process_net`), select their
//! log source with one (`sysmon`) and end with a `*_filter` hook, so the text
//! is expanded first, exactly as Splunk does: literal substitution, nested
//! macros expanded in turn, `$arg$` replaced by the argument text. The
//! expansion keeps a [`SourceMap`] back to the query as written, so that a
//! problem in expanded text is reported at the macro call it came from.

use std::collections::HashMap;

use super::text::{SourceMap, strip_comments};
use crate::limits::{MAX_EXPANDED_SEARCH_BYTES as MAX_EXPANSION, MAX_MACRO_DEPTH as MAX_DEPTH};
use crate::syntax::Span;

/// Undefined macros known to shape output only, never to filter events:
/// contentctl and the CIM / ES apps define them outside the repository.
const OUTPUT_ONLY: &[&str] = &[
    "drop_dm_object_name",
    "security_content_ctime",
    "security_content_summariesonly",
    "summariesonly_config",
    "oldsummaries_config",
    "fillnull_config",
    "get_asset",
];

/// One macro definition.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MacroDef {
    pub name: String,
    /// Argument names, substituted where the definition writes `$name$`.
    pub arguments: Vec<String>,
    pub definition: String,
}

impl MacroDef {
    /// The key Splunk looks a call up by: `name` without arguments,
    /// `name(n)` with n arguments (a name already written `name(n)` is kept).
    pub fn key(&self) -> String {
        if self.name.ends_with(')') || self.arguments.is_empty() {
            self.name.clone()
        } else {
            format!("{}({})", self.name, self.arguments.len())
        }
    }
}

/// The macros of a repository, by call key.
#[derive(Debug, Clone, Default)]
pub struct MacroTable {
    by_key: HashMap<String, MacroDef>,
}

/// What went wrong while expanding; each makes the rule partial.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MacroProblem {
    /// `` `get_user_info` `` with no definition in macros/.
    #[error("undefined macro `{0}`")]
    Undefined(String),
    /// `` `a` `` whose definition calls `` `a` `` again.
    #[error("macro `{0}` nests more than {MAX_DEPTH} levels deep (recursive definition?)")]
    TooDeep(String),
    /// Definitions that multiply into more than a megabyte of text.
    #[error("macro expansion exceeds {MAX_EXPANSION} bytes")]
    TooLarge,
}

/// The expanded text and what could not be expanded.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Expansion {
    pub text: String,
    /// Each with the call it is about, as a span of the query expanded: the
    /// call written in the query, also for a macro that one nests.
    pub problems: Vec<(MacroProblem, Span)>,
    /// From `text` back to the query: text copied from it maps to itself,
    /// text from a macro's body to the call written in the query.
    pub map: SourceMap,
}

impl Expansion {
    /// Appends `piece`: from the query (at offset `at` of it) when `call` is
    /// `None`, else from the body of the macro called at `call`.
    fn emit(&mut self, piece: &str, at: usize, call: Option<Span>) {
        if piece.is_empty() {
            return;
        }
        match call {
            None => self.map.copied(self.text.len(), Span::new(at, at + piece.len())),
            Some(call) => self.map.made(self.text.len(), call),
        }
        self.text.push_str(piece);
    }
}

/// A macro call parsed from between two backticks.
struct Call<'a> {
    name: &'a str,
    arguments: Option<Vec<&'a str>>,
}

impl MacroTable {
    pub fn new(defs: impl IntoIterator<Item = MacroDef>) -> Self {
        let by_key = defs.into_iter().map(|def| (def.key(), def)).collect();
        MacroTable { by_key }
    }

    pub fn len(&self) -> usize {
        self.by_key.len()
    }

    pub fn is_empty(&self) -> bool {
        self.by_key.is_empty()
    }

    pub fn get(&self, key: &str) -> Option<&MacroDef> {
        self.by_key.get(key)
    }

    /// Expands every macro call in `spl`, recursively.
    pub fn expand(&self, spl: &str) -> Expansion {
        let mut expansion = Expansion { text: String::with_capacity(spl.len() * 2), ..Expansion::default() };
        self.expand_into(spl, 0, None, &mut expansion);
        expansion
    }

    /// Expands `text`: the query itself (`call` is `None`), or the body of
    /// a macro whose outermost call is at `call` in the query.
    fn expand_into(&self, text: &str, depth: usize, call: Option<Span>, out: &mut Expansion) {
        let mut rest = text;
        // Where `rest` starts in `text`.
        let mut at = 0;
        while let Some(open) = rest.find('`') {
            out.emit(&rest[..open], at, call);
            let tick = at + open;
            let after = &rest[open + 1..];
            // A backtick starts a call only if a well-formed call runs to the
            // next backtick; otherwise it is a literal (`split(x, "`")`).
            match after.find('`').and_then(|close| parse_call(&after[..close]).map(|parsed| (close, parsed))) {
                Some((close, parsed)) => {
                    at = tick + close + 2;
                    self.expand_call(&parsed, depth, call.unwrap_or(Span::new(tick, at)), out);
                    rest = &after[close + 1..];
                }
                None => {
                    at = tick + 1;
                    out.emit("`", tick, call);
                    rest = after;
                }
            }
            if out.text.len() > MAX_EXPANSION {
                push_unique(&mut out.problems, MacroProblem::TooLarge, call.unwrap_or(Span::new(tick, at)));
                return;
            }
        }
        out.emit(rest, at, call);
    }

    /// Expands one call; `at` is the call written in the query.
    fn expand_call(&self, call: &Call<'_>, depth: usize, at: Span, out: &mut Expansion) {
        let key = match &call.arguments {
            Some(args) => format!("{}({})", call.name, args.len()),
            None => call.name.to_owned(),
        };
        let Some(def) = self.by_key.get(&key) else {
            if !is_output_only(call.name) {
                push_unique(&mut out.problems, MacroProblem::Undefined(key), at);
            }
            out.emit(" ", 0, Some(at));
            return;
        };
        if depth >= MAX_DEPTH {
            push_unique(&mut out.problems, MacroProblem::TooDeep(key), at);
            return;
        }
        match substitute(&def.definition, &def.arguments, call.arguments.as_deref().unwrap_or(&[])) {
            Some(body) => self.expand_into(&strip_comments(&body), depth + 1, Some(at), out),
            None => push_unique(&mut out.problems, MacroProblem::TooLarge, at),
        }
    }
}

/// The names of the well-formed macro calls in `text`, in order (arguments
/// left out), without expanding them.
pub fn call_names(text: &str) -> Vec<String> {
    let mut names = Vec::new();
    let mut rest = text;
    while let Some(open) = rest.find('`') {
        let after = &rest[open + 1..];
        match after.find('`').and_then(|close| parse_call(&after[..close]).map(|call| (close, call))) {
            Some((close, call)) => {
                names.push(call.name.to_owned());
                rest = &after[close + 1..];
            }
            None => rest = after,
        }
    }
    names
}

/// `*_filter` hooks are generated empty by contentctl; the others are listed
/// in [`OUTPUT_ONLY`].
fn is_output_only(name: &str) -> bool {
    name.ends_with("_filter") || OUTPUT_ONLY.contains(&name)
}

/// Records a problem once, at the first call it is found at.
fn push_unique(problems: &mut Vec<(MacroProblem, Span)>, problem: MacroProblem, at: Span) {
    if !problems.iter().any(|(known, _)| *known == problem) {
        problems.push((problem, at));
    }
}

/// Reads one macro file's text.
pub fn parse_macro(text: &str) -> Result<MacroDef, String> {
    let documents = crate::yaml::parse_documents(text).map_err(|e| e.to_string())?;
    let file = documents.first().ok_or("empty file")?;
    let name = file.text("name").ok_or("no `name`")?;
    let definition = file.get("definition").and_then(crate::yaml::Yaml::scalar_text).unwrap_or_default();
    let arguments = file.texts("arguments");
    Ok(MacroDef { name: name.trim().to_owned(), arguments, definition })
}

/// Replaces `$name$` by the matching argument text; other `$` stay.
fn substitute(definition: &str, names: &[String], values: &[&str]) -> Option<String> {
    let mut body = definition.to_owned();
    for (name, value) in names.iter().zip(values) {
        let placeholder = format!("${name}$");
        // A definition repeating `$x$` many times over a long argument would
        // multiply them: size the result before building it.
        let grown = body.matches(&placeholder).count().saturating_mul(value.len());
        if body.len().saturating_add(grown) > MAX_EXPANSION {
            return None;
        }
        body = body.replace(&placeholder, value);
    }
    Some(body)
}

/// `name` or `name(arg, "a,b", f(x))`; `None` when the text between two
/// backticks is not a call.
fn parse_call(inner: &str) -> Option<Call<'_>> {
    let inner = inner.trim();
    let name_end =
        inner.find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.' | ':'))).unwrap_or(inner.len());
    let name = &inner[..name_end];
    if name.is_empty() {
        return None;
    }
    let rest = inner[name_end..].trim_start();
    if rest.is_empty() {
        return Some(Call { name, arguments: None });
    }
    let args = rest.strip_prefix('(')?.strip_suffix(')')?;
    Some(Call { name, arguments: Some(split_arguments(args)) })
}

/// Splits macro arguments at commas outside quotes and parentheses.
fn split_arguments(args: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let (mut depth, mut in_quote, mut escaped, mut start) = (0usize, false, false, 0);
    for (i, c) in args.char_indices() {
        match c {
            _ if escaped => escaped = false,
            '\\' if in_quote => escaped = true,
            '"' => in_quote = !in_quote,
            '(' if !in_quote => depth += 1,
            ')' if !in_quote => depth = depth.saturating_sub(1),
            ',' if !in_quote && depth == 0 => {
                out.push(args[start..i].trim());
                start = i + 1;
            }
            _ => {}
        }
    }
    out.push(args[start..].trim());
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn def(name: &str, arguments: &[&str], definition: &str) -> MacroDef {
        MacroDef {
            name: name.into(),
            arguments: arguments.iter().map(|a| a.to_string()).collect(),
            definition: definition.into(),
        }
    }

    /// The problems of an expansion, without where.
    fn problems(expansion: &Expansion) -> Vec<MacroProblem> {
        expansion.problems.iter().map(|(problem, _)| problem.clone()).collect()
    }

    fn table() -> MacroTable {
        MacroTable::new([
            def("sysmon", &[], "sourcetype=sysmon OR source=Sysmon"),
            def("process_net", &[], "(Processes.process_name=\"net.exe\" OR `process_net1`)"),
            def("process_net1", &[], "Processes.process_name=\"net1.exe\""),
            def("ctime", &["field"], "convert ctime($field$)"),
            def("pair", &["a", "b"], "$a$=$b$ $cost$"),
            def("loop", &[], "x `loop`"),
        ])
    }

    #[test]
    fn nested_macros_expand_literally() {
        let out = table().expand("`sysmon` EventCode=1 | where `process_net`");
        assert_eq!(
            out.text,
            "sourcetype=sysmon OR source=Sysmon EventCode=1 | where (Processes.process_name=\"net.exe\" OR Processes.process_name=\"net1.exe\")"
        );
        assert!(out.problems.is_empty());
    }

    #[test]
    fn expanded_text_maps_back_to_the_calls() {
        let spl = "`sysmon` EventCode=1 | where `process_net` | `unknown`";
        let out = table().expand(spl);
        let back = |needle: &str| {
            let at = out.text.find(needle).unwrap();
            out.map.span(Span::new(at, at + needle.len())).text(spl)
        };
        // Copied text maps to itself, a macro's text to its call, also
        // through a nested macro.
        assert_eq!(back("EventCode=1 | where"), "EventCode=1 | where");
        assert_eq!(back("source=Sysmon"), "`sysmon`");
        assert_eq!(back("net1.exe"), "`process_net`");
        assert_eq!(back("Sysmon EventCode"), "`sysmon` EventCode");
        assert_eq!(out.problems, [(MacroProblem::Undefined("unknown".into()), Span::new(45, 54))]);
        assert_eq!(&spl[45..54], "`unknown`");
        // A problem in a nested macro is at the call written in the query.
        let out = table().expand("a=1 `loop`");
        assert_eq!(out.problems, [(MacroProblem::TooDeep("loop".into()), Span::new(4, 10))]);
    }

    #[test]
    fn arguments_are_substituted_by_position() {
        let out = table().expand("| `ctime(firstTime)` | `pair(user, \"a,b\")`");
        assert_eq!(out.text, "| convert ctime(firstTime) | user=\"a,b\" $cost$");
        assert_eq!(MacroDef { name: "x".into(), arguments: vec!["a".into()], definition: String::new() }.key(), "x(1)");
    }

    #[test]
    fn filters_and_output_macros_are_no_ops_others_are_reported() {
        let out =
            table().expand("a=1 | `my_rule_filter` | `drop_dm_object_name(Processes)` | `get_user(x)` | `unknown`");
        assert_eq!(out.text, "a=1 |   |   |   |  ");
        assert_eq!(
            problems(&out),
            [MacroProblem::Undefined("get_user(1)".into()), MacroProblem::Undefined("unknown".into())]
        );
        // The wrong number of arguments is another macro.
        assert_eq!(problems(&table().expand("`ctime`")), [MacroProblem::Undefined("ctime".into())]);
    }

    #[test]
    fn stray_backticks_are_literal() {
        let out = table().expand("eval n=mvcount(split(process,\"`\")) | `sysmon`");
        assert_eq!(out.text, "eval n=mvcount(split(process,\"`\")) | sourcetype=sysmon OR source=Sysmon");
        assert!(out.problems.is_empty());
    }

    #[test]
    fn recursion_is_capped() {
        let out = table().expand("`loop`");
        assert_eq!(problems(&out), [MacroProblem::TooDeep("loop".into())]);
        assert_eq!(out.text.matches('x').count(), MAX_DEPTH);
    }

    #[test]
    fn macro_files_parse() {
        let parsed =
            parse_macro("arguments:\n  - field\ndefinition: 'convert ctime($field$)'\nname: security_content_ctime\n")
                .expect("macro parses");
        assert_eq!(parsed.key(), "security_content_ctime(1)");
        assert!(parse_macro("definition: x").is_err());
    }
}
