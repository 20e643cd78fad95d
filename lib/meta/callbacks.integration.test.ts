import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { POST as deauthorize } from "@/app/api/facebook/deauthorize/route";
import { POST as dataDeletion } from "@/app/api/facebook/data-deletion/route";
import { startConnectHarness, HARNESS_APP_SECRET, type ConnectHarness, type Member } from "../../test/support/connect-harness";
import { seedEncryptedTokens } from "../../test/support/seed-tokens";
import { findDataDeletionRequest } from "./forget-facebook-user";
import { signRequest } from "./signed-request";

/**
 * Meta's deauthorize and data deletion callbacks, through the exported route handlers, against a real database as
 * the app role. The person exists in two tenants; a third tenant's other person must never be touched.
 */

let h: ConnectHarness;

beforeAll(async () => {
  h = await startConnectHarness();
});

afterAll(async () => {
  await h?.close();
});

interface World {
  person: string;
  a: Member;
  b: Member;
  c: Member;
  aTokens: string[];
  bTokens: string[];
  cTokens: string[];
}

let w: World;

beforeEach(async () => {
  const person = String(7_000_000 + Math.floor(Math.random() * 1_000_000));
  const [a, b, c] = [await h.seedMember(), await h.seedMember(), await h.seedMember()];
  const seed = (m: Member, ext: string, n: number) =>
    seedEncryptedTokens(
      h.db.owner,
      { ...m, externalUserId: ext, identityName: `Person ${ext}` },
      Array.from({ length: n }, (_, i) => ({ token: `tok-${ext}-${i}`, type: "page" as const })),
    );
  const aTokens = (await seed(a, person, 2)).ids;
  const bTokens = (await seed(b, person, 1)).ids;
  const cTokens = (await seed(c, "9999999", 2)).ids;
  await h.db.owner.query(`UPDATE social_identities SET picture_url = 'https://example.test/p.png' WHERE external_user_id = $1`, [person]);
  await h.db.owner.query(`INSERT INTO accounts (user_id, type, provider, provider_account_id) VALUES ($1, 'oauth', 'facebook', $2)`, [
    a.userId,
    person,
  ]);
  w = { person, a, b, c, aTokens, bTokens, cTokens };
});

const nowSec = () => Math.floor(Date.now() / 1000);

function post(handler: (r: Request) => Promise<Response>, signedRequest: string | null, path: string) {
  const body = new URLSearchParams();
  if (signedRequest !== null) body.set("signed_request", signedRequest);
  return handler(new Request(`http://localhost:3000${path}`, { method: "POST", body }));
}

const validFor = (userId: string, extra: Record<string, unknown> = {}) =>
  signRequest({ algorithm: "HMAC-SHA256", issued_at: nowSec() - 5, user_id: userId, ...extra }, HARNESS_APP_SECRET);

/** Everything the callbacks could change, as the owner sees it. */
async function snapshot(): Promise<unknown> {
  const q = async (sql: string) => (await h.db.owner.query(sql)).rows;
  return {
    tokens: await q(`SELECT id, deleted_at, status FROM ad_tokens ORDER BY id`),
    identities: await q(`SELECT id, name, picture_url, deleted_at FROM social_identities ORDER BY id`),
    pages: await q(`SELECT id, deleted_at FROM facebook_pages ORDER BY id`),
    audit: await q(`SELECT count(*)::int AS n FROM audit_events`),
    accounts: await q(`SELECT id FROM accounts ORDER BY id`),
    deletions: await q(`SELECT count(*)::int AS n FROM data_deletion_requests`),
  };
}

async function activeTokens(ids: string[]): Promise<number> {
  const { rows } = await h.db.owner.query(`SELECT count(*)::int AS n FROM ad_tokens WHERE id = ANY($1::uuid[]) AND deleted_at IS NULL`, [
    ids,
  ]);
  return rows[0].n;
}

const ROUTES = [
  ["deauthorize", deauthorize, "/api/facebook/deauthorize"],
  ["data-deletion", dataDeletion, "/api/facebook/data-deletion"],
] as const;

describe("POST /api/facebook/deauthorize", () => {
  it("soft-deletes the person's tokens in every tenant, with audit events, and leaves everyone else alone", async () => {
    const res = await post(deauthorize, validFor(w.person), "/api/facebook/deauthorize");
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true });

    expect(await activeTokens([...w.aTokens, ...w.bTokens])).toBe(0);
    expect(await activeTokens(w.cTokens)).toBe(2);
    const { rows: ids } = await h.db.owner.query(`SELECT tenant_id, deleted_at, name FROM social_identities WHERE external_user_id = $1`, [
      w.person,
    ]);
    expect(ids).toHaveLength(2);
    expect(ids.every((r) => r.deleted_at !== null && r.name === `Person ${w.person}`)).toBe(true); // deauthorize keeps history
    const { rows: audit } = await h.db.owner.query(
      `SELECT tenant_id, details FROM audit_events WHERE action = 'identity.disconnected' AND tenant_id = ANY($1::uuid[]) ORDER BY tenant_id`,
      [[w.a.tenantId, w.b.tenantId, w.c.tenantId]],
    );
    expect(audit.map((r) => r.tenant_id).sort()).toEqual([w.a.tenantId, w.b.tenantId].sort());
    expect(audit.find((r) => r.tenant_id === w.a.tenantId).details).toMatchObject({
      reason: "deauthorized",
      tokensSoftDeleted: 2,
      pagesHidden: 2,
    });
    // The login link stays: deauthorize is not a deletion request.
    expect((await h.db.owner.query(`SELECT 1 FROM accounts WHERE provider_account_id = $1`, [w.person])).rowCount).toBe(1);

    // Meta may call twice: still 200, nothing more to do.
    expect((await post(deauthorize, validFor(w.person), "/api/facebook/deauthorize")).status).toBe(200);
  });
});

describe("POST /api/facebook/data-deletion", () => {
  it("does what deauthorize does, erases name and picture, unlinks the login, and answers {url, confirmation_code}", async () => {
    h.setEnv({ AUTH_URL: "https://app.example.test/api/auth" });
    try {
      const res = await post(dataDeletion, validFor(w.person), "/api/facebook/data-deletion");
      expect(res.status).toBe(200);
      const body = (await res.json()) as { url: string; confirmation_code: string };
      expect(body.confirmation_code).toMatch(/^[A-Za-z0-9]{20}$/);
      expect(body.url).toBe(`https://app.example.test/data-deletion/${body.confirmation_code}`);

      expect(await activeTokens([...w.aTokens, ...w.bTokens])).toBe(0);
      expect(await activeTokens(w.cTokens)).toBe(2);
      const { rows: ids } = await h.db.owner.query(
        `SELECT name, picture_url, deleted_at FROM social_identities WHERE external_user_id = $1`,
        [w.person],
      );
      expect(ids).toEqual([
        { name: null, picture_url: null, deleted_at: expect.any(Date) },
        { name: null, picture_url: null, deleted_at: expect.any(Date) },
      ]);
      const { rows: other } = await h.db.owner.query(`SELECT name FROM social_identities WHERE tenant_id = $1`, [w.c.tenantId]);
      expect(other).toEqual([{ name: "Person 9999999" }]);
      expect((await h.db.owner.query(`SELECT 1 FROM accounts WHERE provider_account_id = $1`, [w.person])).rowCount).toBe(0);
      // The login's Facebook profile is erased too (no other sign-in method was linked); other people keep theirs.
      expect((await h.db.owner.query(`SELECT name, email, image FROM users WHERE id = $1`, [w.a.userId])).rows).toEqual([
        { name: null, email: null, image: null },
      ]);
      expect((await h.db.owner.query(`SELECT name FROM users WHERE id = $1`, [w.c.userId])).rows[0]?.name).not.toBeNull();
      const { rows: audit } = await h.db.owner.query(
        `SELECT action, details FROM audit_events WHERE tenant_id = $1 AND action IN ('identity.disconnected', 'identity.personal_data_erased') ORDER BY action`,
        [w.a.tenantId],
      );
      expect(audit).toEqual([
        { action: "identity.disconnected", details: expect.objectContaining({ reason: "data_deletion", tokensSoftDeleted: 2 }) },
        { action: "identity.personal_data_erased", details: { confirmationCode: body.confirmation_code, fields: ["name", "picture_url"] } },
      ]);

      // The status page's lookup (app/data-deletion/[code]/page.tsx renders it; notFound() when null).
      const status = await findDataDeletionRequest(body.confirmation_code, { client: h.db.app });
      expect(status).toEqual({
        confirmationCode: body.confirmation_code,
        requestedAt: expect.any(Date),
        tokensDeleted: 3,
        identitiesErased: 2,
      });
      expect(JSON.stringify(status)).not.toContain(w.person);
    } finally {
      h.setEnv({ AUTH_URL: undefined });
    }
  });

  it("uses the request's origin when AUTH_URL is not set", async () => {
    const res = await post(dataDeletion, validFor(w.person), "/api/facebook/data-deletion");
    const body = (await res.json()) as { url: string; confirmation_code: string };
    expect(body.url).toBe(`http://localhost:3000/data-deletion/${body.confirmation_code}`);
  });

  it("answers for a person we never saw (nothing to delete, still a code and a status page)", async () => {
    const res = await post(dataDeletion, validFor("123"), "/api/facebook/data-deletion");
    expect(res.status).toBe(200);
    const { confirmation_code } = (await res.json()) as { confirmation_code: string };
    expect(await findDataDeletionRequest(confirmation_code, { client: h.db.app })).toMatchObject({ tokensDeleted: 0, identitiesErased: 0 });
  });
});

describe("the data deletion status page's lookup", () => {
  it("finds nothing for an unknown or malformed code (the page then answers 404)", async () => {
    for (const code of ["ZZZZZZZZZZZZZZZZZZZZ", "short", "../../etc", randomUUID()]) {
      expect(await findDataDeletionRequest(code, { client: h.db.app })).toBeNull();
    }
  });
});

describe("rejected signed_requests change nothing", () => {
  const cases: [string, () => string | null][] = [
    ["missing", () => null],
    ["forged signature", () => signRequest({ algorithm: "HMAC-SHA256", issued_at: nowSec(), user_id: w.person }, "not-the-app-secret")],
    ["wrong algorithm", () => validFor(w.person, { algorithm: "HMAC-SHA1" })],
    ["malformed base64", () => `!!!.${Buffer.from(JSON.stringify({ user_id: w.person })).toString("base64url")}`],
    ["no signature part", () => Buffer.from(JSON.stringify({ algorithm: "HMAC-SHA256", user_id: w.person })).toString("base64url")],
    ["expired", () => validFor(w.person, { expires: nowSec() - 10 })],
    ["issued too long ago", () => validFor(w.person, { issued_at: nowSec() - 3 * 86400 })],
  ];
  for (const [name, handler, path] of ROUTES) {
    it.each(cases)(`${name}: %s → 400 with a JSON error`, async (_label, make) => {
      const before = await snapshot();
      const res = await post(handler, make(), path);
      expect(res.status).toBe(400);
      const body = (await res.json()) as { error: { code: string; message: string } };
      expect(body.error.code).toMatch(/^signed_request_/);
      expect(body.error.message.length).toBeGreaterThan(5);
      expect(await snapshot()).toEqual(before);
    });
    it(`${name}: a body that is not a form → 400`, async () => {
      const before = await snapshot();
      const res = await handler(
        new Request(`http://localhost${path}`, { method: "POST", body: "{}", headers: { "content-type": "application/json" } }),
      );
      expect(res.status).toBe(400);
      expect(await snapshot()).toEqual(before);
    });
  }
});
