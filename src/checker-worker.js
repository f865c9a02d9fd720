// The checker's web worker (started by src/checker.rs when /check opens;
// docs/app.md, "The checker"). It loads the wasm-bindgen script and the WASM
// of crates/checker, which trunk builds beside this file (index.html); the
// WASM's start function then answers the app's messages. A WASM that cannot
// be fetched or compiled is reported to the app, which shows it, rather than
// leaving the page waiting for an answer that never comes.
"use strict";
importScripts("./atlas-checker.js");
wasm_bindgen({ module_or_path: "./atlas-checker_bg.wasm" }).catch(function (error) {
  self.postMessage("failed: " + (error && error.message ? error.message : String(error)));
});
