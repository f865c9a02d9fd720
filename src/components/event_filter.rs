//! The coverage view's event filter: a searchable input over the catalog's
//! events (by id, name or source), kept in the URL as `?event=<id>`, and the
//! line naming the chosen event.

use std::sync::Arc;

use atlas_catalog::Event;
use atlas_catalog::aggregate::{Atlas, event_choices};
use leptos::prelude::*;

use super::vendor::rules_label;
use crate::state::QueryWriter;
use crate::url::{Links, param};

/// An event as text: its name, with the source and code when the name does
/// not already say them: "Process creation (Sysmon 1)", "CloudTrail
/// ConsoleLogin (AWS CloudTrail)", "Elastic Defend process events".
pub fn event_label(event: &Event) -> String {
    let name = event.name.to_lowercase();
    let mut extra: Vec<&str> = Vec::new();
    if !name.contains(&event.source.to_lowercase()) {
        extra.push(&event.source);
    }
    if let Some(code) = event.code.as_deref().filter(|c| !name.contains(&c.to_lowercase())) {
        extra.push(code);
    }
    if extra.is_empty() { event.name.clone() } else { format!("{} ({})", event.name, extra.join(" ")) }
}

/// The input, its suggestions, and what is chosen. The suggestions (a
/// thousand or more on a real catalog) are rendered on first focus only, so
/// a cold link to the matrix does not pay for them.
#[component]
pub fn EventFilter(atlas: Arc<Atlas>, event: Memo<String>, writer: QueryWriter) -> impl IntoView {
    let opened = RwSignal::new(false);
    let options = {
        let atlas = Arc::clone(&atlas);
        move || {
            opened.get().then(|| {
                event_choices(&atlas)
                    .into_iter()
                    .filter_map(|(p, n)| atlas.event(p).map(|e| (e, n)))
                    .map(|(e, n)| {
                        let label = format!("{} · {} · {}", e.name, e.source, rules_label(n as usize));
                        view! { <option value=e.id.clone() label=label></option> }
                    })
                    .collect_view()
            })
        }
    };
    let on_input = {
        let atlas = Arc::clone(&atlas);
        move |ev| {
            let text = event_target_value(&ev);
            let id = text.trim();
            // Only a whole id (or nothing) changes the filter; partial text
            // is still being typed or picked from the suggestions.
            if id.is_empty() || atlas.event_position(id).is_some() {
                writer.set(param::EVENT, id);
            }
        }
    };
    view! {
        <div class="event-filter">
            <label for="event-input">"Event "</label>
            <input
                id="event-input"
                type="search"
                list="event-options"
                placeholder="any: sysmon-1, 4688, ConsoleLogin…"
                autocomplete="off"
                spellcheck="false"
                prop:value=move || event.get()
                on:focus=move |_| opened.set(true)
                on:input=on_input
            />
            <datalist id="event-options">{options}</datalist>
        </div>
    }
}

/// What the matrix is limited to, under the toolbar: the event with a link
/// to its view, or a note that the catalog has no such event.
#[component]
pub fn EventFilterNote(atlas: Arc<Atlas>, event: Memo<String>, writer: QueryWriter) -> impl IntoView {
    let links = expect_context::<Links>();
    move || {
        let id = event.get();
        if id.is_empty() {
            return ().into_any();
        }
        let writer = writer.clone();
        let clear = move |_| writer.set(param::EVENT, "");
        let known = atlas.event_position(&id).and_then(|p| atlas.event(p).map(|e| (p, e)));
        let text = match known {
            Some((p, e)) => {
                let n = atlas.rules_reading(p).len();
                let calls = if atlas.event_children(p).is_empty() { "" } else { " or one of its events" };
                view! {
                    {format!("Counting only the {} that {} ", rules_label(n), if n == 1 { "reads" } else { "read" })}
                    <a href=links.event(&e.id)>{event_label(e)}</a>
                    {calls}
                    ". "
                }
                .into_any()
            }
            None => view! { {format!("No event “{id}” in this catalog: no rule is counted. ")} }.into_any(),
        };
        view! {
            <p class="event-note" role="status">
                {text}
                <button type="button" class="link" on:click=clear>"Show every rule"</button>
            </p>
        }
        .into_any()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(name: &str, source: &str, code: Option<&str>) -> Event {
        Event {
            id: String::new(),
            name: name.into(),
            source: source.into(),
            platform: String::new(),
            code: code.map(Into::into),
            channel: None,
            description: String::new(),
            data_components: vec![],
            fields: vec![],
            parent: None,
        }
    }

    #[test]
    fn labels_say_source_and_code_once() {
        assert_eq!(event_label(&event("Process creation", "Sysmon", Some("1"))), "Process creation (Sysmon 1)");
        let login = event("CloudTrail ConsoleLogin", "AWS CloudTrail", Some("ConsoleLogin"));
        assert_eq!(event_label(&login), "CloudTrail ConsoleLogin (AWS CloudTrail)");
        let defend = event("Elastic Defend process events", "Elastic Defend", Some("process"));
        assert_eq!(event_label(&defend), "Elastic Defend process events");
        let signin = event("Microsoft Entra ID sign-in log", "Microsoft Entra ID sign-in log", None);
        assert_eq!(event_label(&signin), "Microsoft Entra ID sign-in log");
    }
}
