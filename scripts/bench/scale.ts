/**
 * Scale benchmark (issue: alerts at 100,000 workspaces): a throw-away PostgreSQL database seeded with generated
 * SQL, measured at 1,000 and then 100,000 workspaces (3 tokens each) in the same run, next to a floor (`SELECT 1`
 * round trip) measured in the same run. Prints figures; never asserts.
 *  - a sweep with nothing due (what every cron run costs when there is nothing to do);
 *  - one Meta deauthorize callback for a person connected in 3 workspaces;
 *  - claiming 10,000 due tokens (as the sweep does: rounds of 100) at 100,000 workspaces;
 *  - a fan-out of webhook events to 10 endpoints, delivered to a local receiver by 4 runners in parallel.
 *
 *   npm run bench:scale          (alone; BENCH_FANOUT_EVENTS, BENCH_FANOUT_SECONDS to size the fan-out)
 *   npm run bench                (with the other sections)
 */
import { pathToFileURL } from "node:url";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { createTestDatabase, type TestDatabase } from "../../test/support/test-database";
import { seedTenant } from "../../test/support/fixtures";
import { resetEnvCache } from "../../lib/env";
import { generateKeySpec } from "../../lib/tokens/key-ring";
import { runTokenSweep } from "../../lib/health/sweep";
import { claimDueTokensEverywhere } from "../../lib/health/due-schedule";
import { deauthorizeFacebookUser } from "../../lib/meta/forget-facebook-user";
import { asMember } from "../../lib/tenancy/membership";
import { createEndpoint } from "../../lib/webhooks/endpoints";
import { emitWebhookEvents } from "../../lib/webhooks/events";
import { withTenant } from "../../lib/db/tenant-transaction";
import { runDueJobs } from "../../lib/jobs/run-due";
import { jobHandlers } from "../../lib/jobs/handlers";
import { stopJobEngine } from "../../lib/jobs/engine";

const FANOUT_EVENTS = Number(process.env.BENCH_FANOUT_EVENTS ?? 10_000);
const FANOUT_SECONDS = Number(process.env.BENCH_FANOUT_SECONDS ?? 60);

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
}

async function timeMs(fn: () => Promise<unknown>, runs: number): Promise<number> {
  const out: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await fn();
    out.push(performance.now() - t0);
  }
  return median(out);
}

/** Workspaces [from, to): each with one identity (external id ext-<i>), 3 Pages and 3 page tokens, none due. */
export async function seedWorkspaces(db: TestDatabase, userId: string, from: number, to: number): Promise<void> {
  const step = 25_000;
  for (let a = from; a < to; a += step) {
    const b = Math.min(to, a + step);
    await db.owner.query(
      `WITH t AS (
         INSERT INTO tenants (id, slug, name)
         SELECT gen_random_uuid(), 'w-' || i, 'Workspace ' || i FROM generate_series($1::int, $2::int - 1) AS i
         RETURNING id, slug),
       s AS (
         INSERT INTO social_identities (id, tenant_id, user_id, platform, external_user_id, name)
         SELECT gen_random_uuid(), t.id, $3::uuid, 'facebook', 'ext-' || substr(t.slug, 3), 'Person'
           FROM t RETURNING id, tenant_id),
       p AS (
         INSERT INTO facebook_pages (id, tenant_id, page_id, name)
         SELECT gen_random_uuid(), s.tenant_id, s.tenant_id::text || '-' || k, 'Page ' || k FROM s, generate_series(1, 3) AS k
         RETURNING id, tenant_id)
       INSERT INTO ad_tokens (tenant_id, user_id, platform, token_type, social_identity_id, facebook_page_id, ciphertext, key_id,
                              status, next_check_at)
       SELECT p.tenant_id, $3::uuid, 'facebook', 'page', s.id, p.id, '\\x00', 'k1', 'active', now() + interval '1 day'
         FROM p JOIN s ON s.tenant_id = p.tenant_id`,
      [a, b, userId],
    );
  }
  await db.owner.query(`ANALYZE`);
}

/** A person with identities (and tokens) in 3 random workspaces: the deauthorize target. */
async function seedTarget(db: TestDatabase, userId: string, ext: string): Promise<void> {
  await db.owner.query(
    `WITH t AS (SELECT id FROM tenants ORDER BY random() LIMIT 3),
     s AS (INSERT INTO social_identities (id, tenant_id, user_id, platform, external_user_id, name)
           SELECT gen_random_uuid(), t.id, $1::uuid, 'facebook', $2, 'Target' FROM t RETURNING id, tenant_id)
     INSERT INTO ad_tokens (tenant_id, user_id, platform, token_type, social_identity_id, ciphertext, key_id, status, next_check_at)
     SELECT s.tenant_id, $1::uuid, 'facebook', 'user', s.id, '\\x00', 'k1', 'active', now() + interval '1 day' FROM s`,
    [userId, ext],
  );
}

export async function runScaleBench(): Promise<Record<string, number | string>> {
  const db = await createTestDatabase({ poolMax: 10 });
  const saved = { ...process.env };
  Object.assign(process.env, {
    DATABASE_URL: db.appUrl,
    AUTH_SECRET: "bench-scale-auth-secret-0123456789abcdef",
    FACEBOOK_APP_ID: "1234567890",
    FACEBOOK_APP_SECRET: "bench-scale-app-secret-0123456789",
    FACEBOOK_GRAPH_URL: "http://127.0.0.1:9",
    TOKEN_ENCRYPTION_KEYS: generateKeySpec("b1"),
    WEBHOOK_ALLOW_INSECURE_URLS: "true",
    LOG_LEVEL: "silent",
  });
  resetEnvCache();
  const figures: Record<string, number | string> = {};
  const ratio = (what: string, floor: string) => Number(figures[what]) / Number(figures[floor]);
  let received = 0;
  const receiver = http.createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      received++;
      res.writeHead(200).end("ok");
    });
  });
  await new Promise<void>((r) => receiver.listen(0, "127.0.0.1", r));
  try {
    const { userId } = await seedTenant(db.owner, { slug: "bench-owner" });
    const floor = () => timeMs(() => db.app.$queryRaw`SELECT 1`, 50);
    const sweepNothingDue = () => timeMs(() => runTokenSweep({ client: db.app }), 20);
    let targets = 0;
    const deauth = async () => {
      const out: number[] = [];
      for (let i = 0; i < 5; i++) {
        const ext = `target-${targets++}`;
        await seedTarget(db, userId, ext);
        const t0 = performance.now();
        const counts = await deauthorizeFacebookUser(ext, { client: db.app });
        out.push(performance.now() - t0);
        if (counts.tenants !== 3) throw new Error(`deauthorize reached ${counts.tenants} workspaces, expected 3`);
      }
      return median(out);
    };

    let t0 = performance.now();
    await seedWorkspaces(db, userId, 0, 1_000);
    figures["seed 1,000 workspaces s"] = (performance.now() - t0) / 1000;
    figures["floor: SELECT 1 round trip ms (1k)"] = await floor();
    figures["cron sweep, nothing due, ms (1,000 workspaces)"] = await sweepNothingDue();
    figures["deauthorize callback ms (1,000 workspaces)"] = await deauth();
    figures["  deauthorize / floor (1k)"] = ratio("deauthorize callback ms (1,000 workspaces)", "floor: SELECT 1 round trip ms (1k)");

    t0 = performance.now();
    await seedWorkspaces(db, userId, 1_000, 100_000);
    figures["seed +99,000 workspaces (297,000 tokens) s"] = (performance.now() - t0) / 1000;
    const { rows } = await db.owner.query(`SELECT (SELECT count(*) FROM tenants)::int AS w, (SELECT count(*) FROM ad_tokens)::int AS t`);
    figures["workspaces"] = rows[0].w;
    figures["tokens"] = rows[0].t;
    figures["floor: SELECT 1 round trip ms (100k)"] = await floor();
    figures["cron sweep, nothing due, ms (100,000 workspaces)"] = await sweepNothingDue();
    figures["deauthorize callback ms (100,000 workspaces)"] = await deauth();
    figures["  deauthorize / floor (100k)"] = ratio("deauthorize callback ms (100,000 workspaces)", "floor: SELECT 1 round trip ms (100k)");

    // 10,000 due tokens spread over as many workspaces, claimed as the sweep claims them (rounds of 100).
    await db.owner.query(
      `UPDATE ad_tokens SET next_check_at = now() - interval '1 minute'
        WHERE id IN (SELECT id FROM ad_tokens WHERE token_type = 'page' ORDER BY random() LIMIT 10000)`,
    );
    t0 = performance.now();
    let claimed = 0;
    for (;;) {
      const got = await claimDueTokensEverywhere(db.app, 100, 300);
      if (got.length === 0) break;
      claimed += got.length;
    }
    const claimMs = performance.now() - t0;
    figures["claim 10,000 due tokens (rounds of 100) ms"] = claimMs;
    figures["  claimed"] = claimed;
    figures["  per 100-token round ms"] = claimMs / Math.max(1, claimed / 100);
    await db.owner.query(
      `UPDATE ad_tokens SET next_check_at = now() + interval '1 day', check_lease_until = NULL WHERE check_lease_until IS NOT NULL`,
    );

    // Fan-out: FANOUT_EVENTS events to 10 endpoints of one workspace.
    const { tenantId: wsId, userId: wsOwner } = await seedTenant(db.owner, { slug: "fanout" });
    for (let i = 0; i < 10; i++) {
      const r = await asMember(
        wsOwner,
        { tenantId: wsId },
        "webhooks.manage",
        (a) =>
          createEndpoint(
            a,
            { url: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/e${i}`, eventTypes: ["token.status_changed"] },
            { client: db.app },
          ),
        { client: db.app },
      );
      if (!r.ok) throw new Error(r.error.message);
    }
    t0 = performance.now();
    for (let i = 0; i < FANOUT_EVENTS; i += 1_000) {
      const n = Math.min(1_000, FANOUT_EVENTS - i);
      await withTenant(
        wsId,
        (tx) =>
          emitWebhookEvents(
            tx,
            wsId,
            Array.from({ length: n }, (_, k) => ({ type: "token.status_changed" as const, data: { n: i + k } })),
          ),
        { client: db.app, timeoutMs: 120_000 },
      );
    }
    const emitS = (performance.now() - t0) / 1000;
    figures["fan-out: events"] = FANOUT_EVENTS;
    figures["fan-out: deliveries queued"] = FANOUT_EVENTS * 10;
    figures["fan-out: queue (rows + jobs) s"] = emitS;
    t0 = performance.now();
    const runs = await Promise.all(
      Array.from({ length: 4 }, () =>
        runDueJobs({ client: db.app, handlers: jobHandlers, timeBudgetMs: FANOUT_SECONDS * 1000, batchSize: 25, maintain: false }),
      ),
    );
    const deliverS = (performance.now() - t0) / 1000;
    figures["fan-out: jobs completed / failed (one job: one emit's deliveries to one endpoint)"] =
      `${runs.reduce((n, r) => n + r.completed, 0)} / ${runs.reduce((n, r) => n + r.failed, 0)}`;
    figures["fan-out: delivered (local receiver)"] = received;
    figures["fan-out: deliveries/s (4 runners, pool 10)"] = received / deliverS;
    return figures;
  } finally {
    await stopJobEngine(db.app).catch(() => {});
    receiver.close();
    await db.drop();
    process.env = saved;
    resetEnvCache();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const figures = await runScaleBench();
  const width = Math.max(...Object.keys(figures).map((k) => k.length));
  console.log("\n== scale (1,000 vs 100,000 workspaces)");
  for (const [k, v] of Object.entries(figures)) console.log(`  ${k.padEnd(width)}  ${typeof v === "number" ? Number(v.toFixed(2)) : v}`);
  process.exit(0);
}
