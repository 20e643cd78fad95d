import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startConnectHarness, type ConnectHarness, type Member } from "../../test/support/connect-harness";
import { installOutboundGuard, type OutboundGuard } from "../../test/support/outbound-guard";
import { seedEncryptedTokens } from "../../test/support/seed-tokens";
import { startMailCapture, type RunningMailCapture } from "../../emulators/mail/server";
import { runTokenSweep } from "../health/sweep";
import { noopExpiryNotifier } from "../health/expiry-notifier";
import { jobHandlers } from "../jobs/handlers";
import { runDueJobs } from "../jobs/run-due";
import { stopJobEngine } from "../jobs/engine";
import { QUEUES } from "../jobs/queues";
import { withTenant } from "../db/tenant-transaction";
import { queueAlert } from "./alert-queue";
import { handleUnsubscribePost } from "./unsubscribe";
import { unsubscribeToken } from "./unsubscribe-token";

/**
 * Email alerts: the sweep finds a revoked token → one email per workspace, kind and day to its owners and admins
 * (the rest in the next day's digest), each with a reconnect link and a one-click unsubscribe that works without
 * a session. Real PostgreSQL, the job engine, the Facebook emulator and the local SMTP capture.
 */

let h: ConnectHarness;
let mail: RunningMailCapture;
let guard: OutboundGuard;

beforeAll(async () => {
  guard = installOutboundGuard();
  mail = await startMailCapture({ smtpPort: 0, httpPort: 0 });
  h = await startConnectHarness({ poolMax: 10 });
  h.setEnv({ SMTP_URL: mail.smtpUrl, AUTH_URL: "http://localhost:3999", MAIL_FROM: "Social Tokens <alerts@localhost>" });
});

afterAll(async () => {
  if (h) await stopJobEngine(h.db.app);
  await h?.close();
  await mail?.close();
  guard?.uninstall();
});

beforeEach(async () => {
  await h.db.owner.query(`DELETE FROM pgboss.job`);
});

const drain = () => runDueJobs({ client: h.db.app, handlers: jobHandlers, timeBudgetMs: 20_000, maintain: false });
const sweep = () => runTokenSweep({ client: h.db.app, graph: h.graph(), notifier: noopExpiryNotifier });
const runDigestsNow = () =>
  h.db.owner.query(`UPDATE pgboss.job SET start_after = now() WHERE name = $1 AND state = 'created'`, [QUEUES.alertEmail]);

async function withEmail(m: Member, email: string) {
  await h.db.owner.query(`UPDATE users SET email = $2 WHERE id = $1`, [m.userId, email]);
}

async function addMember(tenantId: string, role: "admin" | "member", email: string): Promise<string> {
  const { rows } = await h.db.owner.query(`INSERT INTO users (name, email) VALUES ('Second', $1) RETURNING id`, [email]);
  await h.db.owner.query(`INSERT INTO memberships (tenant_id, user_id, role) VALUES ($1, $2, $3)`, [tenantId, rows[0].id, role]);
  return rows[0].id as string;
}

async function seedActive(m: Member, n: number): Promise<{ tokens: string[]; ids: string[] }> {
  const tokens = await h.control.mintTokens({ count: n, type: "PAGE" });
  const { ids } = await seedEncryptedTokens(
    h.db.owner,
    m,
    tokens.map((token) => ({ token, type: "page" as const })),
  );
  await sweep();
  await drain();
  return { tokens, ids };
}

async function revokeAndSweep(tokens: string[], ids: string[]) {
  for (const t of tokens) await h.control.revokeToken(t);
  await h.db.owner.query(`UPDATE ad_tokens SET next_check_at = now() WHERE id = ANY($1::uuid[])`, [ids]);
  await sweep();
  await drain();
}

describe("email alerts", () => {
  it("revoked → one email to owners and admins (not members), reconnect link, List-Unsubscribe; later ones go to the digest", async () => {
    const m = await h.seedMember();
    const other = await h.seedMember();
    await withEmail(m, "owner@agency.test");
    await withEmail(other, "other-owner@agency.test");
    await addMember(m.tenantId, "admin", "admin@agency.test");
    await addMember(m.tenantId, "member", "viewer@agency.test");
    const { tokens, ids } = await seedActive(m, 3);
    const before = mail.messages().length;

    await revokeAndSweep([tokens[0]!], [ids[0]!]);
    const first = mail.messages().slice(before);
    expect(first.map((x) => x.to[0]).sort()).toEqual(["admin@agency.test", "owner@agency.test"]);
    const toOwner = first.find((x) => x.to[0] === "owner@agency.test")!;
    expect(toOwner.subject).toMatch(/1 Facebook token revoked/);
    expect(toOwner.text).toContain(`http://localhost:3999/t/${m.slug}/reconnect`);
    expect(toOwner.headers["list-unsubscribe"]).toMatch(/^<http:\/\/localhost:3999\/api\/alerts\/unsubscribe\?t=[\w.-]+>$/);
    expect(toOwner.headers["list-unsubscribe-post"]).toBe("List-Unsubscribe=One-Click");
    expect(toOwner.text).not.toContain(tokens[0]!);

    // Two more revocations the same day: no new email now…
    await revokeAndSweep(tokens.slice(1), ids.slice(1));
    expect(mail.messages().length).toBe(before + 2);
    // …they arrive in the next day's digest (only what the immediate email did not have).
    await runDigestsNow();
    await drain();
    const digest = mail.messages().slice(before + 2);
    expect(digest.map((x) => x.to[0]).sort()).toEqual(["admin@agency.test", "owner@agency.test"]);
    expect(digest[0]!.subject).toMatch(/2 Facebook tokens revoked \(daily digest/);
    // Nothing ever went to the other workspace's owner.
    expect(mail.messages().some((x) => x.to.includes("other-owner@agency.test"))).toBe(false);
    expect(guard.refused).toEqual([]);
  });

  it("one-click unsubscribe works without a session, and a forged link changes nothing", async () => {
    const m = await h.seedMember();
    await withEmail(m, "unsub@agency.test");
    const forged = `${unsubscribeToken(m.tenantId, m.userId).slice(0, -4)}AAAA`;
    const bad = await handleUnsubscribePost(
      new Request(`http://localhost:3999/api/alerts/unsubscribe?t=${forged}`, { method: "POST", body: "List-Unsubscribe=One-Click" }),
    );
    expect(bad.status).toBe(400);
    expect(
      (await h.db.owner.query(`SELECT count(*)::int AS n FROM notification_preferences WHERE tenant_id = $1`, [m.tenantId])).rows[0].n,
    ).toBe(0);

    const url = `http://localhost:3999/api/alerts/unsubscribe?t=${unsubscribeToken(m.tenantId, m.userId)}`;
    const res = await handleUnsubscribePost(
      new Request(url, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: "List-Unsubscribe=One-Click",
      }),
    );
    expect(res.status).toBe(200);
    const { rows } = await h.db.owner.query(`SELECT email_mode FROM notification_preferences WHERE tenant_id = $1 AND user_id = $2`, [
      m.tenantId,
      m.userId,
    ]);
    expect(rows).toEqual([{ email_mode: "off" }]);

    const { tokens, ids } = await seedActive(m, 1);
    const before = mail.messages().length;
    await revokeAndSweep(tokens, ids);
    await runDigestsNow();
    await drain();
    expect(
      mail
        .messages()
        .slice(before)
        .filter((x) => x.to.includes("unsub@agency.test")),
    ).toEqual([]);
  });

  it("SMTP down: the email job fails and is retried with back-off by the engine; once the mail server is back, each recipient gets it once", async () => {
    const m = await h.seedMember();
    await withEmail(m, "retry-owner@agency.test");
    await addMember(m.tenantId, "admin", "retry-admin@agency.test");
    const { tokens, ids } = await seedActive(m, 1);
    // A mail server of its own, then down (nothing listens on its port).
    const own = await startMailCapture({ smtpPort: 0, httpPort: 0 });
    const smtpPort = Number(new URL(own.smtpUrl).port);
    h.setEnv({ SMTP_URL: own.smtpUrl });
    await own.close();
    try {
      await revokeAndSweep(tokens, ids);
      const { rows: failed } = await h.db.owner.query(
        `SELECT state, retry_count, start_after > now() AS waits, retry_backoff FROM pgboss.job
          WHERE name = $1 AND data->>'tenantId' = $2 AND data->>'phase' = 'immediate'`,
        [QUEUES.alertEmail, m.tenantId],
      );
      expect(failed).toEqual([{ state: "retry", retry_count: 0, waits: true, retry_backoff: true }]); // retry_count grows when refetched
      const { rows: none } = await h.db.owner.query(`SELECT sent_to FROM alert_emails WHERE tenant_id = $1 AND kind = 'revoked'`, [
        m.tenantId,
      ]);
      expect(none).toEqual([{ sent_to: [] }]);

      // The mail server is back on the same port; the back-off has passed.
      const back = await startMailCapture({ smtpPort, httpPort: 0 });
      try {
        await h.db.owner.query(`UPDATE pgboss.job SET start_after = now() WHERE name = $1 AND state = 'retry'`, [QUEUES.alertEmail]);
        await drain();
        expect(
          back
            .messages()
            .map((x) => x.to[0])
            .sort(),
        ).toEqual(["retry-admin@agency.test", "retry-owner@agency.test"]);
        expect(back.messages()[0]!.subject).toMatch(/1 Facebook token revoked/);
        const { rows: done } = await h.db.owner.query(
          `SELECT state FROM pgboss.job WHERE name = $1 AND data->>'tenantId' = $2 AND data->>'phase' = 'immediate'`,
          [QUEUES.alertEmail, m.tenantId],
        );
        expect(done).toEqual([{ state: "completed" }]);
        const { rows: sent } = await h.db.owner.query(
          `SELECT cardinality(sent_to) AS n FROM alert_emails WHERE tenant_id = $1 AND kind = 'revoked'`,
          [m.tenantId],
        );
        expect(sent).toEqual([{ n: 2 }]);
        // Running the job again (a duplicate retry) mails nobody twice.
        await h.db.owner.query(
          `UPDATE pgboss.job SET state = 'created', start_after = now(), completed_on = NULL
            WHERE name = $1 AND data->>'tenantId' = $2 AND data->>'phase' = 'immediate'`,
          [QUEUES.alertEmail, m.tenantId],
        );
        await drain();
        expect(back.messages()).toHaveLength(2);
      } finally {
        await back.close();
      }
    } finally {
      h.setEnv({ SMTP_URL: mail.smtpUrl });
    }
  });

  it("a TikTok connection's alert is worded for TikTok (no Facebook wording) and links to the workspace", async () => {
    const m = await h.seedMember();
    await withEmail(m, "tiktok-owner@agency.test");
    const { rows } = await h.db.owner.query(
      `WITH s AS (INSERT INTO social_identities (tenant_id, user_id, platform, external_user_id, name)
                  VALUES ($1, $2, 'tiktok', 'tt-' || gen_random_uuid(), 'Tik Creator') RETURNING id)
       INSERT INTO ad_tokens (tenant_id, user_id, platform, token_type, social_identity_id, ciphertext, key_id, status, refresh_expires_at)
       SELECT $1, $2, 'tiktok', 'user', s.id, '\\x00', 'k1', 'revoked', now() + interval '300 days' FROM s RETURNING id`,
      [m.tenantId, m.userId],
    );
    const before = mail.messages().length;
    await withTenant(m.tenantId, (tx) => queueAlert(tx, m.tenantId, "revoked", [rows[0].id]), { client: h.db.app });
    await drain();
    const got = mail.messages().slice(before);
    expect(got.map((x) => x.to[0])).toEqual(["tiktok-owner@agency.test"]);
    expect(got[0]!.subject).toMatch(/1 TikTok connection revoked$/);
    expect(got[0]!.text).toContain("TikTok revoked these connections");
    expect(got[0]!.text).toContain("Tik Creator's TikTok account");
    expect(got[0]!.text).toContain(`Reconnect: http://localhost:3999/t/${m.slug}\n`);
    expect(`${got[0]!.subject}\n${got[0]!.text}`).not.toMatch(/Facebook/);
  });

  it("90-day data access expiring, then expired → one email each, one line per login (not per Page), with the re-approve link", async () => {
    const m = await h.seedMember();
    await withEmail(m, "data-access@agency.test");
    const person = await h.createPerson({ pages: 3, name: "Lapsing Login" });
    const connected = await h.connect(m, person.id);
    if (!connected.ok) throw new Error(connected.error.userMessage);
    const { rows: tokens } = await h.db.owner.query<{ id: string; token_type: string }>(
      `SELECT id, token_type FROM ad_tokens WHERE tenant_id = $1 AND deleted_at IS NULL`,
      [m.tenantId],
    );
    expect(tokens).toHaveLength(4);
    const userToken = tokens.find((t) => t.token_type === "user")!.id;
    const sweepAll = async () => {
      await h.db.owner.query(`UPDATE ad_tokens SET next_check_at = now() WHERE tenant_id = $1`, [m.tenantId]);
      await sweep();
      await drain();
    };
    const alerts = async () =>
      (
        await h.db.owner.query<{ kind: string; token_ids: string[] }>(
          `SELECT kind, token_ids FROM alert_emails WHERE tenant_id = $1 ORDER BY created_at`,
          [m.tenantId],
        )
      ).rows;
    const before = mail.messages().length;

    await h.control.setDataAccess(person.id, 3 * 86_400);
    await sweepAll();
    expect(await alerts()).toEqual([{ kind: "data_access_expiring", token_ids: [userToken] }]);
    const soon = mail.messages().slice(before);
    expect(soon.map((x) => x.to[0])).toEqual(["data-access@agency.test"]);
    expect(soon[0]!.subject).toMatch(/Facebook data access of 1 login lapses soon$/);
    expect(soon[0]!.text).toContain("Lapsing Login's Facebook login");
    expect(soon[0]!.text).toContain(`Re-approve on Facebook: http://localhost:3999/t/${m.slug}/reconnect\n`);

    await h.control.setDataAccess(person.id, -60);
    await sweepAll();
    expect(await alerts()).toEqual([
      { kind: "data_access_expiring", token_ids: [userToken] },
      { kind: "data_access_expired", token_ids: [userToken] },
    ]);
    const lapsed = mail.messages().slice(before + 1);
    expect(lapsed).toHaveLength(1);
    expect(lapsed[0]!.subject).toMatch(/Facebook data access of 1 login expired$/);
    expect(lapsed[0]!.text).toContain("read nothing");
    expect(guard.refused).toEqual([]);
  });
});
