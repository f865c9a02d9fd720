// Rule text highlighted per language (#15): keys, strings, comments,
// keywords, operators, numbers and functions as spans with a class, in the
// file's format (YAML, TOML) and in the query it embeds (Sigma's condition,
// SPL, KQL, EQL, ES|QL). Catalog text stays text: nothing in it becomes HTML.
import { expect, test } from "@playwright/test";
import { AtlasPage, loadCatalog, onFixture } from "./pages/atlas-page.mjs";

const catalog = loadCatalog();

/** The rule page's text, with its highlighted tokens by class. */
async function tokensOf(page) {
  const text = page.locator("pre.rule-text");
  await expect(text).toBeVisible();
  return text.evaluate((pre) => {
    const by = {};
    for (const span of pre.querySelectorAll("code span")) (by[span.className] ??= []).push(span.textContent);
    return { by, text: pre.textContent, html: pre.querySelector("code").innerHTML };
  });
}

test("a Sigma rule's YAML, its markup kept as text", async ({ page }) => {
  const rule = onFixture ? catalog.rules.find((r) => r.id === "fx-mshta-word") : catalog.rules.find((r) => r.language === "sigma");
  test.skip(!rule, "no Sigma rule in this catalog");
  const atlas = new AtlasPage(page);
  await atlas.open(`rule/${encodeURIComponent(rule.id)}`);
  const { by, text } = await tokensOf(page);
  await expect(page.locator("pre.rule-text")).toHaveAttribute("data-language", "sigma");
  expect(by["hl-key"]).toEqual(expect.arrayContaining(["title", "id"]));
  if (onFixture) {
    // The fixture's text: its comment holds markup, which stays text.
    expect(by["hl-com"]).toEqual(['# fixture rule text <script>alert("not html")</script>']);
    expect(text).toContain('<script>alert("not html")</script>');
    await expect(page.locator("pre.rule-text script")).toHaveCount(0);
  }
});

/** The first rule of a language in the catalog, if any. */
const ruleIn = (language) => catalog.rules.find((r) => r.language === language);

// What every rule of the language has: Sigma a detection and its condition,
// Splunk's detections a filter macro, EQL a `where`, ES|QL a FROM, KQL `:`.
for (const [language, expected] of [
  ["sigma", { key: ["detection", "condition"], keyword: [], some: "hl-str" }],
  ["spl", { key: ["search"], keyword: [], some: "hl-fn" }],
  ["eql", { key: ["[rule]", "query"], keyword: ["where"], some: "hl-op" }],
  ["kuery", { key: ["[rule]", "query"], keyword: [], some: "hl-op" }],
  ["esql", { key: ["[rule]", "query"], keyword: ["from"], some: "hl-op" }],
]) {
  test(`${language} rule text`, async ({ page }) => {
    test.skip(onFixture, "the fixture's rule texts are short stand-ins");
    const rule = ruleIn(language);
    test.skip(!rule, `no ${language} rule in this catalog`);
    const atlas = new AtlasPage(page);
    await atlas.open(`rule/${encodeURIComponent(rule.id)}`);
    const { by, text } = await tokensOf(page);
    for (const key of expected.key) expect(by["hl-key"], `${language} keys`).toContain(key);
    for (const keyword of expected.keyword) {
      expect((by["hl-kw"] ?? []).map((k) => k.toLowerCase()), `${language} keywords`).toContain(keyword);
    }
    expect(by[expected.some]?.length, `${language} ${expected.some}`).toBeGreaterThan(0);
    // Highlighting adds spans, never text: the page shows the file as it is.
    expect(text.length).toBeGreaterThan(100);
  });
}
