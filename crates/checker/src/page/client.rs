//! The page's side of the worker: starts the checker's web worker (this
//! same module, in a worker: `main.rs`), passes it requests and hands its
//! answers to the page. The worker holds every parser and its own copy of
//! the atlas, and answers with the parts of the view; the page sends text
//! and renders what comes back.
//!
//! One request at a time: while the worker reads, a newer request replaces
//! the one waiting, so a burst of keystrokes never queues up and the next
//! text read is always the latest. Requests wait until the worker has
//! started (and read the catalog's Splunk macros), since a worker drops the
//! messages it gets before.

use std::cell::RefCell;
use std::rc::Rc;

use atlas_catalog::check::{CheckAnswer, CheckRequest, READY};
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::{Closure, JsValue};
use web_sys::{ErrorEvent, Event, MessageEvent, Worker};

/// The worker's loader, beside index.html (src/checker-worker.js).
const WORKER_SCRIPT: &str = "checker-worker.js";
/// How the loader says the WASM could not be loaded.
const LOAD_FAILED: &str = "failed: ";

/// An answer, or why there is none (the worker could not start or stopped).
pub type Answer = Result<CheckAnswer, String>;

/// The message of a JavaScript error.
pub fn js_message(error: &JsValue) -> String {
    error.dyn_ref::<js_sys::Error>().map_or_else(|| format!("{error:?}"), |e| String::from(e.message()))
}

/// The one checker of the page (a worker lives as long as the page: coming
/// back to `/check` does not start another).
#[derive(Clone)]
pub struct Checker(Rc<RefCell<Inner>>);

struct Inner {
    /// The worker's script, beside the app (under its base path).
    script: String,
    worker: Option<Worker>,
    ready: bool,
    busy: bool,
    waiting: Option<CheckRequest>,
    seq: u32,
    listener: Rc<dyn Fn(Answer)>,
}

thread_local! {
    static CHECKER: RefCell<Option<Checker>> = const { RefCell::new(None) };
}

impl Checker {
    /// The page's checker, its worker started on first use; `base` is the
    /// app's base path (`/rule-atlas`, or empty).
    pub fn get(base: &str) -> Checker {
        if let Some(checker) = CHECKER.with_borrow(Clone::clone) {
            return checker;
        }
        let checker = Checker(Rc::new(RefCell::new(Inner {
            script: format!("{base}/{WORKER_SCRIPT}"),
            worker: None,
            ready: false,
            busy: false,
            waiting: None,
            seq: 0,
            listener: Rc::new(|_| {}),
        })));
        CHECKER.set(Some(checker.clone()));
        checker.start();
        checker
    }

    /// Where answers go (the open page); answers for a page no longer open
    /// go nowhere.
    pub fn listen(&self, listener: impl Fn(Answer) + 'static) {
        self.0.borrow_mut().listener = Rc::new(listener);
    }

    pub fn stop_listening(&self) {
        self.0.borrow_mut().listener = Rc::new(|_| {});
    }

    /// Asks for a check; returns the request's sequence number. A request
    /// still waiting is replaced.
    pub fn check(&self, mut request: CheckRequest) -> u32 {
        let seq = {
            let mut inner = self.0.borrow_mut();
            inner.seq += 1;
            request.seq = inner.seq;
            inner.waiting = Some(request);
            inner.seq
        };
        // After a crash, the next request starts a new worker.
        if self.0.borrow().worker.is_none() {
            self.start();
        }
        self.flush();
        seq
    }

    /// Starts a worker and listens to it.
    fn start(&self) {
        let url = self.0.borrow().script.clone();
        let worker = match Worker::new(&url) {
            Ok(worker) => worker,
            Err(error) => {
                self.fail(format!("The checker could not start: {}", js_message(&error)));
                return;
            }
        };
        let this = self.clone();
        let on_message = Closure::<dyn Fn(MessageEvent)>::new(move |event: MessageEvent| {
            this.answered(event.data().as_string().unwrap_or_default());
        });
        let this = self.clone();
        let on_error = Closure::<dyn Fn(Event)>::new(move |event: Event| {
            // A script that fails to load is a plain `Event`; an error
            // inside the worker (a trap) an `ErrorEvent` with a message.
            let message = event
                .dyn_ref::<ErrorEvent>()
                .map_or_else(|| "its script could not be loaded".to_owned(), ErrorEvent::message);
            this.fail(format!("The checker stopped: {message}. Edit the text to start it again."));
        });
        worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
        // They live as long as the worker, which lives as long as the page
        // (or until it fails, which happens at most once per edit).
        on_message.forget();
        on_error.forget();
        let mut inner = self.0.borrow_mut();
        inner.worker = Some(worker);
        inner.ready = false;
        inner.busy = false;
    }

    /// Sends the waiting request when the worker can take it.
    fn flush(&self) {
        let mut inner = self.0.borrow_mut();
        if !inner.ready || inner.busy {
            return;
        }
        let Some(request) = inner.waiting.take() else { return };
        let json = serde_json::to_string(&request).unwrap_or_default();
        let sent = inner.worker.as_ref().map(|worker| worker.post_message(&JsValue::from_str(&json)));
        inner.busy = matches!(sent, Some(Ok(())));
    }

    /// A message from the worker: ready, or an answer.
    fn answered(&self, data: String) {
        if data == READY {
            self.0.borrow_mut().ready = true;
            self.flush();
            return;
        }
        if let Some(why) = data.strip_prefix(LOAD_FAILED) {
            self.fail(format!("The checker could not start: {why}"));
            return;
        }
        self.0.borrow_mut().busy = false;
        let answer =
            serde_json::from_str::<CheckAnswer>(&data).map_err(|e| format!("The checker answered nonsense: {e}"));
        // Only the latest request's answer is worth showing (the worker
        // sends it again once it has read the catalog).
        let (latest, waiting, listener) = {
            let inner = self.0.borrow();
            (inner.seq, inner.waiting.is_some(), Rc::clone(&inner.listener))
        };
        if !waiting || answer.as_ref().is_ok_and(|a| a.seq == latest) {
            listener(answer);
        }
        self.flush();
    }

    /// The worker failed: drop it, and say so.
    fn fail(&self, message: String) {
        let listener = {
            let mut inner = self.0.borrow_mut();
            if let Some(worker) = inner.worker.take() {
                worker.terminate();
            }
            inner.ready = false;
            inner.busy = false;
            Rc::clone(&inner.listener)
        };
        listener(Err(message));
    }
}
