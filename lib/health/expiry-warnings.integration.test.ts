import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { withTenant } from "../db/tenant-transaction";
import { startConnectHarness, type ConnectHarness } from "../../test/support/connect-harness";
import { describeWarning, loadExpiryWarnings } from "./expiry-warnings";
import { seedEncryptedTokens } from "../../test/support/seed-tokens";

/** The expiry banner's data, read as the app role inside a tenant transaction. */

let h: ConnectHarness;
const DAY = 86_400_000;
const now = new Date("2026-12-01T12:00:00Z");

beforeAll(async () => {
  h = await startConnectHarness();
});

afterAll(async () => {
  await h?.close();
});

async function setRow(id: string, status: string, expiresAt: Date | null) {
  await h.db.owner.query(`UPDATE ad_tokens SET status = $2::token_status, expires_at = $3 WHERE id = $1`, [id, status, expiresAt]);
}

describe("loadExpiryWarnings", () => {
  it("lists expiring user tokens and revoked/expired/invalid tokens per identity, worst first, only for the tenant in context", async () => {
    const a = await h.seedMember();
    const b = await h.seedMember();
    // Four people in tenant A: one fine, one expiring in 3 days, one whose expiry passed since the last check, one
    // with a revoked user token; plus page tokens (one identity) with one invalid Page.
    const users = await seedEncryptedTokens(h.db.owner, a, [
      { token: "fine", type: "user" },
      { token: "soon", type: "user" },
      { token: "passed", type: "user" },
      { token: "gone", type: "user" },
    ]);
    const pages = await seedEncryptedTokens(h.db.owner, { ...a, identityName: "Pat Pages" }, [
      { token: "p1", type: "page" },
      { token: "p2", type: "page" },
    ]);
    await setRow(users.ids[0]!, "active", new Date(now.getTime() + 40 * DAY));
    await setRow(users.ids[1]!, "active", new Date(now.getTime() + 3 * DAY - 60_000));
    await setRow(users.ids[2]!, "active", new Date(now.getTime() - DAY));
    await setRow(users.ids[3]!, "revoked", new Date(now.getTime() + 30 * DAY));
    await setRow(pages.ids[0]!, "active", null);
    await setRow(pages.ids[1]!, "invalid", null);
    await h.db.owner.query(`UPDATE social_identities SET name = 'Sam Soon' WHERE id = $1`, [users.identityIds[1]]);
    await h.db.owner.query(`UPDATE social_identities SET name = 'Rex Revoked' WHERE id = $1`, [users.identityIds[3]]);
    // Tenant B has a revoked token too: never shown to A.
    const other = await seedEncryptedTokens(h.db.owner, b, [{ token: "b", type: "user" }]);
    await setRow(other.ids[0]!, "revoked", null);
    // A disconnected (soft-deleted) revoked token is history, not a warning.
    const old = await seedEncryptedTokens(h.db.owner, a, [{ token: "old", type: "user" }]);
    await h.db.owner.query(`UPDATE ad_tokens SET status = 'revoked', deleted_at = now() WHERE id = $1`, [old.ids[0]]);

    const result = await withTenant(a.tenantId, (tx) => loadExpiryWarnings(tx, { now, warningDays: 7 }), { client: h.db.app });

    expect(result.warningDays).toBe(7);
    expect(result.warnings.map((w) => [w.socialIdentityId, w.kind])).toEqual([
      [users.identityIds[3], "revoked"],
      [users.identityIds[2], "expired"],
      [pages.identityIds[1], "invalid"],
      [users.identityIds[1], "expiring"],
    ]);
    const pat = result.warnings.find((w) => w.kind === "invalid")!;
    expect(pat).toMatchObject({ identityName: "Pat Pages", pagesAffected: 1, userTokenAffected: false });
    expect(pat.pageNames).toHaveLength(1);
    const sam = result.warnings.find((w) => w.kind === "expiring")!;
    expect(describeWarning(sam, now)).toBe("Sam Soon's Facebook connection expires in 3 days, on Dec 4, 2026.");
    expect(describeWarning(result.warnings[0]!, now)).toMatch(/^Rex Revoked's Facebook connection was revoked/);
    expect(describeWarning(pat, now)).toMatch(/^Facebook no longer accepts Pat Pages's connection \(Page /);
  });

  it("counts every problem Page of an identity, by what its token's dates say now, not only its last check", async () => {
    const c = await h.seedMember();
    const pages = await seedEncryptedTokens(
      h.db.owner,
      { ...c, identityName: "Many Pages" },
      Array.from({ length: 9 }, (_, i) => ({ token: `p${i}`, type: "page" as const })),
    );
    const [r1, r2, passed, lapsed, soon, pageExpiring, fine1, fine2, lapsedAndPassed] = pages.ids as [string, ...string[]];
    await setRow(r1, "revoked", null);
    await setRow(r2!, "revoked", null);
    await setRow(passed!, "active", new Date(now.getTime() - DAY)); // expiry passed since its last check: expired
    await setRow(lapsed!, "data_access_expiring", null);
    await h.db.owner.query(`UPDATE ad_tokens SET data_access_expires_at = $2 WHERE id = $1`, [lapsed, new Date(now.getTime() - DAY)]);
    await setRow(soon!, "data_access_expiring", null);
    await h.db.owner.query(`UPDATE ad_tokens SET data_access_expires_at = $2 WHERE id = $1`, [soon, new Date(now.getTime() + 2 * DAY)]);
    await setRow(pageExpiring!, "expiring", new Date(now.getTime() + 3 * DAY)); // a Page token's own "expiring": no warning
    await setRow(fine1!, "active", null);
    await setRow(fine2!, "active", null);
    await setRow(lapsedAndPassed!, "data_access_expired", new Date(now.getTime() - DAY)); // expired outranks its status
    const result = await withTenant(c.tenantId, (tx) => loadExpiryWarnings(tx, { now, warningDays: 7 }), { client: h.db.app });
    expect(result.warnings).toHaveLength(1);
    expect(result.warnings[0]).toMatchObject({ identityName: "Many Pages", kind: "revoked", pagesAffected: 6, userTokenAffected: false });
    expect(result.warnings[0]!.pageNames).toHaveLength(5);

    // Without the revoked ones, the worst is the expiry that passed.
    await setRow(r1, "active", null);
    await setRow(r2!, "active", null);
    const after = await withTenant(c.tenantId, (tx) => loadExpiryWarnings(tx, { now, warningDays: 7 }), { client: h.db.app });
    expect(after.warnings[0]).toMatchObject({ kind: "expired", pagesAffected: 4 });
    expect(after.warnings[0]!.dataAccessExpiresAt).toEqual(new Date(now.getTime() - DAY));
  });

  it("is empty when every token is healthy", async () => {
    const c = await h.seedMember();
    const t = await seedEncryptedTokens(h.db.owner, c, [{ token: "x", type: "user" }]);
    await setRow(t.ids[0]!, "active", new Date(now.getTime() + 30 * DAY));
    const result = await withTenant(c.tenantId, (tx) => loadExpiryWarnings(tx, { now, warningDays: 7 }), { client: h.db.app });
    expect(result.warnings).toEqual([]);
  });
});
