//! Entry point of the Rule Atlas app: install the panic hook that reports
//! Rust panics in the browser console, swap the static boot screen of
//! index.html for the app (which renders the same header, so nothing jumps).

fn main() {
    console_error_panic_hook::set_once();
    if let Some(boot) = leptos::prelude::document().get_element_by_id("boot") {
        boot.remove();
    }
    leptos::mount::mount_to_body(rule_atlas_app::App);
}
