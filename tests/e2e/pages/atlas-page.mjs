// Page object for the Rule Atlas app: where things are on each view, so the
// specs read as journeys rather than selectors.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { expect } from "@playwright/test";

/** The catalog under test, read by the tests to pick ids and expectations. */
export function loadCatalog() {
  const dir = process.env.ATLAS_E2E_CATALOG ?? new URL("../fixtures/catalog", import.meta.url).pathname;
  return JSON.parse(readFileSync(join(dir, "catalog.json"), "utf8"));
}

/** Whether the tests run on the fixture catalog (exact counts are checked). */
export const onFixture = !process.env.ATLAS_E2E_CATALOG;

export class AtlasPage {
  /** @param {import('@playwright/test').Page} page */
  constructor(page) {
    this.page = page;
    this.heading = page.locator("main h1");
    this.loading = page.locator("main .loading");
    this.error = page.locator(".load-error");
    this.notFound = page.locator(".not-found");
    this.search = page.getByRole("searchbox", { name: "Search techniques and rules" });
    this.searchResults = page.locator(".search-results");
    this.matrix = page.locator(".matrix");
    this.eventInput = page.getByRole("combobox", { name: "Event" });
    this.eventNote = page.locator(".event-note");
    this.summary = page.locator("p.summary");
  }

  /** The technique page's "Events covered" table. */
  eventsCovered() {
    return this.page.locator("table.events-covered");
  }

  /** A table of rules per vendor on the event page: event-children, event-techniques. */
  countTable(name) {
    return this.page.locator(`table.${name}`);
  }

  /** Opens a path relative to the app's base, e.g. `technique/T1204`. */
  async open(path) {
    await this.page.goto(path);
  }

  /** Waits until the catalog has loaded and a view (or an error) is shown. */
  async ready() {
    await expect(this.loading).toHaveCount(0);
  }

  /** The matrix cell link of a technique, by its name. */
  cell(name) {
    return this.matrix.locator(".cell-head a", { has: this.page.locator(".name", { hasText: name }) }).first();
  }

  /** A cell's tallies (per-vendor counts). */
  cellTallies(name) {
    const name_ = this.page.locator(".cell-head .name", { hasText: name });
    return this.matrix.locator(".cell", { has: name_ }).first().locator(".cell-meta .tally");
  }

  vendorToggle(label) {
    return this.page.getByRole("button", { name: label, exact: true });
  }

  /** Heading of a vendor group on a technique page ("Sigma 2 rules"). */
  vendorGroup(label) {
    return this.page.locator("h3.vendor-group", { hasText: label });
  }

  /** The rule links under a technique. */
  ruleLinks() {
    return this.page.locator(".technique-rules .rule-list a.title");
  }

  /** A guide table section by its id: fields, indicators, exclusions. */
  guideSection(id) {
    return this.page.locator(`section#${id}`);
  }

  /** Body rows of the first table in a locator. */
  rows(container) {
    return container.locator("table tbody tr");
  }

  /** The app's path below the base (`technique/T1204`). */
  path() {
    const url = new URL(this.page.url());
    return url.pathname.replace(/^\/rule-atlas\//, "") + url.search;
  }
}
