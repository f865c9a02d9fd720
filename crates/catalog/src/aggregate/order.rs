//! Sorting through one shared routine.
//!
//! Every `sort_by` with its own closure makes the compiler emit another copy
//! of the standard library's sort (~5–10 KB of WASM each). Sorting here
//! orders positions with one non-generic comparator instead, so the whole
//! app carries a single copy; the orders are stable.

use std::cmp::Ordering;

/// The positions `0..n` ordered by `cmp`, ties by position (a stable order).
pub fn order(n: usize, cmp: &dyn Fn(usize, usize) -> Ordering) -> Vec<u32> {
    let mut positions: Vec<u32> = (0..u32::try_from(n).unwrap_or(u32::MAX)).collect();
    positions.sort_unstable_by(|&a, &b| cmp(a as usize, b as usize).then(a.cmp(&b)));
    positions
}

/// Sorts `items` stably by `cmp`.
pub fn sort_by<T>(items: &mut Vec<T>, cmp: impl Fn(&T, &T) -> Ordering) {
    let positions = order(items.len(), &|a, b| cmp(&items[a], &items[b]));
    permute(items, &positions);
}

/// Sorts `items` stably by a key computed once per item.
pub fn sort_by_key<T, K: Ord>(items: &mut Vec<T>, key: impl Fn(&T) -> K) {
    let keys: Vec<K> = items.iter().map(key).collect();
    let positions = order(items.len(), &|a, b| keys[a].cmp(&keys[b]));
    permute(items, &positions);
}

/// Sorts and removes repeats.
pub fn sort_dedup<T: Ord>(items: &mut Vec<T>) {
    sort_by(items, T::cmp);
    items.dedup();
}

/// Rearranges `items` so that the item at `positions[i]` comes i-th.
pub fn permute<T>(items: &mut Vec<T>, positions: &[u32]) {
    let mut slots: Vec<Option<T>> = items.drain(..).map(Some).collect();
    items.extend(positions.iter().filter_map(|&p| slots.get_mut(p as usize).and_then(Option::take)));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stable_orders() {
        let mut v = vec![("b", 1), ("a", 2), ("c", 1), ("d", 2)];
        sort_by(&mut v, |x, y| y.1.cmp(&x.1));
        assert_eq!(v, [("a", 2), ("d", 2), ("b", 1), ("c", 1)]);
        sort_by_key(&mut v, |x| x.0);
        assert_eq!(v.iter().map(|x| x.0).collect::<String>(), "abcd");
        let mut n = vec![3, 1, 3, 2];
        sort_dedup(&mut n);
        assert_eq!(n, [1, 2, 3]);
    }
}
