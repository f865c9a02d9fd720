//! The checker's entry point. In the browser (wasm32, built by trunk as a
//! web worker: index.html) the module serves twice: on the page's main
//! thread it is `/check`'s page (`page`, opened by the app through
//! `open_page`), and in a web worker it fetches the catalog's Splunk macros, says it
//! is [`READY`](atlas_catalog::check::READY), fetches and indexes the
//! catalog, and answers the app's messages: each a `CheckRequest` as JSON
//! text, each answered with a `CheckAnswer` as JSON text; the answer to the
//! latest request is sent again once the catalog is in. Natively it reads
//! one request from stdin and prints what the text was read into, to try
//! the checker from a shell:
//!
//! ```sh
//! echo '{"seq":1,"text":"process.name : \"mshta.exe\"","kind":"kql"}' | cargo run -q -p atlas-checker
//! ```

#[cfg(target_arch = "wasm32")]
fn main() {
    // The same module also runs `/check`'s page on the main thread
    // (`page`, opened by the app): only in a worker does it answer messages.
    if wasm_bindgen::JsCast::has_type::<web_sys::DedicatedWorkerGlobalScope>(&js_sys::global()) {
        worker::start();
    }
}

#[cfg(target_arch = "wasm32")]
mod page;

/// Builds `/check`'s page into `root` (the app's view calls it once this
/// module is loaded; `base` is the app's base path, `rule` a catalog rule
/// to start from or empty).
#[cfg(target_arch = "wasm32")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn open_page(root: web_sys::HtmlElement, base: String, rule: String) {
    page::open(&root, &base, &rule);
}

/// Closes `/check`'s page (the app's view is left).
#[cfg(target_arch = "wasm32")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn close_page() {
    page::close();
}

#[cfg(not(target_arch = "wasm32"))]
fn main() -> std::process::ExitCode {
    use std::io::Read;

    use atlas_catalog::check::CheckRequest;

    let mut json = String::new();
    if let Err(error) = std::io::stdin().read_to_string(&mut json) {
        eprintln!("atlas-checker: cannot read the request from stdin: {error}");
        return std::process::ExitCode::FAILURE;
    }
    let request = match serde_json::from_str::<CheckRequest>(&json) {
        Ok(request) => request,
        Err(error) => {
            eprintln!("atlas-checker: malformed request: {error}");
            return std::process::ExitCode::FAILURE;
        }
    };
    let checked = atlas_checker::Checker::new().read(&request);
    match serde_json::to_string_pretty(&checked) {
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
    use std::rc::Rc;

    use atlas_catalog::check::{CheckAnswer, CheckRequest, READY};
    use atlas_checker::Checker;
    use wasm_bindgen::JsCast;
    use wasm_bindgen::prelude::{Closure, JsValue};
    use wasm_bindgen_futures::JsFuture;
    use web_sys::{DedicatedWorkerGlobalScope, MessageEvent, Response};

    /// Beside the worker's script, as under the app's base.
    const MACROS: &str = "catalog/macros.json";
    const CATALOG: &str = "catalog/catalog.json";

    /// The checker and the latest request, shared by the message handler and
    /// the loading task.
    struct Worker {
        scope: DedicatedWorkerGlobalScope,
        checker: RefCell<Checker>,
        latest: RefCell<Option<CheckRequest>>,
    }

    impl Worker {
        fn now(&self) -> f64 {
            self.scope.performance().map_or(0.0, |p| p.now())
        }

        fn send(&self, text: &str) {
            let _ = self.scope.post_message(&JsValue::from_str(text));
        }

        fn answer(&self, request: &CheckRequest) {
            let answer = self.checker.borrow().answer(request, &|| self.now());
            self.reply(&answer);
        }

        fn reply(&self, answer: &CheckAnswer) {
            match serde_json::to_string(answer) {
                Ok(json) => self.send(&json),
                Err(error) => self.send(&format!("{{\"seq\":{},\"parts\":[{{\"t\":\"{error}\"}}]}}", answer.seq)),
            }
        }
    }

    /// Listens for requests, then loads what the answers need.
    pub fn start() {
        let scope: DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
        let worker =
            Rc::new(Worker { scope: scope.clone(), checker: RefCell::new(Checker::new()), latest: RefCell::new(None) });
        let handler = Rc::clone(&worker);
        let on_message = Closure::<dyn Fn(MessageEvent)>::new(move |event: MessageEvent| {
            // Anything but text is not a request of the app's.
            let Some(json) = event.data().as_string() else { return };
            match serde_json::from_str::<CheckRequest>(&json) {
                // A catalog rule's text needs the catalog: answered once it
                // is in (below) when it is not yet.
                Ok(request) if request.rule.is_some() => {
                    handler.latest.replace(Some(request.clone()));
                    if handler.checker.borrow().has_atlas() {
                        wasm_bindgen_futures::spawn_local(open_rule(Rc::clone(&handler), request));
                    }
                }
                Ok(request) => {
                    handler.answer(&request);
                    handler.latest.replace(Some(request));
                }
                Err(_) => handler.reply(&handler.checker.borrow().handle(&json, &|| 0.0)),
            }
        });
        scope.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        // The worker lives as long as the page keeps it.
        on_message.forget();
        wasm_bindgen_futures::spawn_local(async move {
            // Macros decide how a search reads: before the first answer.
            // None at all (an older catalog) is said on Splunk answers.
            if let Ok(Some(bytes)) = fetch(&worker.scope, MACROS).await {
                worker.checker.borrow_mut().set_macros(&String::from_utf8_lossy(&bytes));
            }
            worker.send(READY);
            match fetch(&worker.scope, CATALOG).await {
                Ok(Some(bytes)) => worker.checker.borrow_mut().set_catalog(&bytes),
                Ok(None) => worker.checker.borrow_mut().catalog_failed(format!("{CATALOG} is missing")),
                Err(why) => {
                    worker.checker.borrow_mut().catalog_failed(format!("{CATALOG} could not be fetched: {why}"))
                }
            }
            let latest = worker.latest.borrow().clone();
            match latest {
                Some(request) if request.rule.is_some() => open_rule(worker, request).await,
                Some(request) => worker.answer(&request),
                None => {}
            }
        });
    }

    /// Answers a request for a catalog rule: fetches its detail shard and
    /// checks its text.
    async fn open_rule(worker: Rc<Worker>, request: CheckRequest) {
        let source = worker.checker.borrow().rule_source(request.rule.as_deref().unwrap_or_default());
        let answer = match source {
            Ok((path, _)) => match fetch(&worker.scope, &path).await {
                Ok(Some(shard)) => worker.checker.borrow().answer_rule(&request, &shard, &|| worker.now()),
                Ok(None) => worker.checker.borrow().failed(&request, &format!("{path} is missing")),
                Err(why) => worker.checker.borrow().failed(&request, &format!("{path} could not be fetched: {why}")),
            },
            Err(why) => worker.checker.borrow().failed(&request, &format!("the rule could not be opened: {why}")),
        };
        worker.reply(&answer);
    }

    /// A file beside the worker: `None` when the server has none.
    async fn fetch(scope: &DedicatedWorkerGlobalScope, path: &str) -> Result<Option<Vec<u8>>, String> {
        let message = |e: JsValue| crate::page::js_message(&e);
        let response = JsFuture::from(scope.fetch_with_str(path)).await.map_err(message)?;
        let response: Response = response.dyn_into().map_err(|_| "not a response".to_owned())?;
        if !response.ok() {
            return Ok(None);
        }
        let buffer = JsFuture::from(response.array_buffer().map_err(message)?).await.map_err(message)?;
        Ok(Some(js_sys::Uint8Array::new(&buffer).to_vec()))
    }
}
