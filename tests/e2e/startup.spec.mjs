// Nothing leaves a blank page: when the app cannot start (a damaged WASM
// file, a loader that does not arrive, a start that never comes) the boot
// script (src/boot.js) replaces the loading view with an error view; when the
// WASM stops after it started (a trap: a Rust panic aborts in the release
// build) it puts an error above the page.
import { expect, test } from "@playwright/test";
import { AtlasPage } from "./pages/atlas-page.mjs";

const WASM = "**/rule-atlas-app-*_bg.wasm";

test("a damaged WASM file", async ({ page }) => {
  await page.route(WASM, (route) =>
    route.fulfill({ status: 200, contentType: "application/wasm", body: Buffer.from("not a wasm module") })
  );
  const atlas = new AtlasPage(page);
  await atlas.open("technique/T1204");
  await expect(atlas.error).toContainText("Rule Atlas could not start");
  await expect(atlas.error.locator(".error-message")).toContainText("CompileError");
  await expect(atlas.loading).toHaveCount(0);
  await expect(page).toHaveTitle(/could not start/);
});

test("the app's JavaScript loader is missing", async ({ page }) => {
  await page.route("**/rule-atlas-app-*.js", (route) => route.fulfill({ status: 404, body: "Not found" }));
  const atlas = new AtlasPage(page);
  await atlas.open("");
  await expect(atlas.error).toContainText("Rule Atlas could not start");
  await expect(atlas.loading).toHaveCount(0);
});

test("the app never starts", async ({ page }) => {
  await page.clock.install();
  // The WASM request never answers.
  await page.route(WASM, () => {});
  const atlas = new AtlasPage(page);
  // Not waiting for the load event, which the WASM preload holds back.
  await page.goto("", { waitUntil: "commit" });
  await expect(page.locator("#boot .loading")).toBeVisible();
  await page.clock.runFor(31_000);
  await expect(atlas.error).toContainText("Rule Atlas is taking long to start");
  await expect(atlas.error).toContainText("has not started after 30 seconds");
});

test("a WASM trap after the app started", async ({ page }) => {
  const atlas = new AtlasPage(page);
  await atlas.open("technique/T1204");
  await expect(atlas.heading).toContainText("User Execution");
  // What the browser reports when the WASM traps (a panic aborts on
  // `unreachable`), thrown from a task as the app's callbacks run.
  await page.evaluate(() => setTimeout(() => {
    throw new WebAssembly.RuntimeError("unreachable");
  }));
  await expect(atlas.error).toContainText("Rule Atlas stopped after an internal error");
  await expect(atlas.error).toContainText("RuntimeError: unreachable");
  // The page stays readable under the message.
  await expect(atlas.heading).toContainText("User Execution");
});

test("a panic reported by the app", async ({ page }) => {
  const atlas = new AtlasPage(page);
  await atlas.open("");
  await expect(atlas.heading).toHaveText("ATT&CK coverage");
  // The app's panic hook (src/main.rs) calls this with the panic message;
  // the message is catalog-derived text and is shown as text.
  await page.evaluate(() => window.__ruleAtlasFail("panicked at src/x.rs:1:1:\n<b>index</b> out of bounds"));
  await expect(atlas.error).toContainText("Rule Atlas stopped after an internal error");
  await expect(atlas.error.locator(".error-message")).toContainText("<b>index</b> out of bounds");
  await expect(atlas.error.locator("b")).toHaveCount(0);
  // The trap that follows the panic does not replace the message.
  await page.evaluate(() => setTimeout(() => {
    throw new WebAssembly.RuntimeError("unreachable");
  }));
  await expect(atlas.error).toHaveCount(1);
  await expect(atlas.error).toContainText("out of bounds");
});
