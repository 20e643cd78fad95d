import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startConnectHarness, type ConnectHarness, type Member } from "../../test/support/connect-harness";
import { FacebookApiError } from "../facebook/errors";
import { fetchAllPages } from "../facebook/user-data";
import { decryptToken } from "../tokens/encryption";
import { DAY_MS } from "../time";
import { withMembership } from "../tenancy/membership";
import { loadDashboardData } from "../workspace/dashboard-data";
import { parseDashboardQuery } from "../workspace/dashboard-query";
import { checkTokensNow } from "./check-tokens-now";

/**
 * Facebook's 90-day data access, end to end against the emulator: a token whose person's data access lapses soon
 * or has lapsed shows that status after a check (and in the dashboard's banner), reads fail with Facebook's 190/493
 * while debug_token still says the token is valid, a plain reconnect cannot fix it, and re-approval
 * (auth_type=reauthorize) does.
 */

let h: ConnectHarness;
beforeAll(async () => {
  h = await startConnectHarness();
});
afterAll(async () => {
  await h?.close();
});

async function activeTokens(tenantId: string) {
  const { rows } = await h.db.owner.query<{
    id: string;
    token_type: string;
    status: string;
    data_access_expires_at: Date | null;
    ciphertext: Buffer;
    key_id: string;
  }>(
    `SELECT id, token_type, status, data_access_expires_at, ciphertext, key_id FROM ad_tokens
      WHERE tenant_id = $1 AND deleted_at IS NULL ORDER BY token_type DESC, id`,
    [tenantId],
  );
  return rows;
}

async function checkAll(member: Member) {
  const ids = (await activeTokens(member.tenantId)).map((t) => t.id);
  return checkTokensNow({ tenantId: member.tenantId, actorUserId: member.userId, tokenIds: ids }, { client: h.db.app, graph: h.graph() });
}

async function dashboard(member: Member, params: Record<string, string> = {}) {
  const res = await withMembership(
    member.userId,
    { tenantId: member.tenantId },
    "workspace.view",
    (tx) => loadDashboardData(tx, { userId: member.userId, query: parseDashboardQuery(params), warningDays: 7 }),
    { client: h.db.app },
  );
  if (!res.ok) throw new Error("not a member");
  return res.value;
}

describe("90-day data access", () => {
  it("a connect starts a 90-day window: tokens are active with data_access_expires_at ≈ now + 90 days", async () => {
    const person = await h.createPerson({ pages: 2 });
    const member = await h.seedMember();
    const result = await h.connect(member, person.id);
    expect(result.ok).toBe(true);
    const rows = await activeTokens(member.tenantId);
    expect(rows).toHaveLength(3);
    for (const r of rows) {
      expect(r.status).toBe("active");
      expect(Math.abs(r.data_access_expires_at!.getTime() - (Date.now() + 90 * DAY_MS))).toBeLessThan(60_000);
    }
  });

  it("expiring in 3 days → 'data_access_expiring' after a check, and the banner names the account", async () => {
    const person = await h.createPerson({ pages: 2, name: "Soon Lapsing" });
    const member = await h.seedMember();
    expect((await h.connect(member, person.id)).ok).toBe(true);
    await h.control.setDataAccess(person.id, 3 * 86_400 + 600);

    const checked = await checkAll(member);

    expect(checked.map((c) => c.status)).toEqual(["data_access_expiring", "data_access_expiring", "data_access_expiring"]);
    const rows = await activeTokens(member.tenantId);
    expect(Math.round((rows[0]!.data_access_expires_at!.getTime() - Date.now()) / DAY_MS)).toBe(3);
    const data = await dashboard(member);
    expect(data.warnings.warnings).toHaveLength(1);
    expect(data.warnings.warnings[0]).toMatchObject({ kind: "data_access_expiring", identityName: "Soon Lapsing", pagesAffected: 2 });
    // The workspace's summary row has no data-access columns: filtering by the status counts the matching Pages.
    const filtered = await dashboard(member, { status: "data_access_expiring" });
    expect(filtered.pages.counts.data_access_expiring).toBe(2);
    expect(filtered.pages.matching).toBe(2);
    expect(filtered.pages.rows).toHaveLength(2);
  });

  it("lapsed: the token stays valid but reads fail with 190/493; status 'data_access_expired'; a plain reconnect fails and writes nothing; re-approval clears it", async () => {
    const person = await h.createPerson({ pages: 2, name: "Lapsed Person" });
    const member = await h.seedMember();
    expect((await h.connect(member, person.id)).ok).toBe(true);
    await h.control.setDataAccess(person.id, -60);

    // Facebook: the user token is still valid (no revocation), yet /me/accounts reads nothing.
    const user = (await activeTokens(member.tenantId)).find((t) => t.token_type === "user")!;
    const plain = decryptToken(member.tenantId, { ciphertext: user.ciphertext, keyId: user.key_id });
    const summary = (await h.control.tokens({ person: person.id })).find((t) => t.token === plain)!;
    expect(summary.valid).toBe(true);
    const read = await fetchAllPages(h.graph(), plain).catch((e: unknown) => e);
    expect(read).toBeInstanceOf(FacebookApiError);
    expect((read as FacebookApiError).info).toMatchObject({ code: 190, subcode: 493 });

    const checked = await checkAll(member);
    expect(new Set(checked.map((c) => c.status))).toEqual(new Set(["data_access_expired"]));
    expect(checked[0]!.lastError).toMatch(/90-day data access .* lapsed/);
    const data = await dashboard(member);
    expect(data.warnings.warnings[0]).toMatchObject({ kind: "data_access_expired", identityName: "Lapsed Person" });

    // A plain reconnect (no auth_type) does not renew lapsed data access: the Pages read fails, nothing changes.
    const before = await activeTokens(member.tenantId);
    const plainReconnect = await h.connect(member, person.id);
    expect(plainReconnect.ok).toBe(false);
    if (!plainReconnect.ok) {
      expect(plainReconnect.error.step).toBe("pages");
      expect(plainReconnect.error.userMessage).toMatch(/Re-approve/);
    }
    expect((await activeTokens(member.tenantId)).map((t) => [t.id, t.status])).toEqual(before.map((t) => [t.id, t.status]));

    // Re-approval: the dialog with auth_type=reauthorize renews data access; the connect replaces the tokens.
    const reapproved = await h.connect(member, person.id, { authType: "reauthorize" });
    expect(reapproved.ok).toBe(true);
    const after = await activeTokens(member.tenantId);
    expect(after).toHaveLength(3);
    expect(after.every((t) => t.status === "active")).toBe(true);
    expect(after.some((t) => before.some((b) => b.id === t.id))).toBe(false);
    const rechecked = await checkAll(member);
    expect(new Set(rechecked.map((c) => c.status))).toEqual(new Set(["active"]));
    expect((await dashboard(member)).warnings.warnings).toEqual([]);
  });
});
