import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startConnectHarness, type ConnectHarness, type Member } from "../../test/support/connect-harness";
import * as manage from "./manage";
import { ok, type Result } from "../http/result";
import { asMember, type WorkspaceAccess } from "../tenancy/membership";
import { inviteMember } from "../tenancy/invitations";
import { createTenant } from "../tenancy/tenants";
import type { Permission, Role } from "../tenancy/roles";

/**
 * The dashboard's actions against real PostgreSQL (app role, RLS) and the Facebook emulator over HTTP: the tenant
 * comes from the membership, other tenants' ids are "not_found", members are refused, and refusals change nothing.
 */

let h: ConnectHarness;

beforeAll(async () => {
  h = await startConnectHarness();
});

afterAll(async () => {
  await h?.close();
});

async function connected(role: "owner" | "admin" | "member" = "owner") {
  const member = await h.seedMember(role);
  const person = await h.createPerson({ pages: 2 });
  const res = await h.connect(member, person.id);
  if (!res.ok) throw new Error("connect failed");
  const { rows } = await h.db.owner.query<{ id: string; token_type: string; facebook_page_id: string | null }>(
    `SELECT id, token_type, facebook_page_id FROM ad_tokens WHERE tenant_id = $1 AND deleted_at IS NULL ORDER BY token_type, id`,
    [member.tenantId],
  );
  const pageTokens = rows.filter((r) => r.token_type === "page");
  return {
    member,
    person,
    identityId: res.saved.socialIdentityId,
    userTokenId: rows.find((r) => r.token_type === "user")!.id,
    pageTokenIds: pageTokens.map((r) => r.id),
    pageIds: pageTokens.map((r) => r.facebook_page_id as string),
  };
}

async function snapshot(tenantId: string) {
  const q = async (sql: string) => (await h.db.owner.query(sql, [tenantId])).rows;
  return {
    tokens: await q(`SELECT id, status, deleted_at, last_checked_at FROM ad_tokens WHERE tenant_id = $1 ORDER BY id`),
    pages: await q(`SELECT id, deleted_at FROM facebook_pages WHERE tenant_id = $1 ORDER BY id`),
    identities: await q(`SELECT id, deleted_at FROM social_identities WHERE tenant_id = $1 ORDER BY id`),
    memberships: await q(`SELECT user_id, role, deleted_at FROM memberships WHERE tenant_id = $1 ORDER BY user_id`),
  };
}

const deps = () => ({ client: h.db.app, graph: h.graph() });

// The actions as their routes compose them: the membership core with the route's permission, then the action.
type Deps = ReturnType<typeof deps>;
type As = { userId: string; slug: string };
const as = <P extends Permission, T>(i: As, permission: P, fn: (a: WorkspaceAccess<P>) => Promise<Result<T>>, d: Deps) =>
  asMember(i.userId, { slug: i.slug }, permission, fn, { client: d.client });
const checkTokenNow = (i: As & { tokenId: string }, d: Deps) =>
  as(i, "connections.manage", (a) => manage.checkTokenNow(a, i.tokenId, d), d);
const disconnectPageAsMember = (i: As & { pageId: string }, d: Deps) =>
  as(i, "connections.manage", (a) => manage.disconnectPageAsMember(a, i.pageId, d), d);
const disconnectIdentityAsMember = (i: As & { identityId: string; revokeAtPlatform: boolean }, d: Deps) =>
  as(i, "connections.manage", (a) => manage.disconnectIdentityAsMember(a, i, d), d);
const inviteAsMember = (i: As & { email: string; role: Role }, d: Deps) =>
  as(i, "members.invite", (a) => inviteMember(a, { ...i, origin: "http://localhost:3000" }, d), d);
const createWorkspace = async (i: { userId: string; name: string }, d: Deps): Promise<Result<unknown>> =>
  ok(await createTenant(i.userId, i.name.trim(), d.client));

describe("dashboard actions", () => {
  it("check now records what Facebook says about the token", async () => {
    const c = await connected();
    const pageToken = (await h.control.tokens({ person: c.person.id, type: "PAGE" })).find((t) => t.valid)!;
    await h.control.revokeToken(pageToken.token, 460);
    const results = await Promise.all(
      c.pageTokenIds.map((tokenId) => checkTokenNow({ userId: c.member.userId, slug: c.member.slug, tokenId }, deps())),
    );
    expect(results.every((r) => r.ok)).toBe(true);
    expect(results.map((r) => (r.ok ? r.value.status : null)).sort()).toEqual(["active", "revoked"]);
  });

  it("disconnects a Page (soft delete, audit) and an identity with revoke on Facebook", async () => {
    const c = await connected();
    const page = await disconnectPageAsMember({ userId: c.member.userId, slug: c.member.slug, pageId: c.pageIds[0]! }, deps());
    expect(page).toMatchObject({ ok: true, value: { pageId: c.pageIds[0], tokensSoftDeleted: 1 } });
    const again = await disconnectPageAsMember({ userId: c.member.userId, slug: c.member.slug, pageId: c.pageIds[0]! }, deps());
    expect(again).toMatchObject({ ok: false, error: { code: "not_found" } });

    const identity = await disconnectIdentityAsMember(
      { userId: c.member.userId, slug: c.member.slug, identityId: c.identityId, revokeAtPlatform: true },
      deps(),
    );
    expect(identity).toMatchObject({ ok: true, value: { revoke: "revoked", revokeMessage: null, tokensSoftDeleted: 2, pagesHidden: 1 } });
    expect((await h.control.tokens({ person: c.person.id })).filter((t) => t.valid)).toEqual([]);
    const { rows } = await h.db.owner.query<{ action: string }>(
      `SELECT action FROM audit_events WHERE tenant_id = $1 ORDER BY created_at, action`,
      [c.member.tenantId],
    );
    expect(rows.map((r) => r.action)).toEqual(
      expect.arrayContaining(["page.disconnected", "identity.disconnected", "identity.revoked_on_facebook"]),
    );
    // Never returns the token.
    expect(JSON.stringify(identity)).not.toMatch(/EAA|token":/);
  });

  it("says so, in words, when Facebook does not confirm the revoke (the disconnect still holds)", async () => {
    const c = await connected();
    await h.control.failNext({ path: "/me/permissions", response: { status: 500 } });
    const res = await disconnectIdentityAsMember(
      { userId: c.member.userId, slug: c.member.slug, identityId: c.identityId, revokeAtPlatform: true },
      deps(),
    );
    expect(res).toMatchObject({ ok: true, value: { revoke: "failed", revokeMessage: expect.stringContaining("Disconnected here") } });
    const { rows } = await h.db.owner.query<{ n: string }>(
      `SELECT count(*) AS n FROM ad_tokens WHERE tenant_id = $1 AND deleted_at IS NULL`,
      [c.member.tenantId],
    );
    expect(rows[0]?.n).toBe("0");
  });

  it("answers not_found for another tenant's ids and slug, and changes nothing", async () => {
    const mine = await connected();
    const theirs = await connected();
    const before = await snapshot(theirs.member.tenantId);
    const asMe = { userId: mine.member.userId };
    const results = [
      await checkTokenNow({ ...asMe, slug: mine.member.slug, tokenId: theirs.pageTokenIds[0]! }, deps()),
      await checkTokenNow({ ...asMe, slug: theirs.member.slug, tokenId: theirs.userTokenId }, deps()),
      await disconnectPageAsMember({ ...asMe, slug: mine.member.slug, pageId: theirs.pageIds[0]! }, deps()),
      await disconnectPageAsMember({ ...asMe, slug: theirs.member.slug, pageId: theirs.pageIds[0]! }, deps()),
      await disconnectIdentityAsMember({ ...asMe, slug: mine.member.slug, identityId: theirs.identityId, revokeAtPlatform: true }, deps()),
      await disconnectIdentityAsMember(
        { ...asMe, slug: theirs.member.slug, identityId: theirs.identityId, revokeAtPlatform: true },
        deps(),
      ),
      await inviteAsMember({ ...asMe, slug: theirs.member.slug, email: "nobody@example.test", role: "owner" }, deps()),
    ];
    for (const r of results) expect(r).toMatchObject({ ok: false, error: { code: "not_found" } });
    expect(await snapshot(theirs.member.tenantId)).toEqual(before);
    expect((await h.control.tokens({ person: theirs.person.id })).some((t) => t.valid)).toBe(true);
  });

  it("lets only the member who connected an account revoke it on Facebook (it affects every workspace); others may still disconnect", async () => {
    const c = await connected();
    const admin = await h.seedMember("member");
    await h.db.owner.query(`INSERT INTO memberships (tenant_id, user_id, role) VALUES ($1, $2, 'admin')`, [
      c.member.tenantId,
      admin.userId,
    ]);
    const before = await snapshot(c.member.tenantId);
    const refused = await disconnectIdentityAsMember(
      { userId: admin.userId, slug: c.member.slug, identityId: c.identityId, revokeAtPlatform: true },
      deps(),
    );
    expect(refused).toMatchObject({
      ok: false,
      error: { code: "forbidden", message: expect.stringMatching(/Only the person who connected/) },
    });
    expect(await snapshot(c.member.tenantId)).toEqual(before);
    expect((await h.control.tokens({ person: c.person.id })).some((t) => t.valid)).toBe(true);

    const plain = await disconnectIdentityAsMember(
      { userId: admin.userId, slug: c.member.slug, identityId: c.identityId, revokeAtPlatform: false },
      deps(),
    );
    expect(plain).toMatchObject({ ok: true, value: { revoke: "not_requested", tokensSoftDeleted: 3 } });
    // Disconnecting here leaves the person's Facebook grant alone.
    expect((await h.control.tokens({ person: c.person.id })).some((t) => t.valid)).toBe(true);
  });

  it("refuses a member (forbidden, in words) and changes nothing; an admin may act", async () => {
    const c = await connected();
    const viewer = await h.seedMember("member");
    await h.db.owner.query(`INSERT INTO memberships (tenant_id, user_id, role) VALUES ($1, $2, 'member')`, [
      c.member.tenantId,
      viewer.userId,
    ]);
    const before = await snapshot(c.member.tenantId);
    const asViewer = { userId: viewer.userId, slug: c.member.slug };
    for (const r of [
      await checkTokenNow({ ...asViewer, tokenId: c.pageTokenIds[0]! }, deps()),
      await disconnectPageAsMember({ ...asViewer, pageId: c.pageIds[0]! }, deps()),
      await disconnectIdentityAsMember({ ...asViewer, identityId: c.identityId, revokeAtPlatform: true }, deps()),
      await inviteAsMember({ ...asViewer, email: "x@example.test", role: "owner" }, deps()),
    ]) {
      expect(r).toMatchObject({ ok: false, error: { code: "forbidden", message: expect.stringMatching(/^Only owners/) } });
    }
    expect(await snapshot(c.member.tenantId)).toEqual(before);

    const admin = await h.seedMember("member");
    await h.db.owner.query(`INSERT INTO memberships (tenant_id, user_id, role) VALUES ($1, $2, 'admin')`, [
      c.member.tenantId,
      admin.userId,
    ]);
    expect(await disconnectPageAsMember({ userId: admin.userId, slug: c.member.slug, pageId: c.pageIds[1]! }, deps())).toMatchObject({
      ok: true,
    });
    // Admins invite members only.
    expect(
      await inviteAsMember({ userId: admin.userId, slug: c.member.slug, email: "x@example.test", role: "owner" }, deps()),
    ).toMatchObject({
      ok: false,
      error: { code: "forbidden" },
    });
  });

  it("creates a workspace with its creator as owner", async () => {
    const m: Member = await h.seedMember("member");
    const res = await createWorkspace({ userId: m.userId, name: "  Acme Bakery  " }, deps());
    expect(res).toMatchObject({
      ok: true,
      value: { name: "Acme Bakery", role: "owner", slug: expect.stringMatching(/^acme-bakery-[0-9a-f]{6}$/) },
    });
  });
});
