// Cold deep links: every view opened directly by its URL in a fresh browser,
// as a shared link is (the static server answers with 404.html, which boots
// the app on the path).
import { expect, test } from "@playwright/test";
import { AtlasPage, loadCatalog, onFixture } from "./pages/atlas-page.mjs";

const catalog = loadCatalog();
const VENDORS = { sigma: "Sigma", elastic: "Elastic", splunk: "Splunk" };

/** Rules under a technique per vendor, counted as the app must (sub-techniques rolled up, each rule once). */
function rulesUnder(id) {
  const under = catalog.rules.filter((r) => r.techniques.some((t) => t === id || t.startsWith(`${id}.`)));
  const perVendor = {};
  for (const r of under) perVendor[r.vendor] = (perVendor[r.vendor] ?? 0) + 1;
  return { under, perVendor };
}

test("a technique", async ({ page }) => {
  const atlas = new AtlasPage(page);
  await atlas.open("technique/T1204");
  await expect(atlas.heading).toContainText("User Execution");
  await expect(atlas.heading).toContainText("T1204");
  await expect(page).toHaveTitle(/T1204 User Execution/);
  await expect(page.getByRole("link", { name: "attack.mitre.org ↗" })).toHaveAttribute("href", "https://attack.mitre.org/techniques/T1204");
  await expect(page.getByRole("heading", { name: "Events covered" })).toBeVisible();
  await expect(page.getByRole("link", { name: "Full authoring guide →" })).toHaveAttribute("href", "/rule-atlas/technique/T1204/guide");
  const { under, perVendor } = rulesUnder("T1204");
  for (const [vendor, n] of Object.entries(perVendor)) {
    await expect(atlas.vendorGroup(VENDORS[vendor])).toContainText(`${n} rule${n === 1 ? "" : "s"}`);
  }
  await expect(atlas.ruleLinks()).toHaveCount(under.length);
  if (onFixture) {
    // "Sigma 2 rules", and the sub-technique each rule is tagged with.
    await expect(atlas.vendorGroup("Sigma")).toHaveText(/Sigma\s*2 rules/);
    await expect(page.locator(".rule-list li", { hasText: "LNK File Opened" }).locator("a.tag")).toHaveText("T1204.002");
    // ATT&CK markup becomes links and code, never HTML.
    await expect(page.locator(".description a", { hasText: "Phishing" })).toHaveAttribute("href", "/rule-atlas/technique/T1566");
    await expect(page.locator(".description code", { hasText: "mshta.exe" })).toBeVisible();
  }
});

test("a sub-technique lists only its own rules", async ({ page }) => {
  const atlas = new AtlasPage(page);
  await atlas.open("technique/T1204.002");
  await expect(atlas.heading).toContainText("Malicious File");
  const own = catalog.rules.filter((r) => r.techniques.includes("T1204.002"));
  await expect(atlas.ruleLinks()).toHaveCount(own.length);
  await expect(page.locator(".breadcrumb")).toContainText("User Execution");
});

test("an authoring guide", async ({ page }) => {
  const atlas = new AtlasPage(page);
  await atlas.open("technique/T1204/guide");
  await expect(page).toHaveTitle(/Authoring guide T1204 User Execution/);
  for (const [id, title] of [["fields", "Fields filtered most"], ["indicators", "Top indicator values"], ["exclusions", "Common exclusions"]]) {
    await expect(atlas.guideSection(id).locator("h3")).toHaveText(new RegExp(`${title} \\(\\d+ distinct\\)`));
  }
  if (!onFixture) {
    await expect(atlas.rows(atlas.guideSection("indicators")).first()).toBeVisible();
    return;
  }
  await expect(atlas.guideSection("indicators").locator("h3")).toHaveText("Top indicator values (6 distinct)");
  await expect(atlas.guideSection("exclusions").locator("h3")).toHaveText("Common exclusions (2 distinct)");
  const top = atlas.rows(atlas.guideSection("indicators")).first();
  // mshta.exe: 3 rules under T1204 (one of them writes it twice), 4 in the catalog.
  await expect(top.locator("td")).toHaveText(["process.name", "eq", "mshta.exe", "3", "4"]);
  // winword.exe as the parent: only rules under T1204 use it, so reach is blank.
  const winword = atlas.rows(atlas.guideSection("indicators")).filter({ hasText: "winword.exe" });
  await expect(winword.locator("td.reach")).toHaveText("");
  // Sigma's Image, Elastic's process.name and Splunk's process_name collapse into one row.
  const field = atlas.rows(atlas.guideSection("fields")).first();
  await expect(field.locator("td").nth(0)).toHaveText("process.name");
  await expect(field.locator("td.sources code")).toHaveText(["Image", "process.name", "process_name"]);
  await expect(field.locator("td").nth(2)).toHaveText("4");
});

test("a rule", async ({ page }) => {
  const atlas = new AtlasPage(page);
  const rule = onFixture ? catalog.rules.find((r) => r.id === "fx-hta-office") : rulesUnder("T1204").under[0];
  await atlas.open(`rule/${rule.id}`);
  await expect(atlas.heading).toHaveText(rule.title);
  await expect(page).toHaveTitle(new RegExp(rule.title.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")));
  await expect(page.locator(".predicate")).toBeVisible();
  await expect(page.locator("pre.rule-text")).not.toBeEmpty();
  await expect(page.getByRole("link", { name: "rule file ↗" })).toHaveAttribute("href", /^https:\/\//);
  for (const id of rule.techniques) {
    await expect(page.locator(`.rule-facts a[href="/rule-atlas/technique/${id}"]`)).toContainText(id);
  }
  if (onFixture) {
    // The quotes around a value are drawn by the stylesheet (a copy gives the value alone).
    await expect(page.locator(".predicate")).toContainText("process.parent.name == winword.exe");
    await expect(page.locator(".predicate .kw", { hasText: "not" })).toBeVisible();
    // Catalog text is text: the <script> in the rule file is shown, not run.
    await expect(page.locator("pre.rule-text")).toContainText('<script>alert("not html")</script>');
    // A javascript: reference is listed but never a link.
    await expect(page.locator(".refs")).toContainText("javascript:alert(1)");
    await expect(page.locator('.refs a[href^="javascript"]')).toHaveCount(0);
    await expect(page.locator(".keys").first().locator("tbody tr")).toHaveCount(2);
  }
});

test("unknown ids and paths", async ({ page }) => {
  const atlas = new AtlasPage(page);
  await atlas.open("technique/T4242");
  await expect(atlas.notFound).toContainText("No technique “T4242” in this catalog");
  await expect(atlas.notFound.getByRole("link", { name: "Go to the ATT&CK coverage matrix" })).toHaveAttribute("href", "/rule-atlas/");
  await atlas.open("rule/no-such-rule");
  await expect(atlas.notFound).toContainText("No rule “no-such-rule” in this catalog");
  await atlas.open("no/such/page");
  await expect(atlas.heading).toHaveText("Page not found");
  await expect(page).toHaveTitle(/Page not found/);
});
