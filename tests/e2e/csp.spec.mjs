// The Content-Security-Policy: index.html and 404.html carry it as a meta tag
// (what any static host serves; the test server adds no header of its own),
// it allows no script but the app's own files, trunk's loader by hash and
// WebAssembly, and a journey through every view raises no violation.
import { expect, test } from "@playwright/test";
import { PLAIN_PORT } from "./playwright.config.mjs";
import { AtlasPage } from "./pages/atlas-page.mjs";

/** The policy of a served page, from its meta tag. */
async function policyOf(request, path) {
  const response = await request.get(path);
  expect(response.headers()["content-security-policy"], "the test server sends no CSP header").toBeUndefined();
  const html = await response.text();
  const meta = html.match(/<meta http-equiv="Content-Security-Policy" content="([^"]*)"/);
  expect(meta, `${path} has a Content-Security-Policy meta tag`).not.toBeNull();
  return Object.fromEntries(
    meta[1]
      .split(";")
      .map((d) => d.trim().split(/\s+/))
      .filter((d) => d[0])
      .map(([name, ...sources]) => [name, sources])
  );
}

/**
 * Records every CSP violation (the DOM event, and Chromium's console report)
 * on every document the page loads.
 */
async function recordViolations(page) {
  const violations = [];
  await page.exposeFunction("__cspViolation", (text) => violations.push(text));
  await page.addInitScript(() => {
    document.addEventListener("securitypolicyviolation", (e) =>
      window.__cspViolation(`${e.effectiveDirective} blocked ${e.blockedURI || "inline"} (${e.sourceFile}:${e.lineNumber})`)
    );
  });
  page.on("console", (message) => {
    if (message.text().includes("Content Security Policy")) violations.push(`console: ${message.text()}`);
  });
  return violations;
}

test("index.html and 404.html carry a strict policy", async ({ request }) => {
  for (const path of ["", "index.html", "technique/T1204"]) {
    const policy = await policyOf(request, path);
    expect(policy["default-src"]).toEqual(["'self'"]);
    expect(policy["script-src"]).toEqual(expect.arrayContaining(["'self'", "'wasm-unsafe-eval'"]));
    for (const source of policy["script-src"]) {
      expect(source, "scripts: the site, WebAssembly and hashed inline scripts only").toMatch(
        /^('self'|'wasm-unsafe-eval'|'sha256-[A-Za-z0-9+/]+=*')$/
      );
    }
    expect(policy["script-src"].filter((s) => s.startsWith("'sha256-"))).toHaveLength(1);
    expect(policy["style-src"]).toEqual(["'self'"]);
    expect(policy["connect-src"]).toEqual(["'self'"]);
    expect(policy["object-src"]).toEqual(["'none'"]);
    expect(policy["base-uri"]).toEqual(["'self'"]);
  }
});

test("every view runs without a policy violation", async ({ page }) => {
  const violations = await recordViolations(page);
  const atlas = new AtlasPage(page);

  await atlas.open("");
  await expect(atlas.heading).toHaveText("ATT&CK coverage");
  await atlas.ready();
  await atlas.search.pressSequentially("mshta");
  await expect(atlas.searchResults).toBeVisible();
  await atlas.vendorToggle("Sigma").click();
  await expect(page).toHaveURL(/vendor=sigma/);
  // A gap view, and its Navigator layer and CSV, downloaded from blob: URLs.
  await page.getByRole("combobox", { name: "Gaps" }).selectOption("none");
  await expect(page).toHaveURL(/gap=none/);
  for (const name of ["Navigator layer ↓", "Download the matrix as CSV"]) {
    const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name }).click()]);
    expect(await download.failure()).toBeNull();
  }
  await atlas.open("");
  await atlas.cell("User Execution").click();
  await expect(atlas.heading).toContainText("User Execution");
  await page.getByRole("link", { name: "Full authoring guide →" }).click();
  await expect(page).toHaveURL(/\/technique\/T1204\/guide$/);
  await expect(atlas.guideSection("indicators")).toBeVisible();
  const [download] = await Promise.all([
    page.waitForEvent("download"),
    atlas.guideSection("indicators").getByRole("button", { name: /as CSV/ }).click(),
  ]);
  expect(await download.failure()).toBeNull();
  await atlas.rows(atlas.guideSection("indicators")).first().locator("a").last().click();
  await expect(page).toHaveURL(/\/rules\?/);
  await expect(page.locator("table.rules tbody tr").first()).toBeVisible();
  await page.locator("table.rules tbody tr a").first().click();
  await expect(page).toHaveURL(/\/rule\//);
  await expect(page.locator("pre.rule-text")).toBeVisible();
  const events = page.locator(".events-read a");
  if ((await events.count()) > 0) await events.first().click();
  else await atlas.open("event/sysmon-1");
  await expect(page).toHaveURL(/\/event\//);
  await expect(atlas.heading).toBeVisible();
  // The value search, the about view, and the checker: its worker, its
  // WASM and the catalog it fetches, under the same policy.
  await atlas.open("values?q=mshta");
  await expect(page.locator("table.value-hits tbody tr").first()).toBeVisible();
  await atlas.open("about");
  await expect(atlas.heading).toBeVisible();
  await atlas.open("check");
  await page.getByRole("textbox", { name: "Rule text" }).fill('process.name : "mshta.exe"');
  await expect(page.locator(".check-summary")).toContainText("KQL");
  await expect(page.locator(".check-tree").first()).toBeVisible();
  // Cold loads through 404.html, an unknown path, and a hash link on a
  // server without the fallback (index.html's redirect runs in boot.js).
  await atlas.open("technique/T1204/guide");
  await expect(atlas.guideSection("fields")).toBeVisible();
  await atlas.open("no/such/page");
  await expect(atlas.heading).toHaveText("Page not found");
  await page.goto(`http://127.0.0.1:${PLAIN_PORT}/rule-atlas/#/technique/T1204`);
  await expect(page).toHaveURL(/\/rule-atlas\/technique\/T1204$/);
  await expect(atlas.heading).toContainText("User Execution");
  // The error view too.
  await page.route("**/catalog/catalog.json", (route) => route.fulfill({ status: 404, body: "Not found" }));
  await atlas.open("");
  await expect(atlas.error).toContainText("The catalog could not be loaded");

  expect(violations).toEqual([]);
});

test("the policy is enforced: an injected inline script is blocked", async ({ page }) => {
  const violations = await recordViolations(page);
  const atlas = new AtlasPage(page);
  await atlas.open("");
  await expect(atlas.heading).toHaveText("ATT&CK coverage");
  const ran = await page.evaluate(() => {
    const script = document.createElement("script");
    script.textContent = "window.__injected = true;";
    document.body.append(script);
    return window.__injected === true;
  });
  expect(ran).toBe(false);
  await expect.poll(() => violations.length).toBeGreaterThan(0);
  expect(violations[0]).toContain("script-src");
});
