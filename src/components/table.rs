//! Sortable tables: the sort state, the header cell that changes it, and the
//! stable sort the pages apply to their rows.

use atlas_catalog::aggregate::order;
use leptos::prelude::*;

/// Which column a table is sorted by, and in which direction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sort {
    pub column: u8,
    pub descending: bool,
}

impl Sort {
    pub fn new(column: u8, descending: bool) -> Sort {
        Sort { column, descending }
    }

    /// A click on a header: the same column flips direction; another column
    /// starts with its natural direction (counts high to low, text A to Z).
    fn clicked(self, column: u8, numeric: bool) -> Sort {
        if self.column == column {
            Sort { column, descending: !self.descending }
        } else {
            Sort { column, descending: numeric }
        }
    }
}

/// A value rows are compared by.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum SortKey {
    Num(u64),
    Text(String),
}

impl SortKey {
    /// Text compared without regard to case.
    pub fn text(text: &str) -> SortKey {
        SortKey::Text(text.to_lowercase())
    }
}

/// Sorts rows by the key of the sorted column; ties keep their order (the
/// ranking the rows came in). Goes through the catalog's one shared sort.
pub fn sort_rows<T>(rows: &mut Vec<T>, sort: Sort, key: impl Fn(&T, u8) -> SortKey) {
    let keys: Vec<SortKey> = rows.iter().map(|row| key(row, sort.column)).collect();
    let positions = order::order(rows.len(), &|a, b| {
        let by_key = keys[a].cmp(&keys[b]);
        if sort.descending { by_key.reverse() } else { by_key }
    });
    order::permute(rows, &positions);
}

/// A column header that sorts its table when activated (a real button, so it
/// works from the keyboard), announcing the sort to assistive technology.
#[component]
pub fn SortHeader(
    label: &'static str,
    column: u8,
    sort: RwSignal<Sort>,
    /// Counts sort high to low first.
    #[prop(optional)]
    numeric: bool,
    /// Explains the column on hover.
    #[prop(optional)]
    hint: &'static str,
) -> impl IntoView {
    let state = move || {
        let s = sort.get();
        match (s.column == column, s.descending) {
            (false, _) => "none",
            (true, true) => "descending",
            (true, false) => "ascending",
        }
    };
    let arrow = move || match state() {
        "descending" => "▼",
        "ascending" => "▲",
        _ => "",
    };
    view! {
        <th scope="col" aria-sort=state class:num=numeric title=(!hint.is_empty()).then_some(hint)>
            <button type="button" class="sort" on:click=move |_| sort.update(|s| *s = s.clicked(column, numeric))>
                {label}
                <span class="arrow" aria-hidden="true">{arrow}</span>
            </button>
        </th>
    }
}

/// Rows a long table renders before "Show all": a page of a few hundred
/// rows renders in a blink, the thousands some fields have do not.
pub const FIRST_ROWS: usize = 100;

/// A button under a long table that renders the rest of its rows.
#[component]
pub fn ShowAll(
    total: usize,
    /// Set when the button is pressed.
    all: RwSignal<bool>,
    /// What the rows are ("rules", "rows").
    noun: &'static str,
    /// Rows shown before the button is pressed, when not [`FIRST_ROWS`].
    #[prop(optional)]
    first: Option<usize>,
) -> impl IntoView {
    (total > first.unwrap_or(FIRST_ROWS)).then(|| {
        view! {
            <p class="more" class:hidden=move || all.get()>
                <button type="button" on:click=move |_| all.set(true)>
                    {format!("Show all {total} {noun}")}
                </button>
            </p>
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn descending_keeps_ties_in_order() {
        let mut rows = vec![("a", 1), ("b", 3), ("c", 1), ("d", 3)];
        sort_rows(&mut rows, Sort::new(0, true), |r, _| SortKey::Num(r.1));
        assert_eq!(rows, [("b", 3), ("d", 3), ("a", 1), ("c", 1)]);
        sort_rows(&mut rows, Sort::new(0, false), |r, _| SortKey::text(r.0));
        assert_eq!(rows.iter().map(|r| r.0).collect::<String>(), "abcd");
    }

    #[test]
    fn clicking_a_header() {
        let s = Sort::new(1, true);
        assert_eq!(s.clicked(1, true), Sort::new(1, false));
        assert_eq!(s.clicked(0, false), Sort::new(0, false));
        assert_eq!(s.clicked(2, true), Sort::new(2, true));
    }
}
