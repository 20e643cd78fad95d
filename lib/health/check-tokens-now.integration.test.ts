import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startConnectHarness, type ConnectHarness } from "../../test/support/connect-harness";
import { checkTokensNow } from "./check-tokens-now";
import { seedEncryptedTokens } from "../../test/support/seed-tokens";

/** The dashboard's "check now": one tenant's chosen tokens, checked immediately against the emulator. */

let h: ConnectHarness;

beforeAll(async () => {
  h = await startConnectHarness();
});

afterAll(async () => {
  await h?.close();
});

describe("checkTokensNow", () => {
  it("checks the tenant's tokens, writes statuses, audits changes with the member as actor, and ignores other ids", async () => {
    const a = await h.seedMember();
    const b = await h.seedMember();
    const [ok] = await h.control.mintTokens({ count: 1, type: "USER" });
    const [revoked] = await h.control.mintTokens({ count: 1, type: "PAGE", state: "revoked", subcode: 460 });
    const [other] = await h.control.mintTokens({ count: 1, type: "PAGE" });
    const mine = await seedEncryptedTokens(h.db.owner, a, [
      { token: ok!, type: "user" },
      { token: revoked!, type: "page" },
    ]);
    const theirs = await seedEncryptedTokens(h.db.owner, b, [{ token: other!, type: "page" }]);
    await h.control.resetStats();

    const result = await checkTokensNow(
      { tenantId: a.tenantId, actorUserId: a.userId, tokenIds: [mine.ids[1]!, theirs.ids[0]!, mine.ids[0]!, "not-a-uuid", mine.ids[0]!] },
      { client: h.db.app, graph: h.graph() },
    );

    expect(result).toEqual([
      { id: mine.ids[1], status: "revoked", lastError: expect.stringMatching(/password was changed/) },
      { id: mine.ids[0], status: "active", lastError: null },
    ]);
    const stats = await h.control.stats();
    expect(stats.graphRequests).toBe(1);
    expect(stats.batchedByPath["/debug_token"]).toBe(2); // the other tenant's token was never sent
    const { rows: audit } = await h.db.owner.query(
      `SELECT actor_user_id, target_id, details FROM audit_events WHERE action = 'token.status_changed' ORDER BY target_id`,
    );
    expect(audit).toHaveLength(2);
    expect(audit.every((e) => e.actor_user_id === a.userId && e.details.via === "check_now")).toBe(true);
    const {
      rows: [b0],
    } = await h.db.owner.query(`SELECT status, last_checked_at FROM ad_tokens WHERE id = $1`, [theirs.ids[0]]);
    expect(b0).toEqual({ status: "unchecked", last_checked_at: null });
  });

  it("does not throw when Facebook rate-limits: statuses stay, lastError says why, nothing is written", async () => {
    const a = await h.seedMember();
    const tokens = await h.control.mintTokens({ count: 2, type: "PAGE" });
    const { ids } = await seedEncryptedTokens(
      h.db.owner,
      a,
      tokens.map((token) => ({ token, type: "page" })),
    );
    await h.control.failNext({ path: "/", response: { error: { code: 4 } } });
    const result = await checkTokensNow(
      { tenantId: a.tenantId, actorUserId: a.userId, tokenIds: ids },
      { client: h.db.app, graph: h.graph() },
    );
    expect(result.map((r) => r.status)).toEqual(["unchecked", "unchecked"]);
    expect(result.every((r) => /rate-limiting/.test(r.lastError ?? ""))).toBe(true);
    const { rows } = await h.db.owner.query(`SELECT last_error, last_checked_at FROM ad_tokens WHERE id = ANY($1::uuid[])`, [ids]);
    expect(rows.every((r) => r.last_error === null && r.last_checked_at === null)).toBe(true);

    // And right after, it works.
    const again = await checkTokensNow(
      { tenantId: a.tenantId, actorUserId: a.userId, tokenIds: ids },
      { client: h.db.app, graph: h.graph() },
    );
    expect(again.map((r) => r.status)).toEqual(["active", "active"]);
  });

  it("returns nothing for no known ids", async () => {
    const a = await h.seedMember();
    expect(await checkTokensNow({ tenantId: a.tenantId, actorUserId: null, tokenIds: [] }, { client: h.db.app })).toEqual([]);
    expect(
      await checkTokensNow(
        { tenantId: a.tenantId, actorUserId: null, tokenIds: ["00000000-0000-4000-8000-000000000000"] },
        { client: h.db.app, graph: h.graph() },
      ),
    ).toEqual([]);
  });
});
