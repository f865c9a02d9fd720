// Hostile or damaged data in a catalog that is otherwise readable: missing
// fields (read leniently where the absence has an obvious meaning, else an
// error view naming where), a detail shard that is missing or malformed
// (only the rule text says so), and 10 KB ids, titles and names (the pages
// render, nothing widens the page, headings stop after a few lines).
// Each test serves a modified copy of the fixture catalog through page.route,
// so they run on the fixture only.
import { readFileSync } from "node:fs";
import { expect, test } from "@playwright/test";
import { AtlasPage, onFixture } from "./pages/atlas-page.mjs";

test.skip(!onFixture, "serves modified copies of the fixture catalog");

const FIXTURE = new URL("./fixtures/catalog/catalog.json", import.meta.url);

/** A fresh copy of the fixture catalog to modify. */
function fixture() {
  return JSON.parse(readFileSync(FIXTURE, "utf8"));
}

/** Serves `catalog` (an object, or a string as it is) as catalog.json. */
async function serveCatalog(page, catalog) {
  const body = typeof catalog === "string" ? catalog : JSON.stringify(catalog);
  await page.route("**/catalog/catalog.json", (route) => route.fulfill({ contentType: "application/json", body }));
}

/** Serves `body` with `status` for every detail shard. */
async function serveShards(page, body, status = 200, contentType = "application/json") {
  await page.route("**/catalog/details/*.json", (route) => route.fulfill({ status, contentType, body }));
}

function rule(catalog, id) {
  return catalog.rules.find((r) => r.id === id);
}

test.describe("missing fields", () => {
  test("a rule without logic shows that it has none", async ({ page }) => {
    const catalog = fixture();
    delete rule(catalog, "fx-hta-office").logic;
    await serveCatalog(page, catalog);
    const atlas = new AtlasPage(page);
    await atlas.open("rule/fx-hta-office");
    await expect(atlas.heading).toHaveText("Microsoft HTML Application from Office");
    await expect(page.locator("section.logic")).toContainText("This rule has no logic the catalog could read.");
    await expect(page.locator(".rule-facts")).toContainText("T1204.002");
    await expect(page.locator("pre.rule-text")).toContainText("id: fx-hta-office");
  });

  test("a rule without techniques is an untagged rule", async ({ page }) => {
    const catalog = fixture();
    delete rule(catalog, "fx-mshta-word").techniques;
    await serveCatalog(page, catalog);
    const atlas = new AtlasPage(page);
    await atlas.open("");
    await expect(atlas.heading).toHaveText("ATT&CK coverage");
    // fx-url-cmdline was the one untagged rule.
    await expect(page.locator(".unmapped")).toContainText("2 rules tag no ATT&CK technique");
    await atlas.open("rule/fx-mshta-word");
    await expect(atlas.heading).toHaveText("Mshta Spawned by Word");
    await expect(page.locator(".rule-facts dd").first()).toHaveText("none tagged");
  });

  test("a catalog without events", async ({ page }) => {
    const catalog = fixture();
    delete catalog.events;
    await serveCatalog(page, catalog);
    const atlas = new AtlasPage(page);
    await atlas.open("technique/T1204");
    await expect(atlas.heading).toContainText("User Execution");
    await expect(page.locator("section.events")).toContainText("The catalog has no event list yet");
    await atlas.open("event/sysmon-1");
    await expect(atlas.notFound).toContainText("sysmon-1");
  });

  test("a rule without an id names the rule", async ({ page }) => {
    const catalog = fixture();
    delete catalog.rules[2].id;
    await serveCatalog(page, catalog);
    const atlas = new AtlasPage(page);
    await atlas.open("technique/T1204");
    await expect(atlas.error).toContainText("The catalog could not be loaded");
    await expect(atlas.error).toContainText("does not match the catalog format at rules[2]: missing field `id`");
  });

  test("a required field missing or of the wrong type names where", async ({ page }) => {
    const catalog = fixture();
    rule(catalog, "fx-mshta-word").techniques = "T1204";
    await serveCatalog(page, catalog);
    const atlas = new AtlasPage(page);
    await atlas.open("");
    await expect(atlas.error).toContainText(
      'at rules[0] (id "fx-mshta-word").techniques: invalid type: string "T1204", expected a sequence'
    );

    const noTitle = fixture();
    delete rule(noTitle, "fx-lnk-opened").title;
    await page.unrouteAll();
    await serveCatalog(page, noTitle);
    await atlas.open("");
    await expect(atlas.error).toContainText('at rules[4] (id "fx-lnk-opened"): missing field `title`');

    const noRules = fixture();
    delete noRules.rules;
    await page.unrouteAll();
    await serveCatalog(page, noRules);
    await atlas.open("");
    await expect(atlas.error).toContainText("at the top level: missing field `rules`");
  });
});

test.describe("detail shards", () => {
  /** The rule page renders everything catalog.json holds; only the rule text fails. */
  async function expectRulePageWithout(page, message) {
    const atlas = new AtlasPage(page);
    await atlas.open("rule/fx-hta-office");
    await expect(atlas.heading).toHaveText("Microsoft HTML Application from Office");
    await expect(page.locator(".predicate")).toContainText("process.parent.name");
    await expect(page.locator(".rule-facts")).toContainText("T1204.002");
    await expect(page.locator(".keys").first().locator("tbody tr").first()).toBeVisible();
    const source = page.locator("section.source");
    await expect(source.locator(".error-message")).toContainText("The rule text could not be loaded");
    await expect(source.locator(".error-message")).toContainText(message);
    await expect(page.locator("pre.rule-text")).toHaveCount(0);
    // Not the catalog's error view: the page stands.
    await expect(atlas.error).toHaveCount(0);
    await expect(page.locator("footer")).toContainText("About this catalog");
  }

  test("a missing shard", async ({ page }) => {
    await serveShards(page, "Not found", 404, "text/plain");
    await expectRulePageWithout(page, /catalog\/details\/\d\.json answered HTTP 404/);
    await expect(page.locator("section.source")).toContainText("The site is missing this part of the catalog");
  });

  test("a shard that is not JSON", async ({ page }) => {
    await serveShards(page, '{"fx-hta-office": {"text": "title: cut');
    await expectRulePageWithout(page, "is not valid JSON: EOF while parsing a string");
  });

  test("a shard of the wrong shape", async ({ page }) => {
    await serveShards(page, '{"fx-hta-office": {"text": 5}}');
    await expectRulePageWithout(page, "does not match the catalog format at fx-hta-office.text: invalid type: integer `5`");
    await page.unrouteAll();
    await serveShards(page, "[1, 2, 3]");
    await expectRulePageWithout(page, "at the top level: invalid type: sequence, expected a map");
  });

  test("an HTML page for a shard", async ({ page }) => {
    await serveShards(page, "<!DOCTYPE html><title>Home</title>", 200, "text/html");
    await expectRulePageWithout(page, "is an HTML page, not JSON");
  });

  test("a shard that does not list the rule", async ({ page }) => {
    await serveShards(page, "{}");
    const atlas = new AtlasPage(page);
    await atlas.open("rule/fx-hta-office");
    await expect(atlas.heading).toHaveText("Microsoft HTML Application from Office");
    await expect(page.locator("section.source")).toContainText("does not list this rule");
  });
});

test.describe("very long text", () => {
  const KB10 = 10 * 1024;
  // Characters a URL must encode, then one 10 KB word.
  const longId = `id with/slash?query#hash%20 ${"i".repeat(KB10)}`;
  const longTitle = "T".repeat(KB10);
  const longName = "N".repeat(KB10);
  const longTechnique = `T9${"9".repeat(KB10)}`;

  function hostileCatalog() {
    const catalog = fixture();
    const r = rule(catalog, "fx-mshta-word");
    r.id = longId;
    r.title = longTitle;
    r.path = `rules/${"p".repeat(KB10)}.yml`;
    r.techniques.push(longTechnique);
    catalog.attack.techniques.find((t) => t.id === "T1204").name = longName;
    catalog.attack.tactics[1].name = `Execution ${"E".repeat(KB10)}`;
    return catalog;
  }

  async function expectContained(page) {
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow, "the page is wider than the window").toBeLessThanOrEqual(0);
  }

  /** toHaveText without printing 10 KB twice when it fails. */
  async function expectLongText(locator, text) {
    await expect.poll(async () => (await locator.textContent()) === text, { message: "the full text is there" }).toBe(true);
  }

  async function expectHeightAtMost(locator, pixels) {
    const box = await locator.boundingBox();
    expect(box, "element is rendered").not.toBeNull();
    expect(box.height).toBeLessThanOrEqual(pixels);
  }

  test("10 KB ids, titles and names", async ({ page }) => {
    await serveCatalog(page, hostileCatalog());
    await serveShards(page, JSON.stringify({ [longId]: { text: `title: ${longTitle}\n`, about: { url: "", description: "D".repeat(KB10) } } }));
    const atlas = new AtlasPage(page);

    await atlas.open("");
    await expect(atlas.heading).toHaveText("ATT&CK coverage");
    await expectContained(page);
    const cell = page.locator(".cell", { has: page.locator(".cell-meta .id", { hasText: /^T1204$/ }) });
    await expectHeightAtMost(cell, 90);
    await expectHeightAtMost(page.locator(".tactic h2").nth(1), 120);
    await expect(page.locator(".unmapped")).toContainText(longTechnique);

    await atlas.search.fill("TTTTTTTT");
    await expect(atlas.searchResults.locator("li")).toHaveCount(1);
    await expectHeightAtMost(atlas.searchResults.locator("li").first(), 60);
    await expectContained(page);

    await atlas.open("technique/T1204");
    await expect(atlas.heading).toContainText(longName);
    await expectHeightAtMost(atlas.heading, 140);
    await expectContained(page);
    const link = atlas.ruleLinks().filter({ hasText: longTitle });
    await expectHeightAtMost(page.locator(".rule-list li").filter({ hasText: longTitle }), 70);
    await link.click();

    // The id is one encoded path segment (its `%` too), and the page finds
    // the rule by it.
    const rulePath = `/rule-atlas/rule/${encodeURIComponent(longId)}`;
    await page.waitForURL((url) => url.pathname === rulePath);
    await expectLongText(atlas.heading, longTitle);
    await expectHeightAtMost(atlas.heading, 140);
    await expect(page.locator("pre.rule-text")).toContainText("title: TTTT");
    await expectContained(page);
    await expectHeightAtMost(page.locator(".breadcrumb"), 60);

    // A cold deep link to the same URL.
    await page.reload();
    await expectLongText(atlas.heading, longTitle);
    await expect(page.locator(".rule-facts")).toContainText(longTechnique);
    await expectContained(page);

    // The rules behind a field list it in a table that stays inside the page.
    await atlas.open("rules?field=process.command_line");
    const row = page.locator("table.rules tbody tr", { hasText: longTitle });
    await expect(row).toHaveCount(1);
    await expectHeightAtMost(row, 120);
    await expectContained(page);

    // A 10 KB technique id only a rule knows.
    await atlas.open(`technique/${longTechnique}`);
    await expect(atlas.heading).toContainText(longTechnique);
    await expectHeightAtMost(atlas.heading, 140);
    await expectContained(page);

    // And an unknown one of the same length.
    await atlas.open(`rule/${"x".repeat(KB10)}`);
    await expect(atlas.notFound).toContainText("No rule");
    await expectHeightAtMost(atlas.notFound.locator("h1"), 120);
    await expectContained(page);
  });
});
