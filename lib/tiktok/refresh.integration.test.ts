import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTikTokHarness, type TikTokHarness } from "../../test/support/tiktok-harness";
import { callApi, makeKey } from "../../test/support/api-v1";
import { runJobCycle } from "../jobs/cycle";
import { TikTokApiError, TikTokClient } from "./api-client";
import { decryptToken } from "../tokens/encryption";
import { refreshDueTikTokTokens, refreshTikTokToken } from "./refresh";
import { GET as cronGET } from "@/app/api/cron/check-tokens/route";
import { rotateEncryptionKey } from "../tokens/rotate-encryption-key";
import { generateKeySpec } from "../tokens/key-ring";
import type { TokenAttention } from "../health/expiry-notifier";

/**
 * TikTok connections kept alive against the TikTok emulator over HTTP and a real database (app role, RLS):
 * rotation under concurrency, a crash between TikTok's answer and our write, refusals that mark the connection.
 */

let h: TikTokHarness;
beforeAll(async () => {
  h = await startTikTokHarness({ poolMax: 24 });
});
afterAll(async () => h?.close());

interface Row {
  id: string;
  tenant_id: string;
  platform: string;
  token_type: string;
  ciphertext: Buffer;
  refresh_ciphertext: Buffer | null;
  key_id: string;
  status: string;
  expires_at: Date;
  refresh_expires_at: Date;
  last_refreshed_at: Date;
  last_error: string | null;
  deleted_at: Date | null;
}

async function row(id: string): Promise<Row> {
  const { rows } = await h.db.owner.query<Row>(`SELECT * FROM ad_tokens WHERE id = $1`, [id]);
  return rows[0]!;
}

const plain = (r: Row) => ({
  access: decryptToken(r.tenant_id, { ciphertext: r.ciphertext, keyId: r.key_id }),
  refresh: decryptToken(r.tenant_id, { ciphertext: r.refresh_ciphertext!, keyId: r.key_id }),
});

async function connected(displayName = "Creator") {
  const member = await h.seedMember();
  const { person } = await h.tiktok.addPerson({ displayName });
  const result = await h.connectTikTok(member, person.openId);
  if (!result.ok) throw new Error(`connect failed: ${result.error.message}`);
  return { member, openId: person.openId, tokenId: result.saved.userTokenId, identityId: result.saved.socialIdentityId };
}

async function auditActions(tenantId: string): Promise<string[]> {
  const { rows } = await h.db.owner.query<{ action: string }>(`SELECT action FROM audit_events WHERE tenant_id = $1 ORDER BY created_at`, [
    tenantId,
  ]);
  return rows.map((r) => r.action);
}

describe("connect TikTok", () => {
  it("writes one user token carrying both tokens, encrypted, with both expiries from TikTok's answer", async () => {
    await h.tiktok.configure({ accessTtlSeconds: 5000, refreshTtlSeconds: 90 * 86_400 });
    const before = Date.now();
    const c = await connected("Expiry Check");
    await h.tiktok.configure({ accessTtlSeconds: 7200, refreshTtlSeconds: 180 * 86_400 });
    const r = await row(c.tokenId);
    expect(r).toMatchObject({ platform: "tiktok", token_type: "user", status: "active", deleted_at: null });
    const issued = await h.tiktok.tokens(c.openId);
    const p = plain(r);
    expect(p.access).toBe(issued.access[0]!.token);
    expect(p.refresh).toBe(issued.refresh[0]!.token);
    // Neither token is stored in the clear.
    expect(r.ciphertext.includes(Buffer.from(p.access))).toBe(false);
    expect(r.refresh_ciphertext!.includes(Buffer.from(p.refresh))).toBe(false);
    expect(Math.abs(r.expires_at.getTime() - (before + 5000 * 1000))).toBeLessThan(30_000);
    expect(Math.abs(r.refresh_expires_at.getTime() - (before + 90 * 86_400_000))).toBeLessThan(30_000);
    const identity = await h.db.owner.query(`SELECT platform, external_user_id, name FROM social_identities WHERE id = $1`, [c.identityId]);
    expect(identity.rows).toEqual([{ platform: "tiktok", external_user_id: c.openId, name: "Expiry Check" }]);
    expect(await auditActions(c.member.tenantId)).toContain("tiktok.connected");
  });
});

describe("refresh", () => {
  it("20 concurrent refreshes of one connection spend exactly one refresh token and leave a working pair", async () => {
    const c = await connected("Concurrent");
    await h.makeDue(c.tokenId);
    const old = plain(await row(c.tokenId));
    await h.tiktok.resetStats();

    const results = await Promise.all(
      Array.from({ length: 20 }, () => refreshTikTokToken(c.member.tenantId, c.tokenId, { client: h.db.app })),
    );

    expect(results.filter((r) => r.outcome === "refreshed")).toHaveLength(1);
    expect(results.filter((r) => r.outcome === "fresh")).toHaveLength(19);
    const stats = await h.tiktok.stats();
    expect(stats).toMatchObject({ refreshes: 1, refreshRefusals: 0, refreshReuses: 0, refreshTokensSpent: 1, maxSpendsPerToken: 1 });
    const now = plain(await row(c.tokenId));
    expect(now.refresh).not.toBe(old.refresh);
    const tokens = await h.tiktok.tokens(c.openId);
    expect(tokens.refresh.find((t) => t.token === old.refresh)).toMatchObject({ rotated: true, spends: 1, valid: false });
    expect(tokens.refresh.find((t) => t.token === now.refresh)).toMatchObject({ valid: true, spends: 0 });
    // The new access token works, and the new refresh token can be spent in turn.
    expect((await new TikTokClient().userInfo(now.access)).openId).toBe(c.openId);
    await h.makeDue(c.tokenId);
    expect((await refreshTikTokToken(c.member.tenantId, c.tokenId, { client: h.db.app })).outcome).toBe("refreshed");
    expect((await row(c.tokenId)).status).toBe("active");
  });

  it("the batch run refreshes due connections (claim with SKIP LOCKED), leaves fresh ones alone, and two runs never overlap", async () => {
    const due1 = await connected("Due One");
    const due2 = await connected("Due Two");
    const fresh = await connected("Fresh");
    await h.makeDue(due1.tokenId);
    await h.makeDue(due2.tokenId, 60);
    const freshBefore = await row(fresh.tokenId);
    await h.tiktok.resetStats();

    const [a, b] = await Promise.all([
      refreshDueTikTokTokens({ client: h.db.app, concurrency: 2 }),
      refreshDueTikTokTokens({ client: h.db.app, concurrency: 2 }),
    ]);

    expect(a.refreshed + b.refreshed).toBe(2);
    expect(a.claimed + b.claimed).toBe(2);
    expect(await h.tiktok.stats()).toMatchObject({ refreshes: 2, refreshReuses: 0, maxSpendsPerToken: 1 });
    expect(await row(fresh.tokenId)).toEqual(freshBefore);
    for (const id of [due1.tokenId, due2.tokenId]) {
      const r = await row(id);
      expect(r.expires_at.getTime()).toBeGreaterThan(Date.now() + 3600_000);
      expect(Date.now() - r.last_refreshed_at.getTime()).toBeLessThan(60_000);
    }
    expect((await refreshDueTikTokTokens({ client: h.db.app })).claimed).toBe(0);
  });

  it("a crash between TikTok's answer and our write loses the rotation: the next refresh is refused and the connection is marked", async () => {
    const c = await connected("Crash");
    await h.makeDue(c.tokenId);
    const before = await row(c.tokenId);
    const crash = refreshTikTokToken(c.member.tenantId, c.tokenId, {
      client: h.db.app,
      afterTikTokAnswered: async () => {
        throw new Error("simulated crash after TikTok answered");
      },
    });
    await expect(crash).rejects.toThrow("simulated crash");
    // Our row is exactly as before (the transaction rolled back) — but TikTok has retired the refresh token we hold.
    expect(await row(c.tokenId)).toEqual(before);
    const stored = plain(before).refresh;
    expect((await h.tiktok.tokens(c.openId)).refresh.find((t) => t.token === stored)).toMatchObject({ rotated: true, valid: false });

    const next = await refreshTikTokToken(c.member.tenantId, c.tokenId, { client: h.db.app });

    expect(next).toMatchObject({ outcome: "dead", status: "revoked", calledTikTok: true });
    const after = await row(c.tokenId);
    expect(after.status).toBe("revoked");
    expect(after.last_error).toMatch(/refused the refresh token/);
    expect(await auditActions(c.member.tenantId)).toContain("tiktok.refresh_failed");
    // The same alert as a Facebook token's: the owners' "revoked" email is queued for this workspace.
    const alerts = await h.db.owner.query<{ kind: string; token_ids: string[] }>(
      `SELECT kind, token_ids FROM alert_emails WHERE tenant_id = $1`,
      [c.member.tenantId],
    );
    expect(alerts.rows).toEqual([{ kind: "revoked", token_ids: [c.tokenId] }]);
    // A marked connection is not claimed again (no refresh loop against TikTok).
    await h.tiktok.resetStats();
    await refreshDueTikTokTokens({ client: h.db.app });
    expect((await h.tiktok.stats()).refreshRefusals).toBe(0);
  });

  it("an expired refresh token marks the connection (TikTok's invalid_grant, or our own record of the expiry)", async () => {
    await h.tiktok.configure({ refreshTtlSeconds: 600 });
    const atTikTok = await connected("Expired At TikTok");
    const ours = await connected("Expired Here");
    await h.tiktok.configure({ refreshTtlSeconds: 180 * 86_400 });
    await h.tiktok.advanceClock(601);
    await h.makeDue(atTikTok.tokenId);

    const alerts: TokenAttention[] = [];
    const notifier = { tokensNeedAttention: async (c: readonly TokenAttention[]) => void alerts.push(...c) };
    const refused = await refreshTikTokToken(atTikTok.member.tenantId, atTikTok.tokenId, { client: h.db.app, notifier });
    expect(refused).toMatchObject({ outcome: "dead", status: "revoked", calledTikTok: true });
    // The same alert seam as Facebook tokens that need attention.
    expect(alerts).toEqual([
      expect.objectContaining({
        tenantId: atTikTok.member.tenantId,
        tokenId: atTikTok.tokenId,
        tokenType: "user",
        from: "expiring", // its refresh token had 10 minutes left
        to: "revoked",
      }),
    ]);
    expect((await row(atTikTok.tokenId)).status).toBe("revoked");

    await h.db.owner.query(`UPDATE ad_tokens SET refresh_expires_at = now() - interval '1 second' WHERE id = $1`, [ours.tokenId]);
    await h.makeDue(ours.tokenId);
    const expired = await refreshTikTokToken(ours.member.tenantId, ours.tokenId, { client: h.db.app });
    expect(expired).toMatchObject({ outcome: "dead", status: "expired", calledTikTok: false });
    const r = await row(ours.tokenId);
    expect(r.status).toBe("expired");
    expect(r.last_error).toMatch(/expired; reconnect/);
    expect(await auditActions(ours.member.tenantId)).toContain("tiktok.refresh_failed");
  });

  it("a passing failure (TikTok 500) changes nothing but last_error, spends nothing, and the next run succeeds", async () => {
    const c = await connected("Transient");
    await h.makeDue(c.tokenId);
    const before = await row(c.tokenId);
    await h.tiktok.failNext({
      path: "/v2/oauth/token/",
      grantType: "refresh_token",
      openId: c.openId,
      status: 500,
      error: "internal_error",
    });

    const r = await refreshTikTokToken(c.member.tenantId, c.tokenId, { client: h.db.app });

    expect(r.outcome).toBe("retry");
    const after = await row(c.tokenId);
    expect({ ...after, last_error: null }).toMatchObject({ ...before, last_error: null, updated_at: expect.any(Date) });
    expect(plain(after)).toEqual(plain(before));
    expect(after.last_error).toMatch(/internal_error/);
    expect((await refreshTikTokToken(c.member.tenantId, c.tokenId, { client: h.db.app })).outcome).toBe("refreshed");
  });

  it("a TikTok connection of workspace A cannot be refreshed through workspace B", async () => {
    const a = await connected("Tenant A");
    const b = await h.seedMember();
    await h.makeDue(a.tokenId);
    const before = await row(a.tokenId);
    await h.tiktok.resetStats();
    expect((await refreshTikTokToken(b.tenantId, a.tokenId, { client: h.db.app })).outcome).toBe("gone");
    expect(await row(a.tokenId)).toEqual(before);
    expect((await h.tiktok.stats()).refreshes).toBe(0);
  });

  it("the cron route renews due TikTok connections after the health sweep and answers counts only", async () => {
    const c = await connected("Via Cron");
    await h.makeDue(c.tokenId, 30 * 60); // inside the cron's 75-minute window, outside the default 15 minutes
    const old = plain(await row(c.tokenId));
    h.setEnv({ CRON_SECRET: "cron-secret-for-tests-0123456789" });
    const res = await cronGET(
      new Request("http://localhost/api/cron/check-tokens", { headers: { authorization: "Bearer cron-secret-for-tests-0123456789" } }),
    );
    expect(res.status).toBe(200);
    const body = (await res.json()) as { tiktok: Record<string, unknown> };
    // Other connections of this file may be inside the 75-minute window too; this one must be among the renewed.
    expect(body.tiktok).toMatchObject({ stoppedReason: "done", dead: 0 });
    expect(body.tiktok["refreshed"]).toBeGreaterThanOrEqual(1);
    for (const v of Object.values(body.tiktok)) expect(["number", "string"]).toContain(typeof v);
    expect(plain(await row(c.tokenId)).refresh).not.toBe(old.refresh);
  });

  it("key rotation re-encrypts the refresh token with the access token, and the connection keeps refreshing", async () => {
    const c = await connected("Rotated Key");
    const before = plain(await row(c.tokenId));
    h.setEnv({ TOKEN_ENCRYPTION_KEYS: `${generateKeySpec("k9")},${process.env["TOKEN_ENCRYPTION_KEYS"]}` });
    const summary = await rotateEncryptionKey({ client: h.db.app });
    expect(summary.complete).toBe(true);
    const r = await row(c.tokenId);
    expect(r.key_id).toBe("k9");
    expect(plain(r)).toEqual(before);
    await h.makeDue(c.tokenId);
    expect((await refreshTikTokToken(c.member.tenantId, c.tokenId, { client: h.db.app })).outcome).toBe("refreshed");
    expect((await row(c.tokenId)).key_id).toBe("k9");
  });
});

describe("the token API hands out a usable TikTok access token", () => {
  it("renews it first when it is about to expire (the old refresh token is then refused), and hands out the stored one while it is fresh", async () => {
    const c = await connected("Api Creator");
    const { key } = await makeKey(c.member);
    const before = plain(await row(c.tokenId));

    // The account is listed as TikTok's, not as a Facebook account.
    const listed = (await (await callApi("listIdentities", { key })).json()) as {
      data: { id: string; platform: string; facebook_user_id: string }[];
    };
    expect(listed.data).toEqual([expect.objectContaining({ id: c.identityId, platform: "tiktok", facebook_user_id: c.openId })]);

    // Fresh: handed out as stored, TikTok not asked.
    const fresh = await callApi("identityToken", { key, id: c.identityId });
    expect(fresh.status).toBe(200);
    expect((await fresh.json()) as { token: string; platform: string }).toMatchObject({ token: before.access, platform: "tiktok" });
    expect(plain(await row(c.tokenId))).toEqual(before);

    // About to expire: renewed first, then the new access token is handed out.
    await h.makeDue(c.tokenId, 300);
    const res = await callApi("identityToken", { key, id: c.identityId });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { token: string; expires_at: string; status: string };
    const after = plain(await row(c.tokenId));
    expect(after.access).not.toBe(before.access);
    expect(after.refresh).not.toBe(before.refresh);
    expect(body).toMatchObject({ token: after.access, status: "active" });
    expect(Date.parse(body.expires_at)).toBeGreaterThan(Date.now() + 3_600_000);

    // The handed-out token works at TikTok; the spent refresh token is refused with TikTok's invalid_grant.
    const tiktok = new TikTokClient();
    expect((await tiktok.userInfo(body.token)).openId).toBe(c.openId);
    const spent = await tiktok.refresh(before.refresh).catch((e: unknown) => e);
    expect(spent).toBeInstanceOf(TikTokApiError);
    expect(String((spent as Error).message)).toMatch(/invalid_grant/);
    expect(await auditActions(c.member.tenantId)).toContain("token.handed_out");
  });
});

describe("the job engine keeps TikTok connections alive", () => {
  it("a job cycle queues one TikTok refresh run per slot, and it renews the due connections", async () => {
    const c = await connected("Job Creator");
    const before = plain(await row(c.tokenId));
    await h.makeDue(c.tokenId, 300);
    const first = await runJobCycle({ client: h.db.app, timeBudgetMs: 20_000 });
    expect(first.byQueue).toMatchObject({ tiktok_refresh: 1 });
    const after = plain(await row(c.tokenId));
    expect(after.access).not.toBe(before.access);
    expect(after.refresh).not.toBe(before.refresh);
    // A second cycle in the same slot queues no second run.
    const second = await runJobCycle({ client: h.db.app, timeBudgetMs: 5_000 });
    expect(second.byQueue.tiktok_refresh ?? 0).toBe(0);
  });
});
