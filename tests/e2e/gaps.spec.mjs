// Coverage gaps on the matrix (#15): techniques covered by one vendor only,
// by none, or by one vendor and not another, chosen in the toolbar and kept
// in the URL like the other filters.
import { expect, test } from "@playwright/test";
import { AtlasPage, onFixture } from "./pages/atlas-page.mjs";

/** The cells shown: in the gap themselves, or listed for their sub-techniques. */
const inGap = (page) => page.locator(".matrix .cell:not(.outside-gap)");

test("a gap chosen in the toolbar lives in the URL", async ({ page }) => {
  const atlas = new AtlasPage(page);
  await atlas.open("");
  await atlas.ready();
  const gaps = page.getByRole("combobox", { name: "Gaps" });
  await gaps.selectOption({ label: "covered by Sigma, not by Splunk" });
  await expect(page).toHaveURL(/\?gap=sigma-not-splunk$/);
  await expect(atlas.summary).toContainText("covered by Sigma, not by Splunk");
  // Every cell in the gap has a Sigma rule and no Splunk rule.
  const cells = inGap(page);
  const n = await cells.count();
  for (let i = 0; i < Math.min(n, 40); i++) {
    await expect(cells.nth(i).locator(".cell-meta .tally.vendor-sigma")).toHaveCount(1);
    await expect(cells.nth(i).locator(".cell-meta .tally.vendor-splunk")).toHaveCount(0);
  }
  if (onFixture) {
    await expect(atlas.summary).toHaveText(
      "4 techniques and sub-techniques covered by Sigma, not by Splunk · 3 rules mapped to the techniques shown"
    );
    await expect(page.locator(".matrix .cell .cell-head .name")).toHaveText(["Command and Scripting Interpreter", "System Binary Proxy Execution"]);
    // Sub-techniques in the gap are listed at once.
    await expect(page.locator(".matrix .subs .name")).toHaveText(["PowerShell", "Mshta"]);
  }
  await gaps.selectOption({ label: "every technique" });
  await expect(page).toHaveURL(/\/rule-atlas\/$/);
  await expect(atlas.summary).toContainText("techniques have at least one rule");
});

test("techniques no vendor covers, from a cold link", async ({ page }) => {
  const atlas = new AtlasPage(page);
  await atlas.open("?gap=none");
  await expect(page.getByRole("combobox", { name: "Gaps" })).toHaveValue("none");
  await expect(atlas.summary).toContainText("covered by no vendor");
  // Cells in the gap have no rule at all.
  await expect(inGap(page).locator(".cell-meta .tally")).toHaveCount(0);
  if (!onFixture) return;
  await expect(inGap(page).locator(".cell-head .name")).toHaveText(["Phishing", "Obfuscated Files or Information"]);
  // User Execution is covered, its Malicious Link is not: the cell shows,
  // marked as outside the gap, and lists that sub-technique only.
  const userExecution = page.locator(".matrix .cell.outside-gap");
  await expect(userExecution.locator(".cell-head .name")).toHaveText("User Execution");
  await expect(userExecution.locator(".subs .name")).toHaveText(["Malicious Link"]);
});

test("one vendor only, under a vendor filter", async ({ page }) => {
  const atlas = new AtlasPage(page);
  await atlas.open("?vendor=sigma,splunk&gap=single");
  await expect(atlas.summary).toContainText("covered by one vendor only");
  // Among Sigma and Splunk, each cell in the gap has exactly one of them.
  const cells = inGap(page);
  const n = await cells.count();
  for (let i = 0; i < Math.min(n, 40); i++) await expect(cells.nth(i).locator(".cell-meta .tally")).toHaveCount(1);
  if (onFixture) await expect(cells.locator(".cell-head .name")).toHaveText(["Command and Scripting Interpreter", "System Binary Proxy Execution"]);
  // An unknown gap is no gap.
  await atlas.open("?gap=sigma-not-sigma");
  await expect(atlas.summary).toContainText("techniques have at least one rule");
});
