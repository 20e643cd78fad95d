import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startConnectHarness, type ConnectHarness } from "../../test/support/connect-harness";
import { decryptToken } from "../tokens/encryption";

/**
 * Business-portfolio Pages end to end: the emulator's person reaches some Pages only through a Business Manager
 * portfolio (owned and client Pages, more than one page of results); the connect finds them with their page tokens
 * and tasks, de-duplicated by Page id, written in the same single transaction as the /me/accounts Pages.
 */

let h: ConnectHarness;
beforeAll(async () => {
  h = await startConnectHarness();
});
afterAll(async () => {
  await h?.close();
});

let nextId = 8_100_000_000;
const pg = (name: string, tasks: string[]) => ({ id: String(nextId++), name, category: "Agency client", tasks });

async function agencyPerson() {
  const direct = pg("Direct Only", ["ANALYZE", "MANAGE"]);
  const both = pg("Direct And Owned", ["ANALYZE", "CREATE_CONTENT"]);
  // 130 owned Pages: two pages of results at limit=100.
  const owned = Array.from({ length: 130 }, (_, i) => pg(`Owned ${i + 1}`, ["ANALYZE", "CREATE_CONTENT", "MODERATE"]));
  const client = pg("Client Shop", ["ADVERTISE", "ANALYZE"]);
  const second = pg("Second Business Page", ["MESSAGING"]);
  const person = await h.control.createPerson({
    name: "Agency Person",
    pages: [direct, both],
    businesses: [
      { id: String(nextId++), name: "Agency One", ownedPages: [both, ...owned], clientPages: [client] },
      { id: String(nextId++), name: "Agency Two", ownedPages: [], clientPages: [second, client] },
    ],
  });
  return { person, direct, both, owned, client, second };
}

async function pageRows(tenantId: string) {
  const { rows } = await h.db.owner.query<{ page_id: string; name: string; tasks: string[]; token: Buffer; key_id: string }>(
    `SELECT p.page_id, p.name, p.tasks, t.ciphertext AS token, t.key_id
       FROM facebook_pages p JOIN ad_tokens t ON t.facebook_page_id = p.id AND t.deleted_at IS NULL
      WHERE p.tenant_id = $1 AND p.deleted_at IS NULL ORDER BY p.page_id`,
    [tenantId],
  );
  return rows;
}

describe("business-portfolio Pages", () => {
  it("finds Pages reached only through owned_pages and client_pages (every page of results), de-duplicated, with page tokens and tasks", async () => {
    const a = await agencyPerson();
    const member = await h.seedMember();
    await h.control.resetStats();

    const result = await h.connect(member, a.person.id);
    if (!result.ok) throw new Error(result.error.userMessage);

    const expected = [a.direct, a.both, ...a.owned, a.client, a.second];
    expect(result.saved.pagesConnected).toBe(expected.length);
    const rows = await pageRows(member.tenantId);
    expect(rows.map((r) => r.page_id).sort()).toEqual(expected.map((p) => p.id).sort());
    // A Page listed three times (direct, owned; client of two businesses) is stored once, with one page token.
    expect(new Set(rows.map((r) => r.page_id)).size).toBe(rows.length);
    const byId = new Map(rows.map((r) => [r.page_id, r]));
    expect(byId.get(a.client.id)!.tasks).toEqual(["ADVERTISE", "ANALYZE"]);
    expect(byId.get(a.second.id)!.tasks).toEqual(["MESSAGING"]);
    // The direct role wins over the business's answer for a Page listed in both.
    expect(byId.get(a.both.id)!.tasks).toEqual(["ANALYZE", "CREATE_CONTENT"]);

    // Each stored page token is the emulator's token for that Page.
    const emulatorTokens = await h.control.tokens({ person: a.person.id, type: "PAGE" });
    const tokenPage = new Map(emulatorTokens.map((t) => [t.token, t.pageId]));
    for (const r of rows) {
      expect(tokenPage.get(decryptToken(member.tenantId, { ciphertext: r.token, keyId: r.key_id }))).toBe(r.page_id);
    }

    const stats = await h.control.stats();
    expect(stats.byPath["/me/businesses"]).toBe(1);
    expect(Object.keys(stats.byPath).filter((p) => p.endsWith("/owned_pages"))).toHaveLength(2);
    // Agency One's 131 owned Pages take two requests; the other three lists one each.
    const businessListCalls = Object.entries(stats.byPath)
      .filter(([p]) => /_pages$/.test(p))
      .reduce((n, [, c]) => n + c, 0);
    expect(businessListCalls).toBe(5);
  });

  it("the seed person Dana Agency reaches Foxtrot Florist and Golf Garage only through her business", async () => {
    const member = await h.seedMember();
    const result = await h.connect(member, "1000005");
    if (!result.ok) throw new Error(result.error.userMessage);
    expect((await pageRows(member.tenantId)).map((r) => r.name).sort()).toEqual(["Echo Events", "Foxtrot Florist", "Golf Garage"]);

    const onlyDirect = await h.seedMember();
    const declined = await h.connect(onlyDirect, "1000005", { decline: ["business_management"] });
    if (!declined.ok) throw new Error(declined.error.userMessage);
    expect((await pageRows(onlyDirect.tenantId)).map((r) => r.name)).toEqual(["Echo Events"]);
  });

  it("follows the business list's paging: a Page owned by the 101st business is found", async () => {
    const businesses = Array.from({ length: 101 }, (_, i) => ({ id: String(nextId++), name: `Portfolio ${i + 1}` }));
    const last = pg("Owned By The Last Business", ["ANALYZE", "MODERATE"]);
    const person = await h.control.createPerson({
      name: "Many Portfolios",
      pages: [],
      businesses: businesses.map((b, i) => ({ ...b, ownedPages: i === 100 ? [last] : [] })),
    });
    const member = await h.seedMember();
    await h.control.resetStats();

    const result = await h.connect(member, person.id);
    if (!result.ok) throw new Error(result.error.userMessage);

    expect((await pageRows(member.tenantId)).map((r) => r.page_id)).toEqual([last.id]);
    // limit=100: the businesses take two requests.
    expect((await h.control.stats()).byPath["/me/businesses"]).toBe(2);
  });

  it("a failing business list fails the whole connect and writes nothing", async () => {
    const a = await agencyPerson();
    const member = await h.seedMember();
    const before = await h.counts(member.tenantId);
    await h.control.failNext({ path: "/me/businesses", match: { person: a.person.id }, response: { status: 500 } });

    const result = await h.connect(member, a.person.id);

    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.step).toBe("pages");
    const after = await h.counts(member.tenantId);
    expect({ ...after, connect_attempts: 0 }).toEqual({ ...before, connect_attempts: 0 });
    expect(after.connect_attempts).toBe(before.connect_attempts + 1);
  });
});
