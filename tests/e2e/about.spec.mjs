// Where the catalog comes from (issue #13): the demo catalog says what it is
// on every page; the footer names each source at its commit, linked
// upstream, and the about view lists sources, commits, dates and ATT&CK.
// Each test serves a modified copy of the fixture catalog.
import { readFileSync } from "node:fs";
import { expect, test } from "@playwright/test";
import { AtlasPage, onFixture } from "./pages/atlas-page.mjs";

test.skip(!onFixture, "serves modified copies of the fixture catalog");

const FIXTURE = new URL("./fixtures/catalog/catalog.json", import.meta.url);
const COMMIT = "c5e6d0ecd5a08bee5d5b7042a0de8368d8ef838f";

function fixture() {
  return JSON.parse(readFileSync(FIXTURE, "utf8"));
}

async function serveCatalog(page, catalog) {
  const body = JSON.stringify(catalog);
  await page.route("**/catalog/catalog.json", (route) => route.fulfill({ contentType: "application/json", body }));
}

test("the demo catalog says what it is and how to build the real atlas", async ({ page }) => {
  const catalog = { ...fixture(), demo: true };
  await serveCatalog(page, catalog);
  const atlas = new AtlasPage(page);
  for (const path of ["", "technique/T1204"]) {
    await atlas.open(path);
    await atlas.ready();
    const banner = page.locator(".demo-banner");
    await expect(banner).toContainText(`Demo catalog: ${catalog.rules.length} test rules`);
    await expect(banner).toContainText("scripts/serve.sh");
  }
});

test("a catalog of the public repositories has no banner", async ({ page }) => {
  await serveCatalog(page, { ...fixture(), demo: false });
  const atlas = new AtlasPage(page);
  await atlas.open("");
  await atlas.ready();
  await expect(page.locator(".demo-banner")).toHaveCount(0);
});

test("the footer and the about view link each source's commit", async ({ page }) => {
  const catalog = fixture();
  catalog.sources = [
    {
      vendor: "sigma",
      repository: "https://github.com/SigmaHQ/sigma",
      revision: "master",
      rules: 3667,
      commit: COMMIT,
      committed: "2026-11-30T09:12:44+01:00",
    },
    { vendor: "splunk", repository: "https://github.com/splunk/security_content", revision: "develop", rules: 5 },
  ];
  catalog.attack = { ...catalog.attack, version: "18.1", date: "2025-10-28" };
  await serveCatalog(page, catalog);
  const atlas = new AtlasPage(page);
  await atlas.open("");
  await atlas.ready();
  const footer = page.locator("footer.bottom");
  await expect(footer).toContainText("Sigma 3667 rules @ c5e6d0e");
  await expect(footer.getByRole("link", { name: "c5e6d0e" })).toHaveAttribute(
    "href",
    `https://github.com/SigmaHQ/sigma/commit/${COMMIT}`,
  );
  await expect(footer).toContainText("Splunk 5 rules (develop)");
  await expect(footer).toContainText("ATT&CK 18.1");

  await footer.getByRole("link", { name: "About this catalog" }).click();
  await expect(atlas.heading).toHaveText("About this catalog");
  const sigma = page.locator("table.sources tr", { hasText: "Sigma" });
  await expect(sigma).toContainText("2026-11-30");
  await expect(sigma.getByRole("link", { name: "c5e6d0ecd5a0" })).toHaveAttribute("href", /\/commit\/c5e6d0ec/);
  await expect(page.locator("section.about")).toContainText("ATT&CK 18.1 (released 2025-10-28)");
  await expect(page).toHaveTitle(/About this catalog/);
});
