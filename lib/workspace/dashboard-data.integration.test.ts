import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seedTenant } from "../../test/support/fixtures";
import { createTestDatabase, type TestDatabase } from "../../test/support/test-database";
import { closePrismaClient, createPrismaClient, type Db } from "../db/client";
import { withMembership } from "../tenancy/membership";
import { loadDashboardData, type DashboardData } from "./dashboard-data";
import { parseDashboardQuery, PAGE_SIZE } from "./dashboard-query";

/**
 * The dashboard's data path against real PostgreSQL as the app role (RLS applies): filtering, search, sorting and
 * paging in SQL, counts, another tenant's rows never appearing, and the number of statements per render.
 */

let db: TestDatabase;
let a: { tenantId: string; userId: string; slug: string };
let b: { tenantId: string; userId: string; slug: string };
const PAGES = 130;

async function seedPages(t: { tenantId: string; userId: string }, label: string, n: number) {
  const o = db.owner;
  const { rows } = await o.query<{ id: string }>(
    `INSERT INTO social_identities (tenant_id, user_id, platform, external_user_id, name) VALUES ($1, $2, 'facebook', $3, $4) RETURNING id`,
    [t.tenantId, t.userId, `ext-${label}`, `${label} Person`],
  );
  const identityId = rows[0]!.id;
  await o.query(
    `INSERT INTO ad_tokens (tenant_id, user_id, platform, token_type, social_identity_id, ciphertext, key_id, status, expires_at)
     VALUES ($1, $2, 'facebook', 'user', $3, '\\x01', 'k1', 'active', now() + interval '40 days')`,
    [t.tenantId, t.userId, identityId],
  );
  await o.query(
    `INSERT INTO facebook_pages (tenant_id, page_id, name, category, tasks)
     SELECT $1, $2 || g, $3 || ' Page ' || lpad(g::text, 3, '0'), CASE WHEN g % 2 = 0 THEN 'Bakery' ELSE 'Gym' END, ARRAY['ANALYZE','MODERATE']
     FROM generate_series(1, $4::int) g`,
    [t.tenantId, `${label}-`, label, n],
  );
  // Statuses: every 10th revoked, every 7th (not 10th) expiring in 3 days, the rest active; one 100%_odd name.
  await o.query(
    `INSERT INTO ad_tokens (tenant_id, user_id, platform, token_type, social_identity_id, facebook_page_id, ciphertext, key_id, status, expires_at, last_checked_at)
     SELECT p.tenant_id, $2, 'facebook', 'page', $3, p.id, '\\x01', 'k1',
            (CASE WHEN n % 10 = 0 THEN 'revoked' WHEN n % 7 = 0 THEN 'expiring' ELSE 'active' END)::token_status,
            CASE WHEN n % 7 = 0 AND n % 10 <> 0 THEN now() + interval '3 days' END,
            now() - n * interval '1 minute'
     FROM (SELECT id, tenant_id, row_number() OVER (ORDER BY name) AS n FROM facebook_pages WHERE tenant_id = $1) p`,
    [t.tenantId, t.userId, identityId],
  );
  await o.query(`UPDATE facebook_pages SET name = $2 WHERE tenant_id = $1 AND name = $3`, [
    t.tenantId,
    `${label} 100%_odd`,
    `${label} Page 005`,
  ]);
  // Names for the search: a backslash, and letters outside ASCII.
  for (const [from, to] of [
    ["121", "Café Ünïcode"],
    ["122", "back\\slash"],
  ]) {
    await o.query(`UPDATE facebook_pages SET name = $2 WHERE tenant_id = $1 AND name = $3`, [
      t.tenantId,
      `${label} ${to}`,
      `${label} Page ${from}`,
    ]);
  }
  await o.query(
    `INSERT INTO connect_attempts (tenant_id, user_id, platform, outcome, message) VALUES ($1, $2, 'facebook', 'succeeded', 'ok')`,
    [t.tenantId, t.userId],
  );
}

async function load(params: Record<string, string>, tenant = a, client: Db = db.app): Promise<DashboardData> {
  const res = await withMembership(
    tenant.userId,
    { slug: tenant.slug },
    "workspace.view",
    (tx) => loadDashboardData(tx, { userId: tenant.userId, query: parseDashboardQuery(params), warningDays: 7 }),
    { client: client },
  );
  if (!res.ok) throw new Error("not a member");
  return res.value;
}

beforeAll(async () => {
  db = await createTestDatabase();
  a = await seedTenant(db.owner);
  b = await seedTenant(db.owner);
  await seedPages(a, "Alpha", PAGES);
  await seedPages(b, "Bravo", 20);
});

afterAll(async () => {
  await db?.drop();
});

describe("loadDashboardData", () => {
  it("pages 50 at a time with totals, and never shows another tenant's rows", async () => {
    const first = await load({});
    expect(first.pages.tenantTotal).toBe(PAGES);
    expect(first.pages.matching).toBe(PAGES);
    expect(first.pages.rows).toHaveLength(PAGE_SIZE);
    expect(first.pages.pageCount).toBe(3);
    const last = await load({ page: "3" });
    expect(last.pages.rows).toHaveLength(PAGES - 2 * PAGE_SIZE);
    const all = [...first.pages.rows, ...(await load({ page: "2" })).pages.rows, ...last.pages.rows];
    expect(new Set(all.map((r) => r.id)).size).toBe(PAGES);
    expect(all.every((r) => r.name.startsWith("Alpha"))).toBe(true);
    expect(first.identities.map((i) => i.name)).toEqual(["Alpha Person"]);
    expect(first.identities[0]?.userToken?.status).toBe("active");
    expect(first.identities[0]?.pageCount).toBe(PAGES);
    expect(first.attempt?.message).toBe("ok");
    const row = first.pages.rows[0]!;
    expect(row.tasks).toEqual(["ANALYZE", "MODERATE"]);
    expect(row.tokens[0]).toMatchObject({ identityName: "Alpha Person", status: expect.any(String) });
    expect(Object.keys(row.tokens[0]!)).not.toContain("ciphertext");
  });

  it("counts and filters by status in SQL", async () => {
    const d = await load({});
    expect(d.pages.counts).toEqual({ active: 100, expiring: 17, revoked: 13 });
    const revoked = await load({ status: "revoked" });
    expect(revoked.pages.matching).toBe(13);
    expect(revoked.pages.rows.every((r) => r.tokens.every((t) => t.status === "revoked"))).toBe(true);
    expect((await load({ status: "none" })).pages.matching).toBe(0);
  });

  it("searches by name, treating % and _ literally", async () => {
    expect((await load({ q: "page 01" })).pages.matching).toBe(10);
    expect((await load({ q: "100%_odd" })).pages.rows.map((r) => r.name)).toEqual(["Alpha 100%_odd"]);
    expect((await load({ q: "%" })).pages.matching).toBe(1);
    expect((await load({ q: "Bravo" })).pages.matching).toBe(0);
    // Backslash, unicode, pattern characters, one-letter patterns: the same Pages as a case-insensitive substring
    // match over every name of the workspace (the search reads an index of name suffixes; it must not change what
    // matches).
    const names = (await db.owner.query<{ name: string }>(`SELECT name FROM facebook_pages WHERE tenant_id = $1`, [a.tenantId])).rows.map(
      (r) => r.name,
    );
    for (const q of ["\\", "back\\sl", "k\\s", "ünï", "ÜNÏCODE", "café", "É", "_", "%_", "ge 00", "Page 0001", "é Ü"]) {
      const expected = names.filter((n) => n.toLowerCase().includes(q.toLowerCase())).sort();
      const got = await load({ q });
      expect({ q, names: got.pages.rows.map((r) => r.name).sort(), matching: got.pages.matching }).toEqual({
        q,
        names: expected.slice(0, PAGE_SIZE),
        matching: expected.length,
      });
    }
    const both = await load({ q: "page 1", status: "expiring" });
    expect(both.pages.rows.every((r) => r.name.includes("Page 1") && r.tokens[0]?.status === "expiring")).toBe(true);
  });

  it("sorts by name, status (problems first), expiry and last check, stably", async () => {
    const desc = await load({ sort: "name", dir: "desc" });
    expect(desc.pages.rows[0]?.name).toBe("Alpha Page 130");
    const status = await load({ sort: "status" });
    expect(status.pages.rows.slice(0, 13).every((r) => r.tokens[0]?.status === "revoked")).toBe(true);
    expect(status.pages.rows[13]?.tokens[0]?.status).toBe("expiring");
    const expires = await load({ sort: "expires" });
    expect(expires.pages.rows[0]?.tokens[0]?.expiresAt).not.toBeNull();
    const checked = await load({ sort: "checked" });
    const times = checked.pages.rows.map((r) => Date.parse(r.tokens[0]?.lastCheckedAt ?? ""));
    expect([...times].sort((x, y) => x - y)).toEqual(times);
  });

  it("answers nothing for a slug the person is not a member of", async () => {
    expect(
      await withMembership(
        a.userId,
        { slug: b.slug },
        "workspace.view",
        (tx) => loadDashboardData(tx, { userId: a.userId, query: parseDashboardQuery({}), warningDays: 7 }),
        { client: db.app },
      ),
    ).toEqual({ ok: false, reason: "not_found" });
  });

  it("costs three statements besides the transaction's set_config and COMMIT, and never selects ciphertext", async () => {
    const seen: string[] = [];
    const client = createPrismaClient(db.appUrl, { max: 1, onQuery: (q) => seen.push(q) });
    try {
      await load({}, a, client); // the first use of a client also runs the one-off role check
      const cases: Record<string, string>[] = [{}, { q: "page", status: "active", sort: "status", page: "2" }];
      for (const params of cases) {
        seen.length = 0;
        await load(params, a, client);
        const data = seen.filter((q) => !/^\s*(BEGIN|COMMIT|SELECT set_config\()/i.test(q));
        expect(data).toHaveLength(3);
        expect(seen.join("\n")).not.toMatch(/ciphertext/i);
      }
    } finally {
      await closePrismaClient(client);
    }
  });

  it("still three statements with Instagram accounts, capabilities' inputs (scopes, declined scopes), a second login and a TikTok account", async () => {
    // A workspace of its own with everything the dashboard shows since the Facebook-depth and TikTok work.
    const c = await seedTenant(db.owner);
    await seedPages(c, "Charlie", 60);
    const o = db.owner;
    await o.query(
      `UPDATE social_identities SET granted_scopes = ARRAY['pages_show_list','pages_manage_posts','read_insights','instagram_basic'],
              declined_scopes = ARRAY['pages_manage_engagement'] WHERE tenant_id = $1`,
      [c.tenantId],
    );
    await o.query(`UPDATE ad_tokens SET scopes = ARRAY['pages_show_list','pages_manage_posts','read_insights'] WHERE tenant_id = $1`, [
      c.tenantId,
    ]);
    await o.query(
      `INSERT INTO instagram_accounts (tenant_id, facebook_page_id, ig_user_id, username, name)
       SELECT tenant_id, id, '178414' || page_id, 'ig.' || page_id, name || ' IG' FROM facebook_pages WHERE tenant_id = $1 AND page_id LIKE '%0'`,
      [c.tenantId],
    );
    const { rows: second } = await o.query<{ id: string }>(
      `INSERT INTO social_identities (tenant_id, user_id, platform, external_user_id, name) VALUES ($1, $2, 'facebook', 'ext-second', 'Second Login') RETURNING id`,
      [c.tenantId, c.userId],
    );
    await o.query(
      `WITH s AS (INSERT INTO social_identities (tenant_id, user_id, platform, external_user_id, name)
                  VALUES ($1, $2, 'tiktok', 'tt-open-dash', 'Tik Dash') RETURNING id)
       INSERT INTO ad_tokens (tenant_id, user_id, platform, token_type, social_identity_id, ciphertext, refresh_ciphertext, key_id, status,
                              expires_at, refresh_expires_at, last_refreshed_at)
       SELECT $1, $2, 'tiktok', 'user', s.id, '\\x01', '\\x02', 'k1', 'active', now() + interval '2 hours', now() + interval '180 days', now() FROM s`,
      [c.tenantId, c.userId],
    );

    const seen: string[] = [];
    const client = createPrismaClient(db.appUrl, { max: 1, onQuery: (q) => seen.push(q) });
    try {
      await load({}, c, client);
      const cases: Record<string, string>[] = [{}, { ig: "1" }, { login: second[0]!.id }, { ig: "1", status: "active", sort: "expiry" }];
      for (const params of cases) {
        seen.length = 0;
        const data = await load(params, c, client);
        expect(seen.filter((q) => !/^\s*(BEGIN|COMMIT|SELECT set_config\()/i.test(q))).toHaveLength(3);
        expect(seen.join("\n")).not.toMatch(/ciphertext/i);
        if (params.ig) expect(data.pages.rows.every((r) => r.instagram.length === 1)).toBe(true);
      }
      // What the capabilities and the Instagram line are computed from came with those three statements.
      const all = await load({ ig: "1" }, c, client);
      expect(all.pages.matching).toBe(6);
      expect(all.pages.rows[0]!.instagram[0]).toMatchObject({ username: expect.stringMatching(/^ig\./) });
      expect(all.pages.rows[0]!.tokens[0]).toMatchObject({
        scopes: ["pages_show_list", "pages_manage_posts", "read_insights"],
        declinedScopes: ["pages_manage_engagement"],
      });
      expect(all.identities.map((i) => [i.platform, i.name]).sort()).toEqual([
        ["facebook", "Charlie Person"],
        ["facebook", "Second Login"],
        ["tiktok", "Tik Dash"],
      ]);
    } finally {
      await closePrismaClient(client);
    }
  });
});
