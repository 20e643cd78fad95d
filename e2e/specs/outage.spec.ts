import { randomUUID } from "node:crypto";
import pg from "pg";
import { test, expect, newPerson, approveOnFacebook } from "../support/fixtures";
import { E2E } from "../support/ports";
import {
  createOwnDatabase,
  dropOwnDatabase,
  setOwnDatabaseAvailable,
  startOwnApp,
  type OwnApp,
  type OwnDatabase,
} from "../support/own-app";

/**
 * A database outage, in Chromium, against a production server and a database this spec owns (so the shared stack
 * keeps working): the dashboard shows our outage page ("We can't reach our database right now… nothing was
 * changed"), not Next's generic page; a sign-in during the outage says it was our database, not Facebook; JSON
 * routes answer 503 + Retry-After; nothing is written; and the page recovers with "Try again" once the database is
 * back.
 */

test.describe.configure({ mode: "serial" });

let db: OwnDatabase;
let app: OwnApp;

test.beforeAll(async ({ stack }) => {
  test.setTimeout(180_000);
  db = createOwnDatabase();
  app = await startOwnApp(E2E.spareAppPort(3), {
    DATABASE_URL: db.appUrl,
    DATABASE_POOL_MAX: "3",
    DATABASE_STATEMENT_TIMEOUT_MS: "3000",
    AUTH_SECRET: "outage-spec-auth-secret-long-enough-0123456789",
    AUTH_URL: `http://localhost:${E2E.spareAppPort(3)}`,
    FACEBOOK_APP_ID: E2E.appId,
    FACEBOOK_APP_SECRET: E2E.appSecret,
    FACEBOOK_GRAPH_URL: stack.emulatorUrl,
    FACEBOOK_DIALOG_URL: stack.emulatorUrl,
    FACEBOOK_TIMEOUT_MS: "3000",
    TOKEN_ENCRYPTION_KEYS: `o1:${Buffer.alloc(32, 9).toString("base64")}`,
  });
});

test.afterAll(async () => {
  await app?.stop();
  if (db) await dropOwnDatabase(db);
});

async function usersNamed(name: string): Promise<number> {
  const c = new pg.Client({ connectionString: db.ownerUrl });
  await c.connect();
  try {
    return (await c.query<{ n: number }>(`SELECT count(*)::int AS n FROM users WHERE name = $1`, [name])).rows[0]!.n;
  } finally {
    await c.end();
  }
}

test("the outage page tells the truth, sign-in during an outage blames our database, and the page recovers", async ({ browser, fb }) => {
  test.setTimeout(180_000);
  const alice = await newPerson(fb, { pages: 2 });
  const late = await newPerson(fb, { pages: 1 });

  // Signed in, connected, on the dashboard while the database is up.
  const signedIn = await browser.newContext();
  const page = await signedIn.newPage();
  await page.goto(`${app.url}/`);
  await page.getByRole("button", { name: "Continue with Facebook" }).click();
  await approveOnFacebook(page, alice.name);
  await page.waitForURL(/\/t\/[^/]+$/);
  const dashboard = page.url();
  await expect(page.getByTestId("pages-total")).toHaveAttribute("data-total", "2");

  // Someone else starts signing in; the database goes down while they are on Facebook's consent page.
  const signedOut = await browser.newContext();
  const other = await signedOut.newPage();
  await other.goto(`${app.url}/`);
  await other.getByRole("button", { name: "Continue with Facebook" }).click();
  await other.waitForURL(/\/dialog\/oauth/);

  await setOwnDatabaseAvailable(db, false);
  try {
    // The sign-in: Facebook answered, our database did not. The page says so, never that Facebook failed.
    await approveOnFacebook(other, late.name);
    await other.waitForURL(/\/auth\/error\?error=DatabaseUnavailable/);
    await expect(other.getByTestId("auth-error-title")).toHaveText("We can't reach our database right now");
    await expect(other.locator("main")).toContainText("Nothing was changed");
    await expect(other.locator("main")).not.toContainText("Facebook did not answer");

    // The dashboard: our outage page, not Next's generic one.
    await page.goto(dashboard);
    await expect(page.getByTestId("error-screen")).toHaveAttribute("data-kind", "database_unavailable");
    await expect(page.getByTestId("error-title")).toHaveText("We can't reach our database right now");
    await expect(page.getByTestId("error-screen")).toContainText("Nothing was changed");
    await expect(page.getByTestId("error-screen")).not.toContainText("Facebook did not");
    await page.screenshot({ path: ".data/reports/outage-page.png" });

    // A dashboard JSON route: 503 + Retry-After in the one error format.
    const slug = new URL(dashboard).pathname.split("/")[2]!;
    const res = await page.request.post(`${app.url}/api/t/${slug}/pages/${randomUUID()}/disconnect`, {
      headers: { "content-type": "application/json", "sec-fetch-site": "same-origin", origin: app.url },
      data: {},
    });
    expect(res.status()).toBe(503);
    expect(res.headers()["retry-after"]).toBe("30");
    expect(await res.json()).toEqual({
      error: {
        code: "database_unavailable",
        message: "We can't reach our database right now; nothing was changed. Try again in a minute.",
      },
    });
  } finally {
    await setOwnDatabaseAvailable(db, true);
  }

  // Back up: "Try again" renders the dashboard again; the failed sign-in wrote nothing.
  await page.getByRole("button", { name: "Try again" }).click();
  await expect(page.getByTestId("pages-total")).toHaveAttribute("data-total", "2");
  expect(await usersNamed(late.name)).toBe(0);
  expect(app.output()).not.toMatch(/EAA[A-Za-z0-9]{20,}/);
  await signedIn.close();
  await signedOut.close();
});

test("starting while the database is down: the server exits with code 1 and says so, for the process manager to restart it", async () => {
  const started = startOwnApp(E2E.spareAppPort(4), {
    DATABASE_URL: "postgresql://nobody:pw@127.0.0.1:9/none",
    AUTH_SECRET: "outage-spec-auth-secret-long-enough-0123456789",
    FACEBOOK_APP_ID: E2E.appId,
    FACEBOOK_APP_SECRET: E2E.appSecret,
    TOKEN_ENCRYPTION_KEYS: `o1:${Buffer.alloc(32, 9).toString("base64")}`,
  });
  await expect(started).rejects.toThrow(/the app exited \(1\)/);
  await expect(started).rejects.toThrow(/Cannot start: the database in DATABASE_URL is unavailable \(.+\)\. Nothing was changed\./);
  await expect(started).rejects.toThrow(/Exiting with code 1 so that the process manager restarts the server/);
});
