import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { test, expect, approveOnFacebook } from "../support/fixtures";
import { E2E } from "../support/ports";

/**
 * `npm run demo` as a newcomer runs it: the embedded database, the Facebook emulator (state in the data folder) and
 * the production build. A restart of the whole stack keeps the stored tokens valid on Facebook's side, so "Check
 * now" still says Active; a second demo on the same folder says where the first one runs; Ctrl-C ends every process.
 */
const { appPort, dbPort, emulatorPort, tiktokPort, mailSmtpPort, mailHttpPort } = E2E.demo;
const demoUrl = `http://localhost:${appPort}`;

interface Demo {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

function startDemo(dataDir: string): Demo {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PORT: String(appPort),
    EMBEDDED_PG_PORT: String(dbPort),
    FAKE_FACEBOOK_PORT: String(emulatorPort),
    FAKE_TIKTOK_PORT: String(tiktokPort),
    MAIL_SMTP_PORT: String(mailSmtpPort),
    MAIL_HTTP_PORT: String(mailHttpPort),
    DEMO_DATA_DIR: dataDir,
    LOG_LEVEL: "warn",
  };
  for (const v of [
    "DATABASE_URL",
    "DATABASE_OWNER_URL",
    "FACEBOOK_GRAPH_URL",
    "FACEBOOK_DIALOG_URL",
    "AUTH_URL",
    "AUTH_SECRET",
    "TIKTOK_API_URL",
    "TIKTOK_AUTH_URL",
    "SMTP_URL",
  ])
    delete env[v];
  // --no-build: serve the build the e2e suite runs against (NEXT_DIST_DIR), not a new one.
  const child = spawn(process.execPath, ["--import", "tsx", "--conditions=react-server", "scripts/demo.ts", "--no-build"], {
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  child.stdout?.on("data", (d: Buffer) => (out += d.toString()));
  child.stderr?.on("data", (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  return { child, output: () => out, exited };
}

async function waitUntilUp(demo: Demo): Promise<void> {
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    if (demo.child.exitCode !== null) throw new Error(`the demo exited (${demo.child.exitCode}):\n${demo.output()}`);
    const res = await fetch(`${demoUrl}/api/health`).catch(() => null);
    if (res?.ok) return;
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`the demo did not come up:\n${demo.output()}`);
}

async function stopDemo(demo: Demo): Promise<number | null> {
  if (demo.child.exitCode === null) demo.child.kill("SIGINT");
  return demo.exited;
}

function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({ port, host: "127.0.0.1" });
    s.once("connect", () => {
      s.destroy();
      resolve(true);
    });
    s.once("error", () => resolve(false));
  });
}

test("the demo survives a restart: a stored token still checks as Active; a second demo says where the first runs", async ({ page }) => {
  test.setTimeout(300_000);
  const dataDir = mkdtempSync(path.join(tmpdir(), "demo-restart-"));
  const demos: Demo[] = [];
  try {
    const first = startDemo(dataDir);
    demos.push(first);
    await waitUntilUp(first);

    // A second demo on the same data folder refuses, naming the running one's URL.
    const second = startDemo(dataDir);
    demos.push(second);
    expect(await second.exited).toBe(1);
    expect(second.output()).toContain(`A demo is already running on ${demoUrl}`);

    await page.goto(`${demoUrl}/`);
    await page.getByRole("button", { name: "Continue with Facebook" }).click();
    await approveOnFacebook(page, "Alice Admin");
    await page.waitForURL(/\/t\/[^/]+/);
    const dashboard = page.url();
    const bakery = page.getByTestId("page-row").filter({ has: page.getByText("Alpha Bakery", { exact: true }) });
    await bakery.getByRole("button", { name: "Check now" }).click();
    await expect(page.getByTestId("toast").filter({ hasText: "Alpha Bakery" })).toContainText("active");

    // Ctrl-C: the demo exits and every process it started is gone (no port is still served).
    expect(await stopDemo(first)).toBe(0);
    for (const port of [appPort, dbPort, emulatorPort, tiktokPort, mailSmtpPort, mailHttpPort])
      expect(await listening(port), `port ${port} still served`).toBe(false);

    const restarted = startDemo(dataDir);
    demos.push(restarted);
    await waitUntilUp(restarted);
    await page.goto(dashboard);
    await expect(bakery.getByTestId("status-badge")).toHaveAttribute("data-status", "active");
    await bakery.getByRole("button", { name: "Check now" }).click();
    await expect(page.getByTestId("toast").filter({ hasText: "Alpha Bakery" })).toContainText("active");
    await expect(bakery.getByTestId("status-badge")).toHaveAttribute("data-status", "active");
    // The user token too: the account card says Active after the restart.
    await expect(page.getByTestId("identity").filter({ hasText: "Alice Admin" }).getByTestId("status-badge")).toHaveAttribute(
      "data-status",
      "active",
    );
    expect(await stopDemo(restarted)).toBe(0);
  } finally {
    for (const d of demos) await stopDemo(d);
    rmSync(dataDir, { recursive: true, force: true });
  }
});
