// Rule Atlas's boot script: runs before the app, from a file rather than
// inline, because the Content-Security-Policy of index.html allows no inline
// script but trunk's loader (docs/app.md, "Content-Security-Policy").
//
//  1. A shared `#/technique/T1204` link becomes the path `technique/T1204`
//     under the document base before the app boots, so links work on a plain
//     file server that has no 404.html fallback.
//  2. The catalog request starts now, while the WASM downloads and compiles;
//     the app takes this response instead of asking again (src/load.rs,
//     `early_catalog`).
//  3. Nothing leaves a blank or silently frozen page: until the app has
//     mounted (it removes #boot), a script that fails to load, a WASM module
//     that fails to compile, an uncaught error, a policy violation or 30
//     seconds without a start replace the loading view with an error view;
//     afterwards a WASM trap (a Rust panic aborts) or a panic the app reports
//     through `__ruleAtlasFail` (src/main.rs) puts an error above the page.
//
// Every message is set as text, never as HTML.
(function () {
  "use strict";

  var hash = window.location.hash;
  if (hash.indexOf("#/") === 0) {
    var target = new URL(hash.slice(2), document.baseURI);
    window.history.replaceState(null, "", target.pathname + target.search + target.hash);
  }

  var catalog = fetch(new URL("catalog/catalog.json", document.baseURI));
  // The app reads this promise and names a failure itself; handling it here
  // too keeps a failed request from counting as an unhandled rejection
  // before the app has taken it.
  catalog.catch(function () {});
  window.__ruleAtlasCatalog = catalog;

  var START_SECONDS = 30;
  var RELOAD = "Reload the page. If this keeps happening, the site is incomplete or the browser blocks part of it.";
  var shown = null;

  function booting() {
    return document.getElementById("boot") !== null;
  }

  function describe(error) {
    if (error && typeof error === "object" && "message" in error) {
      return (error.name ? error.name + ": " : "") + error.message;
    }
    return String(error);
  }

  function isWasmError(error) {
    return (
      typeof WebAssembly === "object" &&
      (error instanceof WebAssembly.RuntimeError ||
        error instanceof WebAssembly.CompileError ||
        error instanceof WebAssembly.LinkError)
    );
  }

  // The error view, in place of the loading view while booting, else above
  // the app. `final` errors replace a slow-start notice, never the reverse.
  function show(title, detail, hint, final) {
    if (!document.body) {
      document.addEventListener("DOMContentLoaded", function () {
        show(title, detail, hint, final);
      });
      return;
    }
    if (shown && (shown.final || !final)) return;
    var section = document.createElement("section");
    section.className = "load-error";
    section.setAttribute("role", "alert");
    var heading = document.createElement("h1");
    heading.textContent = title;
    var message = document.createElement("p");
    message.className = "error-message";
    message.textContent = detail.length > 600 ? detail.slice(0, 600) + "…" : detail;
    var advice = document.createElement("p");
    advice.textContent = hint;
    section.append(heading, message, advice);
    var main = document.querySelector("#boot main");
    if (main) {
      main.replaceChildren(section);
      document.title = title + " · Rule Atlas";
    } else {
      section.classList.add("crash");
      if (shown) shown.section.remove();
      document.body.prepend(section);
    }
    shown = { section: section, final: final };
  }

  function crashed(detail) {
    if (booting()) {
      show("Rule Atlas could not start", detail, RELOAD, true);
    } else {
      show(
        "Rule Atlas stopped after an internal error",
        detail,
        "The page may no longer respond. Reload it to start again.",
        true
      );
    }
  }

  // Called by the app's panic hook (src/main.rs) with the panic message,
  // before the WASM aborts.
  window.__ruleAtlasFail = function (message) {
    crashed(String(message));
  };

  window.addEventListener(
    "error",
    function (event) {
      var target = event.target;
      // Capture phase: a <script> that failed to load reports here too.
      if (target && target.tagName === "SCRIPT") {
        if (booting()) show("Rule Atlas could not start", "Could not load " + (target.src || "the app's loader") + ".", RELOAD, true);
        return;
      }
      if (target && target !== window) return;
      if (isWasmError(event.error) || booting()) crashed(describe(event.error || event.message));
    },
    true
  );

  window.addEventListener("unhandledrejection", function (event) {
    if (isWasmError(event.reason) || booting()) crashed(describe(event.reason));
  });

  document.addEventListener("securitypolicyviolation", function (event) {
    if (!booting()) return;
    show(
      "Rule Atlas could not start",
      "The page's Content-Security-Policy blocked " + (event.blockedURI || "a script") + " (" + event.effectiveDirective + ").",
      "The host's security headers must allow the app's own scripts and WebAssembly ('wasm-unsafe-eval').",
      true
    );
  });

  if (typeof WebAssembly !== "object") {
    show("Rule Atlas cannot run in this browser", "This browser does not support WebAssembly.", "Open the page in a current browser.", true);
  }

  setTimeout(function () {
    if (booting()) {
      show(
        "Rule Atlas is taking long to start",
        "The app has not started after " + START_SECONDS + " seconds.",
        "Check the connection, then reload the page.",
        false
      );
    }
  }, START_SECONDS * 1000);
})();
