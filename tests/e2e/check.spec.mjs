// The checker (/check, issue #14): rules pasted from each vendor show their
// trees, indicators and guide comparison; a shared link reopens the check;
// bad input shows diagnostics pointing into the text, never a blank view;
// the tree is exactly what `rule-atlas explain` prints for the same file;
// and the other views load none of the checker's code.
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { expect, test } from "@playwright/test";
import { AtlasPage, onFixture } from "./pages/atlas-page.mjs";

const ROOT = new URL("../..", import.meta.url).pathname;
const FIXTURES = join(ROOT, "crates/builder/tests/fixtures");
/** The builder binary that `explain`s (scripts/test-app.sh builds it). */
const EXPLAIN = process.env.RULE_ATLAS_BIN ?? join(ROOT, "target/release/rule-atlas");
/** The rule corpus, for the corpus run's sample. */
const CORPUS = resolve(ROOT, process.env.RULE_ATLAS_CORPUS || "../shared/corpus");
/** What the checker's code is served as: none of it may load outside /check. */
const CHECKER_FILES = /atlas-checker|checker-worker|checker-page|macros\.json/;

const fixture = (path) => readFileSync(join(FIXTURES, path), "utf8");
const SIGMA = "sigma/rules/windows/proc_creation_win_fixture_mshta_remote.yml";
const ELASTIC = "elastic/rules/windows/execution_fixture_kql_filters.toml";
const SPLUNK = "splunk/detections/endpoint/suspicious_mshta_spawn.yml";

class Checker {
  constructor(page) {
    this.page = page;
    this.editor = page.getByRole("textbox", { name: "Rule text" });
    this.language = page.getByRole("combobox", { name: "Language" });
    this.answer = page.locator(".check-answer");
    this.summary = page.locator(".check-summary");
    this.rules = page.locator("section.checked-rule");
    this.trees = page.locator(".check-tree");
    this.diagnostics = page.locator("ul.diagnostics li");
  }

  async open(path = "check") {
    await this.page.goto(path);
    await expect(this.editor).toBeVisible();
  }

  /** Puts text into the editor as a paste does, and waits for its answer. */
  async paste(text) {
    const before = await this.seq();
    await this.editor.fill(text);
    await expect.poll(() => this.seq(), { timeout: 20_000 }).toBeGreaterThan(before);
  }

  async seq() {
    const seq = await this.answer.getAttribute("data-seq", { timeout: 100 }).catch(() => null);
    return Number(seq ?? 0);
  }

  /** The trees shown, as `explain` prints them (JSON). */
  async logic() {
    const attributes = await this.trees.evaluateAll((trees) => trees.map((t) => t.dataset.logic));
    return attributes.map((json) => (json ? JSON.parse(json) : null));
  }
}

/** `rule-atlas explain` of files: their rules' trees by file, in order. */
function explain(files) {
  expect(existsSync(EXPLAIN), `${EXPLAIN} (cargo build --release -p atlas-builder)`).toBe(true);
  const lines = execFileSync(EXPLAIN, ["explain", ...files], { encoding: "utf8", maxBuffer: 64 << 20 })
    .split("\n")
    .filter(Boolean)
    .map((line) => JSON.parse(line));
  const byFile = new Map(files.map((f) => [f, []]));
  for (const line of lines) if (line.id) byFile.get(line.file).push(line.logic ?? null);
  return byFile;
}

/** Rule files under a folder (not macro definitions), sorted. */
function ruleFiles(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) {
      if (name !== "macros") out.push(...ruleFiles(path));
    } else if (/\.(ya?ml|toml)$/.test(name)) out.push(path);
  }
  return out.sort();
}

/** Pastes each file and compares the trees with explain's. */
async function sameAsExplain(page, files) {
  const checker = new Checker(page);
  await checker.open();
  const explained = explain(files);
  let compared = 0;
  for (const file of files) {
    const trees = explained.get(file);
    if (trees.length === 0) continue;
    await checker.paste(readFileSync(file, "utf8"));
    expect(await checker.logic(), relative(ROOT, file)).toEqual(trees);
    compared += 1;
  }
  return compared;
}

test("a pasted Sigma rule: its tree, indicators, guide comparison and similar rules", async ({ page }) => {
  const checker = new Checker(page);
  await checker.open();
  await checker.paste(fixture(SIGMA));
  await expect(checker.summary).toContainText("Read as Sigma rule · 1 rule");
  const rule = checker.rules.first();
  await expect(rule.locator("h2")).toHaveText("Fixture: Mshta Started From an Office Document");
  await expect(rule.locator(".status")).toHaveText("parse: parsed");
  await expect(rule.locator(".predicate .test").first()).toBeVisible();
  const indicators = rule.locator("section.keys").first();
  await expect(indicators.locator("tr", { hasText: "mshta.exe" }).first()).toBeVisible();
  // One comparison per tagged technique, the draft's rows marked.
  const guides = rule.locator(".guide-check");
  await expect(guides).toHaveCount(2);
  await expect(guides.first()).toHaveAttribute("data-technique", "T1218.005");
  await expect(guides.nth(1)).toHaveAttribute("data-technique", "T1204.002");
  await expect(guides.nth(1).locator(".indicators li.used", { hasText: "process.name eq mshta.exe" })).toBeVisible();
  await expect(rule.locator("ol.similar-rules li").first()).toBeVisible();
  if (onFixture) {
    await expect(guides.nth(1).locator("h4")).toContainText("guide of 3 rules");
    await expect(guides.nth(1).locator(".fields li").first()).toHaveClass("used");
    // The fixture's mshta rules, each linked to its page, with what they share.
    const similar = rule.locator("ol.similar-rules li");
    await expect(similar.first().locator("a")).toHaveAttribute("href", /\/rule-atlas\/rule\/fx-/);
    await expect(similar.filter({ hasText: "Mshta Spawned by Word" })).toContainText("process.name eq mshta.exe");
    // A technique chosen by hand replaces the tagged ones.
    await page.getByRole("textbox", { name: "Technique to compare with" }).fill("T1059");
    await expect(guides).toHaveCount(1);
    await expect(guides.first()).toHaveAttribute("data-technique", "T1059");
    // The draft filters process.command_line and process.name, the two
    // fields T1059's guide lists; none of its top values or exclusions.
    await expect(guides.first().locator(".fields li.used")).toHaveCount(2);
    await expect(guides.first().locator(".indicators li.used")).toHaveCount(0);
  }
});

test("a pasted Elastic rule and a Splunk detection with the catalog's macros", async ({ page }) => {
  const checker = new Checker(page);
  await checker.open();
  await checker.paste(fixture(ELASTIC));
  await expect(checker.summary).toContainText("Read as Elastic rule (TOML) · 1 rule");
  await expect(checker.rules.first().locator(".predicate .test").first()).toBeVisible();
  await expect(checker.rules.first().locator(".guide-check").first()).toHaveAttribute("data-technique", "T1059");

  await checker.paste(fixture(SPLUNK));
  await expect(checker.summary).toContainText("Read as Splunk detection (YAML) · 1 rule");
  const rule = checker.rules.first();
  // `process_mshta` comes from catalog/macros.json: nothing is left undefined.
  await expect(rule.locator(".status")).toHaveText("parse: parsed");
  await expect(rule.locator(".predicate")).toContainText("mshta.exe");
  await expect(page.locator(".check-note")).toHaveCount(0);
  await expect(rule.locator(".guide-check")).toHaveAttribute("data-technique", "T1218.005");
});

test("a shared link reopens the check, and the language is part of it", async ({ page, context }) => {
  const checker = new Checker(page);
  await checker.open();
  await checker.language.selectOption("eql");
  const query = 'process where process.name == "mshta.exe" and\n  process.parent.name : ("winword.exe", "excel.exe")';
  await checker.paste(query);
  await expect(checker.summary).toContainText("Read as EQL query");
  // The address takes the text without a navigation: one history entry.
  await expect(page).toHaveURL(/\/rule-atlas\/check#v1\.eql\.[A-Za-z0-9_-]+$/);
  const link = page.url();
  const tree = await checker.logic();
  const other = new Checker(await context.newPage());
  await other.open(link);
  await expect(other.editor).toHaveValue(query);
  await expect(other.language).toHaveValue("eql");
  await expect(other.summary).toContainText("Read as EQL query");
  expect(await other.logic()).toEqual(tree);
  // The fragment never reaches the server.
  const requested = [];
  other.page.on("request", (request) => requested.push(request.url()));
  await other.page.reload();
  await expect(other.editor).toHaveValue(query);
  expect(requested.filter((url) => url.includes("#"))).toEqual([]);
});

test("bad input shows diagnostics pointing into the text, never a blank view", async ({ page }) => {
  const checker = new Checker(page);
  await checker.open();
  await checker.language.selectOption("kql");
  await checker.paste('process.name : "mshta.exe" and\n  (process.parent.name : "winword.exe"');
  await expect(checker.rules.first().locator(".status")).toHaveText("parse: error");
  const diagnostic = checker.diagnostics.first();
  await expect(diagnostic).toHaveClass(/error/);
  await expect(diagnostic.locator(".category")).toHaveText("KQL syntax error");
  await expect(diagnostic.locator("button.place")).toHaveText(/^line 2, column \d+$/);
  await expect(diagnostic.locator(".excerpt")).toContainText('(process.parent.name : "winword.exe"');
  await expect(diagnostic.locator(".excerpt")).toContainText("^");
  // The place selects that spot in the editor.
  await diagnostic.locator("button.place").click();
  const [start, line] = await checker.editor.evaluate((area) => [
    area.selectionStart,
    area.value.slice(0, area.selectionStart).split("\n").length,
  ]);
  expect(start).toBeGreaterThan(0);
  expect(line).toBe(2);

  // Not YAML at all, as a Sigma rule.
  await checker.language.selectOption("sigma");
  await checker.paste("title: [unclosed\ndetection: {");
  await expect(checker.diagnostics.first()).toContainText("YAML");
  await expect(checker.diagnostics.first().locator("button.place")).toBeVisible();
  // Text that is no rule.
  await checker.language.selectOption("auto");
  await checker.paste("owner: someone\n");
  await expect(page.locator(".check-answer")).not.toBeEmpty();
  // A damaged link says so, opened anew or pasted into the address bar of
  // the open checker (only the fragment changes).
  await page.goto("technique/T1204");
  await checker.open("check#v1.kql.!!!");
  await expect(page.locator(".check-error")).toContainText("the link is damaged");
  await checker.open("check#v9.kql.abc");
  await expect(page.locator(".check-error")).toContainText("not a checker link");
});

test("a rule page opens its rule in the checker", async ({ page }) => {
  const atlas = new AtlasPage(page);
  const checker = new Checker(page);
  await atlas.open("rule/fx-mshta-word");
  test.skip(!onFixture, "the fixture's rule");
  await page.getByRole("link", { name: "Open in checker" }).click();
  await expect(page).toHaveURL(/\/check\?rule=fx-mshta-word$/);
  await expect(checker.editor).toHaveValue(/^title: Mshta Spawned by Word\n/);
  await expect(checker.answer).toBeVisible();
  await expect(page).toHaveURL(/\/check#v1\.auto\./);
  // The navigation bar leads back to an empty checker.
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Check a rule" }).click();
  await expect(page).toHaveURL(/\/check$/);
});

test("the other views load none of the checker's code", async ({ page }) => {
  const requested = [];
  page.on("request", (request) => requested.push(new URL(request.url()).pathname));
  const atlas = new AtlasPage(page);
  const rule = onFixture ? "fx-mshta-word" : null;
  for (const path of ["", "technique/T1204", "technique/T1204/guide", "event/sysmon-1", ...(rule ? [`rule/${rule}`] : [])]) {
    await atlas.open(path);
    await atlas.ready();
    await expect(atlas.heading).toBeVisible();
  }
  await page.waitForLoadState("networkidle");
  expect(requested.filter((path) => CHECKER_FILES.test(path))).toEqual([]);
  // And /check does load it.
  await page.getByRole("link", { name: "Check a rule" }).click();
  await expect(page.getByRole("textbox", { name: "Rule text" })).toBeVisible();
  await expect.poll(() => requested.filter((path) => CHECKER_FILES.test(path)).length).toBeGreaterThanOrEqual(3);
});

test("a checker that cannot be loaded says so, and the rest of the app works", async ({ page }) => {
  const atlas = new AtlasPage(page);
  await page.route("**/atlas-checker_bg.wasm", (route) => route.fulfill({ status: 404, body: "Not found" }));
  await atlas.open("check");
  await expect(page.locator(".check-page")).toContainText("The checker could not be loaded");
  await page.unroute("**/atlas-checker_bg.wasm");
  await page.route("**/atlas-checker.js", (route) => route.fulfill({ status: 404, body: "Not found" }));
  await atlas.open("check");
  await expect(page.locator(".check-page")).toContainText(/The checker could not be loaded: .*atlas-checker\.js did not load/);
  await page.getByRole("link", { name: "ATT&CK coverage" }).click();
  await expect(atlas.heading).toBeVisible();
});

test("the fixture rules' trees are explain's", async ({ page }) => {
  test.skip(!onFixture, "the builder's fixture rules, once");
  test.setTimeout(120_000);
  const files = ["sigma", "elastic", "splunk"].flatMap((vendor) => ruleFiles(join(FIXTURES, vendor)));
  expect(await sameAsExplain(page, files)).toBeGreaterThanOrEqual(15);
});

test("corpus rules' trees are explain's, five per vendor", async ({ page }) => {
  test.skip(onFixture || !existsSync(join(CORPUS, "sigma")), "a corpus run");
  test.setTimeout(120_000);
  const folders = { sigma: "sigma/rules", elastic: "elastic/rules", splunk: "splunk/detections" };
  for (const [vendor, folder] of Object.entries(folders)) {
    const all = ruleFiles(join(CORPUS, folder)).filter((f) => !/deprecated/.test(f));
    const step = Math.floor(all.length / 5);
    const sample = [0, 1, 2, 3, 4].map((i) => all[i * step + 7]);
    expect(await sameAsExplain(page, sample), vendor).toBe(5);
  }
});

test("indicators too common to tell much alone are flagged", async ({ page }) => {
  test.skip(onFixture, "needs a catalog where some test is common");
  const checker = new Checker(page);
  await checker.open();
  await checker.language.selectOption("eql");
  await checker.paste('process where process.name == "cmd.exe" and process.command_line : "*whoami*"');
  const row = checker.rules.first().locator("section.keys").first().locator("tr", { hasText: "event.category" });
  await expect(row.locator(".flag.common")).toHaveText("common: noisy on its own");
  const rare = checker.rules.first().locator("section.keys").first().locator("tr", { hasText: "whoami" });
  await expect(rare.locator(".flag.common")).toHaveCount(0);
});
