import { z } from "zod";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startConnectHarness, type ConnectHarness, type Member } from "../../test/support/connect-harness";
import { dbRejection, SQLSTATE } from "../../test/support/db-errors";
import { withTenant } from "../db/tenant-transaction";
import { decryptToken } from "../tokens/encryption";
import { withMembership } from "../tenancy/membership";
import { loadDashboardData } from "../workspace/dashboard-data";
import { parseDashboardQuery } from "../workspace/dashboard-query";

/**
 * Instagram professional accounts linked to Pages, end to end: read with the Pages (direct and business), stored as
 * children of their Page (tenant-owned, RLS forced, soft delete), listed under the Page by the dashboard and its
 * "has Instagram" filter, hidden when Facebook no longer links them; calls use the Page token.
 */

let h: ConnectHarness;
beforeAll(async () => {
  h = await startConnectHarness();
});
afterAll(async () => {
  await h?.close();
});

let nextId = 8_200_000_000;
const id = () => String(nextId++);

async function igRows(tenantId: string) {
  const { rows } = await h.db.owner.query<{ ig_user_id: string; username: string; page_id: string; deleted_at: Date | null }>(
    `SELECT i.ig_user_id, i.username, p.page_id, i.deleted_at FROM instagram_accounts i
       JOIN facebook_pages p ON p.id = i.facebook_page_id WHERE i.tenant_id = $1 ORDER BY i.ig_user_id`,
    [tenantId],
  );
  return rows;
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

async function personWithInstagram() {
  const withIg = { id: id(), name: "Has Insta", tasks: ["MANAGE"], instagram: { id: id(), username: "has.insta", name: "Has Insta IG" } };
  const without = { id: id(), name: "No Insta", tasks: ["ANALYZE"] };
  const viaBusiness = {
    id: id(),
    name: "Business Insta",
    tasks: ["CREATE_CONTENT"],
    instagram: { id: id(), username: "biz.insta", quotaUsage: 7 },
  };
  const person = await h.control.createPerson({
    name: "Insta Person",
    pages: [withIg, without],
    businesses: [{ id: id(), name: "Insta Biz", ownedPages: [viaBusiness] }],
  });
  return { person, withIg, without, viaBusiness };
}

describe("Instagram accounts linked to Pages", () => {
  it("are stored under their Page (direct and business Pages), listed by the dashboard, and filterable", async () => {
    const a = await personWithInstagram();
    const member = await h.seedMember();
    const result = await h.connect(member, a.person.id);
    if (!result.ok) throw new Error(result.error.userMessage);
    expect(result.saved.instagramLinked).toBe(2);

    expect(await igRows(member.tenantId)).toEqual(
      [
        { ig_user_id: a.withIg.instagram.id, username: "has.insta", page_id: a.withIg.id, deleted_at: null },
        { ig_user_id: a.viaBusiness.instagram.id, username: "biz.insta", page_id: a.viaBusiness.id, deleted_at: null },
      ].sort((x, y) => x.ig_user_id.localeCompare(y.ig_user_id)),
    );

    const all = await dashboard(member);
    const row = all.pages.rows.find((r) => r.name === a.withIg.name)!;
    expect(row.instagram).toEqual([
      expect.objectContaining({ igUserId: a.withIg.instagram.id, username: "has.insta", name: "Has Insta IG" }),
    ]);
    expect(all.pages.rows.find((r) => r.name === a.without.name)!.instagram).toEqual([]);

    const filtered = await dashboard(member, { ig: "1" });
    expect(filtered.pages.rows.map((r) => r.name).sort()).toEqual(["Business Insta", "Has Insta"]);
    expect(filtered.pages.matching).toBe(2);
  });

  it("calls to the Instagram account use the Page token: content_publishing_limit answers the account's quota", async () => {
    const a = await personWithInstagram();
    const member = await h.seedMember();
    expect((await h.connect(member, a.person.id)).ok).toBe(true);
    const { rows } = await h.db.owner.query<{ ciphertext: Buffer; key_id: string }>(
      `SELECT t.ciphertext, t.key_id FROM ad_tokens t JOIN facebook_pages p ON p.id = t.facebook_page_id
        WHERE t.tenant_id = $1 AND p.page_id = $2 AND t.deleted_at IS NULL`,
      [member.tenantId, a.viaBusiness.id],
    );
    const pageToken = decryptToken(member.tenantId, { ciphertext: rows[0]!.ciphertext, keyId: rows[0]!.key_id });
    const limit = await h
      .graph()
      .get(
        `${a.viaBusiness.instagram.id}/content_publishing_limit`,
        { fields: "quota_usage,config" },
        pageToken,
        z.object({ data: z.array(z.object({ quota_usage: z.number(), config: z.object({ quota_total: z.number() }) })) }),
      );
    expect(limit.body.data[0]).toEqual({ quota_usage: 7, config: expect.objectContaining({ quota_total: 100 }) });
  });

  it("an account unlinked on Facebook is hidden on the next connect (soft delete), and comes back when relinked", async () => {
    const a = await personWithInstagram();
    const member = await h.seedMember();
    expect((await h.connect(member, a.person.id)).ok).toBe(true);

    await h.control.setInstagram(a.person.id, a.withIg.id, null);
    const second = await h.connect(member, a.person.id);
    if (!second.ok) throw new Error(second.error.userMessage);
    expect(second.saved.instagramUnlinked).toBe(1);

    const rows = await igRows(member.tenantId);
    expect(rows.find((r) => r.ig_user_id === a.withIg.instagram.id)!.deleted_at).toBeInstanceOf(Date);
    expect(rows.find((r) => r.ig_user_id === a.viaBusiness.instagram.id)!.deleted_at).toBeNull();
    expect((await dashboard(member)).pages.rows.find((r) => r.name === a.withIg.name)!.instagram).toEqual([]);
    expect((await dashboard(member, { ig: "1" })).pages.rows.map((r) => r.name)).toEqual(["Business Insta"]);

    await h.control.setInstagram(a.person.id, a.withIg.id, { id: a.withIg.instagram.id, username: "has.insta.again" });
    expect((await h.connect(member, a.person.id)).ok).toBe(true);
    const back = (await igRows(member.tenantId)).find((r) => r.ig_user_id === a.withIg.instagram.id)!;
    expect(back).toMatchObject({ deleted_at: null, username: "has.insta.again" });
    expect((await igRows(member.tenantId)).length).toBe(2); // revived, not duplicated
  });

  it("without instagram_basic nothing is stored", async () => {
    const a = await personWithInstagram();
    const member = await h.seedMember();
    const result = await h.connect(member, a.person.id, { decline: ["instagram_basic"] });
    expect(result.ok).toBe(true);
    expect(await igRows(member.tenantId)).toEqual([]);
  });

  it("a Page reached only through a business shows its Instagram account only with ads_management or ads_read (Meta's rule for Business Manager roles)", async () => {
    const a = await personWithInstagram();
    const member = await h.seedMember();
    const result = await h.connect(member, a.person.id, { decline: ["ads_management"] });
    expect(result.ok).toBe(true);
    // The direct Page's account is still read; the business Page's is left out by Facebook, so nothing is stored for it.
    expect((await igRows(member.tenantId)).map((r) => [r.page_id, r.username])).toEqual([[a.withIg.id, "has.insta"]]);
  });

  it("is tenant-isolated: RLS forced, another tenant sees nothing and cannot write into it, the app cannot delete", async () => {
    const a = await personWithInstagram();
    const member = await h.seedMember();
    const other = await h.seedMember();
    expect((await h.connect(member, a.person.id)).ok).toBe(true);
    const snapshot = async () => (await h.db.owner.query(`SELECT * FROM instagram_accounts ORDER BY id`)).rows;
    const before = await snapshot();

    const { rows: rls } = await h.db.owner.query(
      `SELECT relrowsecurity, relforcerowsecurity FROM pg_class WHERE relname = 'instagram_accounts'`,
    );
    expect(rls).toEqual([{ relrowsecurity: true, relforcerowsecurity: true }]);
    expect(await h.db.app.instagramAccount.count()).toBe(0); // no tenant context: no rows
    expect(await withTenant(other.tenantId, (tx) => tx.instagramAccount.count(), { client: h.db.app })).toBe(0);
    expect(await withTenant(member.tenantId, (tx) => tx.instagramAccount.count(), { client: h.db.app })).toBe(2);

    const pageUuid = (
      await h.db.owner.query<{ id: string }>(`SELECT id FROM facebook_pages WHERE tenant_id = $1 LIMIT 1`, [member.tenantId])
    ).rows[0]!.id;
    const foreignInsert = await dbRejection(
      withTenant(
        other.tenantId,
        (tx) => tx.$executeRaw`INSERT INTO instagram_accounts (tenant_id, facebook_page_id, ig_user_id)
                               VALUES (${member.tenantId}::uuid, ${pageUuid}::uuid, 'intruder')`,
        { client: h.db.app },
      ),
    );
    expect(foreignInsert.sqlState).toBe(SQLSTATE.insufficientPrivilege);
    const del = await dbRejection(
      withTenant(member.tenantId, (tx) => tx.$executeRaw`DELETE FROM instagram_accounts`, { client: h.db.app }),
    );
    expect(del.sqlState).toBe(SQLSTATE.insufficientPrivilege);
    expect(await snapshot()).toEqual(before);
  });
});
