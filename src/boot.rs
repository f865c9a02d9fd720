//! The app's side of the boot script (src/boot.js): reporting a panic to the
//! error view it draws.

use wasm_bindgen::{JsCast, JsValue};

/// Hands a panic message to `window.__ruleAtlasFail`, which shows it on the
/// page. Does nothing where there is no such function (native tests).
pub fn report_panic(message: &str) {
    let Some(window) = web_sys::window() else { return };
    let Ok(fail) = js_sys::Reflect::get(&window, &JsValue::from_str("__ruleAtlasFail")) else { return };
    if let Some(fail) = fail.dyn_ref::<js_sys::Function>() {
        let _ = fail.call1(&JsValue::NULL, &JsValue::from_str(message));
    }
}
