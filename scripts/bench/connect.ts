/**
 * Connect benchmark: one person managing 1,000 Pages (BENCH_CONNECT_PAGES to change) connects through the real
 * connectFacebook (the emulator over HTTP, appsecret_proof on; a throw-away PostgreSQL database as the app role),
 * next to its floor measured in the same run: the same Graph fetches (fetchFacebookConnection), encrypting the same
 * 1,001 tokens, and one transaction with one bulk INSERT of the Pages and one of the tokens into bare copies of the
 * tables (no index, trigger, constraint or RLS). Also the SQL statements per connect at 10 Pages and at 1,000 (from
 * the client's query log). The OAuth dialog that yields the short-lived token is outside every timing. No assertions.
 *
 *   npm run bench                                     (everything)
 *   tsx --conditions=react-server scripts/bench/connect.ts   (alone)
 */
import path from "node:path";
import { pathToFileURL } from "node:url";
import { closePrismaClient, createPrismaClient } from "../../lib/db/client";
import { connectFacebook } from "../../lib/connect/connect-facebook";
import { fetchFacebookConnection } from "../../lib/connect/fetch-facebook-connection";
import { encryptToken } from "../../lib/tokens/encryption";
import { startConnectHarness, type ConnectHarness, type Member } from "../../test/support/connect-harness";
import { sizesFromEnv } from "./sizes";

const RUNS = 5;

interface Connected {
  ms: number;
  statements: number;
  slowest: string;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor((s.length - 1) / 2)] as number;
}

/** The floor of one connect of `personId`: same fetches, same encryption, one transaction with two bulk inserts. */
async function floorOnce(h: ConnectHarness, personId: string, tenantId: string): Promise<number> {
  const shortLived = await h.shortLivedToken(personId);
  const t0 = performance.now();
  const conn = await fetchFacebookConnection(h.graph(), shortLived);
  const user = encryptToken(tenantId, conn.userToken.accessToken);
  const sealed = conn.pages.map((p) => encryptToken(tenantId, p.accessToken));
  const c = await h.db.owner.connect();
  try {
    await c.query("BEGIN");
    const { rows } = await c.query<{ id: string }>(
      `INSERT INTO floor_pages (id, tenant_id, page_id, name, category, picture_url, tasks)
       SELECT gen_random_uuid(), $1, p.page_id, p.name, p.category, p.picture_url, ARRAY[]::text[]
         FROM jsonb_to_recordset($2::jsonb) AS p(page_id text, name text, category text, picture_url text) RETURNING id`,
      [
        tenantId,
        JSON.stringify(conn.pages.map((p) => ({ page_id: p.pageId, name: p.name, category: p.category, picture_url: p.pictureUrl }))),
      ],
    );
    await c.query(
      `INSERT INTO floor_tokens (id, tenant_id, user_id, platform, token_type, social_identity_id, facebook_page_id, ciphertext, key_id, status)
       SELECT gen_random_uuid(), $1, $1, 'facebook', r.t::token_type, $1, r.p, r.c, r.k, 'active'
         FROM unnest($2::text[], $3::uuid[], $4::bytea[], $5::text[]) AS r(t, p, c, k)`,
      [
        tenantId,
        ["user", ...sealed.map(() => "page")],
        [null, ...rows.map((r) => r.id)],
        [Buffer.from(user.ciphertext), ...sealed.map((s) => Buffer.from(s.ciphertext))],
        [user.keyId, ...sealed.map((s) => s.keyId)],
      ],
    );
    await c.query("COMMIT");
  } finally {
    c.release();
  }
  return performance.now() - t0;
}

export async function runConnectBench(): Promise<Record<string, number | string>> {
  const [pages = 1_000] = sizesFromEnv("BENCH_CONNECT_PAGES", [1_000]);
  const h = await startConnectHarness({ poolMax: 10 });
  const statements: { sql: string; ms: number }[] = [];
  const client = createPrismaClient(h.db.appUrl, { max: 5, onQuery: (sql, _p, ms) => statements.push({ sql, ms }) });
  try {
    await h.db.owner.query(
      `CREATE TABLE floor_pages (LIKE facebook_pages INCLUDING DEFAULTS); CREATE TABLE floor_tokens (LIKE ad_tokens INCLUDING DEFAULTS)`,
    );
    const connectOnce = async (m: Member, personId: string): Promise<Connected> => {
      const shortLivedToken = await h.shortLivedToken(personId);
      statements.length = 0;
      const t0 = performance.now();
      const r = await connectFacebook({ tenantId: m.tenantId, userId: m.userId, shortLivedToken, graph: h.graph(), client });
      const ms = performance.now() - t0;
      if (!r.ok) throw new Error(`connect failed: ${r.error.code}`);
      // The three slowest statements (client-side ms, first words), to say where the time goes.
      const slowest = [...statements]
        .sort((x, y) => y.ms - x.ms)
        .slice(0, 3)
        .map((st) => `${st.sql.replace(/\s+/g, " ").trim().slice(0, 24)}… ${st.ms.toFixed(1)} ms`)
        .join("; ");
      return { ms, statements: statements.length, slowest };
    };
    const newWorkspaceConnect = async (name: string) => connectOnce(await h.seedMember(), (await h.createPerson({ pages, name })).id);
    const member = await h.seedMember();
    const big = await h.createPerson({ pages, name: "Bulk Connector" });
    const small = await h.createPerson({ pages: 10, name: "Small Connector" });

    // A warm-up connect elsewhere (the process's first also checks the database role once: one more statement),
    // then the small connects: they also warm the plans and the emulator.
    await connectOnce(await h.seedMember(), (await h.createPerson({ pages: 10, name: "Warm-up" })).id);
    const smallFirst = await connectOnce(member, small.id);
    const smallAgain = await connectOnce(member, small.id);
    // First connects: each into a new workspace by a new person, so every Page and token is inserted. The process's
    // very first one also plans the 1,000-row statements: reported apart, not in the median.
    const coldFirst = await newWorkspaceConnect("First 0");
    const firsts: Connected[] = [];
    for (let i = 1; i <= RUNS; i++) firsts.push(await newWorkspaceConnect(`First ${i}`));
    await connectOnce(member, big.id); // this workspace's first connect: the reconnects below rotate its tokens
    const reconnects = async (): Promise<Connected[]> => {
      const runs: Connected[] = [];
      for (let i = 0; i < RUNS; i++) runs.push(await connectOnce(member, big.id)); // 1,001 tokens rotated each
      return runs;
    };
    const again = await reconnects();
    await floorOnce(h, big.id, member.tenantId); // warm
    const floor: number[] = [];
    for (let i = 0; i < RUNS; i++) floor.push(await floorOnce(h, big.id, member.tenantId));

    // Where the reconnect's time above the floor goes: the same reconnect with layers of the schema taken away
    // (owner-only DDL on this throw-away database, last, because derived columns drift once their triggers are off).
    // First the triggers that keep derived data (Page summaries, workspace counts, the check schedule); then also
    // ad_tokens' three foreign keys. Both rungs keep RLS, every index (the partial unique ones too), the
    // erase-on-soft-delete trigger, and the audit and webhook rows.
    await h.db.owner.query(
      `ALTER TABLE ad_tokens DISABLE TRIGGER ad_tokens_summaries_insert, DISABLE TRIGGER ad_tokens_summaries_update,
                             DISABLE TRIGGER ad_tokens_summaries_delete, DISABLE TRIGGER ad_tokens_sync_schedule_insert,
                             DISABLE TRIGGER ad_tokens_sync_schedule_update;
       ALTER TABLE facebook_pages DISABLE TRIGGER facebook_pages_counts_insert, DISABLE TRIGGER facebook_pages_counts_update,
                                  DISABLE TRIGGER facebook_pages_counts_delete`,
    );
    const noDerived = await reconnects();
    const { rows: fks } = await h.db.owner.query<{ conname: string }>(
      `SELECT conname FROM pg_constraint WHERE conrelid = 'ad_tokens'::regclass AND contype = 'f'`,
    );
    for (const fk of fks) await h.db.owner.query(`ALTER TABLE ad_tokens DROP CONSTRAINT "${fk.conname}"`);
    const noDerivedNoFks = await reconnects();

    const f = median(floor);
    const ms = (runs: Connected[]) => median(runs.map((r) => r.ms));
    const vsFloor = (runs: Connected[]) => `${ms(runs).toFixed(1)} (${(ms(runs) / f).toFixed(2)}×)`;
    const lastOf = (runs: Connected[]) => runs[runs.length - 1] as Connected;
    return {
      Pages: pages,
      "first connect ms (median of 5, each a new workspace)": ms(firsts),
      "first connect ms (the process's first, cold plans)": coldFirst.ms,
      "reconnect ms (median of 5)": ms(again),
      "floor ms (median of 5)": f,
      "ratio reconnect / floor": ms(again) / f,
      "ratio first connect / floor": ms(firsts) / f,
      "reconnect without the derived-data triggers, ms (× floor)": vsFloor(noDerived),
      [`  … and without ad_tokens' ${fks.length} foreign keys, ms (× floor)`]: vsFloor(noDerivedNoFks),
      [`SQL statements per connect (${pages.toLocaleString("en")} Pages: first, reconnect)`]: `${lastOf(firsts).statements}, ${lastOf(again).statements}`,
      "slowest statements of a first connect": lastOf(firsts).slowest,
      "slowest statements of a reconnect": lastOf(again).slowest,
      "SQL statements per connect (10 Pages: first, reconnect)": `${smallFirst.statements}, ${smallAgain.statements}`,
    };
  } finally {
    await closePrismaClient(client);
    await h.close();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  const { printFigures } = await import("./print");
  printFigures("connect", await runConnectBench());
  process.exit(0);
}
