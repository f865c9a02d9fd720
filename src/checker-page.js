// /check's page on the main thread (docs/app.md, "The checker"): the app's
// view adds the checker module's wasm-bindgen script (atlas-checker.js, the
// same module the worker runs) and then this file, which instantiates it
// and says so with a "rule-atlas-checker" event on the document (an error
// message as its detail when it failed); the app then calls
// window.__ruleAtlasChecker.open(root, base, rule).
"use strict";
(function () {
  var here = document.currentScript ? document.currentScript.src : document.baseURI;
  function ready(detail) {
    document.dispatchEvent(new CustomEvent("rule-atlas-checker", { detail: detail }));
  }
  // The module's script did not load (the app says which).
  if (typeof wasm_bindgen === "undefined") return;
  wasm_bindgen({ module_or_path: new URL("atlas-checker_bg.wasm", here) }).then(
    function () {
      window.__ruleAtlasChecker = { open: wasm_bindgen.open_page, close: wasm_bindgen.close_page };
      ready(null);
    },
    function (error) {
      ready(error && error.message ? error.message : String(error));
    }
  );
})();
