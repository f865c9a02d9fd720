//! A Sigma `detection` block into one predicate tree: search identifiers
//! (maps are AND, lists of maps OR, plain lists are keywords), their field
//! tests with modifiers, and the condition that combines them.

use atlas_catalog::Expr;

use super::condition::{self, Condition};
use super::modifiers::{Modifiers, UnknownModifier, ValueTooLong};
use crate::leaf::LeafMaker;
use crate::limits::MAX_RULE_LEAVES;
use crate::syntax::{Embedded, Span};
use crate::syntax::{ErrorKind, SyntaxError};
use crate::yaml::Key;
use crate::yaml::Yaml;

/// Why a detection could not be turned into predicates.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DetectionError {
    /// `detection: [a, b]`
    #[error("`detection` must be a mapping of search identifiers and a condition")]
    NotAMapping,
    /// A detection without `condition`.
    #[error("the detection has no `condition`")]
    NoCondition,
    /// A detection whose only key is `condition`.
    #[error("the detection defines no search identifier")]
    Empty,
    /// `condition: selection | count() > 5`, or a malformed condition.
    #[error("condition: {0}")]
    Condition(#[from] SyntaxError),
    /// `condition: selection and filter` without `filter:`.
    #[error("the condition names `{0}`, which the detection does not define")]
    MissingIdentifier(String),
    /// `1 of filter_*` when no identifier starts with `filter_`.
    #[error("`{0}` in the condition matches no search identifier")]
    NothingMatches(String),
    /// `Image|contain: x`
    #[error("`{key}`: {source}")]
    UnknownModifier { key: String, source: UnknownModifier },
    /// `selection:` with no value, or `Image: []`.
    #[error("`{0}` is empty")]
    EmptyValue(String),
    /// `Image: {a: b}` (a mapping where a value belongs).
    #[error("`{0}` holds a mapping where values belong")]
    NestedMapping(String),
    /// `CommandLine|wide|wide|…|base64offset: x` (the value doubles at each `wide`).
    #[error("`{key}`: {source}")]
    ValueTooLong { key: String, source: ValueTooLong },
    /// `condition: sel or sel or sel …` repeated until the tree would hold
    /// millions of leaves.
    #[error("the condition makes a tree of more than {MAX_RULE_LEAVES} leaves")]
    TooManyLeaves,
}

impl DetectionError {
    /// Forms Rule Atlas knowingly does not read (legacy aggregations), as
    /// opposed to malformed rules.
    pub fn is_unsupported(&self) -> bool {
        matches!(self, DetectionError::Condition(e) if e.is_unsupported())
    }

    /// A short stable category for counting in the build report.
    pub fn reason(&self) -> String {
        match self {
            DetectionError::NotAMapping => "detection is not a mapping".into(),
            DetectionError::NoCondition => "no condition".into(),
            DetectionError::Empty => "empty detection".into(),
            DetectionError::Condition(SyntaxError { kind: ErrorKind::Unsupported { what, .. }, .. }) => (*what).into(),
            DetectionError::Condition(_) => "malformed condition".into(),
            DetectionError::MissingIdentifier(_) | DetectionError::NothingMatches(_) => {
                "condition names a missing selection".into()
            }
            DetectionError::UnknownModifier { .. } => "unknown modifier".into(),
            DetectionError::EmptyValue(_) => "empty value".into(),
            DetectionError::NestedMapping(_) => "mapping as value".into(),
            DetectionError::ValueTooLong { .. } => "limit exceeded: value length".into(),
            DetectionError::TooManyLeaves => "limit exceeded: leaves per rule".into(),
        }
    }
}

/// A detection error and where in the file it is (byte offsets; empty when
/// the file was read without positions).
pub type Located = (DetectionError, Span);

/// The predicate tree of a detection block; `text` is the file it was read
/// from, for error positions.
pub fn to_expr(detection: &Yaml, text: &str, maker: &LeafMaker) -> Result<Expr, Located> {
    let Yaml::Map(entries) = detection else {
        return Err((DetectionError::NotAMapping, Span::default()));
    };
    let mut identifiers = Vec::with_capacity(entries.len());
    let mut condition = None;
    // Leaves the selections may still make (windash makes 125 per value).
    let mut budget = MAX_RULE_LEAVES;
    for (key, value) in entries {
        match key.as_str() {
            "condition" => condition = Some((key, value)),
            // Legacy aggregation window; meaningless without an aggregation.
            "timeframe" => {}
            name => identifiers.push((name, search(key, value, maker, &mut budget)?)),
        }
    }
    let Some((key, condition)) = condition else {
        return Err((DetectionError::NoCondition, Span::default()));
    };
    if identifiers.is_empty() {
        return Err((DetectionError::Empty, key.span));
    }
    let conditions: Vec<&Yaml> = match condition {
        // A list of conditions is legacy Sigma: any of them fires the rule.
        Yaml::Seq(items) => items.iter().collect(),
        single => vec![single],
    };
    let mut budget = MAX_RULE_LEAVES;
    let trees = conditions
        .into_iter()
        .map(|c| {
            let condition_text = c.scalar_text().ok_or((DetectionError::NoCondition, key.span))?;
            let parsed = condition::parse(&condition_text).map_err(|error| {
                // The error's span is in the condition: find it in the file.
                let raw = Embedded { raw: key.value.text(text), start: key.value.start };
                let span = raw.file_span(&condition_text, error.span);
                (DetectionError::Condition(error), span)
            })?;
            resolve(&parsed, &identifiers, &mut budget).map_err(|error| (error, key.value))
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Expr::or(trees))
}

/// One search identifier.
fn search(key: &Key, value: &Yaml, maker: &LeafMaker, budget: &mut usize) -> Result<Expr, Located> {
    let name = key.as_str();
    match value {
        Yaml::Map(entries) => selection(key, entries, maker, budget),
        Yaml::Seq(items) if items.is_empty() => Err((DetectionError::EmptyValue(name.to_owned()), key.span)),
        Yaml::Seq(items) => {
            let operands = items
                .iter()
                .map(|item| match item {
                    Yaml::Map(entries) => selection(key, entries, maker, budget),
                    Yaml::Seq(_) => Err((DetectionError::NestedMapping(name.to_owned()), key.span)),
                    scalar => {
                        charge(keyword(name, &Modifiers::default(), scalar, maker), budget).map_err(|e| (e, key.span))
                    }
                })
                .collect::<Result<Vec<_>, _>>()?;
            Ok(Expr::or(operands))
        }
        Yaml::Null => Err((DetectionError::EmptyValue(name.to_owned()), key.span)),
        scalar => charge(keyword(name, &Modifiers::default(), scalar, maker), budget).map_err(|e| (e, key.span)),
    }
}

/// Takes a new tree's leaves from the rule's budget.
fn charge(tree: Result<Expr, DetectionError>, budget: &mut usize) -> Result<Expr, DetectionError> {
    let tree = tree?;
    *budget = budget.checked_sub(tree.leaf_count()).ok_or(DetectionError::TooManyLeaves)?;
    Ok(tree)
}

/// A map of field tests, all of which must hold.
fn selection(name: &Key, entries: &[(Key, Yaml)], maker: &LeafMaker, budget: &mut usize) -> Result<Expr, Located> {
    if entries.is_empty() {
        return Err((DetectionError::EmptyValue(name.as_str().to_owned()), name.span));
    }
    let tests = entries
        .iter()
        .map(|(key, value)| field_test(key.as_str(), value, maker, budget).map_err(|error| (error, key.span)))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Expr::and(tests))
}

/// `Field|mod|mod: value or [values]`.
fn field_test(key: &str, value: &Yaml, maker: &LeafMaker, budget: &mut usize) -> Result<Expr, DetectionError> {
    let mut parts = key.split('|');
    let field = parts.next().filter(|f| !f.is_empty());
    let modifiers =
        Modifiers::parse(parts).map_err(|source| DetectionError::UnknownModifier { key: key.to_owned(), source })?;
    let values: Vec<&Yaml> = match value {
        Yaml::Seq(items) if items.is_empty() => return Err(DetectionError::EmptyValue(key.to_owned())),
        Yaml::Seq(items) => items.iter().collect(),
        Yaml::Map(_) => return Err(DetectionError::NestedMapping(key.to_owned())),
        single => vec![single],
    };
    let mut leaves = Vec::with_capacity(values.len());
    for value in values {
        let tree = match (field, value) {
            (_, Yaml::Map(_) | Yaml::Seq(_)) => return Err(DetectionError::NestedMapping(key.to_owned())),
            (None, value) => keyword(key, &modifiers, value, maker)?,
            (Some(field), value) => modifiers
                .leaves(maker, Some(field), value.scalar_text().as_deref())
                .map_err(|source| DetectionError::ValueTooLong { key: key.to_owned(), source })?,
        };
        leaves.push(charge(Ok(tree), budget)?);
    }
    Ok(if modifiers.all { Expr::and(leaves) } else { Expr::or(leaves) })
}

/// A field-less value: full-text search.
fn keyword(key: &str, modifiers: &Modifiers, value: &Yaml, maker: &LeafMaker) -> Result<Expr, DetectionError> {
    modifiers
        .leaves(maker, None, value.scalar_text().as_deref())
        .map_err(|source| DetectionError::ValueTooLong { key: key.to_owned(), source })
}

/// The condition with identifiers replaced by their trees. Every use of an
/// identifier copies its tree, so `budget` (leaves still allowed) is charged
/// before each copy: a condition naming a large selection thousands of times
/// fails fast instead of filling memory.
fn resolve(condition: &Condition, identifiers: &[(&str, Expr)], budget: &mut usize) -> Result<Expr, DetectionError> {
    let mut copy = |expr: &Expr| {
        *budget = budget.checked_sub(expr.leaf_count()).ok_or(DetectionError::TooManyLeaves)?;
        Ok(expr.clone())
    };
    match condition {
        Condition::Identifier(name) => match identifiers.iter().find(|(n, _)| n == name) {
            Some((_, expr)) => copy(expr),
            None => Err(DetectionError::MissingIdentifier(name.clone())),
        },
        Condition::Quantified { all, target } => {
            let matching: Vec<Expr> = identifiers
                .iter()
                .filter(|(n, _)| target.matches(n))
                .map(|(_, e)| copy(e))
                .collect::<Result<_, _>>()?;
            if matching.is_empty() {
                return Err(DetectionError::NothingMatches(target.to_string()));
            }
            Ok(if *all { Expr::and(matching) } else { Expr::or(matching) })
        }
        Condition::And(operands) => {
            Ok(Expr::and(operands.iter().map(|c| resolve(c, identifiers, budget)).collect::<Result<_, _>>()?))
        }
        Condition::Or(operands) => {
            Ok(Expr::or(operands.iter().map(|c| resolve(c, identifiers, budget)).collect::<Result<_, _>>()?))
        }
        Condition::Not(inner) => Ok(Expr::negate(resolve(inner, identifiers, budget)?)),
    }
}
