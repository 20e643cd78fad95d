import { Webhook } from "standardwebhooks";
import { test, expect, newPerson, signUpWithFacebook, approveOnFacebook } from "../support/fixtures";
import { dashboardSlug } from "../support/oauth-flow";
import { E2E } from "../support/ports";
import { MailInbox } from "../../emulators/mail/server";
import { startWebhookReceiver } from "../../test/support/webhook-receiver";

/**
 * Alerts end to end: the emulator revokes a person's tokens → the next sweep marks them revoked → the job engine
 * (run by the cron route's run-once mode) delivers a signed token.status_changed to a receiver this test runs, and
 * an email to the owner whose reconnect link works in the browser and whose unsubscribe works without a session.
 */

const cron = { authorization: `Bearer ${E2E.cronSecret}` };

async function addEndpoint(page: import("@playwright/test").Page, slug: string, url: string): Promise<string> {
  await page.goto(`/t/${slug}/settings/webhooks`);
  await page.getByLabel("Endpoint URL").fill(url);
  await page.getByRole("button", { name: "Add endpoint" }).click();
  const secret = (await page.getByTestId("webhook-secret").locator("code").textContent())?.trim() ?? "";
  expect(secret).toMatch(/^whsec_/);
  return secret;
}

test("revoked → sweep → signed webhook → email → reconnect link works → unsubscribe works", async ({ page, fb, sql, request, stack }) => {
  const rx = await startWebhookReceiver();
  try {
    const person = await newPerson(fb);
    await signUpWithFacebook(page, person.name);
    const slug = dashboardSlug(page);
    const secret = await addEndpoint(page, slug, `${rx.url}/hooks`);
    const {
      rows: [owner],
    } = await sql.query<{ email: string; user_id: string; tenant_id: string }>(
      `SELECT u.email, u.id AS user_id, t.id AS tenant_id FROM tenants t JOIN memberships m ON m.tenant_id = t.id JOIN users u ON u.id = m.user_id
        WHERE t.slug = $1`,
      [slug],
    );
    expect(owner?.email).toBeTruthy();

    await fb.revokePerson(person.id);
    await sql.query(`UPDATE ad_tokens SET next_check_at = now() WHERE tenant_id = $1 AND deleted_at IS NULL`, [owner!.tenant_id]);
    const swept = await request.get("/api/cron/check-tokens", { headers: cron });
    expect(swept.status()).toBe(200);
    expect(((await swept.json()) as { revoked: number }).revoked).toBeGreaterThanOrEqual(4);
    const jobs = await request.get("/api/cron/jobs", { headers: cron });
    expect(jobs.status()).toBe(200);

    // The webhook, verified as a customer would, with the standardwebhooks library.
    await expect.poll(() => rx.received.length).toBeGreaterThanOrEqual(4);
    const wh = new Webhook(secret);
    const events = rx.received.map((m) => wh.verify(m.body, m.headers) as { type: string; data: { from: string; to: string } });
    expect(events.filter((e) => e.type === "token.status_changed" && e.data.from === "active" && e.data.to === "revoked")).toHaveLength(4);

    // The email: one for the four revocations, with a reconnect link and one-click unsubscribe headers.
    const inbox = new MailInbox(stack.mailUrl);
    const mail = await inbox.waitFor((m) => m.to.includes(owner!.email) && /revoked/.test(m.subject));
    expect(mail.subject).toMatch(/4 Facebook tokens revoked/);
    expect(mail.headers["list-unsubscribe-post"]).toBe("List-Unsubscribe=One-Click");
    const reconnect = /Reconnect: (\S+)/.exec(mail.text)?.[1];
    const unsubscribe = /stop these emails: (\S+)/.exec(mail.text)?.[1];
    expect(reconnect).toBe(`${E2E.appUrl}/t/${slug}/reconnect`);

    await page.goto(reconnect!);
    await expect(page.getByRole("heading", { name: "Reconnect Facebook" })).toBeVisible();
    await expect(page.getByTestId("reconnect-reasons")).toContainText(/revoked/i);
    await page.getByRole("button", { name: "Reconnect with Facebook" }).click();
    await approveOnFacebook(page, person.name);
    await page.waitForURL(new RegExp(`/t/${slug}`));
    await expect
      .poll(
        async () =>
          (
            await sql.query(`SELECT count(*)::int AS n FROM ad_tokens WHERE tenant_id = $1 AND deleted_at IS NULL AND status = 'active'`, [
              owner!.tenant_id,
            ])
          ).rows[0].n,
      )
      .toBe(4);

    // Unsubscribe from the email's link, in a browser with no session.
    const anonymous = await page.context().browser()!.newContext();
    const p2 = await anonymous.newPage();
    await p2.goto(unsubscribe!.replace(/^https?:\/\/[^/]+/, E2E.appUrl));
    await p2.getByRole("button", { name: "Unsubscribe" }).click();
    await expect(p2.getByTestId("unsubscribed")).toBeVisible();
    await anonymous.close();
    const { rows } = await sql.query(`SELECT email_mode FROM notification_preferences WHERE tenant_id = $1 AND user_id = $2`, [
      owner!.tenant_id,
      owner!.user_id,
    ]);
    expect(rows).toEqual([{ email_mode: "off" }]);
  } finally {
    await rx.close();
  }
});

test("a receiver answering 500, 500, then 200 gets the test event delivered once, with 3 attempts in the log", async ({
  page,
  fb,
  request,
}) => {
  const rx = await startWebhookReceiver();
  try {
    rx.script([500, 500], 200);
    const person = await newPerson(fb);
    await signUpWithFacebook(page, person.name);
    const slug = dashboardSlug(page);
    await addEndpoint(page, slug, `${rx.url}/flaky`);
    await page.getByRole("button", { name: "Send test event" }).click();
    await expect(page.getByText("Test event queued.")).toBeVisible();
    // Retries wait 1 s × 2^n (WEBHOOK_RETRY_DELAY_SECONDS=1 in the e2e stack); the cron route runs whatever is due.
    await expect
      .poll(
        async () => {
          await request.get("/api/cron/jobs", { headers: cron });
          return rx.received.length;
        },
        { timeout: 45_000, intervals: [1_000] },
      )
      .toBe(3);
    await request.get("/api/cron/jobs", { headers: cron });
    expect(rx.received).toHaveLength(3);
    expect(new Set(rx.received.map((r) => r.headers["webhook-id"])).size).toBe(1);
    await page.reload();
    const row = page.getByTestId("webhook-delivery");
    await expect(row).toHaveCount(1);
    await expect(row).toHaveAttribute("data-status", "succeeded");
    await expect(row.getByTestId("delivery-attempts")).toContainText(/#1 500.*#2 500.*#3 200/);
    await page.goto(`/t/${slug}/audit`);
    await expect(page.getByText("Webhook endpoint added")).toBeVisible();
  } finally {
    await rx.close();
  }
});

/** A new person signed up (a workspace of their own), on its Settings → Webhooks page; the workspace's slug. */
async function signUpToWebhooks(page: import("@playwright/test").Page, fb: Parameters<typeof newPerson>[0]): Promise<string> {
  await signUpWithFacebook(page, (await newPerson(fb)).name);
  const slug = dashboardSlug(page);
  await page.goto(`/t/${slug}/settings/webhooks`);
  return slug;
}

test("token.expiring's days ahead: set in the form, edited, refused past 60", async ({ page, fb, sql }) => {
  const slug = await signUpToWebhooks(page, fb);
  await page.getByLabel("Endpoint URL").fill("http://127.0.0.1:9/expiring");
  await page.getByRole("checkbox", { name: "token.expiring" }).check();
  const form = page.getByRole("form", { name: "Add a webhook endpoint" });
  await expect(form.getByLabel("token.expiring: days ahead")).toHaveValue("7");
  await form.getByLabel("token.expiring: days ahead").fill("14");
  await page.getByRole("button", { name: "Add endpoint" }).click();
  await expect(page.getByTestId("webhook-secret")).toBeVisible();
  const endpoint = page.getByTestId("webhook-endpoint");
  await expect(endpoint).toContainText("token.expiring 14 days ahead");

  const days = endpoint.getByLabel("token.expiring: days ahead");
  await days.fill("30");
  await days.blur();
  await expect(endpoint.getByRole("status")).toHaveText("Saved: 30 days ahead.");
  await days.fill("90");
  await days.blur();
  await expect(endpoint.getByRole("status")).toContainText("at most 60 days ahead");
  const { rows } = await sql.query(
    `SELECT e.expiring_days FROM webhook_endpoints e JOIN tenants t ON t.id = e.tenant_id WHERE t.slug = $1 AND e.deleted_at IS NULL`,
    [slug],
  );
  expect(rows).toEqual([{ expiring_days: 30 }]);
});
