//! The checker's entry point. In the browser (wasm32, built by trunk as a
//! web worker: index.html) it answers the app's messages: each a
//! `CheckRequest` as JSON text, each answered with a `CheckResponse` as JSON
//! text, after one [`READY`](atlas_catalog::check::READY) message once it
//! can take them. Natively it answers one request read from stdin, to try
//! the checker from a shell:
//!
//! ```sh
//! echo '{"seq":1,"text":"process.name : \"mshta.exe\"","kind":"kql"}' | cargo run -q -p atlas-checker
//! ```

#[cfg(target_arch = "wasm32")]
fn main() {
    worker::start();
}

#[cfg(not(target_arch = "wasm32"))]
fn main() -> std::process::ExitCode {
    use std::io::Read;

    let mut request = String::new();
    if let Err(error) = std::io::stdin().read_to_string(&mut request) {
        eprintln!("atlas-checker: cannot read the request from stdin: {error}");
        return std::process::ExitCode::FAILURE;
    }
    let response = atlas_checker::Checker::new().handle(&request);
    match serde_json::to_string_pretty(&response) {
        Ok(json) => {
            println!("{json}");
            std::process::ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("atlas-checker: {error}");
            std::process::ExitCode::FAILURE
        }
    }
}

#[cfg(target_arch = "wasm32")]
mod worker {
    use std::cell::RefCell;

    use atlas_catalog::check::READY;
    use atlas_checker::Checker;
    use wasm_bindgen::JsCast;
    use wasm_bindgen::prelude::{Closure, JsValue};
    use web_sys::{DedicatedWorkerGlobalScope, MessageEvent};

    /// Listens for requests, then says it is ready.
    pub fn start() {
        let scope: DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
        let checker = RefCell::new(Checker::new());
        let replies = scope.clone();
        let on_message = Closure::<dyn Fn(MessageEvent)>::new(move |event: MessageEvent| {
            // Anything but text is not a request of the app's.
            let Some(json) = event.data().as_string() else { return };
            let now = || replies.performance().map_or(0.0, |p| p.now());
            let started = now();
            let mut response = checker.borrow_mut().handle(&json);
            response.took_ms = (now() - started).max(0.0).round() as u32;
            let reply = serde_json::to_string(&response)
                .unwrap_or_else(|e| format!("{{\"seq\":{},\"error\":\"cannot write the answer: {e}\"}}", response.seq));
            let _ = replies.post_message(&JsValue::from_str(&reply));
        });
        scope.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        // The worker lives as long as the page keeps it.
        on_message.forget();
        let _ = scope.post_message(&JsValue::from_str(READY));
    }
}
