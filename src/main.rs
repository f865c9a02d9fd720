//! Entry point of the Rule Atlas app: install the panic hook, mount the app,
//! then remove the static boot screen of index.html (the app renders the same
//! header, so nothing jumps; removing it only after the mount means a failure
//! while mounting still leaves the boot screen for src/boot.js to explain).

fn main() {
    // The release build aborts on a panic, which leaves the WASM unusable:
    // besides the console message, have the boot script (src/boot.js) put
    // the panic on the page rather than leave it blank or frozen.
    std::panic::set_hook(Box::new(|info| {
        console_error_panic_hook::hook(info);
        rule_atlas_app::boot::report_panic(&info.to_string());
    }));
    leptos::mount::mount_to_body(rule_atlas_app::App);
    if let Some(boot) = leptos::prelude::document().get_element_by_id("boot") {
        boot.remove();
    }
}
