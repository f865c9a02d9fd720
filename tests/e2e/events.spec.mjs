// The event catalog in the app: cold links to event views (ids with spaces,
// colons and dots included), a technique's "Events covered" table, the
// event filter of the matrix, and technique → event → rule navigation.
import { expect, test } from "@playwright/test";
import { AtlasPage, loadCatalog, onFixture } from "./pages/atlas-page.mjs";

const catalog = loadCatalog();
const events = catalog.events ?? [];
const VENDORS = ["sigma", "elastic", "splunk"];

/** Rules reading an event or one of its per-call events, as the app counts them. */
function readers(id) {
  const family = new Set([id, ...events.filter((e) => e.parent === id).map((e) => e.id)]);
  return catalog.rules.filter((r) => (r.events ?? []).some((e) => family.has(e)));
}

/** Whether a rule is under a technique (sub-techniques rolled up). */
const under = (rule, id) => rule.techniques.some((t) => t === id || t.startsWith(`${id}.`));

/** Path of an event view, its id percent-encoded like the app's links. */
const eventPath = (id) => `event/${encodeURIComponent(id)}`;

/** The most-read event, and one whose id needs encoding (space and colon). */
const busiest = onFixture ? "sysmon-1" : [...events].sort((a, b) => readers(b.id).length - readers(a.id).length)[0]?.id;
const needsEncoding = (e) => / /.test(e.id) && /:/.test(e.id) && e.parent && readers(e.id).length > 0;
const oddId = (events.find((e) => needsEncoding(e) && /[./]/.test(e.id)) ?? events.find(needsEncoding))?.id;

test.skip(events.length === 0, "the catalog has no event list");

test("a cold deep link to an event", async ({ page }) => {
  const atlas = new AtlasPage(page);
  const event = events.find((e) => e.id === busiest);
  await atlas.open(eventPath(event.id));
  await expect(atlas.heading).toContainText(event.name);
  await expect(atlas.heading.locator(".id")).toHaveText(event.id);
  await expect(page).toHaveTitle(new RegExp(`${event.name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")} · `));
  await expect(page.locator(".event-facts")).toContainText(event.source);
  const n = readers(event.id).length;
  await expect(page.getByRole("heading", { name: `Rules reading this event (${n})` })).toBeVisible();
  await expect(page.locator(".event-rules table.rules tbody tr")).toHaveCount(Math.min(n, 100));
  if (event.parent) {
    const parent = events.find((e) => e.id === event.parent);
    await expect(page.locator(".breadcrumb a", { hasText: parent.name })).toHaveAttribute("href", `/rule-atlas/${eventPath(parent.id)}`);
  }
  if (!onFixture) return;
  await expect(page.locator(".event-facts")).toContainText("6 rules — Sigma 3 · Elastic 2 · Splunk 1");
  await expect(page.locator(".event-facts")).toContainText("Microsoft-Windows-Sysmon/Operational");
  // ATT&CK's data component and the log source naming Sysmon's event 1.
  await expect(page.locator(".data-components h3")).toHaveText("DC0032 Process Creation");
  await expect(page.locator(".data-components .naming")).toHaveText(/naming 1:\s*WinEventLog:Sysmon\s+EventCode=1/);
  await expect(page.locator(".data-components .prose")).toHaveText("A new process starts (fixture).");
  const all = page.locator(".data-components .all-sources");
  await expect(all.locator("summary")).toHaveText("All 3 log sources ATT&CK lists for DC0032");
  await all.locator("summary").click();
  await expect(all.locator("tbody tr")).toHaveCount(3);
  // Fields: process.name tested by all 6 rules, its operators and samples.
  const name = page.locator(".event-fields table.guide-fields tbody tr").first();
  await expect(name.locator("td").nth(0)).toHaveText("process.name");
  await expect(name.locator("td").nth(2)).toHaveText("6");
  await expect(name.locator("td.samples code")).toHaveText(["mshta.exe", "powershell.exe"]);
  await expect(page.locator("ul.carried code")).toHaveText(["process.executable", "process.name", "process.command_line"]);
  // A field the event catalog does not list for the event is marked.
  const fieldRows = page.locator(".event-fields table.guide-fields tbody tr");
  await expect(fieldRows.locator(".unlisted")).toHaveCount(1);
  await expect(fieldRows.filter({ has: page.locator(".unlisted") }).locator("a.field")).toHaveText("process.parent.name");
  // Techniques, a parent counting its sub-techniques' rules.
  const techniques = atlas.countTable("event-techniques").locator("tbody tr");
  await expect(techniques).toHaveCount(7);
  await expect(techniques.first().locator("td")).toHaveText(["User Execution T1204", "Execution", "1", "1", "1", "3"]);
});

test("an id with a colon, spaces and a dot; parents list their events", async ({ page }) => {
  test.skip(!oddId, "no event id needs encoding in this catalog");
  const atlas = new AtlasPage(page);
  const event = events.find((e) => e.id === oddId);
  await atlas.open(eventPath(event.id));
  await expect(atlas.heading.locator(".id")).toHaveText(event.id);
  await expect(page.locator(".event-rules table.rules tbody tr")).toHaveCount(Math.min(readers(event.id).length, 100));
  // The breadcrumb leads to the service-level event, which lists this one.
  const parent = events.find((e) => e.id === event.parent);
  await page.locator(".breadcrumb a", { hasText: parent.name }).click();
  await expect(page).toHaveURL(new RegExp(`/rule-atlas/${eventPath(parent.id)}$`));
  await expect(atlas.heading).toContainText(parent.name);
  const more = page.locator("section.per-call").getByRole("button", { name: /^Show all/ });
  if (await more.count()) await more.click();
  const child = atlas.countTable("event-children").locator("a", { hasText: event.name });
  await expect(child).toHaveAttribute("href", `/rule-atlas/${eventPath(event.id)}`);
  if (onFixture) {
    await atlas.open(eventPath("win-security"));
    // r8 reads the Security log itself; r1, r3, r4 its event 4688.
    await expect(page.locator(".event-facts")).toContainText("4 rules: 1 read the source as a whole, 3 one of its events");
    await expect(atlas.countTable("event-children").locator("tbody tr td")).toHaveText([
      "A new process has been created 4688", "Process Creation", "2", "0", "1", "3",
    ]);
  }
  await atlas.open("event/no-such-event");
  await expect(atlas.notFound).toContainText("No event “no-such-event” in this catalog");
  await expect(page).toHaveTitle(/Unknown event no-such-event/);
});

test("the event filter on the matrix", async ({ page }) => {
  const atlas = new AtlasPage(page);
  await atlas.open("");
  await atlas.ready();
  await atlas.eventInput.fill(busiest);
  await expect(page).toHaveURL(new RegExp(`\\?event=${encodeURIComponent(busiest)}$`));
  const reading = readers(busiest);
  const t1204 = reading.filter((r) => under(r, "T1204"));
  const expected = VENDORS.map((v) => t1204.filter((r) => r.vendor === v).length).filter((n) => n > 0).map(String);
  await expect(atlas.cellTallies("User Execution")).toHaveText(expected);
  await expect(atlas.eventNote).toContainText(`Counting only the ${reading.length} rules that read`);
  if (onFixture) {
    await expect(atlas.cellTallies("User Execution")).toHaveText(["1", "1", "1"]);
    await expect(atlas.summary).toHaveText("3 of 5 techniques have at least one rule · 5 rules mapped to them");
    // A cold link with a service-level event: its own readers and its events'.
    await atlas.open("?event=win-security");
    await expect(atlas.cellTallies("User Execution")).toHaveText(["1", "1"]);
    await expect(atlas.eventInput).toHaveValue("win-security");
    await atlas.open("?event=nope");
    await expect(atlas.eventNote).toContainText("No event “nope” in this catalog");
    await expect(atlas.summary).toHaveText("0 of 5 techniques have at least one rule · 0 rules mapped to them");
  }
  // The note links to the event; the button shows every rule again.
  await atlas.open(`?event=${encodeURIComponent(busiest)}`);
  await atlas.eventNote.getByRole("button", { name: "Show every rule" }).click();
  await expect(page).toHaveURL(/\/rule-atlas\/$/);
  await expect(atlas.eventNote).toHaveCount(0);
});

test("technique → event → rule, and an event's fields to their rules", async ({ page }) => {
  const atlas = new AtlasPage(page);
  await atlas.open("technique/T1204");
  const t1204 = catalog.rules.filter((r) => under(r, "T1204"));
  const distinct = new Set(t1204.flatMap((r) => r.events ?? []).filter((id) => events.some((e) => e.id === id)));
  await expect(page.locator(".events-summary")).toHaveText(`${distinct.size} catalog events are tagged with this technique by at least one rule.`);
  const rows = atlas.eventsCovered().locator("tbody tr");
  if (onFixture) {
    await expect(rows).toHaveCount(3);
    await expect(rows.nth(0).locator("td")).toHaveText(["Process creation 1", "Sysmon", "1", "1", "1", "3"]);
    await expect(rows.nth(1).locator("td")).toHaveText(["A new process has been created 4688", "Windows Security", "1", "0", "1", "2"]);
    await expect(rows.nth(2).locator("td")).toHaveText(["File created 11", "Sysmon", "1", "0", "0", "1"]);
  }
  const link = rows.first().locator("td.name a");
  const name = await link.textContent();
  const total = await rows.first().locator("td.total").textContent();
  const href = await link.getAttribute("href");
  const event = events.find((e) => href === `/rule-atlas/${eventPath(e.id)}`);
  await link.click();
  await expect(page).toHaveURL(/\/rule-atlas\/event\//);
  await expect(atlas.heading).toContainText(name);
  if (!events.some((e) => e.parent === event.id)) {
    // The event's T1204 row counts what the technique's table counted.
    const more = page.locator("section.event-techniques").getByRole("button", { name: /^Show all/ });
    if (await more.count()) await more.click();
    const row = atlas.countTable("event-techniques").locator("tbody tr").filter({ has: page.locator(".id", { hasText: /^T1204$/ }) });
    await expect(row.locator("td.total")).toHaveText(total);
  }
  const rule = page.locator(".event-rules table.rules tbody tr a").first();
  const title = await rule.textContent();
  await rule.click();
  await expect(atlas.heading).toHaveText(title);
  // The rule page links each event it reads to the event view.
  await expect(page.locator(".events-read a", { hasText: name })).toHaveAttribute("href", /\/rule-atlas\/event\//);
  await page.goBack();
  await expect(atlas.heading).toContainText(name);
  if (!onFixture) return;
  await page.locator(".event-fields a.field", { hasText: "process.parent.name" }).click();
  await expect(atlas.heading).toHaveText("2 rules reading Process creation (Sysmon 1) test process.parent.name");
  await expect(page.locator("table.rules tbody tr")).toHaveCount(2);
  await page.getByRole("link", { name: "← Process creation (Sysmon 1)" }).click();
  await expect(page).toHaveURL(/\/event\/sysmon-1$/);
});
