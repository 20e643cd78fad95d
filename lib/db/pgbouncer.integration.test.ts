import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { existsSync } from "node:fs";
import { createTestDatabase, type TestDatabase } from "../../test/support/test-database";
import { seedTenant, seedTokens } from "../../test/support/fixtures";
import { startPgBouncer, PGBOUNCER_BIN, type RunningPgBouncer } from "../../test/support/pgbouncer";
import { startWebhookReceiver, type WebhookReceiver } from "../../test/support/webhook-receiver";
import { installOutboundGuard, type OutboundGuard } from "../../test/support/outbound-guard";
import { closePrismaClient, createPrismaClient, type Db } from "./client";
import { withTenant } from "./tenant-transaction";
import { resetEnvCache } from "../env";
import { generateKeySpec } from "../tokens/key-ring";
import { asMember } from "../tenancy/membership";
import { createEndpoint } from "../webhooks/endpoints";
import { emitWebhookEvents } from "../webhooks/events";
import { runDueJobs } from "../jobs/run-due";
import { jobHandlers } from "../jobs/handlers";
import { stopJobEngine } from "../jobs/engine";

/**
 * Behind a pooler, as production runs: PgBouncer in transaction mode between the app role and PostgreSQL. The
 * tenant context is transaction-local, so concurrent requests sharing server connections read only their own rows;
 * the job engine (pg-boss: no LISTEN/NOTIFY, no session state) works through the pooler too.
 */

if (!existsSync(PGBOUNCER_BIN)) throw new Error(`PgBouncer is needed for this test: apt-get install -y pgbouncer (or set PGBOUNCER_BIN)`);

let db: TestDatabase;
let bouncer: RunningPgBouncer;
let pooled: Db;
let rx: WebhookReceiver;
let guard: OutboundGuard;
const saved = { ...process.env };

beforeAll(async () => {
  guard = installOutboundGuard();
  db = await createTestDatabase();
  const password = new URL(db.appUrl).password;
  bouncer = await startPgBouncer([{ name: db.appRole, password }]);
  pooled = createPrismaClient(bouncer.via(db.appUrl), { max: 50 });
  Object.assign(process.env, {
    DATABASE_URL: bouncer.via(db.appUrl),
    AUTH_SECRET: "pgbouncer-test-auth-secret-0123456789abcdef",
    FACEBOOK_APP_ID: "1234567890",
    FACEBOOK_APP_SECRET: "pgbouncer-test-app-secret-0123456789",
    FACEBOOK_GRAPH_URL: "http://127.0.0.1:9",
    TOKEN_ENCRYPTION_KEYS: generateKeySpec("k1"),
    WEBHOOK_ALLOW_INSECURE_URLS: "true",
    LOG_LEVEL: "silent",
  });
  resetEnvCache();
  rx = await startWebhookReceiver();
}, 60_000);

afterAll(async () => {
  await rx?.close();
  if (pooled) {
    await stopJobEngine(pooled);
    await closePrismaClient(pooled);
  }
  await bouncer?.stop();
  await db?.drop();
  process.env = saved;
  resetEnvCache();
  guard?.uninstall();
});

describe("behind PgBouncer (transaction mode)", () => {
  it("50 concurrent requests for 10 workspaces each read only their own rows", async () => {
    const workspaces: { tenantId: string; userId: string; tokens: number }[] = [];
    for (let i = 0; i < 10; i++) {
      const t = await seedTenant(db.owner);
      await seedTokens(db.owner, t, i + 1);
      const { rows } = await db.owner.query(`SELECT count(*)::int AS n FROM ad_tokens WHERE tenant_id = $1`, [t.tenantId]);
      workspaces.push({ ...t, tokens: rows[0].n });
    }
    const results = await Promise.all(
      Array.from({ length: 50 }, async (_, i) => {
        const w = workspaces[i % 10]!;
        const rows = await withTenant(
          w.tenantId,
          async (tx) => {
            // A little work inside the transaction so many interleave on the pooler's few server connections.
            await tx.$executeRaw`SELECT pg_sleep(0.01)`;
            return tx.adToken.findMany({ select: { tenantId: true } });
          },
          { client: pooled },
        );
        return { w, rows };
      }),
    );
    for (const { w, rows } of results) {
      expect(rows.length).toBe(w.tokens);
      expect(rows.every((r) => r.tenantId === w.tenantId)).toBe(true);
    }
    // Outside any transaction, a pooled connection carries no tenant left over from the requests above.
    expect(await pooled.adToken.count()).toBe(0);
  });

  it("the job engine queues and delivers webhooks through the pooler", async () => {
    const t = await seedTenant(db.owner);
    const created = await asMember(
      t.userId,
      { tenantId: t.tenantId },
      "webhooks.manage",
      (a) => createEndpoint(a, { url: `${rx.url}/pooled`, eventTypes: ["connection.created"] }, { client: pooled }),
      { client: pooled },
    );
    expect(created.ok).toBe(true);
    await withTenant(
      t.tenantId,
      (tx) =>
        emitWebhookEvents(
          tx,
          t.tenantId,
          Array.from({ length: 20 }, (_, n) => ({ type: "connection.created" as const, data: { n } })),
        ),
      { client: pooled },
    );
    const r = await runDueJobs({ client: pooled, handlers: jobHandlers, timeBudgetMs: 20_000, maintain: true });
    // One delivery job per emit and endpoint (up to 100 deliveries each): 20 events, one job, 20 requests.
    expect(r.byQueue.webhook_deliver).toBe(1);
    expect(rx.received).toHaveLength(20);
    expect(guard.refused).toEqual([]);
  });
});
