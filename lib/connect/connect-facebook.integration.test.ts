import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PageInput } from "../../emulators/facebook/client";
import { startConnectHarness, type ConnectHarness, type Member } from "../../test/support/connect-harness";
import { decryptToken } from "../tokens/encryption";
import { ERASED_KEY_ID, TokenDecryptionError } from "../tokens/key-ring";
import { connectFacebook } from "./connect-facebook";

/**
 * connectFacebook end to end against the Facebook emulator (over HTTP, appsecret_proof required) and a real
 * PostgreSQL database as the app role: what gets written, typed and encrypted, and how reconnects rotate.
 * Each test makes its own emulator person and tenant.
 */

let h: ConnectHarness;

beforeAll(async () => {
  h = await startConnectHarness({ poolMax: 10 });
});

afterAll(async () => {
  await h?.close();
});

interface TokenRow {
  id: string;
  token_type: "user" | "page";
  facebook_page_id: string | null;
  /** Facebook's Page id (via facebook_pages), null for user tokens. */
  fb_page_id: string | null;
  social_identity_id: string;
  key_id: string;
  ciphertext: Buffer;
  expires_at: Date | null;
  deleted_at: Date | null;
  created_at: Date;
}

async function tokenRows(tenantId: string): Promise<TokenRow[]> {
  const { rows } = await h.db.owner.query<TokenRow>(
    `SELECT t.id, t.token_type, t.facebook_page_id, p.page_id AS fb_page_id, t.social_identity_id, t.key_id, t.ciphertext,
            t.expires_at, t.deleted_at, t.created_at
       FROM ad_tokens t LEFT JOIN facebook_pages p ON p.id = t.facebook_page_id
      WHERE t.tenant_id = $1 ORDER BY t.created_at, t.id`,
    [tenantId],
  );
  return rows;
}

function plaintext(tenantId: string, row: TokenRow): string {
  return decryptToken(tenantId, { ciphertext: row.ciphertext, keyId: row.key_id });
}

const active = (rows: TokenRow[]) => rows.filter((r) => r.deleted_at === null);

function personWithPages(n: number, name = "Test Person"): Promise<{ id: string; pages: PageInput[] }> {
  return h.createPerson({ pages: n, name });
}

async function expectOk(p: ReturnType<ConnectHarness["connect"]>) {
  const result = await p;
  if (!result.ok) throw new Error(`connect failed at ${result.error.step}: ${result.error.code} ${result.error.userMessage}`);
  return result;
}

describe("a first connect", () => {
  it("writes one user token and one page token per Page, each typed, encrypted and tied to the right Page", async () => {
    const person = await personWithPages(3, "Typed Tokens");
    const member = await h.seedMember();

    const result = await expectOk(h.connect(member, person.id));

    expect(result.saved.pagesConnected).toBe(3);
    const rows = await tokenRows(member.tenantId);
    expect(rows).toHaveLength(4);
    expect(active(rows)).toHaveLength(4);

    const users = rows.filter((r) => r.token_type === "user");
    const pageTokens = rows.filter((r) => r.token_type === "page");
    expect(users).toHaveLength(1);
    expect(users[0]!.facebook_page_id).toBeNull();
    expect(users[0]!.id).toBe(result.saved.userTokenId);
    expect(pageTokens).toHaveLength(3);
    for (const r of pageTokens) expect(r.facebook_page_id).not.toBeNull();
    expect(pageTokens.map((r) => r.fb_page_id).sort()).toEqual(person.pages.map((p) => p.id).sort());
    expect(new Set(rows.map((r) => r.social_identity_id))).toEqual(new Set([result.saved.socialIdentityId]));
    expect(new Set(rows.map((r) => r.key_id))).toEqual(new Set(["k1"]));

    // What each row decrypts to is what the emulator issued: the long-lived user token, and each Page's own token.
    const issued = await h.control.tokens({ person: person.id });
    const longLived = issued.filter((t) => t.source === "exchange");
    expect(longLived).toHaveLength(1);
    expect(plaintext(member.tenantId, users[0]!)).toBe(longLived[0]!.token);
    for (const r of pageTokens) {
      const emu = issued.find((t) => t.token === plaintext(member.tenantId, r));
      expect(emu, `page token of ${r.fb_page_id}`).toMatchObject({ type: "PAGE", pageId: r.fb_page_id, source: "accounts" });
    }

    // Expiry comes from Facebook's answer (expires_in of the exchange), not a constant.
    expect(Math.abs(users[0]!.expires_at!.getTime() / 1000 - longLived[0]!.expiresAt)).toBeLessThan(5);
    for (const r of pageTokens) expect(r.expires_at).toBeNull();
  });

  it("stores each Page's tasks as text[] exactly as Facebook lists them", async () => {
    const person = await personWithPages(3, "Task Lister");
    const member = await h.seedMember();

    await expectOk(h.connect(member, person.id));

    const emu = (await h.control.people()).find((p) => p.id === person.id)!;
    const { rows } = await h.db.owner.query<{ page_id: string; tasks: string[]; type: string; name: string }>(
      `SELECT page_id, tasks, pg_typeof(tasks)::text AS type, name FROM facebook_pages WHERE tenant_id = $1 ORDER BY page_id`,
      [member.tenantId],
    );
    expect(rows).toEqual(
      emu.pages
        .map((p) => ({ page_id: p.id, tasks: p.tasks, type: "text[]", name: p.name }))
        .sort((a, b) => a.page_id.localeCompare(b.page_id)),
    );
    expect(new Set(rows.map((r) => r.tasks.length))).toEqual(new Set([5, 2, 1])); // the three different task sets
  });

  it("records the identity, its scopes, a succeeded attempt and an audit event", async () => {
    const person = await personWithPages(1, "Scope Keeper");
    const member = await h.seedMember();

    const result = await expectOk(h.connect(member, person.id, { decline: ["pages_manage_posts"] }));

    expect(result.declinedScopes).toEqual(["pages_manage_posts"]);
    const identity = await h.db.owner.query(
      `SELECT external_user_id, name, granted_scopes, declined_scopes FROM social_identities WHERE tenant_id = $1`,
      [member.tenantId],
    );
    expect(identity.rows).toEqual([
      {
        external_user_id: person.id,
        name: "Scope Keeper",
        granted_scopes: expect.arrayContaining(["public_profile", "pages_show_list"]),
        declined_scopes: ["pages_manage_posts"],
      },
    ]);
    expect(identity.rows[0].granted_scopes).not.toContain("pages_manage_posts");
    const attempts = await h.db.owner.query(
      `SELECT outcome, step, pages_count, declined_scopes, message FROM connect_attempts WHERE tenant_id = $1`,
      [member.tenantId],
    );
    expect(attempts.rows).toEqual([
      {
        outcome: "succeeded",
        step: null,
        pages_count: 1,
        declined_scopes: ["pages_manage_posts"],
        message: expect.stringContaining("You declined: pages_manage_posts"),
      },
    ]);
    const audit = await h.db.owner.query(`SELECT action, target_id FROM audit_events WHERE tenant_id = $1`, [member.tenantId]);
    expect(audit.rows).toEqual([{ action: "facebook.connected", target_id: result.saved.socialIdentityId }]);
  });
});

describe("reconnect", () => {
  it("rotates the user token and every page token: old rows soft-deleted and erased, exactly one active of each", async () => {
    const person = await personWithPages(3, "Re Connector");
    const member = await h.seedMember();
    const first = await expectOk(h.connect(member, person.id));
    const before = await tokenRows(member.tenantId);

    const second = await expectOk(h.connect(member, person.id));

    expect(second.saved.socialIdentityId).toBe(first.saved.socialIdentityId);
    expect(second.saved.userTokenId).not.toBe(first.saved.userTokenId);
    expect(second.saved.tokensRotated).toBe(4);
    const rows = await tokenRows(member.tenantId);
    expect(rows).toHaveLength(8);
    const now = active(rows);
    expect(now.filter((r) => r.token_type === "user").map((r) => r.id)).toEqual([second.saved.userTokenId]);
    expect(
      now
        .filter((r) => r.token_type === "page")
        .map((r) => r.fb_page_id)
        .sort(),
    ).toEqual(person.pages.map((p) => p.id).sort());

    // The first connect's rows are exactly the ones now soft-deleted. Before the reconnect they decrypted to the
    // first connect's tokens; the reconnect erased them (empty ciphertext, key_id "erased"), keeping the metadata.
    const old = rows.filter((r) => r.deleted_at !== null);
    expect(old.map((r) => r.id).sort()).toEqual(before.map((r) => r.id).sort());
    const longLived = (await h.control.tokens({ person: person.id, source: "exchange" })).map((t) => t.token);
    expect(longLived).toHaveLength(2);
    const userBefore = before.find((r) => r.token_type === "user")!;
    expect(plaintext(member.tenantId, userBefore)).toBe(longLived[0]);
    const oldPagePlain = new Set(before.filter((r) => r.token_type === "page").map((r) => plaintext(member.tenantId, r)));
    expect(oldPagePlain.size).toBe(3);
    for (const r of old) {
      expect({ bytes: r.ciphertext.length, key: r.key_id }).toEqual({ bytes: 0, key: ERASED_KEY_ID });
      expect(() => plaintext(member.tenantId, r)).toThrow(TokenDecryptionError);
      const was = before.find((b) => b.id === r.id)!;
      expect([r.token_type, r.facebook_page_id, r.fb_page_id, r.social_identity_id, r.created_at]).toEqual([
        was.token_type,
        was.facebook_page_id,
        was.fb_page_id,
        was.social_identity_id,
        was.created_at,
      ]);
    }
    // The new rows decrypt to the new tokens: the second long-lived user token, and Page tokens none of which is old.
    const userNew = now.find((r) => r.token_type === "user")!;
    expect(plaintext(member.tenantId, userNew)).toBe(longLived[1]);
    const issued = await h.control.tokens({ person: person.id });
    const newPages = now.filter((r) => r.token_type === "page");
    expect(newPages).toHaveLength(3);
    for (const r of newPages) {
      const token = plaintext(member.tenantId, r);
      expect(oldPagePlain.has(token)).toBe(false);
      expect(
        issued.find((t) => t.token === token),
        `page token of ${r.fb_page_id}`,
      ).toMatchObject({ type: "PAGE", pageId: r.fb_page_id, source: "accounts" });
    }

    // Pages are updated in place, not duplicated.
    const pagesRows = await h.db.owner.query(`SELECT count(*)::int AS n FROM facebook_pages WHERE tenant_id = $1 AND deleted_at IS NULL`, [
      member.tenantId,
    ]);
    expect(pagesRows.rows).toEqual([{ n: 3 }]);
    const audit = await h.db.owner.query<{ action: string; target_id: string }>(
      `SELECT action, target_id FROM audit_events WHERE tenant_id = $1 AND action = 'token.rotated'`,
      [member.tenantId],
    );
    expect(audit.rows).toEqual([{ action: "token.rotated", target_id: second.saved.userTokenId }]);
  });

  it("soft-deletes the tokens of Pages Facebook no longer returns and hides those Pages; sharing them again brings them back", async () => {
    const person = await personWithPages(3, "Page Dropper");
    const member = await h.seedMember();
    await expectOk(h.connect(member, person.id));
    const [kept1, kept2, dropped] = person.pages.map((p) => p.id) as [string, string, string];

    const second = await expectOk(h.connect(member, person.id, { pages: [kept1, kept2] }));

    expect(second.saved).toMatchObject({ pagesConnected: 2, pagesRemoved: 1 });
    const rows = await tokenRows(member.tenantId);
    expect(
      active(rows)
        .filter((r) => r.token_type === "page")
        .map((r) => r.fb_page_id)
        .sort(),
    ).toEqual([kept1, kept2].sort());
    const droppedRows = rows.filter((r) => r.fb_page_id === dropped);
    expect(droppedRows.length).toBeGreaterThan(0);
    expect(droppedRows.map((r) => ({ deleted: r.deleted_at !== null, bytes: r.ciphertext.length, key: r.key_id }))).toEqual(
      droppedRows.map(() => ({ deleted: true, bytes: 0, key: ERASED_KEY_ID })),
    );
    const pagesNow = await h.db.owner.query<{ page_id: string; hidden: boolean }>(
      `SELECT page_id, deleted_at IS NOT NULL AS hidden FROM facebook_pages WHERE tenant_id = $1 ORDER BY page_id`,
      [member.tenantId],
    );
    expect(pagesNow.rows).toEqual([kept1, kept2, dropped].sort().map((page_id) => ({ page_id, hidden: page_id === dropped })));
    const attempt = await h.db.owner.query<{ message: string }>(
      `SELECT message FROM connect_attempts WHERE tenant_id = $1 ORDER BY created_at DESC LIMIT 1`,
      [member.tenantId],
    );
    expect(attempt.rows[0]!.message).toMatch(/1 Page was not shared this time and was disconnected/);
    const audit = await h.db.owner.query(
      `SELECT count(*)::int AS n FROM audit_events WHERE tenant_id = $1 AND action = 'page.no_longer_shared'`,
      [member.tenantId],
    );
    expect(audit.rows).toEqual([{ n: 1 }]);

    // Facebook takes the Page away entirely (lost role): same outcome via /me/accounts.
    await h.control.setPages(
      person.id,
      person.pages.filter((p) => p.id !== kept2),
    );
    const third = await expectOk(h.connect(member, person.id));
    expect(third.saved).toMatchObject({ pagesConnected: 2, pagesRemoved: 1 });
    const afterThird = await tokenRows(member.tenantId);
    expect(
      active(afterThird)
        .filter((r) => r.token_type === "page")
        .map((r) => r.fb_page_id)
        .sort(),
    ).toEqual([kept1, dropped].sort());
    const hidden = await h.db.owner.query(`SELECT page_id FROM facebook_pages WHERE tenant_id = $1 AND deleted_at IS NOT NULL`, [
      member.tenantId,
    ]);
    expect(hidden.rows).toEqual([{ page_id: kept2 }]);
    expect(active(afterThird).filter((r) => r.token_type === "user")).toHaveLength(1);
  });
});

describe("a person with 250 Pages", () => {
  it("gets all 250 Pages, following /me/accounts paging (3 requests of ≤ 100)", async () => {
    const person = await personWithPages(250, "Bulk Owner");
    const member = await h.seedMember();
    const shortLived = await h.shortLivedToken(person.id);
    await h.control.resetStats();

    const started = performance.now();
    const result = await connectFacebook({
      tenantId: member.tenantId,
      userId: member.userId,
      shortLivedToken: shortLived,
      client: h.db.app,
      graph: h.graph(),
    });
    const ms = performance.now() - started;

    expect(result.ok).toBe(true);
    const stats = await h.control.stats();
    expect(stats.byPath["/me/accounts"]).toBe(3);
    const counts = await h.counts(member.tenantId);
    expect(counts).toMatchObject({ social_identities: 1, facebook_pages: 250, ad_tokens: 251 });
    const rows = await tokenRows(member.tenantId);
    expect(new Set(rows.filter((r) => r.token_type === "page").map((r) => r.fb_page_id))).toEqual(new Set(person.pages.map((p) => p.id)));
    console.info(`[measure] 250-Page connect: ${ms.toFixed(0)} ms (exchange, /me, /me/permissions, 3 × /me/accounts, one transaction)`);
    expect(ms).toBeLessThan(30_000);
  });
});

describe("concurrent connects", () => {
  it("50 concurrent connects of the same person into the same tenant leave exactly one active user token", async () => {
    const person = await personWithPages(3, "Many Clicks");
    const member: Member = await h.seedMember();
    const tokens = await Promise.all(Array.from({ length: 50 }, () => h.shortLivedToken(person.id)));
    expect(new Set(tokens).size).toBe(50);
    const graph = h.graph();

    const started = performance.now();
    const results = await Promise.all(
      tokens.map((shortLivedToken) =>
        connectFacebook({ tenantId: member.tenantId, userId: member.userId, shortLivedToken, client: h.db.app, graph }),
      ),
    );
    const ms = performance.now() - started;

    const failures = results.flatMap((r) => (r.ok ? [] : [`${r.error.step}:${r.error.code}`]));
    expect(failures).toEqual([]);
    const rows = await tokenRows(member.tenantId);
    const now = active(rows);
    expect(rows.filter((r) => r.token_type === "user")).toHaveLength(50);
    expect(now.filter((r) => r.token_type === "user")).toHaveLength(1);
    expect(rows.filter((r) => r.token_type === "page")).toHaveLength(150);
    expect(
      now
        .filter((r) => r.token_type === "page")
        .map((r) => r.fb_page_id)
        .sort(),
    ).toEqual(person.pages.map((p) => p.id).sort());

    // The survivor is one of the 50 long-lived tokens, written by exactly one of the 50 connects.
    const longLived = new Set((await h.control.tokens({ person: person.id, source: "exchange" })).map((t) => t.token));
    expect(longLived.size).toBe(50);
    const survivor = now.find((r) => r.token_type === "user")!;
    expect(longLived.has(plaintext(member.tenantId, survivor))).toBe(true);
    expect(results.filter((r) => r.ok && r.saved.userTokenId === survivor.id)).toHaveLength(1);
    const counts = await h.counts(member.tenantId);
    expect(counts).toMatchObject({ social_identities: 1, facebook_pages: 3, connect_attempts: 50 });
    const rotated = await h.db.owner.query(
      `SELECT count(*)::int AS n FROM audit_events WHERE tenant_id = $1 AND action = 'token.rotated'`,
      [member.tenantId],
    );
    expect(rotated.rows).toEqual([{ n: 49 }]);
    console.info(`[measure] 50 concurrent connects (pool of 10): ${ms.toFixed(0)} ms`);
  });

  it("20 concurrent connects of two different Facebook identities by the same member still leave one active user token", async () => {
    // The identity row's upsert does not serialise these (two identities): only the per-user lock does.
    const a = await personWithPages(2, "Identity A");
    const b = await personWithPages(2, "Identity B");
    const member = await h.seedMember();
    const tokens = await Promise.all(Array.from({ length: 20 }, (_, i) => h.shortLivedToken(i % 2 ? a.id : b.id)));
    const graph = h.graph();

    const results = await Promise.all(
      tokens.map((shortLivedToken) =>
        connectFacebook({ tenantId: member.tenantId, userId: member.userId, shortLivedToken, client: h.db.app, graph }),
      ),
    );

    expect(results.flatMap((r) => (r.ok ? [] : [`${r.error.step}:${r.error.code}`]))).toEqual([]);
    const rows = await tokenRows(member.tenantId);
    expect(rows.filter((r) => r.token_type === "user")).toHaveLength(20);
    expect(active(rows).filter((r) => r.token_type === "user")).toHaveLength(1);
    // Each identity keeps one active token per Page of its own.
    expect(
      active(rows)
        .filter((r) => r.token_type === "page")
        .map((r) => r.fb_page_id)
        .sort(),
    ).toEqual([...a.pages, ...b.pages].map((p) => p.id).sort());
  });
});
