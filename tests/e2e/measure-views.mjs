// Interactions measured in headless Chromium for docs/app.md, after the cold
// links of measure.mjs: a keystroke in the value search, and a switch from
// one technique to another inside the app. Each is timed from the event to
// the new content in the DOM, and to the frame after it; medians.

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/**
 * Runs `act` in the page and waits until `done()` holds after a DOM change:
 * [ms to the change, ms to the next frame].
 */
async function timed(page, act, done, arg) {
  return page.evaluate(
    async ({ act, done, arg }) => {
      const run = new Function("arg", act);
      const check = new Function("arg", done);
      return await new Promise((resolve, reject) => {
        const started = performance.now();
        const timer = setTimeout(() => reject(new Error("no update within 10 s")), 10_000);
        const observer = new MutationObserver(() => {
          if (!check(arg)) return;
          observer.disconnect();
          clearTimeout(timer);
          const updated = performance.now() - started;
          requestAnimationFrame(() => resolve([updated, performance.now() - started]));
        });
        observer.observe(document.querySelector("main"), { subtree: true, childList: true, attributes: true, characterData: true });
        run(arg);
      });
    },
    { act, done, arg }
  );
}

/** Keystrokes in the value search: each query typed as one input event. */
export async function measureValueSearch(browser, base, queries) {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(base + "values");
  await page.waitForSelector("#value-input");
  // The index is built once the page is up; the first search waits for it.
  const firstMs = await timed(page, setValue, shows, "ms");
  const rows = [];
  for (const query of queries) {
    const samples = [];
    for (let i = 0; i < 5; i++) {
      await timed(page, setValue, shows, "");
      samples.push(await timed(page, setValue, shows, query));
    }
    const total = await page.locator(".value-summary").textContent();
    rows.push({ query, domMs: median(samples.map((s) => s[0])), frameMs: median(samples.map((s) => s[1])), found: total });
  }
  await context.close();
  return { first: { domMs: firstMs[0], frameMs: firstMs[1] }, rows };
}

const setValue = `
  const input = document.querySelector("#value-input");
  input.value = arg;
  input.dispatchEvent(new Event("input", { bubbles: true }));`;
const shows = `
  const summary = document.querySelector(".value-summary");
  return arg === "" ? !summary : summary?.dataset.query === arg;`;

/**
 * Technique switches inside the app: from a technique to one of its
 * sub-techniques (a chip on its page) and back (the breadcrumb), each timed
 * from the click to the new heading.
 */
export async function measureTechniqueSwitch(browser, base, parent, sub) {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(base + `technique/${parent}`);
  await page.waitForSelector("h1.technique-title");
  const samples = [];
  for (let i = 0; i < 5; i++) {
    samples.push(await timed(page, click(`.subtechniques a[href$="/technique/${sub}"]`), heading, sub));
    samples.push(await timed(page, click(`.breadcrumb a[href$="/technique/${parent}"]`), heading, parent));
  }
  await context.close();
  return { from: parent, to: sub, domMs: median(samples.map((s) => s[0])), frameMs: median(samples.map((s) => s[1])) };
}

const click = (selector) => `document.querySelector(${JSON.stringify(selector)}).click();`;
const heading = `return document.querySelector("h1.technique-title .id")?.textContent === arg;`;
