//! One precedence climber for the boolean operators of every grammar,
//! driven by a table: each grammar lists its levels, loosest first, and
//! Splunk's OR-before-AND is a different order of the same data.
//!
//! Operators of one level are n-ary: `a or b or c` is one node with three
//! operands, which is what the predicate model's `and`/`or` are.

use super::cursor::{Cursor, TokenKind};
use super::error::SyntaxError;

/// One level of the table.
pub struct Level<K, N> {
    /// Whether a token is this level's operator (consumed when it is).
    pub operator: fn(&K) -> bool,
    /// For a level whose operator may be left out (SPL's implicit `AND`):
    /// whether a token can start an operand, which then joins this level.
    pub implicit: Option<fn(&K) -> bool>,
    /// Builds the node of two or more operands.
    pub combine: fn(Vec<N>) -> N,
}

/// Parses `levels` (loosest first) over operands read by `operand`, which is
/// the grammar's tighter-binding rule (`not`, parentheses, comparisons).
/// `cursor` gives the parser's cursor. Recursion is over the levels only: the
/// depth of nested parentheses is guarded by the operand rule.
pub fn climb<'t, P, K, N, E>(
    parser: &mut P,
    levels: &[Level<K, N>],
    cursor: fn(&mut P) -> &mut Cursor<'t, K>,
    operand: &mut impl FnMut(&mut P) -> Result<N, E>,
) -> Result<N, E>
where
    K: TokenKind + 't,
    E: From<SyntaxError>,
{
    let Some((level, tighter)) = levels.split_first() else {
        return operand(parser);
    };
    let mut operands = vec![climb(parser, tighter, cursor, operand)?];
    loop {
        let c = cursor(parser);
        let joins = if c.eat(level.operator).is_some() {
            true
        } else {
            level.implicit.is_some_and(|starts_operand| c.at(starts_operand))
        };
        if !joins {
            break;
        }
        operands.push(climb(parser, tighter, cursor, operand)?);
    }
    Ok(if operands.len() == 1 { operands.remove(0) } else { (level.combine)(operands) })
}
