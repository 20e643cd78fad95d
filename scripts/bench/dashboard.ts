/**
 * Dashboard benchmark: one workspace per size (default 1,000, 10,000 and 100,000 Pages; BENCH_SIZES to change),
 * seeded by generated SQL (with an Instagram account on every third Page and the scopes the capability marks read),
 * plus a neighbour workspace of 1,000 Pages so row-level security has something to filter,
 * served by a production build (`next start`) against a throw-away PostgreSQL database. Prints figures side by
 * side, asserts nothing.
 *
 *   npm run bench                                                   (everything; builds if needed)
 *   npx tsx --conditions=react-server scripts/bench/dashboard.ts       (alone; needs `next build` first)
 *
 * Figures:
 *  - The floor: /bench/floor renders the same dashboard markup from memory (the smallest workspace's data, captured
 *    from the real data path), with no session and no database. Dashboard and floor TTFB p50/p95, one request at a
 *    time and with CONCURRENCY in flight, each pair measured in ROUNDS alternating blocks; /api/health (a route that
 *    does nothing) for reference.
 *  - Per size: TTFB p50/p95 one at a time and under load; the SQL of one render, replayed with EXPLAIN ANALYZE in
 *    the same transaction context as the app role (server time per statement, median of REPLAYS); statements
 *    per render from the client's query log (data statements vs set_config/COMMIT).
 *  - First-load JS of the dashboard: every <script src> in its HTML, fetched and gzipped (level 9), summed.
 * Stops the server it started and drops its database, also on failure.
 */
import type { ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { gzipSync } from "node:zlib";
import { randomUUID } from "node:crypto";
import pg from "pg";
import { encode } from "next-auth/jwt";
import { createTestDatabase, type TestDatabase } from "../../test/support/test-database";
import { closePrismaClient, createPrismaClient } from "../../lib/db/client";
import { withMembership } from "../../lib/tenancy/membership";
import { loadDashboardData } from "../../lib/workspace/dashboard-data";
import { parseDashboardQuery } from "../../lib/workspace/dashboard-query";
import type { FloorProps } from "../../lib/bench/floor-data";
import { sizesFromEnv } from "./sizes";
import { percentile, runLoad } from "./load";
import { BENCH_AUTH_SECRET, startBenchApp, stopServer } from "./server";

const CONCURRENCY = 8;
const REQUESTS = 200;
const SEQUENTIAL = 60;
const WARMUP = 24;
/** Alternating blocks of the dashboard and its floor (see alternating). */
const ROUNDS = 4;
const REPLAYS = 15;
const MAX_SECONDS_PER_RUN = 60;
const SESSION_COOKIE = "authjs.session-token";

type Figures = Record<string, number | string>;

interface Workspace {
  tenantId: string;
  slug: string;
  pages: number;
}

/**
 * A workspace of n Pages with page tokens in a status mix (mostly active; some expiring, expired, revoked, invalid,
 * unchecked), one identity and its user token, and a connect attempt. Generated SQL: 100,000 Pages in seconds.
 */
async function seedWorkspace(db: TestDatabase, owner: string, label: string, n: number): Promise<Workspace> {
  const o = db.owner;
  const tenantId = randomUUID();
  const slug = `${label.toLowerCase().replace(/[^a-z0-9]+/g, "-")}-${tenantId.slice(0, 6)}`;
  await o.query(`INSERT INTO tenants (id, slug, name) VALUES ($1, $2, $3)`, [tenantId, slug, label]);
  await o.query(`INSERT INTO memberships (tenant_id, user_id, role) VALUES ($1, $2, 'owner')`, [tenantId, owner]);
  const identityId = randomUUID();
  await o.query(
    `INSERT INTO social_identities (id, tenant_id, user_id, platform, external_user_id, name, granted_scopes, declined_scopes)
     VALUES ($1, $2, $3, 'facebook', $4, $5, ARRAY['pages_show_list','pages_manage_posts','pages_read_engagement','read_insights','instagram_basic'],
             ARRAY['pages_manage_engagement'])`,
    [identityId, tenantId, owner, `ext-${tenantId.slice(0, 8)}`, `${label} Person`],
  );
  await o.query(
    `INSERT INTO ad_tokens (tenant_id, user_id, platform, token_type, social_identity_id, ciphertext, key_id, status, expires_at, last_checked_at)
     VALUES ($1, $2, 'facebook', 'user', $3, '\\x00', 'bench', 'active', now() + interval '50 days', now() - interval '2 hours')`,
    [tenantId, owner, identityId],
  );
  await o.query(
    `INSERT INTO facebook_pages (tenant_id, page_id, name, category, tasks)
     SELECT $1, ($2 || g)::text, $3 || ' Page ' || lpad(g::text, 6, '0'),
            (ARRAY['Bakery','Gym','Book Store','Restaurant','Community'])[1 + g % 5],
            CASE WHEN g % 2 = 0 THEN ARRAY['ANALYZE','ADVERTISE','MODERATE','CREATE_CONTENT','MANAGE'] ELSE ARRAY['ANALYZE','CREATE_CONTENT'] END
     FROM generate_series(1, $4::int) g`,
    [tenantId, tenantId.slice(0, 8), label, n],
  );
  // Ciphertext is a placeholder: rendering never decrypts.
  await o.query(
    `INSERT INTO ad_tokens (tenant_id, user_id, platform, token_type, social_identity_id, facebook_page_id, ciphertext, key_id,
                            status, expires_at, last_checked_at, last_error)
     SELECT p.tenant_id, $2, 'facebook', 'page', $3, p.id, '\\x00', 'bench',
            s.status::token_status,
            CASE WHEN s.status IN ('expiring') THEN now() + interval '3 days'
                 WHEN s.status = 'expired' THEN now() - interval '1 day' END,
            CASE WHEN s.status = 'unchecked' THEN NULL ELSE now() - (n % 48) * interval '1 hour' END,
            CASE WHEN s.status IN ('revoked', 'invalid') THEN 'Facebook no longer accepts this connection. Reconnect to continue.' END
     FROM (SELECT id, tenant_id, row_number() OVER (ORDER BY page_id) AS n FROM facebook_pages WHERE tenant_id = $1) p
     CROSS JOIN LATERAL (SELECT CASE WHEN p.n % 50 = 0 THEN 'revoked' WHEN p.n % 41 = 0 THEN 'invalid' WHEN p.n % 23 = 0 THEN 'expired'
                                     WHEN p.n % 11 = 0 THEN 'expiring' WHEN p.n % 17 = 0 THEN 'unchecked' ELSE 'active' END AS status) s`,
    [tenantId, owner, identityId],
  );
  // What the capability marks are computed from (the Page tokens' scopes), and an Instagram account on every third Page.
  await o.query(
    `UPDATE ad_tokens SET scopes = ARRAY['pages_show_list','pages_manage_posts','pages_read_engagement','read_insights','instagram_basic']
      WHERE tenant_id = $1 AND token_type = 'page'`,
    [tenantId],
  );
  await o.query(
    `INSERT INTO instagram_accounts (tenant_id, facebook_page_id, ig_user_id, username, name)
     SELECT tenant_id, id, '178414' || page_id, 'ig.' || page_id, name || ' IG'
       FROM (SELECT id, tenant_id, page_id, name, row_number() OVER (ORDER BY page_id) AS n FROM facebook_pages WHERE tenant_id = $1) p
      WHERE n % 3 = 0`,
    [tenantId],
  );
  await o.query(
    `INSERT INTO connect_attempts (tenant_id, user_id, platform, outcome, message, pages_count)
     VALUES ($1, $2, 'facebook', 'succeeded', $3, $4)`,
    [tenantId, owner, `Connected ${n.toLocaleString("en")} Pages.`, n],
  );
  return { tenantId, slug, pages: n };
}

interface LoadResult {
  p50: number;
  p95: number;
  rps: number;
  requests: number;
  errors: number;
  meanTotal: number;
  /** Every answered request's TTFB, sorted. */
  ttfb: number[];
}

/** REQUESTS requests (or MAX_SECONDS_PER_RUN, whichever first) with CONCURRENCY in flight; TTFB percentiles. */
async function load(
  url: string,
  headers: Record<string, string>,
  expectText?: string,
  concurrency = CONCURRENCY,
  requests = REQUESTS,
): Promise<LoadResult> {
  const run = await runLoad({
    concurrency,
    requests,
    maxSeconds: MAX_SECONDS_PER_RUN,
    send: () => fetch(url, { headers, redirect: "manual" }),
    accept: expectText ? (body) => body.replaceAll("<!-- -->", "").includes(expectText) : undefined,
  });
  return {
    p50: percentile(run.ttfb, 50),
    p95: percentile(run.ttfb, 95),
    rps: run.rps,
    requests: run.total.length,
    errors: run.errors,
    meanTotal: run.total.reduce((a, b) => a + b, 0) / Math.max(1, run.total.length),
    ttfb: run.ttfb,
  };
}

/**
 * Two series measured in alternating blocks (a, b, a, b, …; each block 1/rounds of the requests), their percentiles
 * taken over all their blocks: neither side gets the server's colder start or a quieter stretch of the machine.
 * (Measured one after the other, the dashboard's first series carried the fresh server's warm-up into its p95.)
 */
async function alternating(
  a: (requests: number) => Promise<LoadResult>,
  b: (requests: number) => Promise<LoadResult>,
  requests: number,
  rounds = ROUNDS,
): Promise<[LoadResult, LoadResult]> {
  const as: LoadResult[] = [];
  const bs: LoadResult[] = [];
  for (let r = 0; r < rounds; r++) {
    as.push(await a(Math.ceil(requests / rounds)));
    bs.push(await b(Math.ceil(requests / rounds)));
  }
  const merge = (runs: LoadResult[]): LoadResult => {
    const ttfb = runs.flatMap((x) => x.ttfb).sort((x, y) => x - y);
    const n = runs.reduce((sum, x) => sum + x.requests, 0);
    return {
      p50: percentile(ttfb, 50),
      p95: percentile(ttfb, 95),
      rps: runs.reduce((sum, x) => sum + x.rps, 0) / runs.length,
      requests: n,
      errors: runs.reduce((sum, x) => sum + x.errors, 0),
      meanTotal: runs.reduce((sum, x) => sum + x.meanTotal * x.requests, 0) / Math.max(1, n),
      ttfb,
    };
  };
  return [merge(as), merge(bs)];
}

async function warm(url: string, headers: Record<string, string>): Promise<void> {
  for (let i = 0; i < WARMUP; i++) await (await fetch(url, { headers, redirect: "manual" })).arrayBuffer();
}

/**
 * First-load JS: the scripts the dashboard's HTML makes a modern browser download, gzipped (level 9) and summed.
 * `nomodule` scripts (Next's legacy-browser polyfills) are not downloaded by browsers with module support; they are
 * reported apart.
 */
async function firstLoadJs(
  base: string,
  pagePath: string,
  headers: Record<string, string>,
): Promise<{ kb: number; scripts: number; nomoduleKb: number }> {
  const html = await (await fetch(`${base}${pagePath}`, { headers })).text();
  const tags = new Map([...html.matchAll(/<script\b[^>]*\bsrc="([^"]+)"[^>]*>/g)].map((m) => [m[1] as string, /\bnomodule\b/i.test(m[0])]));
  let bytes = 0;
  let nomodule = 0;
  for (const [src, isNomodule] of tags) {
    const body = Buffer.from(await (await fetch(new URL(src, base))).arrayBuffer());
    const size = gzipSync(body, { level: 9 }).length;
    if (isNomodule) nomodule += size;
    else bytes += size;
  }
  return { kb: bytes / 1024, scripts: [...tags.values()].filter((n) => !n).length, nomoduleKb: nomodule / 1024 };
}

interface Captured {
  sql: string;
  params: string;
}

/** One render of the dashboard's data path, in process, exactly as the page calls it; the statements it sent. */
async function renderInProcess(db: TestDatabase, userId: string, w: Workspace, params: Record<string, string>) {
  const seen: Captured[] = [];
  const client = createPrismaClient(db.appUrl, { max: 1, onQuery: (sql, p) => seen.push({ sql, params: p }) });
  try {
    const render = () =>
      withMembership(
        userId,
        { slug: w.slug },
        "workspace.view",
        (tx) => loadDashboardData(tx, { userId, query: parseDashboardQuery(params), warningDays: 7 }),
        { client },
      );
    const first = await render(); // first use of a client also runs the one-off RLS role check
    if (!first.ok || first.value.pages.rows.length === 0)
      throw new Error(`the dashboard of ${w.slug} came back empty: ${JSON.stringify(first.ok ? first.value.pages : first).slice(0, 500)}`);
    seen.length = 0;
    const again = await render();
    if (!again.ok) throw new Error("not a member");
    return { result: again, statements: [...seen] };
  } finally {
    await closePrismaClient(client);
  }
}

const isPlumbing = (sql: string) => /^\s*(SELECT set_config\(|(BEGIN|COMMIT|ROLLBACK)\b)/i.test(sql);

/**
 * Server time per data statement: the captured statements replayed in order in one transaction as the app role
 * (set_config as sent, data statements under EXPLAIN (ANALYZE, TIMING OFF): the statement's own total, without the
 * per-node clock reads that inflate a plan of many small nodes), REPLAYS times; median planning + execution ms
 * each, and the median planning ms alone.
 */
async function statementTimes(db: TestDatabase, statements: Captured[]): Promise<{ total: number; planning: number }[]> {
  const c = new pg.Client({ connectionString: db.appUrl });
  await c.connect();
  const runs: { total: number; planning: number }[][] = [];
  try {
    for (let r = 0; r < REPLAYS; r++) {
      await c.query("BEGIN");
      const times: { total: number; planning: number }[] = [];
      for (const st of statements) {
        const values = JSON.parse(st.params || "[]") as unknown[];
        if (/^\s*(BEGIN|COMMIT|ROLLBACK)\b/i.test(st.sql)) continue;
        if (isPlumbing(st.sql)) {
          await c.query(st.sql, values);
          continue;
        }
        const { rows } = await c.query<{ "QUERY PLAN": [{ "Planning Time": number; "Execution Time": number }] }>(
          `EXPLAIN (ANALYZE, TIMING OFF, FORMAT JSON) ${st.sql}`,
          values,
        );
        const plan = rows[0]!["QUERY PLAN"][0];
        times.push({ total: plan["Planning Time"] + plan["Execution Time"], planning: plan["Planning Time"] });
      }
      await c.query("ROLLBACK");
      runs.push(times);
    }
  } finally {
    await c.end();
  }
  const n = runs[0]?.length ?? 0;
  const median = (xs: number[]) =>
    percentile(
      [...xs].sort((a, b) => a - b),
      50,
    );
  return Array.from({ length: n }, (_, i) => ({
    total: median(runs.map((t) => t[i]!.total)),
    planning: median(runs.map((t) => t[i]!.planning)),
  }));
}

export interface DashboardBench {
  floor: Figures;
  bySize: Record<string, Figures>;
}

export async function runDashboardBench(): Promise<DashboardBench> {
  const distDir = process.env.NEXT_DIST_DIR || ".next";
  if (!existsSync(path.join(distDir, "BUILD_ID"))) throw new Error(`No production build in ${distDir}/: run \`npx next build\` first.`);
  const sizes = sizesFromEnv("BENCH_SIZES", [1_000, 10_000, 100_000]);
  const db = await createTestDatabase({ poolMax: 2 });
  const floorDir = await mkdtemp(path.join(tmpdir(), "bench-floor-"));
  let server: ChildProcess | null = null;
  try {
    const userId = randomUUID();
    await db.owner.query(`INSERT INTO users (id, name, email) VALUES ($1, 'Bench Owner', 'bench-owner@example.test')`, [userId]);
    const neighbourOwner = randomUUID();
    await db.owner.query(`INSERT INTO users (id, name) VALUES ($1, 'Neighbour')`, [neighbourOwner]);
    const seedStart = performance.now();
    await seedWorkspace(db, neighbourOwner, "Neighbour Agency", 1_000);
    const workspaces: Workspace[] = [];
    for (const n of sizes) workspaces.push(await seedWorkspace(db, userId, `Agency ${n}`, n));
    await db.owner.query(`VACUUM ANALYZE`);
    const seedSeconds = (performance.now() - seedStart) / 1000;

    // The floor's data: the smallest workspace's dashboard, from the real data path.
    const smallest = workspaces[0] as Workspace;
    const captured = await renderInProcess(db, userId, smallest, {});
    const floorFile = path.join(floorDir, "floor.json");
    const props: FloorProps = {
      membership: captured.result.access,
      tenants: captured.result.tenants,
      user: { id: userId, name: "Bench Owner" },
      query: parseDashboardQuery({}),
      value: captured.result.value,
    };
    await writeFile(floorFile, JSON.stringify(props));

    const started = await startBenchApp(db.appUrl, { BENCH_FLOOR_DATA: floorFile });
    const { base } = started;
    server = started.child;

    const jwt = await encode({
      // sid and gen as Auth.js's jwt callback puts them at sign-in (a session without them is over).
      token: { sub: userId, name: "Bench Owner", email: "bench-owner@example.test", sid: randomUUID(), gen: 0 },
      secret: BENCH_AUTH_SECRET,
      salt: SESSION_COOKIE,
      maxAge: 3600,
    });
    const headers = { cookie: `${SESSION_COOKIE}=${jwt}` };
    const totalText = (n: number) => `Pages (${n.toLocaleString("en")})`;
    const dashboardUrl = (w: Workspace) => `${base}/t/${w.slug}`;
    const floorUrl = `${base}/bench/floor`;
    const health = `${base}/api/health`;

    for (const w of workspaces) {
      const check = await fetch(dashboardUrl(w), { headers, redirect: "manual" });
      const html = (await check.text()).replaceAll("<!-- -->", "");
      if (check.status !== 200 || !html.includes(totalText(w.pages))) {
        throw new Error(`the dashboard did not render ${w.pages} Pages (HTTP ${check.status}):\n${started.log.join("").slice(-2000)}`);
      }
    }
    const dashHtml = await (await fetch(dashboardUrl(smallest), { headers })).text();
    const floorHtml = await (await fetch(floorUrl)).text();

    // Dashboard (smallest workspace) next to its floor.
    await warm(dashboardUrl(smallest), headers);
    await warm(floorUrl, {});
    await warm(health, {});
    const [d1, f1] = await alternating(
      (n) => load(dashboardUrl(smallest), headers, totalText(smallest.pages), 1, n),
      (n) => load(floorUrl, {}, totalText(smallest.pages), 1, n),
      SEQUENTIAL,
    );
    const h1 = await load(health, {}, undefined, 1, SEQUENTIAL);
    const [d8, f8] = await alternating(
      (n) => load(dashboardUrl(smallest), headers, totalText(smallest.pages), CONCURRENCY, n),
      (n) => load(floorUrl, {}, totalText(smallest.pages), CONCURRENCY, n),
      REQUESTS,
    );
    const h8 = await load(health, {});
    const js = await firstLoadJs(base, `/t/${smallest.slug}`, headers);
    const floor: Figures = {
      "workspace shown": `${smallest.pages.toLocaleString("en")} Pages`,
      "html KB: dashboard / floor": `${(dashHtml.length / 1024).toFixed(1)} / ${(floorHtml.length / 1024).toFixed(1)}`,
      "one at a time: dashboard TTFB p50 / p95 ms": `${d1.p50.toFixed(1)} / ${d1.p95.toFixed(1)}`,
      "one at a time: floor TTFB p50 / p95 ms": `${f1.p50.toFixed(1)} / ${f1.p95.toFixed(1)}`,
      "one at a time: /api/health TTFB p50 / p95 ms": `${h1.p50.toFixed(1)} / ${h1.p95.toFixed(1)}`,
      "one at a time: ratio dashboard / floor p50, p95": `${(d1.p50 / f1.p50).toFixed(2)}×, ${(d1.p95 / f1.p95).toFixed(2)}×`,
      [`${CONCURRENCY} concurrent: dashboard TTFB p50 / p95 ms`]: `${d8.p50.toFixed(1)} / ${d8.p95.toFixed(1)} (${d8.rps.toFixed(0)} req/s)`,
      [`${CONCURRENCY} concurrent: floor TTFB p50 / p95 ms`]: `${f8.p50.toFixed(1)} / ${f8.p95.toFixed(1)} (${f8.rps.toFixed(0)} req/s)`,
      [`${CONCURRENCY} concurrent: /api/health TTFB p50 / p95 ms`]: `${h8.p50.toFixed(1)} / ${h8.p95.toFixed(1)} (${h8.rps.toFixed(0)} req/s)`,
      [`${CONCURRENCY} concurrent: ratio dashboard / floor p50, p95`]: `${(d8.p50 / f8.p50).toFixed(2)}×, ${(d8.p95 / f8.p95).toFixed(2)}×`,
      "errors (dashboard, floor)": `${d1.errors + d8.errors}, ${f1.errors + f8.errors}`,
      "first-load JS gzip KB (dashboard)": js.kb,
      "seed s (all workspaces)": seedSeconds,
    };

    // Per size: TTFB and the SQL of one render.
    const bySize: Record<string, Figures> = {};
    for (const w of workspaces) {
      const url = dashboardUrl(w);
      await warm(url, headers);
      const seq = await load(url, headers, totalText(w.pages), 1, SEQUENTIAL);
      const conc = await load(url, headers, totalText(w.pages), CONCURRENCY, REQUESTS);
      const plain = await renderInProcess(db, userId, w, {});
      const filteredParams = { status: "revoked", sort: "status" };
      const filtered = await renderInProcess(db, userId, w, filteredParams);
      const searched = await renderInProcess(db, userId, w, { q: "Page 0001" });
      const oneMatch = await renderInProcess(db, userId, w, { q: "Page 000123" });
      const data = plain.statements.filter((st) => !isPlumbing(st.sql));
      const none = { total: NaN, planning: NaN };
      const [membership = none, pages = none, identities = none] = await statementTimes(db, plain.statements);
      const [, fPages = none] = await statementTimes(db, filtered.statements);
      const [, sPages = none] = await statementTimes(db, searched.statements);
      const [, oPages = none] = await statementTimes(db, oneMatch.statements);
      const both = (t: { total: number; planning: number }) => `${t.total.toFixed(2)} (${t.planning.toFixed(2)})`;
      bySize[`${w.pages.toLocaleString("en")} Pages`] = {
        "TTFB one at a time p50 ms": seq.p50,
        "TTFB one at a time p95 ms": seq.p95,
        [`TTFB ${CONCURRENCY} concurrent p50 ms`]: conc.p50,
        [`TTFB ${CONCURRENCY} concurrent p95 ms`]: conc.p95,
        "req/s": conc.rps,
        "SQL data statements per render": data.length,
        "SQL set_config + COMMIT per render": plain.statements.length - data.length,
        "SQL ms (of which planning): membership": both(membership),
        "SQL ms (of which planning): pages list (default view)": both(pages),
        "SQL ms (of which planning): pages list (revoked, problems first)": both(fPages),
        "SQL ms (of which planning): pages list (search 'Page 000123': 1 match)": both(oPages),
        "SQL ms (of which planning): pages list (search 'Page 0001': ~100 matches)": both(sPages),
        "SQL ms (of which planning): identities + attempt + banner": both(identities),
        errors: seq.errors + conc.errors,
      };
    }
    return { floor, bySize };
  } finally {
    if (server) await stopServer(server).catch(() => {});
    await rm(floorDir, { recursive: true, force: true });
    await db.drop().catch((err: unknown) => console.error("could not drop the benchmark database:", err));
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  const { printFigures, printTable } = await import("./print");
  const r = await runDashboardBench();
  printFigures("dashboard vs its floor", r.floor);
  printTable("dashboard by workspace size", r.bySize);
  process.exit(0);
}
