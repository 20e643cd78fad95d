import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { Webhook } from "standardwebhooks";
import { startConnectHarness, type ConnectHarness, type Member } from "../../test/support/connect-harness";
import { installOutboundGuard, type OutboundGuard } from "../../test/support/outbound-guard";
import { startWebhookReceiver, type WebhookReceiver } from "../../test/support/webhook-receiver";
import { seedEncryptedTokens } from "../../test/support/seed-tokens";
import { createPrismaClient, closePrismaClient } from "../db/client";
import { runTokenSweep } from "../health/sweep";
import { noopExpiryNotifier } from "../health/expiry-notifier";
import { asMember } from "../tenancy/membership";
import type { WorkspaceAccess } from "../tenancy/membership";
import type { Result } from "../http/result";
import { withTenant } from "../db/tenant-transaction";
import { jobEngine, stopJobEngine } from "../jobs/engine";
import { jobHandlers } from "../jobs/handlers";
import { runDueJobs } from "../jobs/run-due";
import { QUEUES } from "../jobs/queues";
import { deliverWebhook } from "./deliver";
import { createEndpoint, listDeliveries, redeliver, sendTestEvent, updateEndpoint } from "./endpoints";
import { emitWebhookEvents } from "./events";

/**
 * Webhooks end to end inside one process: real PostgreSQL (app role), the job engine (pg-boss), the Facebook
 * emulator over HTTP, and receivers on 127.0.0.1. Every outbound connection is guarded: anything but loopback is
 * refused before a packet leaves and recorded, and each test asserts nothing was refused.
 */

let h: ConnectHarness;
let guard: OutboundGuard;
let rx: WebhookReceiver;

beforeAll(async () => {
  guard = installOutboundGuard();
  h = await startConnectHarness({ poolMax: 10, env: {} });
  h.setEnv({ WEBHOOK_ALLOW_INSECURE_URLS: "true", WEBHOOK_RETRY_DELAY_SECONDS: "1" });
  rx = await startWebhookReceiver();
});

afterAll(async () => {
  await rx?.close();
  if (h) await stopJobEngine(h.db.app);
  await h?.close();
  guard?.uninstall();
});

beforeEach(async () => {
  // Each test starts with no queued job (an earlier test's retries would otherwise reach the shared receiver).
  await h.db.owner.query(`DELETE FROM pgboss.job`);
  rx.received.length = 0;
  rx.script([]);
  h.setEnv({ WEBHOOK_ALLOW_INSECURE_URLS: "true" });
});

afterEach(() => {
  expect(guard.refused).toEqual([]);
});

const manage = <T>(m: Member, fn: (a: WorkspaceAccess<"webhooks.manage">) => Promise<Result<T>>) =>
  asMember(m.userId, { tenantId: m.tenantId }, "webhooks.manage", fn, { client: h.db.app });

async function endpoint(m: Member, url: string, eventTypes = ["token.status_changed"]) {
  const r = await manage(m, (a) => createEndpoint(a, { url, eventTypes }, { client: h.db.app }));
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
}

const drain = (extra: Partial<Parameters<typeof runDueJobs>[0]> = {}) =>
  runDueJobs({ client: h.db.app, handlers: jobHandlers, timeBudgetMs: 20_000, maintain: false, ...extra });

async function snapshot(tenantId: string) {
  const q = async (sql: string) => (await h.db.owner.query(sql, [tenantId])).rows;
  return {
    endpoints: await q(`SELECT id, url, enabled, deleted_at FROM webhook_endpoints WHERE tenant_id = $1 ORDER BY id`),
    audit: await q(`SELECT count(*)::int AS n FROM audit_events WHERE tenant_id = $1`),
  };
}

/** Makes every retry-waiting delivery job runnable now (instead of waiting out the back-off). */
const skipBackoff = () =>
  h.db.owner.query(`UPDATE pgboss.job SET start_after = now() WHERE name = $1 AND state = 'retry'`, [QUEUES.webhookDeliver]);

describe("SSRF: endpoints that could reach inside are refused, and nothing is written", () => {
  const cases: [string, RegExp, boolean][] = [
    ["http://127.0.0.1/hook", /must use https/, false],
    ["https://127.0.0.1/hook", /127\.0\.0\.1 is a loopback address/, false],
    ["https://169.254.169.254/latest/meta-data/", /link-local \(cloud metadata\)/, false],
    ["https://[::1]/hook", /::1 is a loopback address/, false],
    ["https://10.0.0.1/hook", /10\.0\.0\.1 is a private or reserved address/, false],
    [
      "https://localhost/hook",
      /localhost resolves to 127\.0\.0\.1 is a loopback address|localhost resolves to ::1 is a loopback address/,
      false,
    ],
    ["https://[::ffff:169.254.169.254]/", /link-local/, false],
    ["http://169.254.169.254/latest/meta-data/", /link-local \(cloud metadata\)/, true],
    ["http://10.0.0.1/hook", /private or reserved/, true],
    ["ftp://example.com/hook", /must use https/, true],
    ["https://user:pw@example.com/hook", /no user name or password/, false],
  ];
  for (const [url, message, insecure] of cases) {
    it(`refuses ${url}${insecure ? " (even with WEBHOOK_ALLOW_INSECURE_URLS)" : ""}`, async () => {
      h.setEnv({ WEBHOOK_ALLOW_INSECURE_URLS: insecure ? "true" : "false" });
      const m = await h.seedMember("admin");
      const before = await snapshot(m.tenantId);
      const r = await manage(m, (a) => createEndpoint(a, { url, eventTypes: ["token.status_changed"] }, { client: h.db.app }));
      expect(r.ok).toBe(false);
      if (!r.ok) {
        expect(r.error.code).toBe("invalid");
        expect(r.error.message).toMatch(message);
      }
      expect(await snapshot(m.tenantId)).toEqual(before);
    });
  }

  it("refuses a hostname whose every answer is not public (injected resolver: no DNS query leaves)", async () => {
    h.setEnv({ WEBHOOK_ALLOW_INSECURE_URLS: "false" });
    const m = await h.seedMember();
    const before = await snapshot(m.tenantId);
    const r = await manage(m, (a) =>
      createEndpoint(
        a,
        { url: "https://mixed.example.test/x", eventTypes: ["token.expiring"] },
        { client: h.db.app, resolve: async () => ["93.184.216.34", "10.1.2.3"] },
      ),
    );
    expect(r.ok ? "" : r.error.message).toMatch(/10\.1\.2\.3 is a private or reserved address/);
    expect(await snapshot(m.tenantId)).toEqual(before);
  });

  it("DNS rebinding: an answer that turns private after the check is refused at connect time, nothing is sent", async () => {
    h.setEnv({ WEBHOOK_ALLOW_INSECURE_URLS: "false" });
    const m = await h.seedMember();
    let calls = 0;
    const resolve = async () => (++calls === 1 ? ["93.184.216.34"] : ["10.0.0.7"]);
    const created = await manage(m, (a) =>
      createEndpoint(a, { url: "https://rebind.example.test/hook", eventTypes: ["token.status_changed"] }, { client: h.db.app, resolve }),
    );
    expect(created.ok).toBe(true);
    const [delivery] = await withTenant(
      m.tenantId,
      async (tx) => {
        await emitWebhookEvents(tx, m.tenantId, [{ type: "token.status_changed", data: { probe: true } }]);
        return tx.webhookDelivery.findMany({ select: { id: true } });
      },
      { client: h.db.app },
    );
    await expect(
      deliverWebhook({ tenantId: m.tenantId, deliveryId: delivery!.id }, { attempt: 1, lastAttempt: false }, h.db.app, { resolve }),
    ).rejects.toThrow(/Refused at connect time: rebind\.example\.test resolves to 10\.0\.0\.7/);
    const { rows } = await h.db.owner.query(`SELECT status_code, error FROM webhook_delivery_attempts WHERE delivery_id = $1`, [
      delivery!.id,
    ]);
    expect(rows).toEqual([{ status_code: null, error: expect.stringMatching(/Refused at connect time/) }]);
    expect(calls).toBe(2);
  });

  it("a redirect (to loopback) is not followed: the attempt fails and the target never hears from us", async () => {
    const target = await startWebhookReceiver();
    try {
      const m = await h.seedMember();
      rx.script([], 302, { location: `${target.url}/internal` });
      const ep = await endpoint(m, `${rx.url}/redirecting`);
      await manage(m, (a) => sendTestEvent(a, ep.endpoint.id, { client: h.db.app }));
      await drain();
      expect(rx.received).toHaveLength(1);
      expect(target.received).toHaveLength(0);
      const d = await manage(m, (a) => listDeliveries(a, ep.endpoint.id, { client: h.db.app }));
      expect(d.ok && d.value.deliveries[0]?.log[0]).toMatchObject({
        statusCode: 302,
        error: expect.stringMatching(/redirects are not followed/),
      });
    } finally {
      await target.close();
    }
  });
});

describe("delivery", () => {
  it("revoked on Facebook → next sweep → a correctly signed token.status_changed, only to this workspace's endpoint", async () => {
    const a = await h.seedMember();
    const b = await h.seedMember();
    const rxB = await startWebhookReceiver();
    try {
      const epA = await endpoint(a, `${rx.url}/a`);
      await endpoint(b, `${rxB.url}/b`, [
        "token.status_changed",
        "token.expiring",
        "connection.created",
        "connection.removed",
        "facebook.deauthorized",
      ]);
      const [tokA] = await h.control.mintTokens({ count: 1, type: "PAGE" });
      const [tokB] = await h.control.mintTokens({ count: 1, type: "PAGE" });
      const {
        ids: [idA],
      } = await seedEncryptedTokens(h.db.owner, a, [{ token: tokA!, type: "page" }]);
      await seedEncryptedTokens(h.db.owner, b, [{ token: tokB!, type: "page" }]);
      await runTokenSweep({ client: h.db.app, graph: h.graph(), notifier: noopExpiryNotifier });
      await drain();
      rx.received.length = 0;
      rxB.received.length = 0;

      await h.control.revokeToken(tokA!);
      await h.db.owner.query(`UPDATE ad_tokens SET next_check_at = now() WHERE id = $1`, [idA]);
      const swept = await runTokenSweep({ client: h.db.app, graph: h.graph(), notifier: noopExpiryNotifier });
      expect(swept.revoked).toBe(1);
      await drain();

      expect(rx.received).toHaveLength(1);
      expect(rxB.received).toHaveLength(0);
      const msg = rx.received[0]!;
      const verified = new Webhook(epA.secret).verify(msg.body, msg.headers) as { type: string; data: Record<string, unknown> };
      expect(verified.type).toBe("token.status_changed");
      expect(verified.data).toMatchObject({ tokenId: idA, from: "active", to: "revoked", tokenType: "page" });
      expect(() => new Webhook(`whsec_${Buffer.alloc(24, 1).toString("base64")}`).verify(msg.body, msg.headers)).toThrow();
      expect(msg.body).not.toContain(tokA!);
    } finally {
      await rxB.close();
    }
  });

  it("500, 500, then 200: delivered once as succeeded, 3 attempts in the log; redeliver sends the same webhook-id again", async () => {
    const m = await h.seedMember();
    const ep = await endpoint(m, `${rx.url}/flaky`);
    rx.script([500, 500], 200);
    await manage(m, (a) => sendTestEvent(a, ep.endpoint.id, { client: h.db.app }));
    for (let i = 0; i < 3; i++) {
      await drain();
      await skipBackoff();
    }
    expect(rx.received.map((r) => r.headers["webhook-id"])).toEqual(Array(3).fill(rx.received[0]!.headers["webhook-id"]));
    const d = await manage(m, (a) => listDeliveries(a, ep.endpoint.id, { client: h.db.app }));
    if (!d.ok) throw new Error("listDeliveries failed");
    expect(d.value.deliveries).toHaveLength(1);
    expect(d.value.deliveries[0]).toMatchObject({ status: "succeeded", attempts: 3, lastStatusCode: 200 });
    expect(d.value.deliveries[0]!.log.map((l) => [l.attempt, l.statusCode])).toEqual([
      [1, 500],
      [2, 500],
      [3, 200],
    ]);
    expect(JSON.stringify(d.value)).not.toContain("whsec_");

    const again = await manage(m, (a) => redeliver(a, d.value.deliveries[0]!.id, { client: h.db.app }));
    expect(again.ok).toBe(true);
    await drain();
    expect(rx.received).toHaveLength(4);
    expect(rx.received[3]!.headers["webhook-id"]).toBe(rx.received[0]!.headers["webhook-id"]);
  });

  it("a crashed worker's job (fetched, never finished) is retried after its expiry and delivered once", async () => {
    const m = await h.seedMember();
    const ep = await endpoint(m, `${rx.url}/crash`);
    await manage(m, (a) => sendTestEvent(a, ep.endpoint.id, { client: h.db.app }));
    const boss = await jobEngine({ client: h.db.app });
    const [job] = await boss.fetch(QUEUES.webhookDeliver, { batchSize: 1 }); // the "worker" dies holding it
    expect(job).toBeDefined();
    expect(await drain()).toMatchObject({ completed: 0 }); // active: nobody else may take it
    expect(rx.received).toHaveLength(0);
    await h.db.owner.query(`UPDATE pgboss.job SET started_on = now() - interval '10 minutes' WHERE id = $1`, [job!.id]);
    await drain({ maintain: true }); // expires it (→ retry)
    await skipBackoff();
    await drain();
    expect(rx.received).toHaveLength(1);
    const { rows } = await h.db.owner.query(`SELECT status, attempts FROM webhook_deliveries WHERE endpoint_id = $1`, [ep.endpoint.id]);
    expect(rows).toEqual([{ status: "succeeded", attempts: 2 }]);
  });

  it("two workers never deliver the same attempt twice (two engines on two pools, and a duplicated attempt)", async () => {
    const m = await h.seedMember();
    const ep = await endpoint(m, `${rx.url}/pair`);
    // 30 separate emits: 30 jobs (one emit's deliveries to one endpoint share a job) for the two workers to race on.
    await withTenant(
      m.tenantId,
      async (tx) => {
        for (let i = 0; i < 30; i++) await emitWebhookEvents(tx, m.tenantId, [{ type: "token.status_changed" as const, data: { n: i } }]);
      },
      { client: h.db.app },
    );
    expect((await h.db.owner.query(`SELECT count(*)::int AS n FROM pgboss.job WHERE name = $1`, [QUEUES.webhookDeliver])).rows[0].n).toBe(
      30,
    );
    const second = createPrismaClient(h.db.appUrl, { max: 5 });
    try {
      await Promise.all([
        drain({ batchSize: 4 }),
        runDueJobs({ client: second, handlers: jobHandlers, timeBudgetMs: 20_000, maintain: false, batchSize: 4 }),
      ]);
      const ids = rx.received.map((r) => r.headers["webhook-id"]);
      expect(ids).toHaveLength(30);
      expect(new Set(ids).size).toBe(30);
      // The same attempt handed to two workers at once (as after an expiry race): only one sends.
      const { rows } = await h.db.owner.query(`SELECT id FROM webhook_deliveries WHERE endpoint_id = $1 LIMIT 1`, [ep.endpoint.id]);
      await h.db.owner.query(`UPDATE webhook_deliveries SET status = 'pending' WHERE id = $1`, [rows[0].id]);
      rx.received.length = 0;
      const data = { tenantId: m.tenantId, deliveryId: rows[0].id as string };
      await Promise.all([
        deliverWebhook(data, { attempt: 7, lastAttempt: false }, h.db.app),
        deliverWebhook(data, { attempt: 7, lastAttempt: false }, second),
      ]);
      expect(rx.received).toHaveLength(1);
    } finally {
      await stopJobEngine(second);
      await closePrismaClient(second);
    }
  });

  /** One emit of `n` token.status_changed events in the workspace, as the app does it (its role, one transaction). */
  const emitStatusChanges = (tenantId: string, n: number) =>
    withTenant(
      tenantId,
      (tx) =>
        emitWebhookEvents(
          tx,
          tenantId,
          Array.from({ length: n }, (_, i) => ({ type: "token.status_changed" as const, data: { n: i } })),
        ),
      { client: h.db.app },
    );

  it("one emit's deliveries to an endpoint share a job; a retry sends only those still pending, each attempt once", async () => {
    const m = await h.seedMember();
    const ep = await endpoint(m, `${rx.url}/batch`);
    const other = await endpoint(m, `${rx.url}/batch-other`);
    await emitStatusChanges(m.tenantId, 5);
    const jobs = await h.db.owner.query(`SELECT data FROM pgboss.job WHERE name = $1 ORDER BY created_on`, [QUEUES.webhookDeliver]);
    expect(jobs.rows.map((r) => r.data.deliveryIds.length)).toEqual([5, 5]); // one job per endpoint
    rx.script([500, 200, 500, 200, 200, 200, 200, 200, 200, 200], 200);
    await drain();
    expect(rx.received).toHaveLength(10);
    await skipBackoff();
    await drain();
    expect(rx.received).toHaveLength(12); // only the 2 failed ones again (attempt 2)
    const { rows } = await h.db.owner.query(
      `SELECT d.endpoint_id, d.status, d.attempts, (SELECT array_agg(a.attempt ORDER BY a.attempt) FROM webhook_delivery_attempts a WHERE a.delivery_id = d.id) AS tries
         FROM webhook_deliveries d WHERE d.tenant_id = $1`,
      [m.tenantId],
    );
    expect(rows).toHaveLength(10);
    expect(rows.every((r) => r.status === "succeeded")).toBe(true);
    expect(rows.map((r) => r.tries.join(",")).sort()).toEqual([...Array(8).fill("1"), "1,2", "1,2"].sort());
    // 10 (endpoint, message) pairs; only the two that failed were sent twice.
    const ids = rx.received.map((r) => `${r.path} ${r.headers["webhook-id"]}`);
    expect(new Set(ids).size).toBe(10);
    expect(ids.filter((id, i) => ids.indexOf(id) !== i)).toHaveLength(2);
    expect([ep.endpoint.id, other.endpoint.id].every((id) => rows.filter((r) => r.endpoint_id === id).length === 5)).toBe(true);
  });

  it("deliveries queued for an endpoint deleted (or disabled) before they went out settle as failed, and nothing is sent", async () => {
    const m = await h.seedMember();
    const gone = await endpoint(m, `${rx.url}/gone`);
    const off = await endpoint(m, `${rx.url}/off`);
    await emitStatusChanges(m.tenantId, 3);
    await h.db.owner.query(`UPDATE webhook_endpoints SET deleted_at = now() WHERE id = $1`, [gone.endpoint.id]);
    await h.db.owner.query(`UPDATE webhook_endpoints SET enabled = false WHERE id = $1`, [off.endpoint.id]);
    await drain();
    expect(rx.received).toHaveLength(0);
    const { rows } = await h.db.owner.query(
      `SELECT endpoint_id, status, last_error, (SELECT count(*)::int FROM webhook_delivery_attempts a WHERE a.delivery_id = d.id) AS tries
         FROM webhook_deliveries d WHERE tenant_id = $1`,
      [m.tenantId],
    );
    expect(rows).toHaveLength(6);
    for (const r of rows) {
      expect(r.status).toBe("failed");
      expect(r.tries).toBe(0);
      expect(r.last_error).toBe(r.endpoint_id === gone.endpoint.id ? "The endpoint was deleted." : "The endpoint is disabled.");
    }
  });

  it("the last failed attempt marks the delivery failed and disables the endpoint, audited", async () => {
    const m = await h.seedMember();
    const ep = await endpoint(m, `${rx.url}/down`);
    rx.script([], 503);
    await manage(m, (a) => sendTestEvent(a, ep.endpoint.id, { client: h.db.app }));
    await h.db.owner.query(`UPDATE pgboss.job SET retry_limit = 1 WHERE name = $1 AND state = 'created'`, [QUEUES.webhookDeliver]);
    await drain();
    await skipBackoff();
    await drain();
    expect(rx.received).toHaveLength(2);
    const { rows } = await h.db.owner.query(`SELECT enabled, disabled_reason FROM webhook_endpoints WHERE id = $1`, [ep.endpoint.id]);
    expect(rows[0]).toMatchObject({ enabled: false, disabled_reason: expect.stringMatching(/Answered 503/) });
    const audit = await h.db.owner.query(`SELECT action FROM audit_events WHERE tenant_id = $1 AND target_id = $2 ORDER BY created_at`, [
      m.tenantId,
      ep.endpoint.id,
    ]);
    expect(audit.rows.map((r) => r.action)).toEqual(["webhook_endpoint.created", "webhook_endpoint.disabled"]);
  });
});

describe("token.expiring: N days ahead, per endpoint", () => {
  it("is stored per endpoint (default 7), validated (1 to 60 whole days) and editable, audited; a refusal writes nothing", async () => {
    const m = await h.seedMember();
    const created = await endpoint(m, `${rx.url}/days`, ["token.expiring"]);
    expect(created.endpoint.expiringDays).toBe(7);
    for (const bad of [0, 61, 2.5]) {
      const before = await snapshot(m.tenantId);
      const c = await manage(m, (a) =>
        createEndpoint(a, { url: `${rx.url}/bad`, eventTypes: ["token.expiring"], expiringDays: bad }, { client: h.db.app }),
      );
      const u = await manage(m, (a) => updateEndpoint(a, created.endpoint.id, { expiringDays: bad }, { client: h.db.app }));
      for (const r of [c, u]) {
        expect(r.ok).toBe(false);
        if (!r.ok) expect(r.error.message).toMatch(/a whole number from 1 to 60/);
      }
      expect(await snapshot(m.tenantId)).toEqual(before);
    }
    const u = await manage(m, (a) => updateEndpoint(a, created.endpoint.id, { expiringDays: 30 }, { client: h.db.app }));
    expect(u.ok && u.value.endpoint.expiringDays).toBe(30);
    const { rows } = await h.db.owner.query(
      `SELECT e.expiring_days, a.details->'changed' AS changed FROM webhook_endpoints e
         JOIN audit_events a ON a.target_id = e.id::text AND a.action = 'webhook_endpoint.updated' WHERE e.id = $1`,
      [created.endpoint.id],
    );
    expect(rows).toEqual([{ expiring_days: 30, changed: ["expiringDays"] }]);
  });

  it("each endpoint hears of a token once, at the first check inside its own window", async () => {
    const m = await h.seedMember();
    await endpoint(m, `${rx.url}/d30`, ["token.expiring"]).then((e) =>
      manage(m, (a) => updateEndpoint(a, e.endpoint.id, { expiringDays: 30 }, { client: h.db.app })),
    );
    await endpoint(m, `${rx.url}/d7`, ["token.expiring"]);
    await endpoint(m, `${rx.url}/other`, ["connection.created"]);
    const [in20] = await h.control.mintTokens({ count: 1, type: "USER", expiresInSeconds: 20 * 86_400 });
    const [in5] = await h.control.mintTokens({ count: 1, type: "USER", expiresInSeconds: 5 * 86_400 });
    const { ids } = await seedEncryptedTokens(h.db.owner, m, [
      { token: in20!, type: "user" },
      { token: in5!, type: "user" },
    ]);
    const sweep = () => runTokenSweep({ client: h.db.app, graph: h.graph(), notifier: noopExpiryNotifier });
    await sweep();
    await drain();
    const got = rx.received.map((r) => {
      const body = JSON.parse(r.body) as { type: string; data: { tokenId: string; warningDays: number; daysLeft: number } };
      return [r.path, body.type, body.data.tokenId, body.data.warningDays] as const;
    });
    expect(got.sort()).toEqual(
      [
        ["/d30", "token.expiring", ids[0], 30],
        ["/d30", "token.expiring", ids[1], 30],
        ["/d7", "token.expiring", ids[1], 7],
      ].sort(),
    );
    // The next checks find both tokens inside windows they were already in: nothing new.
    rx.received.length = 0;
    await h.db.owner.query(`UPDATE ad_tokens SET next_check_at = now() WHERE id = ANY($1::uuid[])`, [ids]);
    await sweep();
    await drain();
    expect(rx.received).toEqual([]);
  });
});

describe("the job engine's tables give the app role no way around RLS", () => {
  it("no CREATE in the engine's schema, no SECURITY DEFINER function there, no right to create queues; payloads are ids only", async () => {
    const app = h.db.appRole;
    const { rows } = await h.db.owner.query(
      `SELECT has_schema_privilege($1, 'pgboss', 'CREATE') AS can_create,
              has_function_privilege($1, 'pgboss.create_queue(text, json)', 'EXECUTE') AS can_create_queue,
              (SELECT count(*)::int FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = 'pgboss' AND p.prosecdef) AS definers,
              has_table_privilege($1, 'token_check_schedule', 'INSERT') AS schedule_insert,
              has_table_privilege($1, 'token_check_schedule', 'DELETE') AS schedule_delete`,
      [app],
    );
    expect(rows[0]).toEqual({ can_create: false, can_create_queue: false, definers: 0, schedule_insert: false, schedule_delete: false });
    const keys = await h.db.owner.query(
      `SELECT DISTINCT jsonb_object_keys(data) AS k FROM pgboss.job WHERE data IS NOT NULL AND jsonb_typeof(data) = 'object' ORDER BY 1`,
    );
    expect(keys.rows.map((r) => r.k).every((k: string) => ["tenantId", "deliveryIds", "alertId", "phase"].includes(k))).toBe(true);
    // The app role reading delivery rows without a workspace context sees none (the engine's ids lead nowhere).
    const other = await h.db.app.webhookDelivery.count();
    expect(other).toBe(0);
  });
});
