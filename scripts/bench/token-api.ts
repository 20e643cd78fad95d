/**
 * Token hand-out benchmark: POST /api/v1/pages/{id}/token (key lookup, rate limit, one statement to choose the token,
 * one decrypt, one audit row) at 32 concurrent clients on a production build (`next start`), next to a floor measured
 * in the same run: POST /api/v1/bench-floor, one transaction with one trivial statement through the same pool
 * (enabled only here, by BENCH_ROUTES=true), the two taking turns. Prints p50/p99 latency (full response), hand-outs
 * per second and the ratios; then the 401 answers to each kind of refused key side by side
 * (scripts/bench/api-key-refusals.ts). Asserts nothing.
 *
 *   npx tsx --conditions=react-server scripts/bench/token-api.ts   (alone; needs `next build` first)
 */
import { randomUUID } from "node:crypto";
import { existsSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import type { ChildProcess } from "node:child_process";
import { createTestDatabase, type TestDatabase } from "../../test/support/test-database";
import { generateApiKey } from "../../lib/api-keys/key-format";
import { generateKeySpec, parseKeyRing, seal } from "../../lib/tokens/key-ring";
import { startBenchApp, stopServer } from "./server";
import { percentile, runLoad } from "./load";
import { measureRefusals } from "./api-key-refusals";

const PAGES = 200;
const CONCURRENCY = 32;
const REQUESTS = 3_000;
const WARMUP = 200;
const PAIRS = 3;

export interface Run {
  p50: number;
  p99: number;
  rps: number;
  errors: number;
}

/** POSTs to `urls` in turn, CONCURRENCY in flight; full-response latency percentiles. */
export async function load(urls: string[], headers: Record<string, string>, requests = REQUESTS): Promise<Run> {
  const run = await runLoad({
    concurrency: CONCURRENCY,
    requests,
    send: (i) => fetch(urls[i % urls.length]!, { method: "POST", headers: { ...headers, "content-type": "application/json" }, body: "{}" }),
  });
  return { p50: percentile(run.total, 50), p99: percentile(run.total, 99), rps: run.rps, errors: run.errors };
}

/** One workspace with PAGES Pages, each with an encrypted page token, and a tokens:read API key. */
export async function seedHandOuts(
  db: TestDatabase,
): Promise<{ keys: string; pages: { id: string }[]; key: ReturnType<typeof generateApiKey>; tenantId: string; userId: string }> {
  const o = db.owner;
  const keys = generateKeySpec("bench1");
  const ring = parseKeyRing(keys);
  const userId = randomUUID();
  const tenantId = randomUUID();
  await o.query(`INSERT INTO users (id, name) VALUES ($1, 'Bench Owner')`, [userId]);
  await o.query(`INSERT INTO tenants (id, slug, name) VALUES ($1, $2, 'Bench Agency')`, [tenantId, `bench-${tenantId.slice(0, 6)}`]);
  await o.query(`INSERT INTO memberships (tenant_id, user_id, role) VALUES ($1, $2, 'owner')`, [tenantId, userId]);
  const identityId = randomUUID();
  await o.query(
    `INSERT INTO social_identities (id, tenant_id, user_id, platform, external_user_id, name) VALUES ($1, $2, $3, 'facebook', '1000001', 'Bench Person')`,
    [identityId, tenantId, userId],
  );
  const { rows: pages } = await o.query<{ id: string }>(
    `INSERT INTO facebook_pages (tenant_id, page_id, name, tasks)
     SELECT $1, (6000000 + g)::text, 'Bench Page ' || g, ARRAY['CREATE_CONTENT','MANAGE'] FROM generate_series(1, $2::int) g RETURNING id`,
    [tenantId, PAGES],
  );
  for (const p of pages) {
    const sealed = seal(ring, tenantId, `EAA${randomUUID().replaceAll("-", "")}benchtoken`);
    await o.query(
      `INSERT INTO ad_tokens (tenant_id, user_id, platform, token_type, social_identity_id, facebook_page_id, ciphertext, key_id, status)
       VALUES ($1, $2, 'facebook', 'page', $3, $4, $5, $6, 'active')`,
      [tenantId, userId, identityId, p.id, Buffer.from(sealed.ciphertext), sealed.keyId],
    );
  }
  const key = generateApiKey();
  await o.query(
    `INSERT INTO api_keys (tenant_id, name, prefix, key_hash, scopes, created_by) VALUES ($1, 'Bench', $2, $3, ARRAY['tokens:read'], $4)`,
    [tenantId, key.prefix, key.hash, userId],
  );
  await o.query(`ANALYZE`);
  return { keys, pages, key, tenantId, userId };
}

/** One hand-out before measuring: it must answer 200 with the seeded token. */
export async function probeHandOut(url: string, auth: Record<string, string>, log: string[]): Promise<void> {
  const probe = await fetch(url, { method: "POST", headers: { ...auth, "content-type": "application/json" }, body: "{}" });
  const body = (await probe.json()) as { token?: string };
  if (probe.status !== 200 || !body.token?.endsWith("benchtoken"))
    throw new Error(`hand-out failed (HTTP ${probe.status}):\n${log.join("").slice(-2000)}`);
}

export async function runTokenApiBench(): Promise<Record<string, number | string>> {
  const distDir = process.env.NEXT_DIST_DIR || ".next";
  if (!existsSync(path.join(distDir, "BUILD_ID"))) throw new Error(`No production build in ${distDir}/: run \`npx next build\` first.`);
  const db = await createTestDatabase({ poolMax: 2 });
  let server: ChildProcess | null = null;
  try {
    const { keys, pages, key, tenantId, userId } = await seedHandOuts(db);
    const o = db.owner;
    // Keys the hand-out must refuse with 401, for the timing comparison: one revoked, one expired.
    const revoked = generateApiKey();
    const expired = generateApiKey();
    for (const [k, extra] of [
      [revoked, "revoked_at = now()"],
      [expired, "expires_at = now() - interval '1 day'"],
    ] as const) {
      await o.query(
        `INSERT INTO api_keys (tenant_id, name, prefix, key_hash, scopes, created_by) VALUES ($1, 'Refused', $2, $3, ARRAY['tokens:read'], $4)`,
        [tenantId, k.prefix, k.hash, userId],
      );
      await o.query(`UPDATE api_keys SET ${extra} WHERE key_hash = $1`, [k.hash]);
    }
    await o.query(`ANALYZE`);

    const started = await startBenchApp(db.appUrl, { TOKEN_ENCRYPTION_KEYS: keys, API_RATE_LIMIT_POINTS: "1000000", BENCH_ROUTES: "true" });
    const { base } = started;
    server = started.child;
    const auth = { authorization: `Bearer ${key.key}` };
    const handOut = pages.map((p) => `${base}/api/v1/pages/${p.id}/token`);
    const floor = [`${base}/api/v1/bench-floor`];
    await probeHandOut(handOut[0]!, auth, started.log);

    await load(floor, {}, WARMUP);
    await load(handOut, auth, WARMUP);
    // Floor and hand-out take turns (F T F T F T F): each hand-out run is compared with the mean of the floors just
    // before and after it, so the machine warming up or slowing down during the run moves both sides alike.
    const floors: Run[] = [await load(floor, {})];
    const handOuts: Run[] = [];
    for (let i = 0; i < PAIRS; i++) {
      handOuts.push(await load(handOut, auth));
      floors.push(await load(floor, {}));
    }
    const around = (i: number, pick: (r: Run) => number) => (pick(floors[i]!) + pick(floors[i + 1]!)) / 2;
    const ratios = (pick: (r: Run) => number) => handOuts.map((t, i) => pick(t) / around(i, pick)).sort((a, b) => a - b);
    const median = (xs: number[]) => xs[Math.floor(xs.length / 2)]!;
    const t = handOuts[Math.floor(PAIRS / 2)]!;
    const f = floors[Math.floor(PAIRS / 2)]!;
    const refusals = await measureRefusals(
      handOut[0]!,
      {
        revoked: revoked.key,
        expired: expired.key,
        "malformed (not a key)": "not-a-key",
        "truncated (live key minus its last 5 characters)": key.key.slice(0, -5),
        "another secret under the live key's shown prefix": key.prefix + generateApiKey().key.slice(key.prefix.length),
        "no Authorization header": null,
      },
      () => generateApiKey().key,
    );
    const { rows: audit } = await o.query<{ n: number }>(`SELECT count(*)::int AS n FROM audit_events WHERE action = 'token.handed_out'`);
    return {
      load: `${CONCURRENCY} concurrent clients, ${REQUESTS} requests per run, ${PAGES} Pages; ${PAIRS} hand-out runs between ${PAIRS + 1} floor runs`,
      "hand-out p50 ms (middle run)": t.p50,
      "hand-out p99 ms (middle run)": t.p99,
      "hand-outs per second (middle run)": t.rps,
      "hand-out errors (all runs)": handOuts.reduce((n, r) => n + r.errors, 0),
      "floor p50 ms (1 tx, SELECT 1; the run before the middle hand-out run)": f.p50,
      "floor p99 ms (same run)": f.p99,
      "floor req/s (same run)": f.rps,
      "floor p50 ms, every run": floors.map((r) => r.p50.toFixed(1)).join(" / "),
      "ratio p50 (hand-out / mean of the floors around it), per run": ratios((r) => r.p50)
        .map((x) => x.toFixed(2))
        .join(" / "),
      "ratio p50, median": median(ratios((r) => r.p50)),
      "ratio p99, per run": ratios((r) => r.p99)
        .map((x) => x.toFixed(2))
        .join(" / "),
      "ratio p99, median": median(ratios((r) => r.p99)),
      "audit rows written (token.handed_out)": audit[0]?.n ?? 0,
      ...refusals,
    };
  } finally {
    if (server) await stopServer(server).catch(() => {});
    await db.drop().catch((err: unknown) => console.error("could not drop the benchmark database:", err));
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  const figures = await runTokenApiBench();
  const width = Math.max(...Object.keys(figures).map((k) => k.length));
  console.log("\n== token hand-out (32 concurrent)");
  for (const [k, v] of Object.entries(figures)) console.log(`  ${k.padEnd(width)}  ${typeof v === "number" ? Number(v.toFixed(2)) : v}`);
  process.exit(0);
}
