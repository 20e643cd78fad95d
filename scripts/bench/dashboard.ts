/**
 * Dashboard benchmark: a tenant with 1,000 Pages (and a neighbour tenant with 1,000 more, so row-level security has
 * something to filter), served by a production build (`next start`, built beforehand) against a throw-away
 * PostgreSQL database. Prints figures, asserts nothing.
 *
 *   npm run bench                                               (with the sweep figures; builds if needed)
 *   npx tsx --conditions=react-server scripts/bench/dashboard.ts   (alone; needs `next build` first)
 *
 * Figures:
 *  - TTFB p50/p95 (fetch resolves when the response head arrives) and req/s for the dashboard, under CONCURRENCY
 *    parallel requests, next to the same for /api/health (a route that does nothing) in the same run; the ratio.
 *    Also the signed-in landing page (session decode + a tiny server render): the floor of any dynamic page here.
 *  - SQL statements per dashboard render, two ways:
 *      in-process: the page's own data path (withMembership → loadDashboardData, the exact calls the page makes)
 *        on a Prisma client whose query log counts every statement sent, split into data statements and the
 *        transaction's plumbing (BEGIN/COMMIT, set_config);
 *      over HTTP: pg_stat_database.xact_commit for the benchmark database across N real page requests, i.e.
 *        database transactions per request (a stray query outside the transaction would show up here).
 *  - First-load JS of the dashboard: every <script src> in the dashboard's HTML, fetched and gzipped (level 9),
 *    summed (KB = 1,024 bytes); the landing page's, for reference (what the framework and the root layout cost).
 * Stops the server it started and drops its database, also on failure.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { createServer } from "node:net";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { gzipSync } from "node:zlib";
import { randomUUID } from "node:crypto";
import { encode } from "next-auth/jwt";
import { createTestDatabase, type TestDatabase } from "../../test/support/test-database";
import { closePrismaClient, createPrismaClient } from "../../lib/db/client";
import { generateKeySpec } from "../../lib/tokens/key-ring";
import { withMembership } from "../../lib/tenancy/membership";
import { loadDashboardData } from "../../lib/workspace/dashboard-data";
import { parseDashboardQuery } from "../../lib/workspace/dashboard-query";

const PAGES = 1_000;
const CONCURRENCY = 8;
const REQUESTS = 400;
const WARMUP = 24;
const MAX_SECONDS_PER_RUN = 60;
const AUTH_SECRET = "bench-auth-secret-that-is-long-enough-0123456789";
const SESSION_COOKIE = "authjs.session-token";

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const addr = srv.address();
      const port = typeof addr === "object" && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

interface Seeded {
  userId: string;
  slug: string;
}

/** 1,000 Pages with page tokens in a status mix, one identity and user token, plus a neighbour tenant. */
async function seed(db: TestDatabase): Promise<Seeded> {
  const o = db.owner;
  const userId = randomUUID();
  await o.query(`INSERT INTO users (id, name, email) VALUES ($1, 'Bench Owner', 'bench-owner@example.test')`, [userId]);
  let mainSlug = "";
  for (const [i, label] of ["Bench Agency", "Neighbour Agency"].entries()) {
    const tenantId = randomUUID();
    const slug = `bench-${i}-${tenantId.slice(0, 6)}`;
    if (i === 0) mainSlug = slug;
    const owner = i === 0 ? userId : randomUUID();
    if (i > 0) await o.query(`INSERT INTO users (id, name) VALUES ($1, 'Neighbour')`, [owner]);
    await o.query(`INSERT INTO tenants (id, slug, name) VALUES ($1, $2, $3)`, [tenantId, slug, label]);
    await o.query(`INSERT INTO memberships (tenant_id, user_id, role) VALUES ($1, $2, 'owner')`, [tenantId, owner]);
    const identityId = randomUUID();
    await o.query(
      `INSERT INTO social_identities (id, tenant_id, user_id, platform, external_user_id, name, granted_scopes)
       VALUES ($1, $2, $3, 'facebook', $4, $5, ARRAY['pages_show_list'])`,
      [identityId, tenantId, owner, `10${i}0001`, `${label} Person`],
    );
    await o.query(
      `INSERT INTO ad_tokens (tenant_id, user_id, platform, token_type, social_identity_id, ciphertext, key_id, status, expires_at, last_checked_at)
       VALUES ($1, $2, 'facebook', 'user', $3, '\\x00', 'bench', 'active', now() + interval '50 days', now() - interval '2 hours')`,
      [tenantId, owner, identityId],
    );
    await o.query(
      `INSERT INTO facebook_pages (tenant_id, page_id, name, category, tasks)
       SELECT $1, ($2 + g)::text, $3 || ' Page ' || lpad(g::text, 4, '0'),
              (ARRAY['Bakery','Gym','Book Store','Restaurant','Community'])[1 + g % 5],
              CASE WHEN g % 2 = 0 THEN ARRAY['ANALYZE','ADVERTISE','MODERATE','CREATE_CONTENT','MANAGE'] ELSE ARRAY['ANALYZE','CREATE_CONTENT'] END
       FROM generate_series(1, $4::int) g`,
      [tenantId, 5_000_000 + i * 100_000, label, PAGES],
    );
    // Status mix: mostly active, some expiring/expired/revoked/invalid/unchecked (ciphertext is a placeholder:
    // rendering never decrypts).
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
    await o.query(
      `INSERT INTO connect_attempts (tenant_id, user_id, platform, outcome, message, pages_count)
       VALUES ($1, $2, 'facebook', 'succeeded', 'Connected 1,000 Pages.', $3)`,
      [tenantId, owner, PAGES],
    );
  }
  await o.query(`ANALYZE`);
  return { userId, slug: mainSlug };
}

export async function startServer(port: number, env: Record<string, string>): Promise<{ child: ChildProcess; log: string[] }> {
  const log: string[] = [];
  // BENCH_NODE_ARGS, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof", profiles the server under load.
  const nodeArgs = (process.env.BENCH_NODE_ARGS ?? "").split(" ").filter(Boolean);
  const child = spawn(
    process.execPath,
    [...nodeArgs, path.join("node_modules", "next", "dist", "bin", "next"), "start", "-p", String(port)],
    {
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, ...env },
    },
  );
  const keep = (b: Buffer) => {
    log.push(b.toString());
    if (log.length > 200) log.shift();
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`next start exited (${child.exitCode}):\n${log.join("")}`);
    try {
      const res = await fetch(`http://localhost:${port}/api/health`);
      if (res.ok) return { child, log };
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`next start did not answer in 60 s:\n${log.join("")}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

export async function stopServer(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise<void>((r) => child.once("exit", () => r()));
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), 5_000);
  await exited;
  clearTimeout(timer);
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i] as number;
}

interface LoadResult {
  p50: number;
  p95: number;
  rps: number;
  requests: number;
  errors: number;
  meanTotal: number;
}

/** REQUESTS requests (or MAX_SECONDS_PER_RUN, whichever first) with CONCURRENCY in flight. */
async function load(
  url: string,
  headers: Record<string, string>,
  expectText?: string,
  concurrency = CONCURRENCY,
  requests = REQUESTS,
): Promise<LoadResult> {
  const ttfb: number[] = [];
  const total: number[] = [];
  let errors = 0;
  let issued = 0;
  const stopAt = performance.now() + MAX_SECONDS_PER_RUN * 1000;
  const t0 = performance.now();
  async function worker() {
    while (issued < requests && performance.now() < stopAt) {
      issued++;
      const s = performance.now();
      try {
        const res = await fetch(url, { headers, redirect: "manual" });
        const head = performance.now();
        const body = await res.text();
        if (!res.ok || (expectText && !body.replaceAll("<!-- -->", "").includes(expectText))) errors++;
        ttfb.push(head - s);
        total.push(performance.now() - s);
      } catch {
        errors++;
      }
    }
  }
  await Promise.all(Array.from({ length: concurrency }, worker));
  const seconds = (performance.now() - t0) / 1000;
  ttfb.sort((a, b) => a - b);
  return {
    p50: percentile(ttfb, 50),
    p95: percentile(ttfb, 95),
    rps: total.length / seconds,
    requests: total.length,
    errors,
    meanTotal: total.reduce((a, b) => a + b, 0) / Math.max(1, total.length),
  };
}

async function warm(url: string, headers: Record<string, string>): Promise<void> {
  for (let i = 0; i < WARMUP; i++) await (await fetch(url, { headers, redirect: "manual" })).arrayBuffer();
}

/**
 * Statements the dashboard's data path sends for one render, from the client's query log: data statements (the
 * membership look-up, the Pages list, identities + latest attempt), set_config (tenant context) and COMMIT. BEGIN is
 * sent by the driver adapter without passing through Prisma's log, so it is counted as one per transaction.
 */
async function countStatements(
  db: TestDatabase,
  s: Seeded,
  params: Record<string, string>,
): Promise<{ data: number; setConfig: number; commit: number }> {
  const seen: string[] = [];
  const client = createPrismaClient(db.appUrl, { max: 1, onQuery: (sql) => seen.push(sql) });
  try {
    const render = () =>
      withMembership(
        s.userId,
        { slug: s.slug },
        "workspace.view",
        (tx) => loadDashboardData(tx, { userId: s.userId, query: parseDashboardQuery(params), warningDays: 7 }),
        { client: client },
      );
    const first = await render(); // first use of a client also runs the one-off RLS role check
    if (!first.ok || first.value.pages.rows.length === 0) throw new Error("the benchmark tenant's dashboard came back empty");
    seen.length = 0;
    await render();
  } finally {
    await closePrismaClient(client);
  }
  const setConfig = seen.filter((q) => /^\s*SELECT set_config\(/i.test(q)).length;
  const commit = seen.filter((q) => /^\s*(BEGIN|COMMIT|ROLLBACK)\b/i.test(q)).length;
  return { data: seen.length - setConfig - commit, setConfig, commit };
}

async function xactCommits(db: TestDatabase): Promise<number> {
  const { rows } = await db.owner.query<{ n: string }>(
    `SELECT xact_commit::text AS n FROM pg_stat_database WHERE datname = current_database()`,
  );
  return Number(rows[0]?.n ?? 0);
}

/**
 * Database transactions per real dashboard request, from the server's statistics: the xact_commit delta over n
 * requests, minus the same delta measured over no requests (the reads themselves, late flushes), divided by n.
 */
async function transactionsPerRequest(db: TestDatabase, url: string, headers: Record<string, string>, n = 40): Promise<number> {
  // An idle backend flushes its statistics within PostgreSQL's idle-stats interval (10 s): wait that out on both sides.
  const settle = () => new Promise((r) => setTimeout(r, 11_000));
  const delta = async (requests: number) => {
    await settle();
    const before = await xactCommits(db);
    for (let i = 0; i < requests; i++) await (await fetch(url, { headers })).arrayBuffer();
    await settle();
    return (await xactCommits(db)) - before;
  };
  const control = await delta(0);
  return ((await delta(n)) - control) / n;
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

export async function runDashboardBench(): Promise<Record<string, number | string>> {
  const distDir = process.env.NEXT_DIST_DIR || ".next";
  if (!existsSync(path.join(distDir, "BUILD_ID"))) throw new Error(`No production build in ${distDir}/: run \`npx next build\` first.`);
  const db = await createTestDatabase({ poolMax: 2 });
  db.owner.on("error", () => {}); // DROP DATABASE … WITH (FORCE) may close an idle owner connection first
  let server: ChildProcess | null = null;
  try {
    const seeded = await seed(db);
    const port = await freePort();
    const base = `http://localhost:${port}`;
    const started = await startServer(port, {
      NODE_ENV: "production",
      NEXT_TELEMETRY_DISABLED: "1",
      DATABASE_URL: db.appUrl,
      DATABASE_POOL_MAX: "10",
      AUTH_SECRET,
      AUTH_URL: base,
      FACEBOOK_APP_ID: "1234567890",
      FACEBOOK_APP_SECRET: "bench-app-secret-not-used",
      // Rendering never calls Facebook; point at a closed local port so nothing can leave the machine.
      FACEBOOK_GRAPH_URL: "http://127.0.0.1:9",
      FACEBOOK_DIALOG_URL: "http://127.0.0.1:9",
      TOKEN_ENCRYPTION_KEYS: generateKeySpec("bench1"),
      LOG_LEVEL: "warn",
    });
    server = started.child;

    const jwt = await encode({
      token: { sub: seeded.userId, name: "Bench Owner", email: "bench-owner@example.test" },
      secret: AUTH_SECRET,
      salt: SESSION_COOKIE,
      maxAge: 3600,
    });
    const headers = { cookie: `${SESSION_COOKIE}=${jwt}` };
    const dashboard = `${base}/t/${seeded.slug}`;
    const health = `${base}/api/health`;

    const check = await fetch(dashboard, { headers, redirect: "manual" });
    const html = await check.text();
    if (check.status !== 200 || !html.replaceAll("<!-- -->", "").includes("Pages (1,000)")) {
      throw new Error(`the dashboard did not render 1,000 Pages (HTTP ${check.status}):\n${started.log.join("").slice(-2000)}`);
    }
    const rowsShown = (html.match(/data-testid="page-row"/g) ?? []).length;

    await warm(dashboard, headers);
    await warm(health, {});
    const landing = `${base}/`;
    await warm(landing, headers);
    const d = await load(dashboard, headers, "Pages (1,000)");
    const h = await load(health, {});
    const l = await load(landing, headers);
    const filteredUrl = `${dashboard}?status=active&q=page&sort=status&page=3`;
    await warm(filteredUrl, headers);
    const f = await load(filteredUrl, headers, "Pages (1,000)");
    // One request at a time: latency without queueing on the 2 cores the load generator shares.
    const d1 = await load(dashboard, headers, "Pages (1,000)", 1, 60);
    const h1 = await load(health, {}, undefined, 1, 60);

    const plain = await countStatements(db, seeded, {});
    const filtered = await countStatements(db, seeded, { status: "active", q: "page", sort: "status", page: "3" });
    const txPerRequest = await transactionsPerRequest(db, dashboard, headers);
    const js = await firstLoadJs(base, `/t/${seeded.slug}`, headers);
    const landingJs = await firstLoadJs(base, "/", headers);

    return {
      "pages in tenant": PAGES,
      "rows rendered per page": rowsShown,
      "html KB (uncompressed)": html.length / 1024,
      load: `${CONCURRENCY} concurrent, up to ${REQUESTS} requests or ${MAX_SECONDS_PER_RUN} s per route`,
      "dashboard TTFB p50 ms": d.p50,
      "dashboard TTFB p95 ms": d.p95,
      "dashboard req/s": d.rps,
      "dashboard errors": d.errors,
      "filtered dashboard TTFB p50 ms": f.p50,
      "filtered dashboard TTFB p95 ms": f.p95,
      "filtered dashboard req/s": f.rps,
      "/api/health TTFB p50 ms": h.p50,
      "/api/health TTFB p95 ms": h.p95,
      "/api/health req/s": h.rps,
      "/ (signed in: session + tiny page) TTFB p50 ms": l.p50,
      "/ (signed in) TTFB p95 ms": l.p95,
      "/ (signed in) req/s": l.rps,
      "sequential dashboard TTFB p50 ms": d1.p50,
      "sequential /api/health TTFB p50 ms": h1.p50,
      "ratio sequential TTFB p50 (dashboard / health)": d1.p50 / h1.p50,
      "ratio TTFB p50 (dashboard / health)": d.p50 / h.p50,
      "ratio TTFB p95 (dashboard / health)": d.p95 / h.p95,
      "ratio req/s (health / dashboard)": h.rps / d.rps,
      "ratio TTFB p50 (dashboard / signed-in /)": d.p50 / l.p50,
      "ratio req/s (signed-in / / dashboard)": l.rps / d.rps,
      "SQL data statements per render": plain.data,
      "SQL data statements per render (filtered)": filtered.data,
      "SQL set_config per render (tenant context)": plain.setConfig,
      "SQL BEGIN/COMMIT per render": plain.commit + 1,
      "DB transactions per HTTP render (pg_stat_database)": txPerRequest,
      "first-load JS gzip KB (dashboard)": js.kb,
      "first-load JS scripts": js.scripts,
      "first-load JS gzip KB (signed-in /, for reference)": landingJs.kb,
      "nomodule polyfills gzip KB (legacy browsers only)": js.nomoduleKb,
    };
  } finally {
    if (server) await stopServer(server).catch(() => {});
    await db.drop().catch((err: unknown) => console.error("could not drop the benchmark database:", err));
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  const figures = await runDashboardBench();
  const width = Math.max(...Object.keys(figures).map((k) => k.length));
  console.log("\n== dashboard (1,000 Pages)");
  for (const [k, v] of Object.entries(figures)) console.log(`  ${k.padEnd(width)}  ${typeof v === "number" ? Number(v.toFixed(2)) : v}`);
  process.exit(0);
}
