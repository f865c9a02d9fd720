//! What a rule's own predicates say about the events it reads: the literal
//! values its indicator leaves test on event-selecting fields (event codes,
//! API calls, ECS categories, datasets). Only indicators count: a value a rule
//! excludes does not tell which events it reads.

use atlas_catalog::{Expr, Leaf, Op, Polarity};

use super::table::{EventTable, code_key};

/// One positive equality test, with the field as written lowercased.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Test {
    pub source_field: String,
    pub value: String,
    /// [`code_key`] of the value.
    pub key: String,
}

impl Test {
    /// Whether the test is on one of `fields`, as the rule writes the field:
    /// the canonical name would also match lookalikes (Splunk's CIM `action`
    /// resolves to `event.action` but is not a CloudTrail API call).
    pub fn on_any(&self, fields: &[String]) -> bool {
        fields.contains(&self.source_field)
    }
}

/// The event-selecting facts of one rule.
#[derive(Debug, Clone, Default)]
pub struct Facts {
    /// The positive equality tests of the rule on fields that select events
    /// (see [`EventTable::selector_fields`]).
    pub tests: Vec<Test>,
    /// ECS `event.category`, `event.type`, `event.action` values (lowercase).
    pub categories: Vec<String>,
    pub types: Vec<String>,
    pub actions: Vec<String>,
    /// `event.dataset`, `data_stream.dataset`, `event.module` values.
    pub datasets: Vec<String>,
    /// `event.provider` values.
    pub providers: Vec<String>,
}

impl Facts {
    /// The facts of a rule's logic. Only leaves on the table's selector
    /// fields are looked at, which keeps this cheap for rules with hundreds
    /// of leaves.
    pub fn of(table: &EventTable, logic: Option<&Expr>) -> Facts {
        let mut facts = Facts::default();
        let Some(logic) = logic else { return facts };
        let mut name = String::new();
        logic.for_each_leaf(|leaf, polarity| {
            let Some(written) = leaf.source_field.as_deref().or(leaf.field.as_deref()) else {
                return;
            };
            if polarity != Polarity::Indicator {
                return;
            }
            name.clear();
            name.extend(written.chars().map(|c| c.to_ascii_lowercase()));
            if !table.selector_fields.contains(&name) {
                return;
            }
            if let Some(test) = equality(leaf, &name) {
                facts.add(test);
            }
        });
        facts
    }

    fn add(&mut self, test: Test) {
        let value = test.value.to_ascii_lowercase();
        let list = match test.source_field.as_str() {
            "event.category" => Some(&mut self.categories),
            "event.type" => Some(&mut self.types),
            "event.dataset" | "data_stream.dataset" | "event.module" => Some(&mut self.datasets),
            "event.provider" => Some(&mut self.providers),
            _ => None,
        };
        if let Some(list) = list {
            add_once(list, value.clone());
        }
        // Only ECS's own event.action carries Elastic's action vocabulary;
        // other spellings that map to it (eventName, Operation) are API calls.
        if test.source_field == "event.action" {
            add_once(&mut self.actions, value);
        }
        if !self.tests.contains(&test) {
            self.tests.push(test);
        }
    }

    /// The tests on any of `fields`, in rule order, once each by value key.
    pub fn values_on(&self, fields: &[String]) -> Vec<&Test> {
        let mut out: Vec<&Test> = Vec::new();
        for test in self.tests.iter().filter(|t| t.on_any(fields)) {
            if !out.iter().any(|seen| seen.key == test.key) {
                out.push(test);
            }
        }
        out
    }
}

/// The canonical fields of a rule's indicator leaves, lowercase.
pub fn indicator_fields(logic: Option<&Expr>) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(logic) = logic {
        logic.for_each_leaf(|leaf, polarity| {
            if let (Some(field), Polarity::Indicator) = (&leaf.field, polarity) {
                add_once(&mut out, field.to_ascii_lowercase());
            }
        });
    }
    out
}

/// The literal value of a leaf that tests a field for one exact value
/// (`eq`, or a field `match` without wildcards); `name` is the field as
/// written, lowercased.
fn equality(leaf: &Leaf, name: &str) -> Option<Test> {
    let value = leaf.value.as_deref()?.trim();
    let literal = match leaf.op {
        Op::Eq => true,
        Op::Match => !value.contains(['*', '?']),
        _ => false,
    };
    if !literal || value.is_empty() {
        return None;
    }
    Some(Test { source_field: name.to_owned(), value: value.to_owned(), key: code_key(value) })
}

fn add_once(list: &mut Vec<String>, value: String) {
    if !list.contains(&value) {
        list.push(value);
    }
}

/// The conjunctions of a rule's positive tests on two groups of fields, for
/// codes made of two values (Kubernetes `verb` and `objectRef.resource`):
/// each pair comes from one AND-branch, so `(create pods) or (delete secrets)`
/// does not yield `create secrets`.
pub fn pairs(logic: Option<&Expr>, first: &[String], second: &[String]) -> Vec<(Option<String>, Option<String>)> {
    /// Disjunctive normal form gets large fast; past this many branches the
    /// pairs fall back to every first value with every second value.
    const MAX_BRANCHES: usize = 256;
    let Some(logic) = logic else {
        return Vec::new();
    };
    let interesting = |leaf: &Leaf| -> Option<(bool, String)> {
        let name = leaf.source_field.as_deref().or(leaf.field.as_deref())?.to_ascii_lowercase();
        let test = equality(leaf, &name)?;
        if test.on_any(first) {
            Some((true, test.value))
        } else if test.on_any(second) {
            Some((false, test.value))
        } else {
            None
        }
    };
    let branches = dnf(logic, &interesting, MAX_BRANCHES).unwrap_or_else(|| {
        let mut all = Vec::new();
        logic.for_each_leaf(|leaf, polarity| {
            if polarity == Polarity::Indicator {
                all.extend(interesting(leaf));
            }
        });
        vec![all]
    });
    let mut out = Vec::new();
    for branch in branches {
        let firsts: Vec<&String> = branch.iter().filter(|(is_first, _)| *is_first).map(|(_, v)| v).collect();
        let seconds: Vec<&String> = branch.iter().filter(|(is_first, _)| !*is_first).map(|(_, v)| v).collect();
        let firsts: Vec<Option<&String>> =
            if firsts.is_empty() { vec![None] } else { firsts.into_iter().map(Some).collect() };
        let seconds: Vec<Option<&String>> =
            if seconds.is_empty() { vec![None] } else { seconds.into_iter().map(Some).collect() };
        for a in &firsts {
            for b in &seconds {
                let pair = (a.cloned(), b.cloned());
                if (pair.0.is_some() || pair.1.is_some()) && !out.contains(&pair) {
                    out.push(pair);
                }
            }
        }
    }
    out
}

type Branch = Vec<(bool, String)>;

/// The positive interesting leaves of `expr` in disjunctive normal form;
/// negated parts contribute nothing. `None` past `max` branches.
fn dnf(expr: &Expr, interesting: &dyn Fn(&Leaf) -> Option<(bool, String)>, max: usize) -> Option<Vec<Branch>> {
    Some(match expr {
        Expr::Leaf(leaf) => vec![interesting(leaf).into_iter().collect()],
        Expr::Not(_) => vec![Vec::new()],
        Expr::Or(operands) => {
            let mut out = Vec::new();
            for operand in operands {
                out.extend(dnf(operand, interesting, max)?);
                if out.len() > max {
                    return None;
                }
            }
            out
        }
        Expr::And(operands) => {
            let mut out: Vec<Branch> = vec![Vec::new()];
            for operand in operands {
                let right = dnf(operand, interesting, max)?;
                if out.len() * right.len() > max {
                    return None;
                }
                out = out
                    .iter()
                    .flat_map(|left| right.iter().map(move |r| left.iter().chain(r).cloned().collect()))
                    .collect();
            }
            out
        }
    })
}
