// Measures cold deep links in headless Chromium for the README: for each
// view, a fresh browser context (empty cache) opens the link and we record
// the time until the view has rendered, and the bytes of every file it
// fetched, raw and brotli-compressed (node's zlib, quality 11, as a static
// host would serve them).
//
//   node measure.mjs [--catalog DIR] [--runs 3] [path …]
//
// Then, unless paths are given (or one of them is `check`), the checker: the
// time from a keystroke in a 200-line rule to its answer on the page.
//
// Paths are relative to the app base (default: the coverage matrix, a
// technique, its guide, and a rule under it). Needs the release build in
// ../../dist (scripts/test-app.sh builds it).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { brotliCompressSync, constants } from "node:zlib";
import { chromium } from "playwright-core";
import { startServer } from "./serve.mjs";
import { measureTechniqueSwitch, measureValueSearch } from "./measure-views.mjs";

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args.splice(i, 2)[1] : fallback;
};
const here = new URL(".", import.meta.url).pathname;
const catalogDir = option("catalog", process.env.ATLAS_E2E_CATALOG ?? join(here, "fixtures/catalog"));
const runs = Number(option("runs", "3"));

/** Default links: the matrix, T1204, its guide, and the first rule under it. */
function defaultPaths() {
  const catalog = JSON.parse(readFileSync(join(catalogDir, "catalog.json"), "utf8"));
  const rule = catalog.rules.find((r) => r.techniques.some((t) => t === "T1204" || t.startsWith("T1204.")));
  return ["", "technique/T1204", "technique/T1204/guide", ...(rule ? [`rule/${rule.id}`] : [])];
}
const paths = args.length ? args : defaultPaths();

/** When the view is rendered: its heading (or the error view) is in the DOM. */
const RENDERED = "main h1, .load-error";

const brotli = (buffer) =>
  brotliCompressSync(buffer, { params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: buffer.length } }).length;

/** Brotli sizes by URL: the catalog is the same file in every run. */
const compressed = new Map();
const brotliOf = (url, body) => {
  const key = `${url} ${body.length}`;
  if (!compressed.has(key)) compressed.set(key, brotli(body));
  return compressed.get(key);
};

async function measure(browser, url) {
  const context = await browser.newContext();
  // The page stamps the moment the view appears itself, so that the time
  // does not depend on when this script gets to look.
  await context.addInitScript((selector) => {
    new MutationObserver((_, observer) => {
      if (document.querySelector(selector)) {
        window.__renderedAt = performance.now();
        observer.disconnect();
      }
    }).observe(document, { childList: true, subtree: true });
  }, RENDERED);
  const page = await context.newPage();
  const bodies = [];
  // A preloaded response (the catalog) has no body for the page to give
  // back: fetch the same URL again for its bytes.
  const bodyOf = (response) =>
    response.body().catch(() => fetch(response.url()).then(async (r) => Buffer.from(await r.arrayBuffer())));
  page.on("response", (response) => bodies.push(bodyOf(response).then((body) => ({ url: response.url(), body }), () => null)));
  await page.goto(url, { waitUntil: "commit" });
  await page.waitForFunction(() => window.__renderedAt !== undefined, null, { timeout: 60_000 });
  const renderedMs = await page.evaluate(() => window.__renderedAt);
  // Files requested after render (a rule's detail shard) belong to the view too.
  await page.waitForLoadState("networkidle");
  const files = (await Promise.all(bodies)).filter(Boolean).map(({ url, body }) => ({ url, bytes: body.length, brotli: brotliOf(url, body) }));
  await context.close();
  return { renderedMs, files };
}

/**
 * A 200-line Sigma rule: three selections of process names and command-line
 * fragments and a filter, as long rules are written.
 */
function longRule() {
  const list = (n, f) => Array.from({ length: n }, (_, i) => `      - ${f(i)}`).join("\n");
  return [
    "title: Measured rule with long value lists",
    "id: 6c0de5a1-0000-4000-8000-000000000200",
    "status: test",
    "tags:",
    "  - attack.execution",
    "  - attack.t1059.001",
    "logsource:",
    "  category: process_creation",
    "  product: windows",
    "detection:",
    "  selection_img:",
    "    Image|endswith:",
    list(60, (i) => `'\\tool${i}.exe'`),
    "  selection_cli:",
    "    CommandLine|contains:",
    list(80, (i) => `'-switch${i} '`),
    "  filter_parent:",
    "    ParentImage|startswith:",
    list(40, (i) => `'C:\\Program Files\\Vendor${i}\\'`),
    "  condition: all of selection_* and not filter_parent",
    "level: medium",
  ].join("\n");
}

/**
 * The checker after a keystroke: a warm /check page (worker started, first
 * answer shown), then edits of a 200-line rule, each timed from the input
 * event to the new answer in the DOM and to the frame after it. Median of 9.
 */
async function measureCheck(browser, base) {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(base + "check");
  const rule = longRule();
  await page.fill("textarea.check-text", rule);
  await page.waitForSelector(".check-answer .check-tree", { timeout: 60_000 });
  const dom = [];
  const frame = [];
  for (let i = 0; i < 9; i++) {
    const [inDom, painted] = await page.evaluate(async (text) => {
      const area = document.querySelector("textarea.check-text");
      const seq = () => document.querySelector(".check-answer")?.dataset.seq;
      const before = seq();
      return await new Promise((resolve) => {
        const started = performance.now();
        const observer = new MutationObserver(() => {
          if (seq() === before) return;
          observer.disconnect();
          const updated = performance.now() - started;
          requestAnimationFrame(() => resolve([updated, performance.now() - started]));
        });
        observer.observe(document.querySelector(".check-results"), { subtree: true, childList: true, attributes: true });
        area.value = text;
        area.dispatchEvent(new Event("input", { bubbles: true }));
      });
    }, `${rule}\n# edit ${i}`);
    dom.push(inDom);
    frame.push(painted);
  }
  await context.close();
  const lines = rule.split("\n").length;
  const result = { lines, domMs: Math.round(median(dom)), frameMs: Math.round(median(frame)) };
  console.log(`/check keystroke, ${lines}-line rule: answer in the DOM in ${result.domMs} ms, painted in ${result.frameMs} ms (median of 9)`);
  return result;
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const kb = (n) => `${(n / 1024).toFixed(1)} KB`;

const { url: base, close } = await startServer({ root: join(here, "../../dist"), catalog: catalogDir, port: 0 });
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run", "--disable-sync"],
});
const results = [];
for (const path of paths) {
  const samples = [];
  for (let i = 0; i < runs; i++) samples.push(await measure(browser, base + path));
  const last = samples[samples.length - 1];
  const row = {
    link: `/${path}`,
    renderedMs: Math.round(median(samples.map((s) => s.renderedMs))),
    files: last.files.length,
    bytes: last.files.reduce((n, f) => n + f.bytes, 0),
    brotli: last.files.reduce((n, f) => n + f.brotli, 0),
    largest: [...last.files].sort((a, b) => b.bytes - a.bytes).slice(0, 3).map((f) => `${new URL(f.url).pathname.split("/").pop()} ${kb(f.bytes)} → ${kb(f.brotli)} br`),
  };
  results.push(row);
  console.log(`${row.link.padEnd(48)} rendered in ${String(row.renderedMs).padStart(5)} ms · ${row.files} files · ${kb(row.bytes)} raw · ${kb(row.brotli)} brotli`);
  for (const line of row.largest) console.log(`    ${line}`);
}
const check = paths.includes("check") || !args.length ? await measureCheck(browser, base) : null;
// Then, unless paths are given, interactions (measure-views.mjs): keystrokes
// in the value search and technique switches inside the app.
if (!args.length) {
  const queries = ["m", "ms", "msh", "mshta", "mshta.exe", "\\Temp\\", "4688", "ConsoleLogin", "process.name"];
  const values = await measureValueSearch(browser, base, queries);
  console.log(`/values first search (index built): in the DOM in ${Math.round(values.first.domMs)} ms, painted in ${Math.round(values.first.frameMs)} ms`);
  for (const row of values.rows) {
    console.log(`/values keystroke ${JSON.stringify(row.query).padEnd(16)} in the DOM in ${String(Math.round(row.domMs)).padStart(4)} ms, painted in ${String(Math.round(row.frameMs)).padStart(4)} ms · ${row.found}`);
  }
  // T1204 as the cold links; T1059, the technique with the most rules on
  // the corpus, when the catalog has it.
  const catalog = JSON.parse(readFileSync(join(catalogDir, "catalog.json"), "utf8"));
  const pairs = [["T1204", "T1204.002"], ["T1059", "T1059.001"]];
  for (const [parent, sub] of pairs.filter(([, sub]) => catalog.rules.some((r) => r.techniques.includes(sub)))) {
    const switched = await measureTechniqueSwitch(browser, base, parent, sub);
    console.log(`technique switch ${parent} ⇄ ${sub}: in the DOM in ${Math.round(switched.domMs)} ms, painted in ${Math.round(switched.frameMs)} ms (median of 10)`);
  }
}
await browser.close();
await close();
console.log(JSON.stringify({ catalog: catalogDir, runs, results, check }, null, 2));
