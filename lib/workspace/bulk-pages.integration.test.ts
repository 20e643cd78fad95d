import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { POST as bulk } from "@/app/api/t/[slug]/pages/bulk/route";
import { startConnectHarness, type ConnectHarness, type Member } from "../../test/support/connect-harness";
import { sessionCookie } from "../../test/support/session";

/**
 * Bulk actions through the real route handler (session cookie, same-origin JSON, contract, membership, RLS) against
 * the emulator: "check" of every matching Page goes out in Graph batches of 50; "disconnect" hides the chosen Pages
 * in one transaction; other workspaces' ids touch nothing; members without the role are refused.
 */

let h: ConnectHarness;
beforeAll(async () => {
  h = await startConnectHarness();
});
afterAll(async () => {
  await h?.close();
});

const request = (slug: string, cookie: string, body: unknown) =>
  bulk(
    new Request(`http://localhost:3000/api/t/${slug}/pages/bulk`, {
      method: "POST",
      headers: { "content-type": "application/json", "sec-fetch-site": "same-origin", cookie },
      body: JSON.stringify(body),
    }),
    { params: Promise.resolve({ slug }) },
  );

async function state(tenantId: string) {
  const q = async (sql: string) => (await h.db.owner.query(sql, [tenantId])).rows;
  return {
    tokens: await q(`SELECT id, status, deleted_at, last_checked_at FROM ad_tokens WHERE tenant_id = $1 ORDER BY id`),
    pages: await q(`SELECT id, deleted_at FROM facebook_pages WHERE tenant_id = $1 ORDER BY id`),
    audit: await q(`SELECT count(*)::int AS n FROM audit_events WHERE tenant_id = $1`),
  };
}

async function pageIds(member: Member, where = "TRUE"): Promise<string[]> {
  const { rows } = await h.db.owner.query<{ id: string }>(
    `SELECT id FROM facebook_pages p WHERE tenant_id = $1 AND deleted_at IS NULL AND ${where} ORDER BY name`,
    [member.tenantId],
  );
  return rows.map((r) => r.id);
}

describe("bulk actions on Pages", () => {
  it("checks all 250 Pages matching the filter in 5 Graph HTTP requests (batches of 50)", async () => {
    const person = await h.createPerson({ pages: 250, name: "Bulk Owner" });
    const member = await h.seedMember();
    expect((await h.connect(member, person.id)).ok).toBe(true);
    await h.db.owner.query(`UPDATE ad_tokens SET status = 'unchecked', last_checked_at = NULL WHERE tenant_id = $1`, [member.tenantId]);
    await h.control.revokeToken((await h.control.tokens({ person: person.id, type: "PAGE" }))[0]!.token, 460);
    await h.control.resetStats();

    const res = await request(await slugOf(member), await sessionCookie(member.userId), { action: "check", filter: {} });

    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body).toEqual({
      action: "check",
      pages: 250,
      tokens: 250,
      statuses: { active: 249, revoked: 1 },
      notChecked: 0,
      disconnected: 0,
    });
    const stats = await h.control.stats();
    expect(stats.graphRequests).toBe(5);
    expect(stats.batchedByPath["/debug_token"]).toBe(250);
    const { rows } = await h.db.owner.query(
      `SELECT count(*)::int AS n FROM ad_tokens WHERE tenant_id = $1 AND token_type = 'page' AND last_checked_at IS NOT NULL`,
      [member.tenantId],
    );
    expect(rows[0].n).toBe(250);
  });

  it("'all matching' follows the filter: search, has Instagram, and the connecting login", async () => {
    const member = await h.seedMember();
    const first = await h.createPerson({ pages: 3, name: "Login One" });
    const second = await h.control.createPerson({
      name: "Login Two",
      pages: [{ id: "8300000001", name: "Two Insta", tasks: ["MANAGE"], instagram: { id: "8300000101", username: "two.insta" } }],
    });
    expect((await h.connect(member, first.id)).ok).toBe(true);
    // Another member of the workspace connects the second login.
    const other = await h.seedMember();
    await h.db.owner.query(`INSERT INTO memberships (tenant_id, user_id, role) VALUES ($1, $2, 'admin')`, [member.tenantId, other.userId]);
    expect((await h.connect({ tenantId: member.tenantId, userId: other.userId }, second.id)).ok).toBe(true);
    const cookie = await sessionCookie(member.userId);
    const slug = await slugOf(member);
    const login = (
      await h.db.owner.query<{ id: string }>(`SELECT id FROM social_identities WHERE tenant_id = $1 AND name = 'Login Two'`, [
        member.tenantId,
      ])
    ).rows[0]!.id;

    const check = async (filter: unknown) => (await (await request(slug, cookie, { action: "check", filter })).json()).pages;
    expect(await check({})).toBe(4);
    expect(await check({ q: "Login One Page" })).toBe(3);
    expect(await check({ ig: true })).toBe(1);
    expect(await check({ login })).toBe(1);
    expect(await check({ status: "revoked" })).toBe(0);
  });

  it("disconnects the chosen Pages in one transaction, one audit event each; other workspaces' ids touch nothing", async () => {
    const person = await h.createPerson({ pages: 4 });
    const member = await h.seedMember();
    const stranger = await h.seedMember();
    const strangerPerson = await h.createPerson({ pages: 1 });
    expect((await h.connect(member, person.id)).ok).toBe(true);
    expect((await h.connect(stranger, strangerPerson.id)).ok).toBe(true);
    const [a, b] = await pageIds(member);
    const [theirs] = await pageIds(stranger);
    const strangerBefore = await state(stranger.tenantId);

    const res = await request(await slugOf(member), await sessionCookie(member.userId), { action: "disconnect", pageIds: [a, b, theirs] });

    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ action: "disconnect", pages: 2, tokens: 2, disconnected: 2 });
    expect(await pageIds(member)).toHaveLength(2);
    const { rows } = await h.db.owner.query(
      `SELECT target_id, details FROM audit_events WHERE tenant_id = $1 AND action = 'page.disconnected' ORDER BY target_id`,
      [member.tenantId],
    );
    expect(rows.map((r) => r.target_id).sort()).toEqual([a, b].sort());
    expect(rows.every((r) => r.details.bulk === true && r.details.tokensSoftDeleted === 1)).toBe(true);
    expect(await state(stranger.tenantId)).toEqual(strangerBefore);
  });

  it("refuses a member without the role (403) and a body with both ids and a filter (422), changing nothing", async () => {
    const person = await h.createPerson({ pages: 2 });
    const owner = await h.seedMember();
    expect((await h.connect(owner, person.id)).ok).toBe(true);
    const viewer = await h.seedMember();
    await h.db.owner.query(`INSERT INTO memberships (tenant_id, user_id, role) VALUES ($1, $2, 'member')`, [owner.tenantId, viewer.userId]);
    const slug = await slugOf(owner);
    const before = await state(owner.tenantId);
    await h.control.resetStats();

    const refused = await request(slug, await sessionCookie(viewer.userId), { action: "disconnect", filter: {} });
    expect(refused.status).toBe(403);
    const invalid = await request(slug, await sessionCookie(owner.userId), { action: "check", filter: {}, pageIds: await pageIds(owner) });
    expect(invalid.status).toBe(422);
    expect((await invalid.json()).error.message).toMatch(/either the chosen Pages or a filter/);

    expect(await state(owner.tenantId)).toEqual(before);
    expect((await h.control.stats()).graphRequests).toBe(0);
  });
});

async function slugOf(member: Member): Promise<string> {
  const { rows } = await h.db.owner.query<{ slug: string }>(`SELECT slug FROM tenants WHERE id = $1`, [member.tenantId]);
  return rows[0]!.slug;
}
