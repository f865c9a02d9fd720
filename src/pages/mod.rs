//! One module per route.

mod about;
mod check;
mod coverage;
mod event;
mod guide;
mod not_found;
mod rule;
mod rules;
mod technique;
mod values;

pub use about::AboutPage;
pub use check::CheckPage;
pub use coverage::CoveragePage;
pub use event::EventPage;
pub use guide::GuidePage;
pub use not_found::{NotFound, Unknown};
pub use rule::RulePage;
pub use rules::RulesPage;
pub use technique::TechniquePage;
pub use values::ValuesPage;

use leptos::prelude::*;

/// The body of a page about one catalog object named by the `:id` route
/// parameter: looks it up again when the id changes, shows the not-found
/// view for an unknown id, and renders (and titles) a known one.
fn found_or_unknown<T>(
    id: Memo<String>,
    kind: &'static str,
    find: impl Fn(&str) -> Option<T> + Send + Sync + 'static,
    render: impl Fn(T) -> AnyView + Send + Sync + 'static,
) -> impl IntoView
where
    T: Clone + PartialEq + Send + Sync + 'static,
{
    let model = Memo::new(move |_| id.with(|id| find(id)));
    move || match model.get() {
        None => view! { <Unknown kind id=id.get_untracked()/> }.into_any(),
        Some(found) => render(found),
    }
}
