// Similar rules on every rule page (#15): the rules of any vendor sharing
// its normalized indicator triples, rarer ones weighing more, with the
// triples shared; another vendor's rule with nearly the same triples is
// marked as a likely port.
import { readFileSync } from "node:fs";
import { expect, test } from "@playwright/test";
import { AtlasPage, loadCatalog, onFixture } from "./pages/atlas-page.mjs";

const catalog = loadCatalog();
const FIXTURE = new URL("./fixtures/catalog/catalog.json", import.meta.url);

const section = (page) => page.locator("section.similar");
const titles = (page) => section(page).locator("tbody tr td:first-child a");

test("a rule's similar rules, best first, with the triples they share", async ({ page }) => {
  const atlas = new AtlasPage(page);
  const rule = onFixture ? catalog.rules.find((r) => r.id === "fx-mshta-word") : catalog.rules.find((r) => r.language === "spl");
  await atlas.open(`rule/${encodeURIComponent(rule.id)}`);
  await expect(section(page).locator("h2")).toContainText("Similar rules");
  // Every triple a similar rule shares is one of this rule's indicators.
  const own = await page.locator("section.keys").first().locator("tbody tr").evaluateAll((rows) =>
    rows.map((r) => [...r.querySelectorAll("td")].slice(0, 3).map((td) => td.textContent.trim()).join(" "))
  );
  const shared = await section(page).locator("ul.shared li").allTextContents();
  for (const triple of shared) expect(own).toContain(triple.replace(/\s+/g, " ").trim());
  // Scores never rise down the list.
  const scores = (await section(page).locator("tbody td.num").allTextContents()).map(Number);
  expect(scores).toEqual([...scores].sort((a, b) => b - a));
  if (onFixture) {
    await expect(titles(page)).toHaveText([
      "Microsoft HTML Application from Office",
      "Suspicious mshta child",
      "PowerShell Download",
      "Mshta Anywhere",
      "Any URL on a Command Line",
    ]);
    expect(scores).toEqual([2.1, 1.4, 0.7, 0.7, 0.7]);
    // The Elastic rule shares 2 of its 2 triples, the rarer (winword.exe) first; no port (2 of 3).
    const first = section(page).locator("tbody tr").first();
    await expect(first.locator("td").nth(3)).toContainText("2 of its 2");
    await expect(first.locator("ul.shared li").first()).toHaveText("process.parent.name eq winword.exe");
    await expect(section(page).locator(".chip.port")).toHaveCount(0);
    // A similar rule links to its page.
    await titles(page).first().click();
    await expect(atlas.heading).toHaveText("Microsoft HTML Application from Office");
  }
});

test("another vendor's rule with the same triples is a likely port, both ways", async ({ page }) => {
  test.skip(!onFixture, "serves a modified copy of the fixture catalog");
  const modified = JSON.parse(readFileSync(FIXTURE, "utf8"));
  const leaf = (field, op, value) => ({ field, source_field: field, op, value, case_sensitive: false });
  // fx-mshta-word's three triples, as an Elastic rule writes them.
  modified.rules.push({
    id: "fx-mshta-word-port",
    vendor: "elastic",
    title: "Mshta Child of Word (Elastic port)",
    path: "rules/fixture/fx-mshta-word-port.toml",
    status: "parsed",
    techniques: ["T1218.005"],
    language: "eql",
    logic: {
      and: [
        leaf("process.name", "eq", "mshta.exe"),
        leaf("process.parent.name", "eq", "WINWORD.EXE"),
        leaf("process.command_line", "wildcard", "*http*"),
      ],
    },
  });
  await page.route("**/catalog/catalog.json", (route) => route.fulfill({ contentType: "application/json", body: JSON.stringify(modified) }));
  const atlas = new AtlasPage(page);
  await atlas.open("rule/fx-mshta-word");
  await expect(section(page).locator("h2")).toHaveText("Similar rules (6, 1 likely port)");
  const port = section(page).locator("tbody tr.port");
  await expect(port.locator("td a")).toHaveText("Mshta Child of Word (Elastic port)");
  await expect(port.locator(".chip.port")).toHaveText("likely port");
  await expect(port.locator(".chip.port")).toHaveAttribute("title", "3 of its 3 indicator triples shared, 100% of all the two look for");
  await port.locator("td a").click();
  await expect(atlas.heading).toHaveText("Mshta Child of Word (Elastic port)");
  await expect(section(page).locator("tbody tr.port td a")).toHaveText("Mshta Spawned by Word");
  // The CSV says so too.
  const [download] = await Promise.all([page.waitForEvent("download"), section(page).getByRole("button", { name: /as CSV/ }).click()]);
  const lines = readFileSync(await download.path(), "utf8").trimEnd().split("\r\n");
  expect(lines[0]).toBe("\ufeffId,Title,Vendor,Score,Shared,Its triples,Jaccard,Port,Shared triples");
  expect(lines[1]).toMatch(/^fx-mshta-word,Mshta Spawned by Word,Sigma,[\d.]+,3,3,1\.00,yes,/);
});

test("ports across the public repositories", async ({ page }) => {
  const sigma = catalog.rules.find((r) => r.title === "Microsoft Workflow Compiler Execution" && r.vendor === "sigma");
  const splunk = catalog.rules.find((r) => r.title === "Suspicious microsoft workflow compiler usage" && r.vendor === "splunk");
  test.skip(!sigma || !splunk, "the pair is in the corpus catalog");
  const atlas = new AtlasPage(page);
  await atlas.open(`rule/${encodeURIComponent(sigma.id)}`);
  await expect(section(page).locator("tbody tr.port td a", { hasText: splunk.title })).toBeVisible();
});
