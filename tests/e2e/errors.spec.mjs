// A catalog that cannot be used shows an error view naming what failed,
// never a blank page: a missing file, a truncated file, another format, a
// catalog written for another version.
import { expect, test } from "@playwright/test";
import { AtlasPage } from "./pages/atlas-page.mjs";

const CATALOG = "**/catalog/catalog.json";

/** Serves `body` (with `status`) instead of the catalog. */
async function serveCatalog(page, body, status = 200) {
  await page.route(CATALOG, (route) => route.fulfill({ status, contentType: "application/json", body }));
}

test("a missing catalog", async ({ page }) => {
  await serveCatalog(page, "Not found", 404);
  const atlas = new AtlasPage(page);
  await atlas.open("technique/T1204");
  await expect(atlas.error).toContainText("The catalog could not be loaded");
  await expect(atlas.error).toContainText(/catalog\/catalog\.json answered HTTP 404/);
  await expect(page).toHaveTitle(/Catalog failed to load/);
});

test("a truncated catalog", async ({ page }) => {
  await serveCatalog(page, '{"format": "rule-atlas-catalog", "version": 1, "rules": [');
  const atlas = new AtlasPage(page);
  await atlas.open("");
  await expect(atlas.error).toContainText("is not valid JSON");
});

test("a file of another format", async ({ page }) => {
  await serveCatalog(page, '{"type": "bundle", "objects": []}');
  const atlas = new AtlasPage(page);
  await atlas.open("");
  await expect(atlas.error).toContainText('is not a Rule Atlas catalog: its format is missing, expected "rule-atlas-catalog"');
});

test("a catalog of another version", async ({ page }) => {
  await serveCatalog(page, '{"format": "rule-atlas-catalog", "version": 99, "rules": {}}');
  const atlas = new AtlasPage(page);
  await atlas.open("rule/anything");
  await expect(atlas.error).toContainText("is catalog version 99, but this app reads version 1");
});

test("the network fails", async ({ page }) => {
  await page.route(CATALOG, (route) => route.abort("connectionrefused"));
  const atlas = new AtlasPage(page);
  await atlas.open("");
  await expect(atlas.error).toContainText("could not fetch");
});
