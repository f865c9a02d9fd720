//! Downloads made in the browser: a table as CSV, the matrix as an ATT&CK
//! Navigator layer. What a file holds is built by `atlas_catalog::export`;
//! here it becomes a Blob behind an object URL, clicked through a temporary
//! `<a download>`, so nothing is sent anywhere. The Content-Security-Policy
//! allows it as it is: a download is no fetch, script or style, and a
//! `blob:` URL has the page's own origin.

use std::time::Duration;

use atlas_catalog::export::csv::Table;
use atlas_catalog::export::file_name;
use leptos::prelude::*;
use wasm_bindgen::{JsCast, JsValue};

/// Saves `text` as a file named `name`.
pub fn download(name: &str, mime: &str, text: &str) -> Result<(), JsValue> {
    let parts = js_sys::Array::of1(&JsValue::from_str(text));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(mime);
    let blob = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options)?;
    let url = web_sys::Url::create_object_url_with_blob(&blob)?;
    let link: web_sys::HtmlAnchorElement = document().create_element("a")?.dyn_into()?;
    link.set_href(&url);
    link.set_download(name);
    link.set_hidden(true);
    document().body().ok_or("no body")?.append_child(&link)?;
    link.click();
    link.remove();
    // Revoked a little later: some browsers read the URL after the click.
    set_timeout(move || drop(web_sys::Url::revoke_object_url(&url)), Duration::from_secs(10));
    Ok(())
}

/// Saves a table as CSV, with a byte-order mark so that spreadsheets read
/// it as UTF-8.
pub fn download_csv(name_parts: &[&str], table: &Table) {
    let text = format!("\u{feff}{}", table.to_csv());
    report(download(&file_name(name_parts, "csv"), "text/csv;charset=utf-8", &text));
}

/// A failed download is logged; the page stays as it is.
pub fn report(result: Result<(), JsValue>) {
    if let Err(error) = result {
        web_sys::console::error_1(&format!("download failed: {error:?}").into());
    }
}

/// A button that downloads a table as CSV; the table is made on click only,
/// so a page pays nothing for it until then.
#[component]
pub fn CsvButton(
    /// The file name's parts after `rule-atlas-` (`["T1204", "indicators"]`).
    name: Vec<String>,
    /// What the table is, for assistive technology ("the indicator values").
    what: String,
    table: Callback<(), Table>,
) -> impl IntoView {
    let label = format!("Download {what} as CSV");
    let on_click = move |_| {
        let parts: Vec<&str> = name.iter().map(String::as_str).collect();
        download_csv(&parts, &table.run(()));
    };
    view! {
        <button type="button" class="export csv" title=label.clone() aria-label=label on:click=on_click>
            "CSV ↓"
        </button>
    }
}
