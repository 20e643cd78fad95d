import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { promisify } from "node:util";
import { TikTokEmulatorControl } from "../../emulators/tiktok/client";
import type { Page } from "@playwright/test";
import type pg from "pg";
import type { EmulatorControl } from "../../emulators/facebook/client";
import { test, expect, newPerson, signUpWithFacebook, type Stack } from "../support/fixtures";
import { expectAuthErrorPage } from "../support/oauth-flow";
import { E2E } from "../support/ports";

/**
 * TikTok end to end: Connect TikTok in a workspace (Auth.js's TikTok provider against the TikTok emulator), the
 * account on the dashboard, the emulator's clock moved past the access token's expiry (TikTok now refuses the old
 * access token), the refresh run (npm run tiktok:refresh, the same function the cron route calls) renews the pair,
 * a call with the new token succeeds, and the old refresh token is refused by TikTok. Then disconnect revokes it.
 */

const run = promisify(execFile);

/** A new TikTok person and a new signed-up Facebook person on their dashboard, who presses Connect TikTok. */
async function openTikTokConsent(page: Page, fb: EmulatorControl, stack: Stack, label: string) {
  const tiktok = new TikTokEmulatorControl(stack.tiktokUrl);
  const { person: creator } = await tiktok.addPerson({ displayName: `${label} ${Date.now().toString(36)}` });
  const person = await newPerson(fb);
  await signUpWithFacebook(page, person.name);
  // Connect TikTok: the button next to Connect Facebook, TikTok's consent page.
  await page.getByRole("button", { name: "Connect TikTok" }).first().click();
  await page.waitForURL(/\/v2\/auth\/authorize/);
  return { tiktok, creator };
}

/** Nothing of that TikTok account was stored: no identity, no Auth.js account. */
async function expectNothingStored(sql: pg.Pool, openId: string): Promise<void> {
  const stored = await sql.query(
    `SELECT (SELECT count(*)::int FROM social_identities WHERE external_user_id = $1) AS identities,
            (SELECT count(*)::int FROM accounts WHERE provider = 'tiktok' AND provider_account_id = $1) AS accounts`,
    [openId],
  );
  expect(stored.rows).toEqual([{ identities: 0, accounts: 0 }]);
}

test("connect TikTok → account on the dashboard → access token expires at TikTok → refresh run renews it → old refresh token refused → disconnect revokes", async ({
  page,
  fb,
  sql,
  stack,
}) => {
  // Connect TikTok: the button next to Connect Facebook, TikTok's consent page, back on the dashboard.
  const { tiktok, creator } = await openTikTokConsent(page, fb, stack, "Creator");
  await expect(page.getByLabel("Scope video.upload", { exact: true })).toBeChecked();
  await page.getByLabel(creator.displayName, { exact: true }).check();
  await page.getByRole("button", { name: "Authorize", exact: true }).click();
  await page.waitForURL(/\/t\/[^/]+$/);

  const card = page.getByTestId("tiktok-account").filter({ hasText: creator.displayName });
  await expect(card).toBeVisible();
  await expect(card.getByText("Active", { exact: true })).toBeVisible();
  const accessExpiry = await card.getByTestId("tiktok-access-expires").getAttribute("data-value");
  expect(new Date(accessExpiry ?? 0).getTime()).toBeGreaterThan(Date.now() + 3600_000);
  // The refresh token's "(in N d)" never breaks inside itself (the Pages table's expiry cell rule).
  const daysLeft = card.getByText(/^\(in \d+ d\)$/);
  await expect(daysLeft).toBeVisible();
  expect(await daysLeft.evaluate((e) => getComputedStyle(e).whiteSpace)).toBe("nowrap");

  // Stored encrypted: neither token is in the row, nor in the page.
  const first = await tiktok.tokens(creator.openId);
  expect(first.refresh).toHaveLength(1);
  const oldRefresh = first.refresh[0]!.token;
  const oldAccess = first.access[0]!.token;
  const { rows } = await sql.query<{ ciphertext: Buffer; refresh_ciphertext: Buffer; status: string }>(
    `SELECT t.ciphertext, t.refresh_ciphertext, t.status FROM ad_tokens t JOIN social_identities s ON s.id = t.social_identity_id
      WHERE s.external_user_id = $1 AND t.deleted_at IS NULL`,
    [creator.openId],
  );
  expect(rows).toHaveLength(1);
  expect(rows[0]!.ciphertext.includes(oldAccess)).toBe(false);
  expect(rows[0]!.refresh_ciphertext.includes(oldRefresh)).toBe(false);
  const html = await page.content();
  expect(html).not.toContain(oldAccess);
  expect(html).not.toContain(oldRefresh);

  // TikTok's clock passes the access token's expiry: check now (a user info call) is refused.
  await tiktok.advanceClock(2 * 3600 + 60);
  await card.getByRole("button", { name: /Check now/ }).click();
  await expect(card.getByText("Invalid", { exact: true })).toBeVisible();

  // The refresh run. Our own clock has not moved, so it is told to renew what expires within 3 hours.
  const { stdout } = await run(
    process.execPath,
    [
      "node_modules/tsx/dist/cli.mjs",
      "--conditions=react-server",
      "scripts/tiktok-refresh.ts",
      "--ahead-seconds=10800",
      "--min-interval-seconds=1",
    ],
    {
      env: {
        ...process.env,
        DATABASE_URL: stack.appDbUrl,
        AUTH_SECRET: E2E.authSecret,
        FACEBOOK_APP_ID: E2E.appId,
        FACEBOOK_APP_SECRET: E2E.appSecret,
        TOKEN_ENCRYPTION_KEYS: stack.keys,
        TIKTOK_CLIENT_KEY: E2E.tiktokClientKey,
        TIKTOK_CLIENT_SECRET: E2E.tiktokClientSecret,
        TIKTOK_AUTH_URL: stack.tiktokUrl,
        TIKTOK_API_URL: stack.tiktokUrl,
        LOG_LEVEL: "silent",
      },
    },
  );
  expect(stdout).toMatch(/Refreshed 1 TikTok connection with 1 TikTok request/);

  // The dashboard shows the renewal; a call with the new token succeeds.
  await page.reload();
  await expect(card.getByTestId("tiktok-last-refresh")).not.toHaveText("never");
  await card.getByRole("button", { name: /Check now/ }).click();
  await expect(card.getByText("Active", { exact: true })).toBeVisible();

  // TikTok: exactly one refresh token spent, and the old one is refused with TikTok's error body.
  const after = await tiktok.tokens(creator.openId);
  expect(after.refresh.find((r) => r.token === oldRefresh)).toMatchObject({ rotated: true, spends: 1, valid: false });
  expect(after.refresh.filter((r) => r.valid)).toHaveLength(1);
  const reuse = await fetch(`${stack.tiktokUrl}/v2/oauth/token/`, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({
      client_key: E2E.tiktokClientKey,
      client_secret: E2E.tiktokClientSecret,
      grant_type: "refresh_token",
      refresh_token: oldRefresh,
    }),
  });
  expect(reuse.status).toBe(400);
  expect(await reuse.json()).toMatchObject({ error: "invalid_grant", log_id: expect.any(String) });
  expect((await tiktok.stats()).maxSpendsPerToken).toBe(1);

  // Disconnect (with revoke, as the member who connected it): TikTok no longer accepts any of its tokens.
  await card.getByRole("button", { name: "Disconnect", exact: true }).click();
  const dialog = page.getByRole("dialog");
  await dialog.getByLabel(/Also revoke on TikTok/).check();
  await dialog.getByRole("button", { name: "Disconnect account" }).click();
  await expect(page.getByTestId("tiktok-account").filter({ hasText: creator.displayName })).toHaveCount(0);
  await expect.poll(async () => (await tiktok.tokens(creator.openId)).refresh.filter((r) => r.valid).length).toBe(0);

  // Nothing the app logged holds any of this account's tokens.
  const issued = await tiktok.tokens(creator.openId);
  const log = readFileSync(E2E.appLog, "utf8");
  expect(log.length).toBeGreaterThan(0);
  expect([...issued.access, ...issued.refresh].map((t) => t.token).filter((t) => log.includes(t))).toEqual([]);
});

test("a TikTok callback without the workspace's connect intent connects nothing and signs no one in", async ({ page, fb, sql, stack }) => {
  const { creator } = await openTikTokConsent(page, fb, stack, "NoIntent");
  // The intent cookie is gone (expired, or another browser tab signed out): TikTok's answer must not be used.
  const intent = (await page.context().cookies()).find((c) => c.name === "connect_intent");
  expect(intent).toBeDefined();
  await page.context().clearCookies({ name: "connect_intent" });
  await page.getByLabel(creator.displayName, { exact: true }).check();
  await page.getByRole("button", { name: "Authorize", exact: true }).click();
  await page.waitForURL(/\/auth\/error/);
  await expect(page.getByTestId("auth-error-title")).toHaveText(/^TikTok /);

  await expectNothingStored(sql, creator.openId);
});

test("Cancel on TikTok's consent page lands on an error page that names TikTok (not Facebook) and connects nothing", async ({
  page,
  fb,
  sql,
  stack,
}) => {
  const { creator } = await openTikTokConsent(page, fb, stack, "Cancel");
  await page.getByRole("button", { name: "Cancel", exact: true }).click();

  await expectAuthErrorPage(page, "TikTok connection was cancelled");
  await expect(page.getByText(/start again from Connect TikTok in your workspace/)).toBeVisible();
  await expect(page.locator("main")).not.toContainText(/facebook/i);
  await expect(page.getByRole("link", { name: "Back to your dashboard" })).toBeVisible();

  await expectNothingStored(sql, creator.openId);
});
