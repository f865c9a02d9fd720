// Patterns as people read them (#15): a value shows its wildcards apart
// from its literal characters and its backslashes as the rule wrote them
// (`*\Teams\*`, not the catalog's escaped `*\Teams\\*`); a copy of it, or
// of part of it, gives the spelling a Sigma rule takes.
import { expect, test } from "@playwright/test";
import { AtlasPage, loadCatalog, onFixture } from "./pages/atlas-page.mjs";

const catalog = loadCatalog();

/** Records what the page puts on the clipboard at each copy. */
async function recordCopies(page) {
  await page.addInitScript(() => {
    window.__copied = [];
    // Registered on the window, so it runs after the value's own handler.
    window.addEventListener("copy", (e) => window.__copied.push(e.clipboardData.getData("text/plain")));
  });
}

/** Selects `[start, end)` of the characters of an element's text, then copies. */
async function copyPart(page, locator, start, end) {
  await locator.evaluate(
    (el, [start, end]) => {
      const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
      const range = document.createRange();
      let seen = 0;
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        const length = node.textContent.length;
        if (seen <= start && start <= seen + length) range.setStart(node, start - seen);
        if (seen <= end && end <= seen + length) range.setEnd(node, end - seen);
        seen += length;
      }
      const selection = window.getSelection();
      selection.removeAllRanges();
      selection.addRange(range);
    },
    [start, end]
  );
  await page.keyboard.press("Control+C");
  return page.evaluate(() => window.__copied.at(-1));
}

/** A rule with a wildcard value that has a backslash before a wildcard. */
function ruleWithEscapedPattern() {
  for (const rule of catalog.rules) {
    const leaves = [];
    // catalog.json writes leaves compact, as [op, value, field, …], or in full.
    const walk = (e) =>
      Array.isArray(e) ? leaves.push({ op: e[0], value: e[1] })
      : e.and || e.or ? (e.and || e.or).forEach(walk)
      : e.not ? walk(e.not)
      : leaves.push(e);
    if (rule.logic) walk(rule.logic);
    // `*<middle>\\*`, the middle literal: no wildcard, no doubled backslash.
    const simple = (v) => /^\*[^*?]*\\\\\*$/.test(v) && !v.slice(1, -3).includes("\\\\");
    const leaf = leaves.find((l) => l.op === "wildcard" && simple(l.value ?? ""));
    if (leaf) return { rule, leaf };
  }
  return null;
}

test("a rule's values read with their wildcards apart, and copy as Sigma writes them", async ({ page }) => {
  const found = ruleWithEscapedPattern();
  test.skip(!found, "no rule with such a pattern in this catalog");
  const { rule, leaf } = found;
  await recordCopies(page);
  const atlas = new AtlasPage(page);
  await atlas.open(`rule/${encodeURIComponent(rule.id)}`);
  // `*\Teams\\*` reads `*\Teams\*`: one backslash, two wildcards.
  const reads = `*${leaf.value.slice(1, -3)}\\*`;
  const value = page.locator(".predicate code.value.pattern", { hasText: reads.slice(1, -1) }).first();
  await expect(value).toHaveText(reads);
  await expect(value.locator(".wc")).toHaveText(["*", "*"]);
  // The quotes are the stylesheet's, not the value's.
  expect(await value.evaluate((el) => getComputedStyle(el, "::before").content)).toBe(`"'"`);
  // Copied whole: the Sigma spelling; the literal part alone: as it reads;
  // the part with the last wildcard: its backslash doubled again.
  expect(await copyPart(page, value, 0, reads.length)).toBe(leaf.value);
  expect(await copyPart(page, value, 1, reads.length - 1)).toBe(reads.slice(1, -1));
  expect(await copyPart(page, value, 1, reads.length)).toBe(`${reads.slice(1, -1)}\\*`);
  if (onFixture) {
    expect(rule.id).toBe("fx-mshta-word");
    await expect(value).toHaveText("*\\Teams\\*");
    // The exclusions table shows the normalized triple the same way.
    const exclusion = page.locator("section.keys", { hasText: "Exclusions" }).locator("code.value.pattern").first();
    await expect(exclusion).toHaveText("*\\teams\\*");
    expect(await copyPart(page, exclusion, 0, 9)).toBe("*\\teams\\\\*");
  }
});

test("guide tables, samples and value search show the same reading", async ({ page }) => {
  await recordCopies(page);
  const atlas = new AtlasPage(page);
  await atlas.open("technique/T1204/guide");
  const values = atlas.guideSection("indicators").locator("code.value.pattern");
  await expect(values.first()).toBeVisible();
  // No value shows an escape before a wildcard: wildcards are drawn, literal
  // backslashes shown once.
  for (const text of await values.allTextContents()) expect(text).not.toMatch(/\\\\[*?]/);
  if (onFixture) {
    const http = atlas.guideSection("indicators").locator("code.value.pattern", { hasText: "http" });
    await expect(http).toHaveText("*http*");
    await expect(http.locator(".wc")).toHaveCount(2);
    // Samples of the fields table: a literal value has no wildcard.
    const samples = atlas.guideSection("fields").locator("tbody tr").first().locator("td.samples code.value");
    await expect(samples).toHaveText(["mshta.exe", "explorer.exe"]);
    await expect(samples.locator(".wc")).toHaveCount(0);
    await atlas.open("values?q=teams");
    const found = page.locator("table.value-hits code.value.pattern");
    await expect(found).toHaveText(["*\\teams\\*"]);
    expect(await copyPart(page, found, 0, 9)).toBe("*\\teams\\\\*");
  }
});
