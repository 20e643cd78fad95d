import { defineConfig } from "@playwright/test";
import { E2E } from "./e2e/support/ports";

/**
 * End-to-end tests against a production build (`next build` first; `npm test` does it), in the system Chromium,
 * with the Facebook emulator and a throw-away PostgreSQL database started by e2e/support/stack.ts.
 */
export default defineConfig({
  testDir: "e2e/specs",
  timeout: 90_000,
  expect: { timeout: 15_000 },
  fullyParallel: false,
  // One at a time: specs count Graph requests in the emulator, whose counters are shared by every spec of the run.
  workers: 1,
  retries: 0,
  forbidOnly: true,
  reporter: [["list"], ["json", { outputFile: process.env.PLAYWRIGHT_JSON_OUTPUT_NAME ?? ".data/reports/playwright.json" }]],
  use: {
    baseURL: E2E.appUrl,
    trace: "off",
    screenshot: "only-on-failure",
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--disable-quic",
      ],
    },
  },
  webServer: {
    command: "node_modules/.bin/tsx --conditions=react-server e2e/support/stack.ts",
    url: `${E2E.appUrl}/api/health`,
    timeout: 120_000,
    reuseExistingServer: false,
    stdout: "ignore",
    stderr: "pipe",
    gracefulShutdown: { signal: "SIGTERM", timeout: 10_000 },
  },
});
