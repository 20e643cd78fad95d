import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startConnectHarness, type ConnectHarness } from "../../test/support/connect-harness";
import { withTenant } from "../db/tenant-transaction";
import { loadDashboardData } from "../workspace/dashboard-data";
import { parseDashboardQuery } from "../workspace/dashboard-query";
import { connectFacebook } from "./connect-facebook";
import { latestConnectResult, readUnrecordedResult, signUnrecordedResult, CONNECT_RESULT_TTL_S } from "./unrecorded-result";

/**
 * A connect lost to a database outage after Facebook answered: nothing is written (not even the failed attempt, the
 * database is gone), the result says it was our database and not Facebook, and the result still reaches the person:
 * the callback signs it into a short-lived cookie, and the dashboard's banner shows it instead of the previous
 * attempt's green "Connected … 3 Pages".
 */

let h: ConnectHarness;

beforeAll(async () => {
  h = await startConnectHarness();
});

afterAll(async () => {
  await h?.db.setAvailable(true);
  await h?.close();
});

async function recordedAttempt(member: { tenantId: string; userId: string }) {
  const data = await withTenant(member.tenantId, (tx) => loadDashboardData(tx, { userId: member.userId, query: parseDashboardQuery({}) }), {
    client: h.db.app,
    userId: member.userId,
  });
  return data.attempt;
}

describe("a connect lost to an outage", () => {
  it("writes nothing, says it was our database, and the dashboard shows this failure, not the older success", async () => {
    const member = await h.seedMember("owner");
    const person = await h.createPerson({ pages: 3 });
    const first = await h.connect(member, person.id);
    expect(first.ok).toBe(true);
    const before = await h.counts(member.tenantId);
    const older = await recordedAttempt(member);
    expect(older?.outcome).toBe("succeeded");

    // The second connect: Facebook is slow to list the Pages, and the database goes away meanwhile.
    const token = await h.shortLivedToken(person.id);
    await h.control.failNext({ path: "/me/accounts", match: { person: person.id }, response: { timeoutMs: 2500 } });
    const pending = connectFacebook({
      tenantId: member.tenantId,
      userId: member.userId,
      shortLivedToken: token,
      client: h.db.app,
      graph: h.graph(),
    });
    await new Promise((r) => setTimeout(r, 600));
    await h.db.setAvailable(false);
    let result: Awaited<typeof pending>;
    try {
      result = await pending;
    } finally {
      await h.db.setAvailable(true);
    }

    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.recorded).toBe(false);
    expect(result.error.code).toBe("database_unavailable");
    expect(result.error.userMessage).toMatch(/couldn't reach our database/);
    expect(result.error.userMessage).toMatch(/nothing was saved/);
    expect(result.error.userMessage).not.toMatch(/Facebook did not|Facebook failed/);
    // Nothing written: same identities, Pages, tokens, audit events and attempts as after the first connect.
    expect(await h.counts(member.tenantId)).toEqual(before);

    // The recorded attempt is still the older success: shown alone, it would present it as this connect's result.
    const recorded = await recordedAttempt(member);
    expect(recorded).toEqual(older);

    // What the callback sets and the dashboard reads: the failure wins over the older recorded success.
    const cookie = signUnrecordedResult(member, result.error);
    const unrecorded = readUnrecordedResult(cookie, member);
    const shown = latestConnectResult(recorded, unrecorded);
    expect(shown).toMatchObject({ outcome: "failed", message: result.error.userMessage });
    expect(cookie).not.toContain(token);
  });

  it("the cookie is ignored when forged, for another workspace or person, or past its lifetime; a newer recorded attempt wins", async () => {
    const member = await h.seedMember("owner");
    const other = await h.seedMember("owner");
    const person = await h.createPerson({ pages: 1 });
    const at = new Date(Date.now() - 60_000);
    const error = { step: "save", code: "database_unavailable", userMessage: "We couldn't reach our database." } as Parameters<
      typeof signUnrecordedResult
    >[1];
    const cookie = signUnrecordedResult(member, error, at);

    const [payload, sig] = cookie.split(".");
    const forged = `${Buffer.from(JSON.stringify({ ...member, step: "save", message: "forged", at: at.toISOString() })).toString("base64url")}.${sig}`;
    expect(payload).toBeTruthy();
    expect(readUnrecordedResult(forged, member)).toBeNull();
    expect(readUnrecordedResult(cookie, other)).toBeNull();
    expect(readUnrecordedResult(cookie, { tenantId: member.tenantId, userId: other.userId })).toBeNull();
    expect(readUnrecordedResult(cookie, member, new Date(at.getTime() + (CONNECT_RESULT_TTL_S + 1) * 1000))).toBeNull();
    expect(readUnrecordedResult(cookie, member)).toMatchObject({ message: "We couldn't reach our database." });

    // A connect recorded after the lost one: the banner shows the recorded (newer) result.
    const later = await h.connect(member, person.id);
    expect(later.ok).toBe(true);
    const recorded = await recordedAttempt(member);
    expect(latestConnectResult(recorded, readUnrecordedResult(cookie, member))).toEqual(recorded);
  });
});
