import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { POST as disconnectRoute } from "@/app/api/t/[slug]/identities/[identityId]/disconnect/route";
import { sessionCookie } from "../../test/support/session";
import { startTikTokHarness, type TikTokHarness } from "../../test/support/tiktok-harness";
import type { Member } from "../../test/support/connect-harness";
import { parseDashboardQuery } from "../workspace/dashboard-query";
import { loadDashboardData } from "../workspace/dashboard-data";
import * as manage from "../workspace/manage";
import { withMembership } from "../tenancy/membership";
import { asMember } from "../tenancy/membership";

/**
 * TikTok on the dashboard against real PostgreSQL (app role, RLS) and the TikTok emulator over HTTP: the account
 * with status, expiries and last refresh; check now (user info); disconnect with revoke on TikTok; and a TikTok
 * connection of workspace A is invisible and untouchable from workspace B.
 */

let h: TikTokHarness;
beforeAll(async () => {
  h = await startTikTokHarness();
});
afterAll(async () => h?.close());

async function connected(name: string) {
  const member = await h.seedMember();
  const { person } = await h.tiktok.addPerson({ displayName: name });
  const r = await h.connectTikTok(member, person.openId);
  if (!r.ok) throw new Error(r.error.message);
  return { member, openId: person.openId, tokenId: r.saved.userTokenId, identityId: r.saved.socialIdentityId };
}

async function dashboard(m: Member) {
  const r = await withMembership(
    m.userId,
    { slug: m.slug },
    "workspace.view",
    (tx) => loadDashboardData(tx, { userId: m.userId, query: parseDashboardQuery({}), warningDays: 7 }),
    { client: h.db.app },
  );
  if (!r.ok) throw new Error("not a member");
  return r.value;
}

async function snapshot(tenantId: string) {
  const q = async (sql: string) => (await h.db.owner.query(sql, [tenantId])).rows;
  return {
    tokens: await q(`SELECT * FROM ad_tokens WHERE tenant_id = $1 ORDER BY id`),
    identities: await q(`SELECT * FROM social_identities WHERE tenant_id = $1 ORDER BY id`),
    audit: await q(`SELECT count(*)::int AS n FROM audit_events WHERE tenant_id = $1`),
  };
}

const deps = () => ({ client: h.db.app });
const check = (m: Member, tokenId: string) =>
  asMember(m.userId, { slug: m.slug }, "connections.manage", (a) => manage.checkTokenNow(a, tokenId, deps()), deps());
const disconnect = (m: Member, identityId: string, revoke: boolean) =>
  asMember(
    m.userId,
    { slug: m.slug },
    "connections.manage",
    (a) => manage.disconnectIdentityAsMember(a, { identityId, revokeAtPlatform: revoke }, deps()),
    deps(),
  );

describe("TikTok on the dashboard", () => {
  it("shows the account with status, both expiries and the last refresh, and no expiry warning for its 2-hour access token", async () => {
    const c = await connected("Dash Creator");
    const d = await dashboard(c.member);
    const account = d.identities.find((i) => i.id === c.identityId);
    expect(account).toMatchObject({
      platform: "tiktok",
      name: "Dash Creator",
      externalUserId: c.openId,
      userToken: { id: c.tokenId, status: "active" },
    });
    const t = account!.userToken!;
    expect(new Date(t.expiresAt!).getTime() - Date.now()).toBeGreaterThan(3600_000);
    expect(new Date(t.refreshExpiresAt!).getTime() - Date.now()).toBeGreaterThan(170 * 86_400_000);
    expect(t.lastRefreshedAt).not.toBeNull();
    expect(d.warnings.warnings).toEqual([]);
    expect(JSON.stringify(d)).not.toMatch(/act\.|rft\./);
  });

  it("check now calls user info: active with a good token, invalid when TikTok refuses it", async () => {
    const c = await connected("Check Creator");
    await h.tiktok.resetStats();
    expect(await check(c.member, c.tokenId)).toEqual({ ok: true, value: { id: c.tokenId, status: "active", lastError: null } });
    expect((await h.tiktok.stats()).userInfoCalls).toBe(1);
    const access = (await h.tiktok.tokens(c.openId)).access[0]!.token;
    await h.tiktok.expire(access);
    const r = await check(c.member, c.tokenId);
    expect(r).toMatchObject({ ok: true, value: { status: "invalid" } });
    const audit = await h.db.owner.query(`SELECT details FROM audit_events WHERE tenant_id = $1 AND action = 'token.status_changed'`, [
      c.member.tenantId,
    ]);
    expect(audit.rows).toEqual([{ details: { from: "active", to: "invalid", via: "check_now" } }]);
  });

  it("disconnect revokes at TikTok, soft-deletes and erases both tokens", async () => {
    const c = await connected("Revoke Creator");
    const r = await disconnect(c.member, c.identityId, true);
    expect(r).toMatchObject({ ok: true, value: { revoke: "revoked", tokensSoftDeleted: 1 } });
    const tokens = await h.tiktok.tokens(c.openId);
    expect(tokens.access.every((t) => t.revoked)).toBe(true);
    expect(tokens.refresh.every((t) => t.revoked)).toBe(true);
    const row = await h.db.owner.query(
      `SELECT deleted_at IS NOT NULL AS deleted, octet_length(ciphertext) AS n, refresh_ciphertext, key_id FROM ad_tokens WHERE id = $1`,
      [c.tokenId],
    );
    expect(row.rows).toEqual([{ deleted: true, n: 0, refresh_ciphertext: null, key_id: "erased" }]);
    const audit = await h.db.owner.query(`SELECT action FROM audit_events WHERE tenant_id = $1 ORDER BY created_at`, [c.member.tenantId]);
    expect(audit.rows.map((a) => a.action)).toEqual(["tiktok.connected", "identity.disconnected", "identity.revoked_on_tiktok"]);
    // Reconnecting works after a disconnect.
    await h.tiktok.addPerson({ displayName: "unused" });
    expect((await h.connectTikTok(c.member, c.openId)).ok).toBe(true);
  });

  it("a TikTok connection in workspace A is invisible in B, and B's check, disconnect and revoke answer not_found and change nothing", async () => {
    const a = await connected("Tenant A Creator");
    const b = await h.seedMember();
    const before = await snapshot(a.member.tenantId);
    await h.tiktok.resetStats();

    const d = await dashboard(b);
    expect(d.identities).toEqual([]);
    expect(JSON.stringify(d)).not.toContain("Tenant A Creator");
    expect(await check(b, a.tokenId)).toMatchObject({ ok: false, error: { code: "not_found" } });
    expect(await disconnect(b, a.identityId, true)).toMatchObject({ ok: false, error: { code: "not_found" } });

    expect(await snapshot(a.member.tenantId)).toEqual(before);
    expect(await h.tiktok.stats()).toMatchObject({ userInfoCalls: 0, revokes: 0, refreshes: 0 });
  });

  it("the disconnect route takes revokeAtPlatform (revokes at TikTok); the old revokeOnFacebook is refused and changes nothing", async () => {
    const c = await connected("Route Creator");
    const cookie = await sessionCookie(c.member.userId);
    const post = (body: unknown) =>
      disconnectRoute(
        new Request(`http://localhost:3000/api/t/${c.member.slug}/identities/${c.identityId}/disconnect`, {
          method: "POST",
          headers: { "content-type": "application/json", "sec-fetch-site": "same-origin", cookie },
          body: JSON.stringify(body),
        }),
        { params: Promise.resolve({ slug: c.member.slug, identityId: c.identityId }) },
      );
    const before = await snapshot(c.member.tenantId);
    await h.tiktok.resetStats();

    const old = await post({ revokeOnFacebook: true });
    expect(old.status).toBe(422);
    expect(((await old.json()) as { error: { code: string } }).error.code).toBe("invalid");
    expect(await snapshot(c.member.tenantId)).toEqual(before);
    expect((await h.tiktok.stats()).revokes).toBe(0);

    const res = await post({ revokeAtPlatform: true });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ identityId: c.identityId, revoke: "revoked", revokeMessage: null, tokensSoftDeleted: 1 });
    expect((await h.tiktok.stats()).revokes).toBe(1);
    expect((await h.tiktok.tokens(c.openId)).refresh.every((t) => t.revoked)).toBe(true);
  });
});
