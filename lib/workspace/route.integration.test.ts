import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { POST as checkToken } from "@/app/api/t/[slug]/tokens/[tokenId]/check/route";
import { POST as disconnectPage } from "@/app/api/t/[slug]/pages/[pageId]/disconnect/route";
import { POST as inviteMember } from "@/app/api/t/[slug]/invitations/route";
import { POST as createWorkspace } from "@/app/api/t/route";
import { startConnectHarness, type ConnectHarness } from "../../test/support/connect-harness";
import { sessionCookie } from "../../test/support/session";
import { setLogSink } from "../log/logger";

/**
 * The workspace route wrapper, one test per duty, through the real route handlers: a real Auth.js session cookie,
 * real PostgreSQL (app role, RLS) and the Facebook emulator. Every refusal also asserts that nothing changed.
 */

let h: ConnectHarness;

beforeAll(async () => {
  h = await startConnectHarness();
});

afterAll(async () => {
  await h?.close();
});

const ORIGIN = "http://localhost:3000";

function request(path: string, init: { cookie?: string; body?: string; headers?: Record<string, string> } = {}): Request {
  return new Request(`${ORIGIN}${path}`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      "sec-fetch-site": "same-origin",
      ...(init.cookie ? { cookie: init.cookie } : {}),
      ...init.headers,
    },
    body: init.body ?? "{}",
  });
}

const params = <T extends Record<string, string>>(p: T) => ({ params: Promise.resolve(p) });

async function connected() {
  const member = await h.seedMember("owner");
  const person = await h.createPerson({ pages: 1 });
  const res = await h.connect(member, person.id);
  if (!res.ok) throw new Error("connect failed");
  const { rows } = await h.db.owner.query<{ id: string; facebook_page_id: string }>(
    `SELECT id, facebook_page_id FROM ad_tokens WHERE tenant_id = $1 AND token_type = 'page' AND deleted_at IS NULL`,
    [member.tenantId],
  );
  return { member, tokenId: rows[0]!.id, pageId: rows[0]!.facebook_page_id, cookie: await sessionCookie(member.userId) };
}

async function state(tenantId: string) {
  const q = async (sql: string) => (await h.db.owner.query(sql, [tenantId])).rows;
  return {
    tokens: await q(`SELECT id, status, deleted_at, last_checked_at FROM ad_tokens WHERE tenant_id = $1 ORDER BY id`),
    pages: await q(`SELECT id, deleted_at FROM facebook_pages WHERE tenant_id = $1 ORDER BY id`),
    memberships: await q(`SELECT user_id, role, deleted_at FROM memberships WHERE tenant_id = $1 ORDER BY user_id`),
    audit: await q(`SELECT count(*)::int AS n FROM audit_events WHERE tenant_id = $1`),
  };
}

async function expectError(res: Response, status: number, code: string) {
  expect(res.status).toBe(status);
  expect(res.headers.get("cache-control")).toBe("no-store");
  const body = (await res.json()) as { error: { code: string; message: string } };
  expect(body).toEqual({ error: { code, message: expect.any(String) } });
  return body;
}

describe("workspace route wrapper", () => {
  it("signed out → 401: no cookie, a tampered, expired or other-secret cookie, or a subject that is not a user id", async () => {
    const c = await connected();
    const before = await state(c.member.tenantId);
    const real = await sessionCookie(c.member.userId);
    const cookies = [
      undefined,
      real.slice(0, -4) + (real.endsWith("AAAA") ? "BBBB" : "AAAA"),
      await sessionCookie(c.member.userId, { maxAgeSeconds: -60 }),
      await sessionCookie(c.member.userId, { secret: "another-secret-0123456789abcdef0123456789" }),
      await sessionCookie("not-a-uuid"),
      // The https cookie name on an http app is not our session.
      await sessionCookie(c.member.userId, { secure: true }),
    ];
    for (const cookie of cookies) {
      const res = await disconnectPage(
        request(`/api/t/${c.member.slug}/pages/${c.pageId}/disconnect`, { cookie }),
        params({ slug: c.member.slug, pageId: c.pageId }),
      );
      await expectError(res, 401, "signed_out");
    }
    expect(await state(c.member.tenantId)).toEqual(before);
  });

  it("cross-site → 415: not exactly application/json, or another site's Fetch Metadata or Origin", async () => {
    const c = await connected();
    const before = await state(c.member.tenantId);
    for (const headers of <Record<string, string>[]>[
      { "content-type": "text/plain" },
      { "content-type": "text/plain; x=application/json" },
      { "sec-fetch-site": "cross-site" },
      { "sec-fetch-site": "same-site" },
    ]) {
      const res = await disconnectPage(
        request(`/api/t/${c.member.slug}/pages/${c.pageId}/disconnect`, { cookie: c.cookie, headers }),
        params({ slug: c.member.slug, pageId: c.pageId }),
      );
      await expectError(res, 415, "bad_request");
    }
    expect(await state(c.member.tenantId)).toEqual(before);
  });

  it("a malformed id → 404, the same answer as a missing one and as another workspace's", async () => {
    const c = await connected();
    const other = await connected();
    const before = await state(other.member.tenantId);
    const bodies = [];
    for (const pageId of ["not-a-uuid", "00000000-0000-4000-8000-000000000000", other.pageId]) {
      const res = await disconnectPage(
        request(`/api/t/${c.member.slug}/pages/${pageId}/disconnect`, { cookie: c.cookie }),
        params({ slug: c.member.slug, pageId }),
      );
      bodies.push(await expectError(res, 404, "not_found"));
    }
    // Another workspace's slug, with its own ids: also 404, also the same words.
    const res = await disconnectPage(
      request(`/api/t/${other.member.slug}/pages/${other.pageId}/disconnect`, { cookie: c.cookie }),
      params({ slug: other.member.slug, pageId: other.pageId }),
    );
    bodies.push(await expectError(res, 404, "not_found"));
    expect(new Set(bodies.map((b) => JSON.stringify(b))).size).toBe(1);
    expect(await state(other.member.tenantId)).toEqual(before);
  });

  it("a bad body → 400 (not JSON) or 422 (with the field's message); control characters are refused", async () => {
    const c = await connected();
    const before = await state(c.member.tenantId);
    // A workspace would be a new tenant with the person as owner: none may appear.
    const workspacesOf = async () =>
      (
        await h.db.owner.query(`SELECT tenant_id, role, deleted_at FROM memberships WHERE user_id = $1 ORDER BY tenant_id`, [
          c.member.userId,
        ])
      ).rows;
    const tenantCount = async () => (await h.db.owner.query(`SELECT count(*)::int AS n FROM tenants`)).rows[0];
    const workspacesBefore = await workspacesOf();
    const tenantsBefore = await tenantCount();
    await expectError(
      await inviteMember(request(`/api/t/${c.member.slug}/invitations`, { cookie: c.cookie, body: "{" }), params({ slug: c.member.slug })),
      400,
      "bad_request",
    );
    const bad = await expectError(
      await inviteMember(
        request(`/api/t/${c.member.slug}/invitations`, {
          cookie: c.cookie,
          body: JSON.stringify({ email: "x@example.test", role: "king" }),
        }),
        params({ slug: c.member.slug }),
      ),
      422,
      "invalid",
    );
    expect(bad.error.message).toMatch(/Pick a role/);
    await expectError(
      await checkToken(
        request(`/api/t/${c.member.slug}/tokens/${c.tokenId}/check`, { cookie: c.cookie, body: JSON.stringify({ extra: 1 }) }),
        params({ slug: c.member.slug, tokenId: c.tokenId }),
      ),
      422,
      "invalid",
    );
    const nul = await expectError(
      await createWorkspace(request(`/api/t`, { cookie: c.cookie, body: JSON.stringify({ name: "Acme\u0000Bakery" }) }), {
        params: Promise.resolve(undefined),
      }),
      422,
      "invalid",
    );
    expect(nul.error.message).toMatch(/control characters/);
    expect(await state(c.member.tenantId)).toEqual(before);
    expect(await workspacesOf()).toEqual(workspacesBefore);
    expect(await tenantCount()).toEqual(tenantsBefore);
  });

  it("a member without the role → 403 with words that say who can; nothing changes", async () => {
    const c = await connected();
    const viewer = await h.seedMember("member");
    await h.db.owner.query(`INSERT INTO memberships (tenant_id, user_id, role) VALUES ($1, $2, 'member')`, [
      c.member.tenantId,
      viewer.userId,
    ]);
    const before = await state(c.member.tenantId);
    const cookie = await sessionCookie(viewer.userId);
    const res = await disconnectPage(
      request(`/api/t/${c.member.slug}/pages/${c.pageId}/disconnect`, { cookie }),
      params({ slug: c.member.slug, pageId: c.pageId }),
    );
    const body = await expectError(res, 403, "forbidden");
    expect(body.error.message).toMatch(/^Only owners and admins/);
    expect(await state(c.member.tenantId)).toEqual(before);
  });

  it("an allowed call answers the contract's shape, no-store", async () => {
    const c = await connected();
    const res = await disconnectPage(
      request(`/api/t/${c.member.slug}/pages/${c.pageId}/disconnect`, { cookie: c.cookie }),
      params({ slug: c.member.slug, pageId: c.pageId }),
    );
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toBe("no-store");
    expect(await res.json()).toEqual({ pageId: c.pageId, name: expect.any(String), tokensSoftDeleted: 1 });
    // A route without path parameters (Next passes no params to it).
    const created = await createWorkspace(request(`/api/t`, { cookie: c.cookie, body: JSON.stringify({ name: "Second Client" }) }), {
      params: Promise.resolve(undefined),
    });
    expect(created.status).toBe(200);
    expect(await created.json()).toEqual({ slug: expect.stringMatching(/^second-client-[0-9a-f]{6}$/), name: "Second Client" });
  });

  it("a thrown error → 500 in the one format, logged once through the redacting logger; nothing is half-written", async () => {
    const c = await connected();
    // The audit insert (inside the disconnect's transaction) fails with a message that quotes a token.
    await h.db.owner.query(`
      CREATE OR REPLACE FUNCTION pg_temp_fail_audit() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'audit refused for EAAGtokenLOOKSlikeTHIS0123456789'; END $$;
      CREATE TRIGGER fail_audit BEFORE INSERT ON audit_events FOR EACH ROW
        WHEN (NEW.tenant_id = '${c.member.tenantId}') EXECUTE FUNCTION pg_temp_fail_audit();`);
    const lines: string[] = [];
    h.setEnv({ LOG_LEVEL: "info" });
    setLogSink((line) => lines.push(line));
    const before = await state(c.member.tenantId);
    try {
      const res = await disconnectPage(
        request(`/api/t/${c.member.slug}/pages/${c.pageId}/disconnect`, { cookie: c.cookie }),
        params({ slug: c.member.slug, pageId: c.pageId }),
      );
      const body = await expectError(res, 500, "internal");
      expect(JSON.stringify(body)).not.toMatch(/EAAG|audit refused/);
    } finally {
      setLogSink(null);
      h.setEnv({ LOG_LEVEL: "silent" });
      await h.db.owner.query(`DROP TRIGGER fail_audit ON audit_events; DROP FUNCTION pg_temp_fail_audit()`);
    }
    const errors = lines.filter((l) => JSON.parse(l).level === "error");
    expect(errors).toHaveLength(1);
    expect(JSON.parse(errors[0]!)).toMatchObject({
      event: "http.unhandled",
      route: "/api/t/{slug}/pages/{pageId}/disconnect",
      method: "POST",
    });
    expect(errors[0]).toContain("audit refused");
    expect(errors[0]).not.toContain("EAAGtokenLOOKSlikeTHIS0123456789");
    expect(await state(c.member.tenantId)).toEqual(before);
  });
});
