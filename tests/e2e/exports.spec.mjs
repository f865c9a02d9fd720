// Exports made in the browser (#15): the matrix as filtered as an ATT&CK
// Navigator layer (format 4.5, checked against the format's required fields
// and types) and every table as CSV, downloaded from a Blob.
import { readFileSync } from "node:fs";
import { expect, test } from "@playwright/test";
import { AtlasPage, loadCatalog, onFixture } from "./pages/atlas-page.mjs";
import { layerProblems } from "./pages/navigator-layer.mjs";

const catalog = loadCatalog();

/** Clicks `button` and returns the downloaded file's name and text. */
async function downloadOf(page, button) {
  const [download] = await Promise.all([page.waitForEvent("download"), button.click()]);
  const text = readFileSync(await download.path(), "utf8");
  return { name: download.suggestedFilename(), text };
}

/** A CSV's rows (RFC 4180: quoted cells may hold commas, quotes and line breaks). */
function parseCsv(text) {
  expect(text.startsWith("\ufeff"), "a byte-order mark for spreadsheets").toBe(true);
  const rows = [[]];
  let cell = "";
  let quoted = false;
  for (let i = 1; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') (cell += '"'), i++;
      else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ",") rows.at(-1).push(cell), (cell = "");
    else if (c === "\r" && text[i + 1] === "\n") rows.at(-1).push(cell), (cell = ""), rows.push([]), i++;
    else cell += c;
  }
  expect(rows.pop(), "every row ends with CRLF").toEqual([]);
  return rows;
}

test("the matrix as a Navigator layer", async ({ page, baseURL }) => {
  const atlas = new AtlasPage(page);
  await atlas.open("");
  await atlas.ready();
  const { name, text } = await downloadOf(page, page.getByRole("button", { name: "Navigator layer ↓" }));
  expect(name).toBe("rule-atlas-navigator-layer.json");
  const layer = JSON.parse(text);
  expect(layerProblems(layer)).toEqual([]);
  expect(layer.versions).toEqual({ attack: catalog.attack.version, navigator: expect.any(String), layer: "4.5" });
  expect(layer.domain).toBe("enterprise-attack");
  // Every source of the catalog is named in the metadata.
  for (const source of catalog.sources) {
    const item = layer.metadata.find((m) => m.name === source.vendor[0].toUpperCase() + source.vendor.slice(1));
    expect(item?.value).toContain(source.repository);
  }
  const t1204 = layer.techniques.find((t) => t.techniqueID === "T1204");
  expect(t1204.links[0].url).toBe(`${baseURL}technique/T1204`);
  // Each technique once, whatever the tactics it is under.
  const ids = layer.techniques.map((t) => t.techniqueID);
  expect(new Set(ids).size).toBe(ids.length);
  if (onFixture) {
    expect(layer.name).toBe("Rule Atlas coverage");
    expect(t1204.score).toBe(4);
    expect(t1204.comment).toBe("4 rules: Sigma 2 · Elastic 1 · Splunk 1");
    expect(ids).toEqual(["T1566", "T1566.001", "T1059", "T1059.001", "T1204", "T1204.001", "T1204.002", "T1027", "T1218", "T1218.005"]);
  }
  // The layer follows the filters, a gap too.
  await atlas.open("?vendor=sigma&gap=sigma-not-splunk&platform=Windows");
  await atlas.ready();
  const filtered = JSON.parse((await downloadOf(page, page.getByRole("button", { name: "Navigator layer ↓" }))).text);
  expect(layerProblems(filtered)).toEqual([]);
  expect(filtered.name).toBe("Rule Atlas coverage: Sigma · platform Windows · techniques covered by Sigma, not by Splunk");
  expect(filtered.filters).toEqual({ platforms: ["Windows"] });
  expect(filtered.links[0].url).toBe(`${baseURL}?vendor=sigma&gap=sigma-not-splunk&platform=Windows`);
  for (const t of filtered.techniques.filter((t) => t.score !== undefined)) expect(t.comment).not.toContain("Splunk");
  if (onFixture) expect(filtered.techniques.map((t) => t.techniqueID)).toEqual(["T1059", "T1059.001", "T1218", "T1218.005"]);
});

test("the matrix as CSV", async ({ page }) => {
  const atlas = new AtlasPage(page);
  await atlas.open("?gap=none");
  await atlas.ready();
  const { name, text } = await downloadOf(page, page.getByRole("button", { name: "Download the matrix as CSV" }));
  expect(name).toBe("rule-atlas-coverage.csv");
  const rows = parseCsv(text);
  expect(rows[0]).toEqual(["Tactic", "Technique", "Name", "Sub-technique of", "Sigma", "Elastic", "Splunk", "Total", "In gap"]);
  for (const row of rows.slice(1)) expect(row).toHaveLength(9);
  if (onFixture) {
    expect(rows.slice(1).map((r) => `${r[1]} ${r[8]}`)).toEqual(["T1566 yes", "T1566.001 yes", "T1204 no", "T1204.001 yes", "T1027 yes"]);
  }
});

test("guide tables, rule lists and event tables as CSV", async ({ page }) => {
  const atlas = new AtlasPage(page);
  await atlas.open("technique/T1204/guide");
  const indicators = atlas.guideSection("indicators");
  await expect(atlas.rows(indicators).first()).toBeVisible();
  const values = await downloadOf(page, indicators.getByRole("button", { name: "Download the top indicator values as CSV" }));
  expect(values.name).toBe("rule-atlas-t1204-indicators.csv");
  const rows = parseCsv(values.text);
  expect(rows[0]).toEqual(["Field", "Operator", "Value", "Rules", "Corpus reach"]);
  // As many rows as the guide has triples (the page shows its count).
  const distinct = Number((await indicators.locator("h3").textContent()).match(/\((\d+) distinct\)/)[1]);
  expect(rows.length - 1).toBe(distinct);
  if (onFixture) expect(rows[1]).toEqual(["process.name", "eq", "mshta.exe", "3", "4"]);
  const exclusions = parseCsv((await downloadOf(page, atlas.guideSection("exclusions").getByRole("button", { name: /as CSV/ }))).text);
  if (onFixture) expect(exclusions[2]).toEqual(["process.command_line", "wildcard", "*\\teams\\\\*", "1", "1"]);
  const fields = parseCsv((await downloadOf(page, atlas.guideSection("fields").getByRole("button", { name: /as CSV/ }))).text);
  expect(fields[0]).toEqual(["Field", "Written as", "Rules", "How", "Sample values"]);

  // The technique page: its summary's CSV holds every row, and its rules.
  await atlas.open("technique/T1204");
  const summary = page.locator(".guide-summary");
  const all = parseCsv((await downloadOf(page, summary.getByRole("button", { name: "Download the top indicator values as CSV" }))).text);
  expect(all.length - 1).toBe(distinct);
  const rules = await downloadOf(page, page.getByRole("button", { name: "Download the rules under this technique as CSV" }));
  expect(rules.name).toBe("rule-atlas-t1204-rules.csv");
  const ruleRows = parseCsv(rules.text);
  expect(ruleRows[0]).toEqual(["Id", "Title", "Vendor", "Techniques", "Severity", "Parse status", "Path", "Upstream"]);
  expect(ruleRows.length - 1).toBe(await atlas.ruleLinks().count());
  const events = parseCsv((await downloadOf(page, page.getByRole("button", { name: "Download the events table as CSV" }))).text);
  expect(events[0]).toEqual(["Event", "Id", "Source", "Sigma", "Elastic", "Splunk", "Total"]);
  if (onFixture) expect(events[1]).toEqual(["Process creation", "1", "Sysmon", "1", "1", "1", "3"]);

  // The rules behind a guide row.
  await atlas.open("rules?field=process.name&op=eq&value=mshta.exe");
  const behind = parseCsv((await downloadOf(page, page.getByRole("button", { name: "Download the rules as CSV" }))).text);
  await expect(page.locator("table.rules tbody tr")).toHaveCount(Math.min(behind.length - 1, 100));
  if (onFixture) expect(behind.slice(1).map((r) => r[0])).toEqual(["fx-mshta-word", "fx-hta-office", "fx-mshta-child", "fx-mshta-anywhere"]);
});
