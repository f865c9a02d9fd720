//! `/technique/:id/guide`: the full authoring guide of a technique, its
//! three tables with what each one means.

use std::sync::Arc;

use atlas_catalog::Polarity;
use atlas_catalog::aggregate::{Atlas, TechniqueView, guide, technique_view};
use leptos::prelude::*;

use super::found_or_unknown;
use super::technique::{TechniqueHeading, id_param};
use crate::components::guide_tables::{
    EXCLUSIONS_TEXT, FIELDS_TEXT, FieldsTable, VALUES_TEXT, ValuesTable, intro_text,
};
use crate::components::status::with_atlas;
use crate::url::{Links, Scope, set_title};

/// The guide page.
#[component]
pub fn GuidePage() -> impl IntoView {
    let id = id_param();
    with_atlas(move |atlas| view! { <GuideBody atlas id/> }.into_any())
}

#[component]
fn GuideBody(atlas: Arc<Atlas>, id: Memo<String>) -> impl IntoView {
    let find = {
        let atlas = Arc::clone(&atlas);
        move |id: &str| technique_view(&atlas, id)
    };
    found_or_unknown(id, "technique", find, move |view| {
        set_title(&format!("Authoring guide {} {}", view.id, view.name));
        content(&atlas, view).into_any()
    })
}

fn content(atlas: &Arc<Atlas>, view: TechniqueView) -> impl IntoView + use<> {
    let links = expect_context::<Links>();
    let guide = guide(atlas, &view.rules);
    let id = view.id.clone();
    let empty = guide.rules == 0;
    view! {
        <TechniqueHeading atlas=Arc::clone(atlas) view=view.clone() current="Authoring guide"/>
        <p class="back-to">
            <a href=links.technique(&id)>{format!("← {} {}", view.id, view.name)}</a>
        </p>
        <h2>"Authoring guide"</h2>
        <p class="explain">{intro_text(guide.rules as usize)}</p>
        {empty.then(|| view! { <p class="empty">"No rule is tagged with this technique, so there is nothing to learn from yet."</p> })}
        <section id="fields">
            <h3>{format!("Fields filtered most ({} distinct)", guide.fields.len())}</h3>
            <p class="explain">{FIELDS_TEXT}</p>
            <FieldsTable rows=guide.fields scope=Scope::Technique(id.clone())/>
        </section>
        <section id="indicators">
            <h3>{format!("Top indicator values ({} distinct)", guide.indicators.len())}</h3>
            <p class="explain">{VALUES_TEXT}</p>
            <ValuesTable rows=guide.indicators technique=id.clone() polarity=Polarity::Indicator/>
        </section>
        <section id="exclusions">
            <h3>{format!("Common exclusions ({} distinct)", guide.exclusions.len())}</h3>
            <p class="explain">{EXCLUSIONS_TEXT}</p>
            <ValuesTable rows=guide.exclusions technique=id polarity=Polarity::Exclusion/>
        </section>
    }
}
