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
  h.db.owner.on("error", () => {});
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
});
