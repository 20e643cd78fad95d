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
import { startConnectHarness, type ConnectHarness } from "../../test/support/connect-harness";
import { sizesFromEnv } from "./sizes";

const RUNS = 5;

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
    const member = await h.seedMember();
    const big = await h.createPerson({ pages, name: "Bulk Connector" });
    const small = await h.createPerson({ pages: 10, name: "Small Connector" });

    const connectOnce = async (personId: string) => {
      const shortLivedToken = await h.shortLivedToken(personId);
      statements.length = 0;
      const t0 = performance.now();
      const r = await connectFacebook({ tenantId: member.tenantId, userId: member.userId, shortLivedToken, graph: h.graph(), client });
      const ms = performance.now() - t0;
      if (!r.ok) throw new Error(`connect failed: ${r.error.code}`);
      // The three slowest statements (client-side ms, first words), to say where the time goes.
      const slowest = [...statements]
        .sort((a, b) => b.ms - a.ms)
        .slice(0, 3)
        .map((st) => `${st.sql.replace(/\s+/g, " ").trim().slice(0, 24)}… ${st.ms} ms`)
        .join("; ");
      return { ms, statements: statements.length, slowest };
    };

    // The small connects first: they also warm the client, the plans and the emulator.
    const smallFirst = await connectOnce(small.id);
    const smallAgain = await connectOnce(small.id);
    const first = await connectOnce(big.id); // first connect: Pages and tokens inserted
    const again: number[] = [];
    let last = first;
    for (let i = 0; i < RUNS; i++) {
      last = await connectOnce(big.id); // reconnect: 1,001 tokens rotated
      again.push(last.ms);
    }
    await floorOnce(h, big.id, member.tenantId); // warm
    const floor: number[] = [];
    for (let i = 0; i < RUNS; i++) floor.push(await floorOnce(h, big.id, member.tenantId));
    const f = median(floor);
    return {
      Pages: pages,
      "first connect ms": first.ms,
      "reconnect ms (median of 5)": median(again),
      "floor ms (median of 5)": f,
      "ratio reconnect / floor": median(again) / f,
      "ratio first connect / floor": first.ms / f,
      [`SQL statements per connect (${pages.toLocaleString("en")} Pages: first, reconnect)`]: `${first.statements}, ${last.statements}`,
      "slowest statements of a reconnect": last.slowest,
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
