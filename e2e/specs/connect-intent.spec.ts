import { createHmac, randomUUID } from "node:crypto";
import type { BrowserContext } from "@playwright/test";
import { test, expect, newPerson, signUpWithFacebook, approveOnFacebook } from "../support/fixtures";
import { footprint } from "../support/footprint";
import { expectConnectFailedBanner, openFacebookDialogFromDashboard, requireAppCookie } from "../support/oauth-flow";
import { E2E } from "../support/ports";

/**
 * The connect-intent cookie binds Connect Facebook to the workspace it was started from. These tests write the
 * cookie the way a browser could end up holding it (expired, forged) with an independent implementation of its
 * format, and check that nothing is connected and the person is told.
 */
function intentCookie(payload: { tenantId: string; userId: string; exp: number }, secret = E2E.authSecret): string {
  const key = createHmac("sha256", secret).update("connect-intent/v1").digest();
  const body = Buffer.from(JSON.stringify({ id: randomUUID(), ...payload })).toString("base64url");
  return `${body}.${createHmac("sha256", key).update(body).digest("base64url")}`;
}

async function setIntent(context: BrowserContext, value: string) {
  await context.addCookies([{ name: "connect_intent", value, url: E2E.appUrl, httpOnly: true, sameSite: "Lax" }]);
}

async function ids(sql: import("pg").Pool, personId: string) {
  const { rows } = await sql.query<{ user_id: string; tenant_id: string }>(
    `SELECT a.user_id, m.tenant_id FROM accounts a JOIN memberships m ON m.user_id = a.user_id WHERE a.provider_account_id = $1`,
    [personId],
  );
  return rows[0]!;
}

test("an expired connect request connects nothing and says so in the workspace it came from", async ({ page, fb, sql }) => {
  const person = await newPerson(fb);
  await signUpWithFacebook(page, person.name);
  const { user_id: userId, tenant_id: tenantId } = await ids(sql, person.id);
  const before = await footprint(sql, person);

  await openFacebookDialogFromDashboard(page);
  await setIntent(page.context(), intentCookie({ tenantId, userId, exp: Math.floor(Date.now() / 1000) - 60 }));
  await approveOnFacebook(page, person.name);

  await expectConnectFailedBanner(page, /longer than 15 minutes/);
  expect(await footprint(sql, person)).toEqual(before);
  // Single use: the cookie is gone after the callback.
  expect((await page.context().cookies(E2E.appUrl)).some((c) => c.name === "connect_intent")).toBe(false);
});

test("a forged connect request (another workspace, wrong signature) connects nothing there or anywhere", async ({ page, fb, sql }) => {
  const victim = await newPerson(fb);
  const victimPage = await page.context().browser()!.newPage();
  await signUpWithFacebook(victimPage, victim.name);
  const victimIds = await ids(sql, victim.id);
  await victimPage.close();
  const victimBefore = await footprint(sql, victim);

  const person = await newPerson(fb);
  await signUpWithFacebook(page, person.name);
  const { user_id: userId } = await ids(sql, person.id);
  const before = await footprint(sql, person);

  await openFacebookDialogFromDashboard(page);
  // Names the victim's workspace, signed with a key the server does not have.
  await setIntent(
    page.context(),
    intentCookie(
      { tenantId: victimIds.tenant_id, userId, exp: Math.floor(Date.now() / 1000) + 600 },
      "not-the-auth-secret-at-all-0123456789",
    ),
  );
  await approveOnFacebook(page, person.name);

  await expectConnectFailedBanner(page, /not started from this login/);
  expect(await footprint(sql, person)).toEqual(before);
  expect(await footprint(sql, victim)).toEqual(victimBefore);
});

test("a returning person's plain sign-in does not rewrite their tokens", async ({ page, fb, sql }) => {
  const person = await newPerson(fb);
  await signUpWithFacebook(page, person.name);
  const before = await footprint(sql, person);
  const { rows: attemptsBefore } = await sql.query(
    `SELECT c.id FROM connect_attempts c JOIN accounts a ON a.user_id = c.user_id WHERE a.provider_account_id = $1`,
    [person.id],
  );

  await page.context().clearCookies();
  await signUpWithFacebook(page, person.name);

  await expect(page.getByTestId("page-row")).toHaveCount(3);
  expect(await footprint(sql, person)).toEqual(before);
  const { rows: attemptsAfter } = await sql.query(
    `SELECT c.id FROM connect_attempts c JOIN accounts a ON a.user_id = c.user_id WHERE a.provider_account_id = $1`,
    [person.id],
  );
  expect(attemptsAfter).toEqual(attemptsBefore);
});

test("a connect-intent cookie works once on the server: a copy replayed later connects nothing and says so", async ({ page, fb, sql }) => {
  const person = await newPerson(fb);
  await signUpWithFacebook(page, person.name);
  // A real Connect Facebook: keep a copy of the intent cookie the app set, then let it complete.
  await openFacebookDialogFromDashboard(page);
  const copy = (await requireAppCookie(page.context(), "connect_intent")).value;
  await approveOnFacebook(page, person.name);
  await page.waitForURL(/\/t\//);
  await expect(page.getByTestId("connect-result")).toHaveAttribute("data-outcome", "succeeded");
  const before = await footprint(sql, person);

  // Connect again, but with the used cookie put back (as a copy would be).
  await openFacebookDialogFromDashboard(page);
  await setIntent(page.context(), copy);
  await approveOnFacebook(page, person.name);
  await expectConnectFailedBanner(page, /already used once/);
  expect(await footprint(sql, person)).toEqual(before);
});
