// The small rules the views apply, which atlas_catalog computes (docs/app.md):
// the shade legend from the shade scale, the matrix's cell order in the URL,
// tactic and data component names, operators read from a URL, and severities
// ordered on one scale.
import { expect, test } from "@playwright/test";
import { AtlasPage, onFixture } from "./pages/atlas-page.mjs";

/** The `<dd>` after a `<dt>` of a facts list. */
const fact = (page, list, label) =>
  page.locator(`${list} dt`, { hasText: label }).locator("xpath=following-sibling::dd[1]");

test("the shade legend and the matrix's cell order", async ({ page }) => {
  const atlas = new AtlasPage(page);
  await atlas.open("");
  await atlas.ready();
  const swatches = page.locator(".legend .swatch");
  await expect(swatches).toHaveText(["0", "1", "2–3", "4–9", "10–24", "25+"]);
  for (let step = 0; step <= 5; step++) await expect(swatches.nth(step)).toHaveClass(`swatch shade-${step}`);
  const order = page.locator("label.select", { hasText: "Order" }).locator("select");
  await expect(order).toHaveValue("name");
  const execution = page.locator(".matrix section.tactic").nth(1).locator(".cell-head .name");
  if (onFixture) await expect(execution).toHaveText(["Command and Scripting Interpreter", "User Execution"]);
  await order.selectOption("rules");
  await expect(page).toHaveURL(/\?order=rules$/);
  if (onFixture) await expect(execution).toHaveText(["User Execution", "Command and Scripting Interpreter"]);
  await order.selectOption("name");
  await expect(page).toHaveURL(/\/rule-atlas\/$/);
  // Deep links: a known order is kept, anything else is the default.
  await atlas.open("?order=rules");
  await expect(order).toHaveValue("rules");
  await atlas.open("?order=most");
  await expect(order).toHaveValue("name");
  if (onFixture) await expect(execution.first()).toHaveText("Command and Scripting Interpreter");
});

test("tactics and data components by their ATT&CK names", async ({ page }) => {
  test.skip(!onFixture, "the fixture's tags and events");
  const atlas = new AtlasPage(page);
  // Tagged by shortname, by ID, and with a tag ATT&CK does not know.
  await atlas.open("rule/fx-mshta-word");
  await expect(fact(page, "dl.rule-facts", "Tactics")).toHaveText("Execution, Defense Evasion, impact");
  await atlas.open("technique/T1218.005");
  await expect(fact(page, "dl.facts", "Tactics")).toHaveText("Defense Evasion");
  await atlas.open("event/sysmon-1");
  const techniques = page.locator("table.event-techniques tbody tr");
  await expect(techniques.filter({ hasText: "User Execution" }).locator("td.detail")).toHaveText("Execution");
  // Per-call events name their data components; an unknown one by its ID.
  await atlas.open("event/sysmon");
  const children = page.locator("table.event-children tbody tr");
  await expect(children.filter({ hasText: "Process creation" }).locator("td.detail")).toHaveText("Process Creation");
  await expect(children.filter({ hasText: "File created" }).locator("td.detail")).toHaveText("File Creation, DC9999");
});

test("an operator read from the URL", async ({ page }) => {
  const atlas = new AtlasPage(page);
  await atlas.open("rules?field=process.name&op=eq&value=mshta.exe");
  await expect(atlas.heading).toContainText("look for process.name eq mshta.exe");
  if (onFixture) await expect(atlas.heading).toHaveText("4 rules in the catalog look for process.name eq mshta.exe");
  await atlas.open("rules?field=process.name&op=EQ&value=mshta.exe");
  await expect(page.locator("main p.empty")).toHaveText("“EQ” is not an operator of the catalog.");
});

test("severities sort on one scale", async ({ page }) => {
  test.skip(!onFixture, "the fixture's severities");
  const atlas = new AtlasPage(page);
  await atlas.open("rules?field=process.command_line");
  await expect(atlas.heading).toHaveText("5 rules in the catalog test process.command_line");
  const severities = page.locator("table.rules tbody td:nth-child(4)");
  const header = page.getByRole("button", { name: "Severity" });
  await header.click();
  await expect(severities).toHaveText(["critical", "high", "high", "Medium", "informational"]);
  await header.click();
  await expect(severities).toHaveText(["informational", "Medium", "high", "high", "critical"]);
});
