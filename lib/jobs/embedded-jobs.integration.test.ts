import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { randomUUID } from "node:crypto";
import { Webhook } from "standardwebhooks";
import { startEmbeddedPostgres, type EmbeddedPostgres } from "../db/embedded";
import { migrate } from "../db/migrate";
import { ensureAppLoginRole, withCredentials } from "../db/provision";
import { closePrismaClient, createPrismaClient, type Db } from "../db/client";
import { withTenant, withUser } from "../db/tenant-transaction";
import { resetEnvCache } from "../env";
import { generateKeySpec } from "../tokens/key-ring";
import { asMember } from "../tenancy/membership";
import { createEndpoint } from "../webhooks/endpoints";
import { emitWebhookEvents } from "../webhooks/events";
import { startWebhookReceiver, type WebhookReceiver } from "../../test/support/webhook-receiver";
import { installOutboundGuard, type OutboundGuard } from "../../test/support/outbound-guard";
import { stopJobEngine } from "./engine";
import { runJobCycle } from "./cycle";

// The demo's path: the job engine on embedded PGlite (one connection, SET ROLE to the app role), run in-process
// through the same cycle the demo's web server runs (JOBS_IN_PROCESS).
describe("jobs on the embedded database (npm run demo)", () => {
  let dir: string;
  let pg: EmbeddedPostgres;
  let app: Db;
  let rx: WebhookReceiver;
  let guard: OutboundGuard;
  const saved = { ...process.env };

  beforeAll(async () => {
    guard = installOutboundGuard();
    dir = mkdtempSync(path.join(tmpdir(), "pglite-jobs-"));
    pg = await startEmbeddedPostgres({ dataDir: dir, port: 13000 + Math.floor(Math.random() * 3000) }); // below Linux's ephemeral range (32768–60999), apart from embedded.integration.test.ts
    await migrate(pg.ownerUrl);
    await ensureAppLoginRole(pg.ownerUrl, "social_demo", "x");
    const url = withCredentials(pg.ownerUrl, "social_demo", "x");
    Object.assign(process.env, {
      DATABASE_URL: url,
      DATABASE_SET_ROLE: "social_demo",
      AUTH_SECRET: "embedded-jobs-test-secret-0123456789abcdef",
      FACEBOOK_APP_ID: "1",
      FACEBOOK_APP_SECRET: "embedded-jobs-app-secret-0123456789",
      FACEBOOK_GRAPH_URL: "http://127.0.0.1:9",
      TOKEN_ENCRYPTION_KEYS: generateKeySpec("k1"),
      WEBHOOK_ALLOW_INSECURE_URLS: "true",
      LOG_LEVEL: "silent",
    });
    resetEnvCache();
    app = createPrismaClient(url, { max: 1, setRole: "social_demo" });
    rx = await startWebhookReceiver();
  }, 120_000);

  afterAll(async () => {
    await rx?.close();
    await stopJobEngine(app);
    await closePrismaClient(app);
    await pg.stop();
    rmSync(dir, { recursive: true, force: true });
    process.env = saved;
    resetEnvCache();
    guard.uninstall();
  });

  test("a queued webhook is delivered, signed, by one in-process cycle on a single connection; the sweep job runs too", async () => {
    const userId = randomUUID();
    const tenantId = randomUUID();
    // users has row-level security: a person is created in their own context.
    await withUser(userId, (tx) => tx.user.create({ data: { id: userId, name: "Demo" } }), { client: app });
    await withTenant(
      tenantId,
      async (tx) => {
        await tx.tenant.create({ data: { id: tenantId, slug: `demo-${tenantId.slice(0, 8)}`, name: "Demo" } });
        await tx.membership.create({ data: { tenantId, userId, role: "owner" } });
      },
      { client: app },
    );
    const created = await asMember(
      userId,
      { tenantId },
      "webhooks.manage",
      (a) => createEndpoint(a, { url: `${rx.url}/demo`, eventTypes: ["connection.created"] }, { client: app }),
      { client: app },
    );
    if (!created.ok) throw new Error(created.error.message);
    await withTenant(tenantId, (tx) => emitWebhookEvents(tx, tenantId, [{ type: "connection.created", data: { demo: true } }]), {
      client: app,
    });

    const result = await runJobCycle({ client: app, timeBudgetMs: 10_000 });
    expect(result.byQueue).toMatchObject({ webhook_deliver: 1, health_sweep: 1 });
    expect(rx.received).toHaveLength(1);
    const msg = rx.received[0]!;
    expect(new Webhook(created.value.secret).verify(msg.body, msg.headers)).toMatchObject({ type: "connection.created" });
    // A second cycle in the same minute queues no second sweep and finds nothing to do.
    expect(await runJobCycle({ client: app, timeBudgetMs: 5_000 })).toMatchObject({ completed: 0, failed: 0 });
    expect(guard.refused).toEqual([]);
  }, 60_000);
});
