//! The one-line text form of a predicate tree, an s-expression:
//! `(and (eq Image|process.executable "x") (not (exists User|user.name)))`.
//!
//! Each leaf shows its source field and, after `|`, the canonical field when
//! it differs (`*` for a field-less search); `~` after the operator marks a
//! case-sensitive test. Values are shown between quotes as they are, which
//! keeps Windows paths readable; it is a form for people and tests, the JSON
//! forms (`expr_json`) are the contract.

use std::fmt;

use super::{Expr, Leaf};

impl fmt::Display for Expr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (name, operands): (&str, &[Expr]) = match self {
            Expr::Leaf(leaf) => return leaf.fmt(f),
            Expr::Not(inner) => return write!(f, "(not {inner})"),
            Expr::And(operands) => ("and", operands),
            Expr::Or(operands) => ("or", operands),
        };
        write!(f, "({name}")?;
        for operand in operands {
            write!(f, " {operand}")?;
        }
        f.write_str(")")
    }
}

impl fmt::Display for Leaf {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let source = self.source_field.as_deref().unwrap_or("*");
        let cased = if self.case_sensitive { "~" } else { "" };
        write!(f, "({}{cased} {source}", self.op)?;
        if let (Some(field), Some(_)) = (&self.field, &self.source_field)
            && **field != *source
        {
            write!(f, "|{field}")?;
        }
        match &self.value {
            Some(value) => write!(f, " \"{value}\")"),
            None => f.write_str(")"),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use crate::{Expr, Leaf, Op};

    #[test]
    fn trees_print_as_s_expressions() {
        let image = Leaf {
            field: Some(Arc::from("process.executable")),
            source_field: Some(Arc::from("Image")),
            op: Op::Wildcard,
            value: Some(r"*\mshta.exe".into()),
            case_sensitive: false,
        };
        let user = Leaf::new(Some("user.name"), Op::Exists, None, false);
        let keyword = Leaf::new(None, Op::Match, Some("evil".into()), true);
        let tree =
            Expr::and(vec![Expr::Leaf(image), Expr::negate(Expr::or(vec![Expr::Leaf(user), Expr::Leaf(keyword)]))]);
        assert_eq!(
            tree.to_string(),
            r#"(and (wildcard Image|process.executable "*\mshta.exe") (not (or (exists user.name) (match~ * "evil"))))"#
        );
    }
}
