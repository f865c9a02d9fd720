// Hosting: the app lives under a sub-path (/rule-atlas/, as a GitHub Pages
// project site) and works on a plain file server without a 404 fallback
// through hash links (#/technique/T1204), which index.html turns into paths.
import { expect, test } from "@playwright/test";
import { PLAIN_PORT } from "./playwright.config.mjs";
import { AtlasPage } from "./pages/atlas-page.mjs";

const plain = `http://127.0.0.1:${PLAIN_PORT}/rule-atlas/`;

test("a hash link on a plain file server", async ({ page }) => {
  const atlas = new AtlasPage(page);
  await page.goto(`${plain}#/technique/T1204/guide`);
  await expect(page).toHaveURL(`${plain}technique/T1204/guide`);
  await expect(page.locator("section#indicators h3")).toContainText("Top indicator values");
  // In-app links keep working there (client-side navigation, no request).
  await page.locator(".back-to a").click();
  await expect(atlas.heading).toContainText("User Execution");
});

test("the plain server has no fallback for a path", async ({ request }) => {
  const response = await request.get(`${plain}technique/T1204`);
  expect(response.status()).toBe(404);
});

test("links and assets stay under the sub-path", async ({ page }) => {
  const outside = [];
  page.on("request", (r) => {
    const url = new URL(r.url());
    if (url.hostname === "127.0.0.1" && !url.pathname.startsWith("/rule-atlas/")) outside.push(url.pathname);
  });
  const atlas = new AtlasPage(page);
  await atlas.open("technique/T1204");
  await expect(atlas.heading).toContainText("User Execution");
  await expect(page.locator("header .brand")).toHaveAttribute("href", "/rule-atlas/");
  expect(outside).toEqual([]);
});
