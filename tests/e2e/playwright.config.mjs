// Playwright drives Debian's Chromium (never a downloaded browser) against
// the release build in dist/, served under /rule-atlas/ like a GitHub Pages
// project site: one server with the 404.html fallback, one without (a plain
// file server, for hash links). The catalog under test is ATLAS_E2E_CATALOG,
// else the small fixture catalog whose counts the tests check exactly.
import { defineConfig } from "@playwright/test";

export const PORT = Number(process.env.ATLAS_E2E_PORT ?? 8123);
export const PLAIN_PORT = PORT + 1;
const catalog = process.env.ATLAS_E2E_CATALOG ?? "fixtures/catalog";
const serve = (port, extra = "") => ({
  command: `node serve.mjs --root ../../dist --catalog ${JSON.stringify(catalog)} --port ${port} ${extra}`,
  url: `http://127.0.0.1:${port}/rule-atlas/index.html`,
  reuseExistingServer: false,
  stdout: "ignore",
});

export default defineConfig({
  testDir: ".",
  testMatch: "*.spec.mjs",
  // Two cores shared with builds: run the journeys one after another.
  workers: 1,
  retries: 0,
  timeout: 30_000,
  expect: { timeout: 10_000 },
  reporter: [["list"]],
  use: {
    baseURL: `http://127.0.0.1:${PORT}/rule-atlas/`,
    browserName: "chromium",
    launchOptions: {
      executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--no-first-run",
        "--disable-sync",
      ],
    },
    screenshot: "only-on-failure",
  },
  webServer: [serve(PORT), serve(PLAIN_PORT, "--no-fallback")],
});
