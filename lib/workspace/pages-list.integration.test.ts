import { afterAll, beforeAll, describe, expect, it } from "vitest";
import pg from "pg";
import { seedTenant } from "../../test/support/fixtures";
import { createTestDatabase, type TestDatabase } from "../../test/support/test-database";
import { withMembership } from "../tenancy/membership";
import { loadDashboardData, type PageList } from "./dashboard-data";
import { PAGE_SIZE, parseDashboardQuery, SORTS, STATUS_FILTERS, type Sort, type StatusFilter } from "./dashboard-query";

/**
 * The Pages list's functions (migration 20261201000100) against a plain SQL oracle: for every sort order and
 * direction, status filter, name search (with and without "has Instagram", which takes the dynamic statement) and
 * page, the same Pages in the same order and the same counts as an ORDER BY over the workspace's rows read by the
 * database owner. The data has what the orders must get right: equal names but for case (the id decides), Pages
 * without a category, an expiry or a check, Pages without tokens, two tokens on one Page, every token status,
 * soft-deleted Pages, and a neighbour workspace whose Page names match every search.
 * And the search function's confinement: only the context workspace's listed Pages, never another workspace's.
 */

let db: TestDatabase;
let a: { tenantId: string; userId: string; slug: string };
let b: { tenantId: string; userId: string; slug: string };
const N = 120;

async function seedWorkspace(t: { tenantId: string; userId: string }, label: string, n: number) {
  const o = db.owner;
  const { rows } = await o.query<{ id: string }>(
    `INSERT INTO social_identities (tenant_id, user_id, platform, external_user_id, name) VALUES ($1, $2, 'facebook', $3, $4) RETURNING id`,
    [t.tenantId, t.userId, `ext-${label}`, `${label} Person`],
  );
  const identityId = rows[0]!.id;
  const { rows: other } = await o.query<{ id: string }>(`INSERT INTO users (name) VALUES ($1) RETURNING id`, [`${label} Second`]);
  await o.query(
    `INSERT INTO facebook_pages (tenant_id, page_id, name, category, tasks)
     SELECT $1, $2 || g,
            CASE WHEN g % 15 = 0 THEN 'Page dup' WHEN g % 15 = 1 THEN 'PAGE DUP' WHEN g % 13 = 0 THEN 'Odd 100%_x\\y ' || g
                 ELSE 'Page ' || lpad(g::text, 3, '0') END,
            (ARRAY[NULL, 'Bakery', 'bakery', 'Gym'])[1 + g % 4], ARRAY['ANALYZE']
     FROM generate_series(1, $3::int) g`,
    [t.tenantId, `${label}-`, n],
  );
  // Every status in turn; no token on every 9th Page; a second token (another member's) on every 5th; some without
  // an expiry or a check.
  await o.query(
    `INSERT INTO ad_tokens (tenant_id, user_id, platform, token_type, social_identity_id, facebook_page_id, ciphertext, key_id,
                            status, expires_at, last_checked_at)
     SELECT p.tenant_id, u.uid, 'facebook', 'page', $3, p.id, '\\x01', 'k1',
            (enum_range(NULL::token_status))[1 + (p.n + u.k) % 8],
            CASE WHEN (p.n + u.k) % 3 = 0 THEN NULL ELSE now() + ((p.n * 7 + u.k) % 40) * interval '1 day' END,
            CASE WHEN (p.n + u.k) % 4 = 0 THEN NULL ELSE now() - ((p.n * 5 + u.k) % 30) * interval '1 hour' END
     FROM (SELECT id, tenant_id, row_number() OVER (ORDER BY page_id) AS n FROM facebook_pages WHERE tenant_id = $1) p
     CROSS JOIN LATERAL (VALUES ($2::uuid, 0), ($4::uuid, 1)) AS u(uid, k)
     WHERE p.n % 9 <> 0 AND (u.k = 0 OR p.n % 5 = 0)`,
    [t.tenantId, t.userId, identityId, other[0]!.id],
  );
  await o.query(
    `INSERT INTO instagram_accounts (tenant_id, facebook_page_id, ig_user_id, username)
     SELECT tenant_id, id, '1784' || page_id, 'ig' || page_id FROM facebook_pages WHERE tenant_id = $1 AND right(page_id, 1) IN ('3', '6')`,
    [t.tenantId],
  );
  await o.query(`UPDATE facebook_pages SET deleted_at = now() WHERE tenant_id = $1 AND page_id IN ($2, $3)`, [
    t.tenantId,
    `${label}-2`,
    `${label}-17`,
  ]);
}

const OLDEST_CHECK = "(SELECT min(t.last_checked_at) FROM ad_tokens t WHERE t.facebook_page_id = p.id AND t.deleted_at IS NULL)";

/** The orders as plain ORDER BY clauses (the dashboard's contract). */
const ORDER: Record<Sort, { asc: string; desc: string }> = {
  name: { asc: "lower(name), id", desc: "lower(name) DESC, id DESC" },
  status: { asc: "worst_rank DESC, lower(name), id", desc: "worst_rank ASC, lower(name) DESC, id DESC" },
  expires: {
    asc: "soonest_expiry ASC NULLS LAST, lower(name), id",
    desc: "soonest_expiry DESC NULLS FIRST, lower(name) DESC, id DESC",
  },
  // The oldest last check of the Page's active tokens, computed here from the tokens (the list reads it from the
  // page_check_order table the triggers keep).
  checked: {
    asc: `${OLDEST_CHECK} ASC NULLS FIRST, lower(name), id`,
    desc: `${OLDEST_CHECK} DESC NULLS LAST, lower(name) DESC, id DESC`,
  },
  category: {
    asc: "lower(category) ASC NULLS LAST, lower(name), id",
    desc: "lower(category) DESC NULLS FIRST, lower(name) DESC, id DESC",
  },
};

interface OracleRow {
  id: string;
  token_statuses: string[];
}

/** Every listed Page of A matching the search (ILIKE, pattern characters escaped) and "has Instagram", in the order. */
async function oracle(sort: Sort, dir: "asc" | "desc", q: string | null, ig: boolean): Promise<OracleRow[]> {
  const pattern = q === null ? null : `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  const { rows } = await db.owner.query<OracleRow>(
    `SELECT id, token_statuses::text[] AS token_statuses FROM facebook_pages p
      WHERE tenant_id = $1 AND deleted_at IS NULL AND ($2::text IS NULL OR name ILIKE $2)
        AND (NOT $3 OR EXISTS (SELECT 1 FROM instagram_accounts i WHERE i.facebook_page_id = p.id AND i.deleted_at IS NULL))
      ORDER BY ${ORDER[sort][dir]}`,
    [a.tenantId, pattern, ig],
  );
  return rows;
}

async function list(params: Record<string, string>): Promise<PageList> {
  const res = await withMembership(
    a.userId,
    { slug: a.slug },
    "workspace.view",
    (tx) => loadDashboardData(tx, { userId: a.userId, query: parseDashboardQuery(params), warningDays: 7 }),
    { client: db.app },
  );
  if (!res.ok) throw new Error("not a member");
  return res.value.pages;
}

const has = (r: OracleRow, s: StatusFilter) => (s === "none" ? r.token_statuses.length === 0 : r.token_statuses.includes(s));

beforeAll(async () => {
  db = await createTestDatabase();
  a = await seedTenant(db.owner);
  b = await seedTenant(db.owner);
  await seedWorkspace(a, "A", N);
  await seedWorkspace(b, "B", 40);
});

afterAll(async () => {
  await db?.drop();
});

describe("the Pages list (dashboard_pages_json and the dynamic statement)", () => {
  it("shows, orders, pages and counts exactly as a plain ORDER BY over the workspace, for every sort, direction, filter and search", async () => {
    const statuses: (StatusFilter | null)[] = [null, ...STATUS_FILTERS];
    let compared = 0;
    for (const q of [null, "page", "PAGE DUP", "0", "_x\\", "nothing like it"]) {
      for (const ig of [false, true]) {
        for (const sort of SORTS) {
          for (const dir of ["asc", "desc"] as const) {
            const all = await oracle(sort, dir, q, ig);
            const fromSummary = q === null && !ig; // the summary row has no data-access columns
            for (const status of statuses) {
              if (status === "data_access_expired" && (sort !== "name" || ig)) continue; // enough of the rarest shape
              const matching = status ? all.filter((r) => has(r, status)) : all;
              const counts: Partial<Record<StatusFilter, number>> = {};
              for (const s of STATUS_FILTERS) {
                const n = all.filter((r) => has(r, s)).length;
                if (n > 0 && !(fromSummary && !status?.startsWith("data_access") && s.startsWith("data_access"))) counts[s] = n;
              }
              for (const page of [1, 2]) {
                const params: Record<string, string> = { sort, dir, page: String(page) };
                if (q !== null) params.q = q;
                if (ig) params.ig = "1";
                if (status) params.status = status;
                const got = await list(params);
                const want = matching.slice((page - 1) * PAGE_SIZE, page * PAGE_SIZE).map((r) => r.id);
                expect({
                  params,
                  ids: got.rows.map((r) => r.id),
                  matching: got.matching,
                  searched: got.searchedTotal,
                  counts: got.counts,
                }).toEqual({
                  params,
                  ids: want,
                  matching: matching.length,
                  searched: all.length,
                  counts,
                });
                compared++;
                if (matching.length <= PAGE_SIZE) break;
              }
            }
          }
        }
      }
    }
    expect(compared).toBeGreaterThan(500);
  });

  it("builds each shown Page's tokens (oldest first) and Instagram accounts", async () => {
    const { rows: two } = await db.owner.query<{ id: string; name: string }>(
      `SELECT p.id, p.name FROM facebook_pages p WHERE p.tenant_id = $1 AND p.deleted_at IS NULL AND p.name LIKE 'Page 0%'
          AND (SELECT count(*) FROM ad_tokens t WHERE t.facebook_page_id = p.id AND t.deleted_at IS NULL) = 2
        ORDER BY p.name LIMIT 1`,
      [a.tenantId],
    );
    const got = await list({ q: two[0]!.name });
    expect(got.rows.map((r) => r.id)).toEqual([two[0]!.id]);
    const row = got.rows[0]!;
    const { rows: tokens } = await db.owner.query<{ id: string }>(
      `SELECT id FROM ad_tokens WHERE facebook_page_id = $1 AND deleted_at IS NULL ORDER BY created_at`,
      [row.id],
    );
    expect(tokens).toHaveLength(2);
    expect(row.tokens.map((t) => t.id)).toEqual(tokens.map((t) => t.id));
    expect(row.tokens[0]).toMatchObject({ identityName: "A Person", socialIdentityId: expect.any(String) });
    expect(Object.keys(row.tokens[0]!)).not.toContain("ciphertext");
    const withIg = await list({ q: "page 023" });
    expect(withIg.rows[0]?.instagram.map((i) => i.username)).toEqual(["igA-23"]);
  });
});

describe("workspace_page_ids_containing", () => {
  async function asApp<T>(tenantId: string | null, fn: (c: pg.Client) => Promise<T>): Promise<T> {
    const c = new pg.Client({ connectionString: db.appUrl });
    await c.connect();
    try {
      await c.query("BEGIN");
      if (tenantId) await c.query(`SELECT set_config('app.tenant_id', $1, true)`, [tenantId]);
      return await fn(c);
    } finally {
      await c.query("ROLLBACK").catch(() => {});
      await c.end();
    }
  }
  const ids = async (c: pg.Client, needle: string) =>
    (await c.query<{ id: string }>(`SELECT workspace_page_ids_containing($1) AS id`, [needle])).rows.map((r) => r.id).sort();

  it("returns only the context workspace's listed Pages, never another workspace's, and nothing without a context", async () => {
    const before = (await db.owner.query(`SELECT count(*)::int AS n, max(updated_at) AS m FROM facebook_pages`)).rows[0];
    const listed = async (tenantId: string, pattern: string) =>
      (
        await db.owner.query<{ id: string }>(
          `SELECT id FROM facebook_pages WHERE tenant_id = $1 AND deleted_at IS NULL AND name ILIKE $2`,
          [tenantId, pattern],
        )
      ).rows
        .map((r) => r.id)
        .sort();
    for (const [needle, pattern] of [
      ["page", "%page%"],
      ["dup", "%dup%"],
      ["", "%"],
    ] as const) {
      const fromA = await asApp(a.tenantId, (c) => ids(c, needle));
      const fromB = await asApp(b.tenantId, (c) => ids(c, needle));
      expect(fromA).toEqual(await listed(a.tenantId, pattern));
      expect(fromB).toEqual(await listed(b.tenantId, pattern));
      expect(fromA.length).toBeGreaterThan(0);
      expect(fromB.length).toBeGreaterThan(0);
      expect(fromA.filter((id) => fromB.includes(id))).toEqual([]);
      expect(await asApp(null, (c) => ids(c, needle))).toEqual([]);
    }
    // A workspace id that is not the context's cannot be asked for: the function takes none.
    const otherTenant = await asApp(a.tenantId, (c) =>
      c.query(
        `SELECT count(*)::int AS n FROM facebook_pages p WHERE p.id IN (SELECT workspace_page_ids_containing('page')) AND p.tenant_id = $1`,
        [b.tenantId],
      ),
    );
    expect(otherTenant.rows[0].n).toBe(0);
    expect((await db.owner.query(`SELECT count(*)::int AS n, max(updated_at) AS m FROM facebook_pages`)).rows[0]).toEqual(before);
  });

  it("reads facebook_page_names, which follows every write of facebook_pages and which the app role cannot read", async () => {
    const names = async () =>
      (await db.owner.query(`SELECT page_id AS id, tenant_id, name FROM facebook_page_names ORDER BY page_id`)).rows;
    const listed = async () =>
      (await db.owner.query(`SELECT id, tenant_id, name FROM facebook_pages WHERE deleted_at IS NULL ORDER BY id`)).rows;
    expect(await names()).toEqual(await listed());
    // The app role's own writes: a new Page, a rename, a summary-only update, an unlisting and a relisting.
    const c = new pg.Client({ connectionString: db.appUrl });
    await c.connect();
    try {
      await c.query("BEGIN");
      await c.query(`SELECT set_config('app.tenant_id', $1, true)`, [a.tenantId]);
      const { rows } = await c.query<{ id: string }>(
        `INSERT INTO facebook_pages (tenant_id, page_id, name) VALUES ($1, 'A-new', 'Brand New Zebra Page') RETURNING id`,
        [a.tenantId],
      );
      await c.query(`UPDATE facebook_pages SET name = 'Renamed Zebra' WHERE page_id = 'A-new'`);
      await c.query(`UPDATE facebook_pages SET deleted_at = now() WHERE page_id IN ('A-3', 'A-5')`);
      await c.query(`UPDATE facebook_pages SET deleted_at = NULL WHERE page_id = 'A-5'`);
      await c.query("COMMIT");
      expect(await ids(c, "zebra")).toEqual([]); // no context outside the transaction: nothing
      await c.query("BEGIN");
      await c.query(`SELECT set_config('app.tenant_id', $1, true)`, [a.tenantId]);
      expect(await ids(c, "zebra")).toEqual([rows[0]!.id]);
      expect(await ids(c, "brand new")).toEqual([]);
      await expect(c.query(`SELECT count(*) FROM facebook_page_names`)).rejects.toThrow(/permission denied/);
      await c.query("ROLLBACK");
    } finally {
      await c.end();
    }
    expect(await names()).toEqual(await listed());
    // A hard delete (only the owner can): the name goes with the row.
    await db.owner.query(`DELETE FROM facebook_pages WHERE tenant_id = $1 AND page_id = 'A-new'`, [a.tenantId]);
    expect(await names()).toEqual(await listed());
  });

  it("matches as ILIKE '%needle%' with %, _ and \\ literal, at any length (prefix up to 16 characters, recheck beyond)", async () => {
    const names = (
      await db.owner.query<{ name: string }>(`SELECT name FROM facebook_pages WHERE tenant_id = $1 AND deleted_at IS NULL`, [a.tenantId])
    ).rows.map((r) => r.name);
    await db.owner.query(
      `UPDATE facebook_pages SET name = 'A very long Page name, it''s Ünïcode: 100% \\ done' WHERE tenant_id = $1 AND page_id = 'A-4'`,
      [a.tenantId],
    );
    names.splice(
      0,
      names.length,
      ...(
        await db.owner.query<{ name: string }>(`SELECT name FROM facebook_pages WHERE tenant_id = $1 AND deleted_at IS NULL`, [a.tenantId])
      ).rows.map((r) => r.name),
    );
    for (const needle of [
      "%",
      "_",
      "\\",
      "x\\y",
      "'",
      "it's",
      "ÜNÏCODE: 100%",
      "very long page name, it's ünïcode",
      "name, it's ünïcode: 100% \\ done",
      "very long page name, it's ünïcode: 100% / done",
      "page 01",
      "0",
      ":*",
      "a & b",
    ]) {
      const got = await asApp(a.tenantId, (c) =>
        c.query<{ name: string }>(`SELECT name FROM facebook_pages WHERE id IN (SELECT workspace_page_ids_containing($1))`, [needle]),
      );
      const want = names.filter((n) => n.toLowerCase().includes(needle.toLowerCase())).sort();
      expect({ needle, names: got.rows.map((r) => r.name).sort() }).toEqual({ needle, names: want });
    }
  });
});
