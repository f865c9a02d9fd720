//! The depth bound every catalog tree obeys, so that whatever the builder
//! writes, the app's JSON reader reads (serde_json stops at 128 levels of
//! nesting; one rule too deep would refuse the whole catalog).
//!
//! A tree deeper than [`MAX_DEPTH`] is first flattened where that keeps its
//! meaning (an `and` directly under an `and`, a junction of one operand, a
//! double negation); what is still too deep is kept as a `raw` leaf holding
//! the cut subtree as text, and the rule is reported `partial`.

use super::{Expr, Leaf, Op};

/// Deepest tree in the catalog, counting every `and`, `or`, `not` and the
/// leaf: the compact JSON of such a tree nests at most `2 × MAX_DEPTH`
/// levels, and a catalog adds three (catalog, rules, rule), well below 128.
/// The corpus' deepest tree has 9 levels.
pub const MAX_DEPTH: usize = 32;

impl Expr {
    /// Levels of the tree: 1 for a leaf.
    pub fn depth(&self) -> usize {
        match self {
            Expr::Leaf(_) => 1,
            Expr::Not(inner) => 1 + inner.depth(),
            Expr::And(operands) | Expr::Or(operands) => 1 + operands.iter().map(Expr::depth).max().unwrap_or(0),
        }
    }

    /// The tree within [`MAX_DEPTH`] levels, and whether part of it had to be
    /// cut into `raw` leaves (a tree within the bound is returned as it is).
    pub fn within_depth_limit(self) -> (Expr, bool) {
        self.within_depth(MAX_DEPTH)
    }

    /// As [`Expr::within_depth_limit`], for any bound of at least 1.
    pub fn within_depth(self, max: usize) -> (Expr, bool) {
        if self.depth() <= max {
            return (self, false);
        }
        let mut cut = false;
        let tree = self.simplified().cut_below(max.max(1), &mut cut);
        (tree, cut)
    }

    /// The same logic with the levels that add nothing removed.
    fn simplified(self) -> Expr {
        match self {
            Expr::Leaf(_) => self,
            Expr::Not(inner) => match *inner {
                Expr::Not(twice) => twice.simplified(),
                other => Expr::negate(other.simplified()),
            },
            // The constructors flatten nested junctions of the same kind and
            // collapse single operands.
            Expr::And(operands) => Expr::and(operands.into_iter().map(Expr::simplified).collect()),
            Expr::Or(operands) => Expr::or(operands.into_iter().map(Expr::simplified).collect()),
        }
    }

    fn cut_below(self, room: usize, cut: &mut bool) -> Expr {
        match self {
            Expr::Leaf(_) => self,
            _ if room <= 1 => {
                *cut = true;
                Expr::Leaf(Leaf::new(None, Op::Raw, Some(self.to_string()), false))
            }
            Expr::Not(inner) => Expr::negate(inner.cut_below(room - 1, cut)),
            Expr::And(operands) => Expr::And(operands.into_iter().map(|o| o.cut_below(room - 1, cut)).collect()),
            Expr::Or(operands) => Expr::Or(operands.into_iter().map(|o| o.cut_below(room - 1, cut)).collect()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn leaf(value: &str) -> Expr {
        Expr::Leaf(Leaf::new(Some("f"), Op::Eq, Some(value.into()), false))
    }

    /// `and`/`or` alternating `levels` deep over leaves `x`.
    fn alternating(levels: usize) -> Expr {
        let mut tree = leaf("x");
        for level in 0..levels {
            let operands = vec![tree, leaf(&level.to_string())];
            tree = if level % 2 == 0 { Expr::Or(operands) } else { Expr::And(operands) };
        }
        tree
    }

    #[test]
    fn a_tree_within_the_limit_is_unchanged() {
        let tree = alternating(MAX_DEPTH - 1);
        assert_eq!(tree.depth(), MAX_DEPTH);
        assert_eq!(tree.clone().within_depth_limit(), (tree, false));
    }

    #[test]
    fn double_negations_and_nested_junctions_flatten_first() {
        let mut tree = leaf("x");
        for _ in 0..40 {
            tree = Expr::Not(Box::new(Expr::Not(Box::new(Expr::And(vec![tree, leaf("y")])))));
        }
        let (flat, cut) = tree.within_depth(4);
        assert!(!cut);
        assert_eq!(flat.depth(), 2);
        assert_eq!(flat.leaf_count(), 41);
    }

    #[test]
    fn what_cannot_flatten_is_cut_into_raw_leaves() {
        let (tree, cut) = alternating(5).within_depth(3);
        assert!(cut);
        assert_eq!(tree.depth(), 3);
        assert_eq!(
            tree.to_string(),
            r#"(or (and (raw * "(or (and (or (eq f "x") (eq f "0")) (eq f "1")) (eq f "2"))") (eq f "3")) (eq f "4"))"#
        );
    }
}
