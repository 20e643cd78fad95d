import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startConnectHarness, type ConnectHarness, type Member } from "../../test/support/connect-harness";
import { withTenant } from "../db/tenant-transaction";
import { runTokenSweep } from "../health/sweep";
import { deauthorizeFacebookUser } from "../meta/forget-facebook-user";
import { disconnectIdentity, disconnectPage } from "../tokens/disconnect";

/**
 * The dashboard reads its counts and sort keys from summaries the database keeps (migrations
 * 20261129140000_dashboard_at_scale and 20261130000800_page_check_order): each Page's active-token summary and its
 * "Last checked" order, each identity's active page token count, and each workspace's Page counts per status. After every kind of write — connect, reconnect, a second member's connect,
 * the health sweep, disconnecting a Page or an identity, Meta's deauthorize, owner-side updates and deletes — and
 * after many of them at once, these are rebuilt from scratch (from ad_tokens and facebook_pages) and compared.
 */

let h: ConnectHarness;

beforeAll(async () => {
  h = await startConnectHarness({ poolMax: 10 });
});

afterAll(async () => {
  await h?.close();
});

/** Everything the summaries say that a rebuild from scratch disagrees with (empty = exact). */
async function drift(): Promise<string[]> {
  const o = h.db.owner;
  const pages = await o.query<{ id: string }>(`
    WITH agg AS (
      SELECT t.facebook_page_id AS pid, array_agg(DISTINCT t.status ORDER BY t.status) AS st,
             max(CASE t.status WHEN 'active' THEN 1 WHEN 'unchecked' THEN 2 WHEN 'expiring' THEN 3
                               WHEN 'expired' THEN 4 WHEN 'invalid' THEN 5 WHEN 'revoked' THEN 6 END) AS worst,
             min(t.expires_at) AS soonest, min(t.last_checked_at) AS checked
        FROM ad_tokens t WHERE t.deleted_at IS NULL AND t.facebook_page_id IS NOT NULL GROUP BY 1)
    SELECT p.id FROM facebook_pages p LEFT JOIN agg a ON a.pid = p.id
      LEFT JOIN page_check_order o ON o.facebook_page_id = p.id
     WHERE (p.token_statuses, p.worst_rank, p.soonest_expiry) IS DISTINCT FROM (COALESCE(a.st, ARRAY[]::token_status[]), COALESCE(a.worst, 7), a.soonest)
        OR o.facebook_page_id IS NULL
        OR (o.tenant_id, o.oldest_check, o.name_key, o.listed) IS DISTINCT FROM (p.tenant_id, a.checked, lower(p.name), p.deleted_at IS NULL)`);
  const identities = await o.query<{ id: string }>(`
    SELECT s.id FROM social_identities s
     CROSS JOIN LATERAL (
       SELECT count(*) AS n, count(*) FILTER (WHERE t.status = 'revoked') AS revoked, count(*) FILTER (WHERE t.status = 'expired') AS expired,
              count(*) FILTER (WHERE t.status = 'invalid') AS invalid,
              count(*) FILTER (WHERE t.status = 'data_access_expiring') AS dae, count(*) FILTER (WHERE t.status = 'data_access_expired') AS dax
         FROM ad_tokens t WHERE t.social_identity_id = s.id AND t.deleted_at IS NULL AND t.token_type = 'page') c
     WHERE (s.active_page_tokens, s.revoked_page_tokens, s.expired_page_tokens, s.invalid_page_tokens,
            s.data_access_expiring_page_tokens, s.data_access_expired_page_tokens)
           IS DISTINCT FROM (c.n::int, c.revoked::int, c.expired::int, c.invalid::int, c.dae::int, c.dax::int)`);
  const workspaces = await o.query<{ tenant_id: string; kept: string; rebuilt: string }>(`
    WITH rebuilt AS (
      SELECT p.tenant_id, json_build_object(
               'pages', count(*),
               'active', count(*) FILTER (WHERE EXISTS (SELECT 1 FROM ad_tokens t WHERE t.facebook_page_id = p.id AND t.deleted_at IS NULL AND t.status = 'active')),
               'expiring', count(*) FILTER (WHERE EXISTS (SELECT 1 FROM ad_tokens t WHERE t.facebook_page_id = p.id AND t.deleted_at IS NULL AND t.status = 'expiring')),
               'expired', count(*) FILTER (WHERE EXISTS (SELECT 1 FROM ad_tokens t WHERE t.facebook_page_id = p.id AND t.deleted_at IS NULL AND t.status = 'expired')),
               'revoked', count(*) FILTER (WHERE EXISTS (SELECT 1 FROM ad_tokens t WHERE t.facebook_page_id = p.id AND t.deleted_at IS NULL AND t.status = 'revoked')),
               'invalid', count(*) FILTER (WHERE EXISTS (SELECT 1 FROM ad_tokens t WHERE t.facebook_page_id = p.id AND t.deleted_at IS NULL AND t.status = 'invalid')),
               'unchecked', count(*) FILTER (WHERE EXISTS (SELECT 1 FROM ad_tokens t WHERE t.facebook_page_id = p.id AND t.deleted_at IS NULL AND t.status = 'unchecked')),
               'none', count(*) FILTER (WHERE NOT EXISTS (SELECT 1 FROM ad_tokens t WHERE t.facebook_page_id = p.id AND t.deleted_at IS NULL))
             )::text AS j
        FROM facebook_pages p WHERE p.deleted_at IS NULL GROUP BY p.tenant_id
    ), kept AS (
      SELECT c.tenant_id, json_build_object('pages', c.pages, 'active', c.active, 'expiring', c.expiring, 'expired', c.expired,
               'revoked', c.revoked, 'invalid', c.invalid, 'unchecked', c.unchecked, 'none', c.none)::text AS j
        FROM workspace_page_counts c
    )
    SELECT t.id AS tenant_id, COALESCE(k.j, 'none') AS kept, COALESCE(r.j, 'none') AS rebuilt
      FROM tenants t LEFT JOIN kept k ON k.tenant_id = t.id LEFT JOIN rebuilt r ON r.tenant_id = t.id
     WHERE COALESCE(k.j, '{"pages" : 0, "active" : 0, "expiring" : 0, "expired" : 0, "revoked" : 0, "invalid" : 0, "unchecked" : 0, "none" : 0}')
           IS DISTINCT FROM COALESCE(r.j, '{"pages" : 0, "active" : 0, "expiring" : 0, "expired" : 0, "revoked" : 0, "invalid" : 0, "unchecked" : 0, "none" : 0}')`);
  return [
    ...pages.rows.map((r) => `page ${r.id}: summary or check order differs from its tokens and name`),
    ...identities.rows.map((r) => `identity ${r.id}: its Page token counts differ`),
    ...workspaces.rows.map((r) => `tenant ${r.tenant_id}: kept ${r.kept}, rebuilt ${r.rebuilt}`),
  ];
}

/** Counts of what exists, so each step is known to have written something (a no-op would pass trivially). */
async function listed(tenantId: string): Promise<{ pages: number; active: number; revoked: number; none: number }> {
  const { rows } = await h.db.owner.query<{ pages: number; active: number; revoked: number; none: number }>(
    `SELECT pages, active, revoked, none FROM workspace_page_counts WHERE tenant_id = $1`,
    [tenantId],
  );
  return rows[0] ?? { pages: 0, active: 0, revoked: 0, none: 0 };
}

/** Another user as an admin of the member's workspace. */
async function colleague(of: Member): Promise<Member> {
  const userId = randomUUID();
  await h.db.owner.query(`INSERT INTO users (id, name) VALUES ($1, 'Colleague')`, [userId]);
  await h.db.owner.query(`INSERT INTO memberships (tenant_id, user_id, role) VALUES ($1, $2, 'admin')`, [of.tenantId, userId]);
  return { ...of, userId };
}

async function connectOk(member: Pick<Member, "tenantId" | "userId">, personId: string) {
  const result = await h.connect(member, personId);
  if (!result.ok) throw new Error(`connect failed: ${result.error.code}`);
  return result.saved;
}

async function pageIdsOf(tenantId: string, identityId: string): Promise<string[]> {
  const { rows } = await h.db.owner.query<{ id: string }>(
    `SELECT DISTINCT facebook_page_id AS id FROM ad_tokens
      WHERE tenant_id = $1 AND social_identity_id = $2 AND deleted_at IS NULL AND facebook_page_id IS NOT NULL ORDER BY 1`,
    [tenantId, identityId],
  );
  return rows.map((r) => r.id);
}

/** Every live token due now: an owner-side fixture write (no tenant context, so no workspace lock): never run it beside the app's writers. */
async function makeAllDue() {
  await h.db.owner.query(`UPDATE ad_tokens SET next_check_at = now(), check_lease_until = NULL WHERE deleted_at IS NULL`);
}

function sweep() {
  return runTokenSweep({ client: h.db.app, graph: h.graph(), concurrency: 2 });
}

async function sweepAll() {
  await makeAllDue();
  return sweep();
}

describe("the dashboard's kept counts", () => {
  it("stay exact after every kind of write", async () => {
    const a = await h.seedMember();
    const b = await colleague(a);
    const p1 = await h.createPerson({ pages: 30, name: "Counted One" });
    const p2 = await h.createPerson({ pages: 12, name: "Counted Two" });

    const first = await connectOk(a, p1.id);
    expect(await listed(a.tenantId)).toMatchObject({ pages: 30, active: 30, none: 0 });
    expect(await drift()).toEqual([]);

    await connectOk(a, p1.id); // reconnect: every token rotated
    expect(await drift()).toEqual([]);

    // Facebook renamed two Pages: the reconnect renames them here, and their check order follows the new names.
    await h.control.setPages(
      p1.id,
      p1.pages.map((p, i) => (i < 2 ? { ...p, name: `Zz Renamed ${i}` } : p)),
    );
    await connectOk(a, p1.id);
    const renamed = await h.db.owner.query<{ name_key: string }>(
      `SELECT o.name_key FROM page_check_order o JOIN facebook_pages p ON p.id = o.facebook_page_id
        WHERE p.tenant_id = $1 AND p.name LIKE 'Zz Renamed %' ORDER BY 1`,
      [a.tenantId],
    );
    expect(renamed.rows.map((r) => r.name_key)).toEqual(["zz renamed 0", "zz renamed 1"]);
    expect(await drift()).toEqual([]);

    const second = await connectOk(b, p2.id);
    expect(await listed(a.tenantId)).toMatchObject({ pages: 42, active: 42 });
    expect(await drift()).toEqual([]);

    // The health sweep: Facebook revoked the second person's tokens.
    await h.control.revokePerson(p2.id);
    const swept = await sweepAll();
    expect(swept.revoked).toBe(13);
    expect(await listed(a.tenantId)).toMatchObject({ pages: 42, active: 30, revoked: 12 });
    expect(await drift()).toEqual([]);

    const [onePage] = await pageIdsOf(a.tenantId, first.socialIdentityId);
    await withTenant(a.tenantId, (tx) => disconnectPage(tx, a.tenantId, a.userId, onePage as string), { client: h.db.app });
    expect(await listed(a.tenantId)).toMatchObject({ pages: 41 });
    expect(await drift()).toEqual([]);

    await withTenant(a.tenantId, (tx) => disconnectIdentity(tx, a.tenantId, b.userId, second.socialIdentityId), { client: h.db.app });
    expect(await listed(a.tenantId)).toMatchObject({ pages: 29, revoked: 0 });
    expect(await drift()).toEqual([]);

    await deauthorizeFacebookUser(p1.id, { client: h.db.app });
    expect(await listed(a.tenantId)).toMatchObject({ pages: 0 });
    expect(await drift()).toEqual([]);

    // Connect again, then writes the app never makes but an operator might (owner-side UPDATE and DELETE).
    await connectOk(a, p1.id);
    await h.db.owner.query(
      `UPDATE ad_tokens SET status = 'expiring', expires_at = now() + interval '2 days' WHERE tenant_id = $1 AND token_type = 'page' AND deleted_at IS NULL
         AND facebook_page_id IN (SELECT id FROM facebook_pages WHERE tenant_id = $1 AND deleted_at IS NULL ORDER BY id LIMIT 5)`,
      [a.tenantId],
    );
    await h.db.owner.query(
      `DELETE FROM ad_tokens WHERE tenant_id = $1 AND token_type = 'page' AND deleted_at IS NULL
         AND facebook_page_id IN (SELECT id FROM facebook_pages WHERE tenant_id = $1 AND deleted_at IS NULL ORDER BY id DESC LIMIT 3)`,
      [a.tenantId],
    );
    expect(await listed(a.tenantId)).toMatchObject({ pages: 30, none: 3 });
    expect(await drift()).toEqual([]);
  });

  it("stay exact when connects, reconnects, sweeps and disconnects of one workspace run at the same time", async () => {
    const a = await h.seedMember();
    const members = [a, await colleague(a), await colleague(a), await colleague(a)];
    const people = await Promise.all(members.map((_, i) => h.createPerson({ pages: 15 + i * 5, name: `Concurrent ${i}` })));
    const saved = await Promise.all(members.map((m, i) => connectOk(m, people[i]!.id)));
    expect(await listed(a.tenantId)).toMatchObject({ pages: 15 + 20 + 25 + 30 });
    expect(await drift()).toEqual([]);

    await h.control.revokePerson(people[1]!.id);
    const page0 = (await pageIdsOf(a.tenantId, saved[0]!.socialIdentityId)).slice(0, 4);
    await makeAllDue();
    const results = await Promise.allSettled([
      connectOk(members[0]!, people[0]!.id), // reconnect
      connectOk(members[2]!, people[2]!.id), // reconnect
      sweep(),
      sweep(),
      withTenant(a.tenantId, (tx) => disconnectIdentity(tx, a.tenantId, a.userId, saved[3]!.socialIdentityId), { client: h.db.app }),
      ...page0.map((id) => withTenant(a.tenantId, (tx) => disconnectPage(tx, a.tenantId, a.userId, id), { client: h.db.app })),
    ]);
    // Writers of one workspace take turns (a per-workspace lock before any row lock): none fails, none deadlocks.
    expect(results.filter((r) => r.status === "rejected").map((r) => String((r as PromiseRejectedResult).reason))).toEqual([]);
    expect(await drift()).toEqual([]);

    const after = await listed(a.tenantId);
    expect(after.pages).toBeLessThan(90);
    expect(after.pages).toBeGreaterThan(0);
  });
});
