//! Turns `| where` expressions into the shared predicate model: `==` / `=`
//! (case-sensitive), `!=`, comparisons, `IN`, `like()` (`%` `_`),
//! `match()`, `cidrmatch()`, `isnull()` / `isnotnull()`, `searchmatch()`,
//! `lower()` / `upper()` around a field (a case-insensitive test), field to
//! field equality, a test of an `eval` flag (its condition); anything else
//! becomes a raw leaf with its text.

use atlas_catalog::wildcard;
use atlas_catalog::{Expr, Op};

use super::env::Untraced;
use super::eval::{BinOp, Eval, EvalKind};
use super::search::{self, CmpOp};
use super::search_logic::{self, FieldSource};
use crate::leaf::LeafMaker;

/// Splits a top-level AND into its operands, and those that are ANDs in
/// parentheses in turn.
pub fn conjuncts(expr: Eval) -> Vec<Eval> {
    match expr.kind {
        EvalKind::And(items) => items.into_iter().flat_map(conjuncts).collect(),
        _ => vec![expr],
    }
}

/// Lowers where expressions read from `src`: `Ok(None)` is a condition that
/// is always true, `Err` names how a field the condition reads was computed.
pub struct WhereLowering<'a, 's> {
    pub maker: LeafMaker<'a>,
    pub fields: &'s mut dyn FieldSource,
    pub src: &'s str,
    /// Subsearch texts met inside `searchmatch()`.
    pub subsearches: Vec<String>,
}

/// A field operand: the field and whether it is wrapped in lower()/upper().
struct FieldOperand<'e> {
    name: &'e str,
    case_folded: bool,
}

impl WhereLowering<'_, '_> {
    pub fn lower(&mut self, expr: &Eval) -> Result<Option<Expr>, Untraced> {
        match &expr.kind {
            EvalKind::And(items) => Ok(junction(self.lower_all(items)?, false)),
            EvalKind::Or(items) => Ok(junction(self.lower_all(items)?, true)),
            EvalKind::Not(inner) => Ok(self.lower(inner)?.map(Expr::negate)),
            EvalKind::Bool(true) => Ok(None),
            EvalKind::Binary(op @ (BinOp::Eq | BinOp::Ne | BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge), l, r) => {
                self.comparison(expr, *op, l, r)
            }
            EvalKind::Binary(BinOp::Like, l, r) => self.like(expr, l, r),
            EvalKind::In(left, items) => self.in_list(expr, left, items),
            EvalKind::Call(name, args) => self.call(expr, name, args),
            _ => self.raw(expr),
        }
    }

    /// Each operand in turn (all of them: a condition that is always true
    /// decides only once the junction is known).
    fn lower_all(&mut self, items: &[Eval]) -> Result<Vec<Option<Expr>>, Untraced> {
        items.iter().map(|item| self.lower(item)).collect()
    }

    fn comparison(&mut self, whole: &Eval, op: BinOp, l: &Eval, r: &Eval) -> Result<Option<Expr>, Untraced> {
        let (operand, literal, op) = match (field_operand(l), field_operand(r)) {
            (Some(f), None) => (f, r, op),
            (None, Some(f)) => (f, l, mirror(op)),
            (Some(a), Some(b)) if !a.case_folded && !b.case_folded && matches!(op, BinOp::Eq | BinOp::Ne) => {
                return self.field_equality(a.name, b.name, op);
            }
            _ => return self.raw(whole),
        };
        let Some(value) = literal_text(literal) else {
            return self.raw(whole);
        };
        if let Some(condition) = self.flag_reading(&operand, op, &value) {
            return Ok(Some(condition));
        }
        let field = self.fields.source(operand.name)?;
        let case_sensitive = !(operand.case_folded || self.fields.folded(operand.name));
        let leaf = |op| self.maker.leaf(Some(&field), op, Some(value.clone()), case_sensitive);
        Ok(Some(match op {
            BinOp::Eq => leaf(Op::Eq),
            BinOp::Ne => search_logic::differs(&self.maker, &field, leaf(Op::Eq)),
            BinOp::Lt => leaf(Op::Lt),
            BinOp::Le => leaf(Op::Lte),
            BinOp::Gt => leaf(Op::Gt),
            _ => leaf(Op::Gte),
        }))
    }

    /// `flag==1` on a flag an `eval` computed from a condition is that
    /// condition; `==` compares case-sensitively unless the flag is folded.
    fn flag_reading(&self, operand: &FieldOperand<'_>, op: BinOp, literal: &str) -> Option<Expr> {
        let op = match op {
            BinOp::Eq => CmpOp::Eq,
            BinOp::Ne => CmpOp::Ne,
            BinOp::Lt => CmpOp::Lt,
            BinOp::Le => CmpOp::Le,
            BinOp::Gt => CmpOp::Gt,
            BinOp::Ge => CmpOp::Ge,
            _ => return None,
        };
        self.fields.flag(operand.name)?.reading(op, literal, !operand.case_folded)
    }

    fn field_equality(&mut self, left: &str, right: &str, op: BinOp) -> Result<Option<Expr>, Untraced> {
        let left = self.fields.source(left)?;
        let right = self.fields.source(right)?;
        let leaf = self.maker.leaf(Some(&left), Op::Fieldref, Some(right), true);
        Ok(Some(if op == BinOp::Ne { search_logic::differs(&self.maker, &left, leaf) } else { leaf }))
    }

    /// `like(field, "pat")` and `field LIKE "pat"`.
    fn like(&mut self, whole: &Eval, subject: &Eval, pattern: &Eval) -> Result<Option<Expr>, Untraced> {
        let (Some(operand), Some(pattern)) = (field_operand(subject), literal_text(pattern)) else {
            return self.raw(whole);
        };
        let field = self.fields.source(operand.name)?;
        let folded = operand.case_folded || self.fields.folded(operand.name);
        Ok(Some(self.maker.pattern(Some(&field), &wildcard::read(&pattern, &crate::pattern::SPL_LIKE), !folded)))
    }

    fn in_list(&mut self, whole: &Eval, subject: &Eval, items: &[Eval]) -> Result<Option<Expr>, Untraced> {
        let Some(operand) = field_operand(subject) else {
            return self.raw(whole);
        };
        let Some(values) = items.iter().map(literal_text).collect::<Option<Vec<_>>>() else {
            return self.raw(whole);
        };
        let field = self.fields.source(operand.name)?;
        let folded = operand.case_folded || self.fields.folded(operand.name);
        let operands = values.into_iter().map(|v| self.maker.leaf(Some(&field), Op::Eq, Some(v), !folded)).collect();
        Ok(Some(Expr::or(operands)))
    }

    fn call(&mut self, whole: &Eval, name: &str, args: &[Eval]) -> Result<Option<Expr>, Untraced> {
        match (name, args) {
            ("isnull" | "isnotnull", [arg]) => {
                let Some(operand) = field_operand(arg) else {
                    return self.raw(whole);
                };
                let field = self.fields.source(operand.name)?;
                let op = if name == "isnull" { Op::Null } else { Op::Exists };
                Ok(Some(self.maker.leaf(Some(&field), op, None, false)))
            }
            ("like", [subject, pattern]) => self.like(whole, subject, pattern),
            ("in", [subject, items @ ..]) if !items.is_empty() => self.in_list(whole, subject, items),
            ("match", [subject, regex]) => self.value_test(whole, subject, regex, Op::RegexMatch, true),
            ("cidrmatch", [cidr, subject]) => self.value_test(whole, subject, cidr, Op::Cidr, false),
            ("searchmatch", [query]) => self.searchmatch(whole, query),
            _ => self.raw(whole),
        }
    }

    /// `match(field, "re")`, `cidrmatch("10.0.0.0/8", field)`.
    fn value_test(
        &mut self,
        whole: &Eval,
        subject: &Eval,
        value: &Eval,
        op: Op,
        case_sensitive: bool,
    ) -> Result<Option<Expr>, Untraced> {
        let (Some(operand), Some(value)) = (field_operand(subject), literal_text(value)) else {
            return self.raw(whole);
        };
        let field = self.fields.source(operand.name)?;
        let folded = operand.case_folded || self.fields.folded(operand.name);
        Ok(Some(self.maker.leaf(Some(&field), op, Some(value), case_sensitive && !folded)))
    }

    /// `searchmatch("…")` runs a search expression on the row.
    fn searchmatch(&mut self, whole: &Eval, query: &Eval) -> Result<Option<Expr>, Untraced> {
        let Some(text) = literal_text(query) else {
            return self.raw(whole);
        };
        match search::parse(&text) {
            Ok(Some(node)) => search_logic::lower(&node, &self.maker, self.fields, &mut self.subsearches),
            Ok(None) => Ok(None),
            Err(_) => self.raw(whole),
        }
    }

    /// A condition the model has no operator for, kept as written; on the
    /// one field it reads, if it reads exactly one.
    fn raw(&mut self, expr: &Eval) -> Result<Option<Expr>, Untraced> {
        let mut names = Vec::new();
        collect_fields(expr, &mut names);
        let mut sources = Vec::with_capacity(names.len());
        for name in names {
            let source = self.fields.source(name)?;
            if !sources.contains(&source) {
                sources.push(source);
            }
        }
        let text = expr.span.text(self.src).trim().to_owned();
        let field = (sources.len() == 1).then(|| sources[0].as_str());
        Ok(Some(self.maker.leaf(field, Op::Raw, Some(text), true)))
    }
}

fn junction(operands: Vec<Option<Expr>>, is_or: bool) -> Option<Expr> {
    let mut kept = Vec::with_capacity(operands.len());
    for operand in operands {
        match operand {
            Some(expr) => kept.push(expr),
            None if is_or => return None,
            None => {}
        }
    }
    match kept.len() {
        0 => None,
        _ if is_or => Some(Expr::or(kept)),
        _ => Some(Expr::and(kept)),
    }
}

/// A field, or lower()/upper() of a field.
fn field_operand(expr: &Eval) -> Option<FieldOperand<'_>> {
    match &expr.kind {
        EvalKind::Field(name) => Some(FieldOperand { name, case_folded: false }),
        EvalKind::Call(function, args) if matches!(function.as_str(), "lower" | "upper") => match args.as_slice() {
            [Eval { kind: EvalKind::Field(name), .. }] => Some(FieldOperand { name, case_folded: true }),
            _ => None,
        },
        _ => None,
    }
}

/// The text of a string, number or boolean literal.
fn literal_text(expr: &Eval) -> Option<String> {
    match &expr.kind {
        EvalKind::Str(text) | EvalKind::Num(text) => Some(text.clone()),
        EvalKind::Bool(value) => Some(value.to_string()),
        EvalKind::Neg(inner) => match &inner.kind {
            EvalKind::Num(text) => Some(format!("-{text}")),
            _ => None,
        },
        _ => None,
    }
}

/// `a < 5` seen from the other side is `5 > a`.
fn mirror(op: BinOp) -> BinOp {
    match op {
        BinOp::Lt => BinOp::Gt,
        BinOp::Le => BinOp::Ge,
        BinOp::Gt => BinOp::Lt,
        BinOp::Ge => BinOp::Le,
        other => other,
    }
}

/// Every field an expression reads (not the names of functions), in order.
pub fn collect_fields<'e>(expr: &'e Eval, out: &mut Vec<&'e str>) {
    match &expr.kind {
        EvalKind::Field(name) => out.push(name),
        EvalKind::Call(_, args) => args.iter().for_each(|a| collect_fields(a, out)),
        EvalKind::Not(inner) | EvalKind::Neg(inner) => collect_fields(inner, out),
        EvalKind::Binary(_, l, r) => {
            collect_fields(l, out);
            collect_fields(r, out);
        }
        EvalKind::In(subject, items) => {
            collect_fields(subject, out);
            items.iter().for_each(|a| collect_fields(a, out));
        }
        EvalKind::And(items) | EvalKind::Or(items) | EvalKind::Xor(items) => {
            items.iter().for_each(|a| collect_fields(a, out));
        }
        EvalKind::Str(_) | EvalKind::Num(_) | EvalKind::Bool(_) => {}
    }
}

/// The field-like names of an expression that does not parse: words outside
/// double quotes that are not function names, keywords or numbers.
pub fn loose_names(text: &str) -> Vec<&str> {
    let bytes = text.as_bytes();
    let mut names = Vec::new();
    let (mut i, mut in_string) = (0, false);
    while i < bytes.len() {
        let b = bytes[i];
        if b == b'\\' {
            i += 2;
            continue;
        }
        if b == b'"' {
            in_string = !in_string;
        }
        if !in_string && b.is_ascii_digit() {
            // A number or a time modifier (`70m@m`), not a name.
            while i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || matches!(bytes[i], b'.' | b'@')) {
                i += 1;
            }
            continue;
        }
        if in_string || !(b.is_ascii_alphabetic() || b == b'_') {
            i += 1;
            continue;
        }
        let start = i;
        while i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || matches!(bytes[i], b'_' | b'.' | b'{' | b'}')) {
            i += 1;
        }
        let word = &text[start..i];
        let is_call = text[i..].trim_start().starts_with('(');
        let keyword = ["and", "or", "not", "xor", "like", "in", "true", "false", "null"]
            .iter()
            .any(|k| word.eq_ignore_ascii_case(k));
        if !is_call && !keyword && !names.contains(&word) {
            names.push(word);
        }
    }
    names
}
