import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { POST as createKeyRoute } from "@/app/api/t/[slug]/api-keys/route";
import { POST as revokeKeyRoute } from "@/app/api/t/[slug]/api-keys/[keyId]/revoke/route";
import { POST as benchFloorRoute } from "@/app/api/v1/bench-floor/route";
import { startConnectHarness, type ConnectHarness } from "../../test/support/connect-harness";
import { callApi, connectedWorkspace, makeKey, snapshot, type ErrorJson } from "../../test/support/api-v1";
import { sessionCookie } from "../../test/support/session";
import { randomUUID } from "node:crypto";
import { KEY_PREFIX } from "../api-keys/key-format";
import { withTenant } from "../db/tenant-transaction";
import type { PageView, TokenView } from "./spec";

/**
 * The token API through its real route handlers: a real key (made as the dashboard makes it), real PostgreSQL as the
 * app role (RLS), the Facebook emulator over HTTP. Every refusal also asserts that nothing changed.
 */

let h: ConnectHarness;

beforeAll(async () => {
  h = await startConnectHarness();
});

afterAll(async () => {
  await h?.close();
});

async function addMember(tenantId: string, role: "admin" | "member") {
  const userId = randomUUID();
  await h.db.owner.query(`INSERT INTO users (id, name) VALUES ($1, $2)`, [userId, `A ${role}`]);
  await h.db.owner.query(`INSERT INTO memberships (tenant_id, user_id, role) VALUES ($1, $2, $3)`, [tenantId, userId, role]);
  return { userId };
}

async function expectError(res: Response, status: number, code: string): Promise<ErrorJson> {
  expect(res.status).toBe(status);
  expect(res.headers.get("cache-control")).toBe("no-store");
  const body = (await res.json()) as ErrorJson;
  expect(body.error).toMatchObject({ code, message: expect.any(String) });
  return body;
}

describe("keys: the narrow lookup function", () => {
  it("answers only (workspace id, key id) for a live key, nothing for anything else, and is the app role's only door to api_keys", async () => {
    const w = await connectedWorkspace(h, 1);
    const live = await makeKey(w.member);
    const revoked = await makeKey(w.member);
    await h.db.owner.query(`UPDATE api_keys SET revoked_at = now() WHERE id = $1`, [revoked.id]);
    const expired = await makeKey(w.member);
    await h.db.owner.query(`UPDATE api_keys SET expires_at = now() - interval '1 second' WHERE id = $1`, [expired.id]);
    const hashOf = async (id: string) =>
      (await h.db.owner.query<{ key_hash: Buffer }>(`SELECT key_hash FROM api_keys WHERE id = $1`, [id])).rows[0]!.key_hash;

    const app = h.db.app;
    const found = await app.$queryRawUnsafe<Record<string, unknown>[]>(`SELECT * FROM api_key_workspace($1)`, await hashOf(live.id));
    expect(found).toEqual([{ tenant_id: w.member.tenantId, key_id: live.id }]);
    for (const hash of [await hashOf(revoked.id), await hashOf(expired.id), Buffer.alloc(32), Buffer.alloc(0), Buffer.alloc(64, 1)]) {
      expect(await app.$queryRawUnsafe(`SELECT * FROM api_key_workspace($1)`, hash)).toEqual([]);
    }
    // Without a workspace context the app role reads no key rows, and cannot write one either.
    expect(await app.$queryRawUnsafe(`SELECT id FROM api_keys`)).toEqual([]);
    // In another workspace's context it reads only that workspace's keys.
    const other = await connectedWorkspace(h, 1);
    const otherKey = await makeKey(other.member);
    const seen = await withTenant(other.member.tenantId, (tx) => tx.$queryRaw<{ id: string }[]>`SELECT id FROM api_keys`, { client: app });
    expect(seen.map((r) => r.id)).toEqual([otherKey.id]);
    await expect(app.$executeRawUnsafe(`DELETE FROM api_keys`)).rejects.toThrow(/permission denied/);
    // The function: SECURITY DEFINER, fixed search_path, two uuid columns out, not executable by PUBLIC.
    const { rows } = await h.db.owner.query<{ prosecdef: boolean; proconfig: string[]; result: string; public_exec: boolean }>(
      `SELECT p.prosecdef, p.proconfig, pg_get_function_result(p.oid) AS result,
              has_function_privilege('public', p.oid, 'EXECUTE') AS public_exec
         FROM pg_proc p WHERE p.proname = 'api_key_workspace'`,
    );
    expect(rows).toEqual([
      { prosecdef: true, proconfig: ["search_path=pg_catalog, pg_temp"], result: "TABLE(tenant_id uuid, key_id uuid)", public_exec: false },
    ]);
  });

  it("api_key_caller (the key re-read in the request's first statement) reads as the app role, under RLS, and never moves a transaction to another workspace", async () => {
    const a = await connectedWorkspace(h, 1);
    const b = await connectedWorkspace(h, 1);
    const keyA = await makeKey(a.member);
    const app = h.db.app;
    const beforeA = await snapshot(h, a.member.tenantId);
    const beforeB = await snapshot(h, b.member.tenantId);
    // The right workspace: the key's row, and the context is that workspace's.
    const [mine] = await app.$queryRawUnsafe<{ name: string; ctx: string }[]>(
      `SELECT (SELECT c.name FROM api_key_caller($1::uuid, $2::uuid) c) AS name, current_setting('app.tenant_id', true) AS ctx`,
      a.member.tenantId,
      keyA.id,
    );
    expect(mine).toEqual({ name: "Test automation", ctx: a.member.tenantId });
    // A's key asked for in B's name: RLS hides it, so nothing comes back (and no last_used_at is written).
    expect(await app.$queryRawUnsafe(`SELECT * FROM api_key_caller($1::uuid, $2::uuid)`, b.member.tenantId, keyA.id)).toEqual([]);
    // In a transaction already in workspace B, asking for workspace A is refused, not a silent switch.
    await expect(
      withTenant(b.member.tenantId, (tx) => tx.$queryRaw`SELECT * FROM api_key_caller(${a.member.tenantId}::uuid, ${keyA.id}::uuid)`, {
        client: app,
      }),
    ).rejects.toThrow(/already in another workspace/);
    // SECURITY INVOKER, fixed search_path, not executable by PUBLIC.
    const { rows } = await h.db.owner.query<{ prosecdef: boolean; proconfig: string[]; public_exec: boolean }>(
      `SELECT p.prosecdef, p.proconfig, has_function_privilege('public', p.oid, 'EXECUTE') AS public_exec
         FROM pg_proc p WHERE p.proname = 'api_key_caller'`,
    );
    expect(rows).toEqual([{ prosecdef: false, proconfig: ["search_path=pg_catalog, pg_temp"], public_exec: false }]);
    // Only A's key was used (its last_used_at written); nothing else changed in either workspace.
    const afterA = await snapshot(h, a.member.tenantId);
    expect(afterA.keys.map((k) => k.last_used_at)).toEqual([expect.any(Date)]);
    expect({ ...afterA, keys: afterA.keys.map((k) => ({ ...k, last_used_at: null })) }).toEqual({
      ...beforeA,
      keys: beforeA.keys.map((k) => ({ ...k, last_used_at: null })),
    });
    expect(await snapshot(h, b.member.tenantId)).toEqual(beforeB);
  });

  it("keys are stk_live_ + 43 base62 characters (≥ 256 bits), stored only as a SHA-256 hash with a short display prefix", async () => {
    const w = await connectedWorkspace(h, 1);
    const keys = await Promise.all([1, 2, 3].map(() => makeKey(w.member)));
    for (const k of keys) expect(k.key).toMatch(/^stk_live_[0-9A-Za-z]{43}$/);
    expect(new Set(keys.map((k) => k.key)).size).toBe(3);
    const { rows } = await h.db.owner.query<{ prefix: string; key_hash: Buffer }>(
      `SELECT prefix, key_hash FROM api_keys WHERE tenant_id = $1`,
      [w.member.tenantId],
    );
    for (const r of rows) {
      expect(r.key_hash.length).toBe(32);
      expect(r.prefix.length).toBe(KEY_PREFIX.length + 6);
    }
  });
});

describe("authentication and scopes", () => {
  it("no key, malformed, truncated, other-secret, revoked and expired keys → 401, one answer, nothing changed", async () => {
    const w = await connectedWorkspace(h, 1);
    const good = await makeKey(w.member);
    const revoked = await makeKey(w.member);
    await h.db.owner.query(`UPDATE api_keys SET revoked_at = now() WHERE id = $1`, [revoked.id]);
    const expired = await makeKey(w.member);
    await h.db.owner.query(`UPDATE api_keys SET expires_at = now() - interval '1 second' WHERE id = $1`, [expired.id]);
    const before = await snapshot(h, w.member.tenantId);
    const flipped = good.key.slice(0, -1) + (good.key.endsWith("A") ? "B" : "A");
    const cases: { key?: string; authorization?: string }[] = [
      {},
      { key: "not-a-key" },
      { key: good.key.slice(0, -5) },
      { key: flipped },
      { key: `${KEY_PREFIX}${"x".repeat(43)}` },
      { key: revoked.key },
      { key: expired.key },
      { authorization: `Basic ${Buffer.from(`${good.key}:`).toString("base64")}` },
      { authorization: good.key },
    ];
    const messages = new Set<string>();
    for (const c of cases) {
      const res = await callApi("pageToken", { ...c, id: w.pages[0]!.id });
      const body = await expectError(res, 401, "unauthorized");
      expect(res.headers.get("www-authenticate")).toBe('Bearer realm="api"');
      messages.add(body.error.message);
    }
    expect(messages.size).toBe(1);
    expect(await snapshot(h, w.member.tenantId)).toEqual(before);
  });

  it("a key without the scope → 403 and nothing changed", async () => {
    const w = await connectedWorkspace(h, 1);
    const readOnly = await makeKey(w.member, { scopes: ["pages:read"] });
    const tokensOnly = await makeKey(w.member, { scopes: ["tokens:read"] });
    const before = (await snapshot(h, w.member.tenantId)).audit;
    await expectError(await callApi("pageToken", { key: readOnly.key, id: w.pages[0]!.id }), 403, "forbidden");
    await expectError(await callApi("identityToken", { key: readOnly.key, id: w.identity.id }), 403, "forbidden");
    await expectError(await callApi("listPages", { key: tokensOnly.key }), 403, "forbidden");
    await expectError(await callApi("getPage", { key: tokensOnly.key, id: w.pages[0]!.id }), 403, "forbidden");
    await expectError(await callApi("listIdentities", { key: tokensOnly.key }), 403, "forbidden");
    expect((await snapshot(h, w.member.tenantId)).audit).toEqual(before);
  });

  it("a member cannot create or revoke keys (403); an admin can; nothing changed by the refusal", async () => {
    const owner = await connectedWorkspace(h, 1);
    const key = await makeKey(owner.member);
    const member = await addMember(owner.member.tenantId, "member");
    const admin = await addMember(owner.member.tenantId, "admin");
    const before = await snapshot(h, owner.member.tenantId);
    const req = (cookie: string, path: string, body: unknown) =>
      new Request(`http://localhost:3000${path}`, {
        method: "POST",
        headers: { "content-type": "application/json", "sec-fetch-site": "same-origin", cookie },
        body: JSON.stringify(body),
      });
    const slug = owner.member.slug;
    const body = { name: "Sneaky", scopes: ["tokens:read"] };
    const asMember = await sessionCookie(member.userId);
    await expectError(
      await createKeyRoute(req(asMember, `/api/t/${slug}/api-keys`, body), { params: Promise.resolve({ slug }) }),
      403,
      "forbidden",
    );
    await expectError(
      await revokeKeyRoute(req(asMember, `/api/t/${slug}/api-keys/${key.id}/revoke`, {}), {
        params: Promise.resolve({ slug, keyId: key.id }),
      }),
      403,
      "forbidden",
    );
    expect(await snapshot(h, owner.member.tenantId)).toEqual(before);

    const res = await createKeyRoute(req(await sessionCookie(admin.userId), `/api/t/${slug}/api-keys`, body), {
      params: Promise.resolve({ slug }),
    });
    expect(res.status).toBe(200);
    const created = (await res.json()) as { key: string; prefix: string; name: string };
    expect(created.key.startsWith(created.prefix)).toBe(true);
    const audit = await h.db.owner.query(
      `SELECT details FROM audit_events WHERE tenant_id = $1 AND action = 'api_key.created' ORDER BY created_at DESC LIMIT 1`,
      [owner.member.tenantId],
    );
    expect(audit.rows[0].details).toMatchObject({ name: "Sneaky", prefix: created.prefix });
    expect(JSON.stringify(audit.rows)).not.toContain(created.key);
  });
});

describe("pages and identities", () => {
  it("lists Pages with filters and a cursor that is stable under inserts; finds a Page by our id and by Facebook's", async () => {
    const w = await connectedWorkspace(h, 5);
    const key = await makeKey(w.member);
    const first = await callApi("listPages", { key: key.key, query: { limit: "2" } });
    expect(first.status).toBe(200);
    expect(first.headers.get("cache-control")).toBe("no-store");
    expect(first.headers.get("ratelimit-limit")).toBe("120");
    const page1 = (await first.json()) as { data: PageView[]; next_cursor: string | null };
    expect(page1.data.map((p) => p.id)).toEqual(w.pages.slice(0, 2).map((p) => p.id));
    expect(page1.data[0]).toMatchObject({
      facebook_page_id: w.pages[0]!.page_id,
      token_status: "active",
      identity: { id: w.identity.id },
    });
    expect(JSON.stringify(page1)).not.toMatch(/EAA/);

    // A Page connected between two calls appears after the existing ones: nothing skipped, nothing twice.
    await h.db.owner.query(
      `INSERT INTO facebook_pages (tenant_id, page_id, name, tasks, created_at) VALUES ($1, '99990001', 'Aaa inserted first by name', '{}', now())`,
      [w.member.tenantId],
    );
    const seen = [...page1.data.map((p) => p.id)];
    let cursor = page1.next_cursor;
    while (cursor) {
      const body = (await (await callApi("listPages", { key: key.key, query: { limit: "2", cursor } })).json()) as {
        data: PageView[];
        next_cursor: string | null;
      };
      seen.push(...body.data.map((p) => p.id));
      cursor = body.next_cursor;
    }
    expect(seen.slice(0, 5)).toEqual(w.pages.map((p) => p.id));
    expect(seen).toHaveLength(6);

    const search = (await (await callApi("listPages", { key: key.key, query: { search: w.pages[2]!.name.toUpperCase() } })).json()) as {
      data: PageView[];
    };
    expect(search.data.map((p) => p.id)).toEqual([w.pages[2]!.id]);
    const none = (await (await callApi("listPages", { key: key.key, query: { status: "none" } })).json()) as { data: PageView[] };
    expect(none.data.map((p) => p.name)).toEqual(["Aaa inserted first by name"]);

    for (const id of [w.pages[1]!.id, w.pages[1]!.page_id]) {
      const res = await callApi("getPage", { key: key.key, id });
      expect(res.status).toBe(200);
      expect(((await res.json()) as PageView).id).toBe(w.pages[1]!.id);
    }
    await expectError(await callApi("listPages", { key: key.key, query: { limit: "0" } }), 422, "invalid");
    await expectError(await callApi("listPages", { key: key.key, query: { cursor: "garbage" } }), 422, "invalid");
    await expectError(await callApi("listPages", { key: key.key, query: { status: "sleepy" } }), 422, "invalid");

    const ids = (await (await callApi("listIdentities", { key: key.key })).json()) as { data: { id: string; facebook_user_id: string }[] };
    expect(ids.data).toEqual([
      expect.objectContaining({ id: w.identity.id, platform: "facebook", facebook_user_id: w.person.id, token_status: "active" }),
    ]);
  });

  it("a Page carries its linked Instagram account and what its token can do, with the reason when not", async () => {
    const person = await h.control.createPerson({
      name: "Insta Owner",
      pages: [
        {
          id: "83000000001",
          name: "Posting Page",
          tasks: ["ANALYZE", "CREATE_CONTENT", "MODERATE"],
          instagram: { id: "17841483000000001", username: "posting.page", name: "Posting Page IG" },
        },
        { id: "83000000002", name: "Analyst Page", tasks: ["ANALYZE"] },
      ],
    });
    const member = await h.seedMember();
    const connected = await h.connect(member, person.id, { decline: ["pages_manage_engagement"] });
    if (!connected.ok) throw new Error(connected.error.userMessage);
    const key = await makeKey(member);

    const list = (await (await callApi("listPages", { key: key.key })).json()) as { data: PageView[] };
    const posting = list.data.find((p) => p.facebook_page_id === "83000000001")!;
    const analyst = list.data.find((p) => p.facebook_page_id === "83000000002")!;
    expect(posting.instagram).toEqual({
      ig_user_id: "17841483000000001",
      username: "posting.page",
      name: "Posting Page IG",
      picture_url: expect.stringContaining("17841483000000001"),
    });
    expect(posting.capabilities).toEqual([
      { capability: "publish", can: true, reason: null },
      { capability: "moderate", can: false, reason: "pages_manage_engagement was declined" },
      { capability: "message", can: false, reason: "no MESSAGING task on this Page" },
      { capability: "advertise", can: false, reason: "no ADVERTISE task on this Page" },
      { capability: "insights", can: true, reason: null },
    ]);
    expect(analyst.instagram).toBeNull();
    expect(analyst.capabilities.filter((c) => c.can).map((c) => c.capability)).toEqual(["insights"]);
    expect(analyst.capabilities[0]).toEqual({ capability: "publish", can: false, reason: "no CREATE_CONTENT task on this Page" });

    // A dead token can do nothing, and says why; getPage answers the same view as the list.
    await h.db.owner.query(
      `UPDATE ad_tokens t SET status = 'revoked' FROM facebook_pages p WHERE p.id = t.facebook_page_id AND p.page_id = $1`,
      ["83000000001"],
    );
    const dead = (await (await callApi("getPage", { key: key.key, id: "83000000001" })).json()) as PageView;
    expect(dead.token_status).toBe("revoked");
    expect(dead.instagram?.username).toBe("posting.page");
    expect(dead.capabilities.map((c) => [c.can, c.reason])).toEqual(Array.from({ length: 5 }, () => [false, "token revoked"]));
  });

  it("a key of workspace A gets 404 for every id of workspace B (ours and Facebook's), the same answer as a missing id; nothing changed", async () => {
    const a = await connectedWorkspace(h, 1);
    const b = await connectedWorkspace(h, 2);
    const key = await makeKey(a.member);
    const beforeA = await snapshot(h, a.member.tenantId);
    const beforeB = await snapshot(h, b.member.tenantId);
    const bodies = new Set<string>();
    for (const id of [b.pages[0]!.id, b.pages[0]!.page_id, "00000000-0000-4000-8000-000000000000", "123", "not an id"]) {
      for (const name of ["getPage", "pageToken"] as const)
        bodies.add(JSON.stringify(await expectError(await callApi(name, { key: key.key, id }), 404, "not_found")));
    }
    for (const id of [b.identity.id, "00000000-0000-4000-8000-000000000000", b.person.id]) {
      bodies.add(JSON.stringify(await expectError(await callApi("identityToken", { key: key.key, id }), 404, "not_found")));
    }
    expect(bodies.size).toBe(1);
    const list = (await (await callApi("listPages", { key: key.key })).json()) as { data: PageView[] };
    expect(list.data.map((p) => p.id)).toEqual(a.pages.map((p) => p.id));
    const ids = (await (await callApi("listIdentities", { key: key.key })).json()) as { data: { id: string }[] };
    expect(ids.data.map((i) => i.id)).toEqual([a.identity.id]);
    expect(await snapshot(h, b.member.tenantId)).toEqual(beforeB);
    expect((await snapshot(h, a.member.tenantId)).audit).toEqual(beforeA.audit);
  });

  it("a key limited to some Pages gets 404 for every other Page, in lists and hand-outs, and 403 for user tokens", async () => {
    const w = await connectedWorkspace(h, 3);
    const key = await makeKey(w.member, { pageIds: [w.pages[1]!.id] });
    const before = await snapshot(h, w.member.tenantId);
    const list = (await (await callApi("listPages", { key: key.key })).json()) as { data: PageView[] };
    expect(list.data.map((p) => p.id)).toEqual([w.pages[1]!.id]);
    for (const p of [w.pages[0]!, w.pages[2]!]) {
      for (const id of [p.id, p.page_id]) {
        await expectError(await callApi("getPage", { key: key.key, id }), 404, "not_found");
        await expectError(await callApi("pageToken", { key: key.key, id }), 404, "not_found");
      }
    }
    await expectError(await callApi("listIdentities", { key: key.key }), 403, "forbidden");
    await expectError(await callApi("identityToken", { key: key.key, id: w.identity.id }), 403, "forbidden");
    expect((await snapshot(h, w.member.tenantId)).audit).toEqual(before.audit);
    expect((await snapshot(h, w.member.tenantId)).tokens).toEqual(before.tokens);
    const ok = await callApi("pageToken", { key: key.key, id: w.pages[1]!.page_id });
    expect(ok.status).toBe(200);
  });
});

describe("token hand-out", () => {
  it("hands out the Page token and the user token, recorded in the audit log with the key's name (no secret in it)", async () => {
    const w = await connectedWorkspace(h, 2);
    const key = await makeKey(w.member, { name: "Scheduler for Acme" });
    const emulatorTokens = await h.control.tokens({ person: w.person.id });
    const res = await callApi("pageToken", { key: key.key, id: w.pages[0]!.page_id });
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toBe("no-store");
    const token = (await res.json()) as TokenView;
    const pageTokens = emulatorTokens.filter((t) => t.type === "PAGE" && t.pageId === w.pages[0]!.page_id).map((t) => t.token);
    expect(pageTokens).toContain(token.token);
    expect(token).toMatchObject({
      token_type: "page",
      facebook_page_id: w.pages[0]!.page_id,
      facebook_user_id: w.person.id,
      tasks: ["ANALYZE", "CREATE_CONTENT", "MANAGE"],
      status: "active",
      expires_at: null,
    });

    const user = await callApi("identityToken", { key: key.key, id: w.identity.id });
    expect(user.status).toBe(200);
    const userToken = (await user.json()) as TokenView;
    expect(userToken.token_type).toBe("user");
    expect(emulatorTokens.filter((t) => t.type === "USER").map((t) => t.token)).toContain(userToken.token);

    const audit = await h.db.owner.query<{ target_id: string; actor_user_id: string | null; details: Record<string, unknown> }>(
      `SELECT target_id, actor_user_id, details FROM audit_events WHERE tenant_id = $1 AND action = 'token.handed_out' ORDER BY created_at`,
      [w.member.tenantId],
    );
    expect(audit.rows.map((r) => r.target_id)).toEqual([w.pages[0]!.token_id, w.identity.token_id]);
    expect(audit.rows[0]).toMatchObject({
      actor_user_id: null,
      details: { apiKeyName: "Scheduler for Acme", apiKeyId: key.id, tokenType: "page" },
    });
    const dump = JSON.stringify(audit.rows);
    for (const secret of [token.token, userToken.token, key.key]) expect(dump).not.toContain(secret);
    const used = await h.db.owner.query(`SELECT last_used_at FROM api_keys WHERE id = $1`, [key.id]);
    expect(used.rows[0].last_used_at).not.toBeNull();
  });

  it("a revoked or expired token → 409 with the reason and the reconnect URL, never the token; nothing handed out", async () => {
    const w = await connectedWorkspace(h, 2);
    const key = await makeKey(w.member);
    await h.db.owner.query(`UPDATE ad_tokens SET status = 'revoked' WHERE id = $1`, [w.pages[0]!.token_id]);
    await h.db.owner.query(`UPDATE ad_tokens SET expires_at = now() - interval '1 minute' WHERE id = $1`, [w.pages[1]!.token_id]);
    await h.db.owner.query(`UPDATE ad_tokens SET status = 'invalid' WHERE id = $1`, [w.identity.token_id]);
    const before = await snapshot(h, w.member.tenantId);
    const stored = await h.control.tokens({ person: w.person.id });
    const cases = [
      { name: "pageToken" as const, id: w.pages[0]!.id, code: "token_revoked" },
      { name: "pageToken" as const, id: w.pages[1]!.page_id, code: "token_expired" },
      { name: "identityToken" as const, id: w.identity.id, code: "token_invalid" },
    ];
    for (const c of cases) {
      const res = await callApi(c.name, { key: key.key, id: c.id });
      const text = await res.clone().text();
      const body = await expectError(res, 409, c.code);
      expect(body.error.reconnect_url).toBe(`http://localhost:3000/t/${w.member.slug}`);
      for (const t of stored) expect(text).not.toContain(t.token);
    }
    const after = await snapshot(h, w.member.tenantId);
    expect(after.tokens).toEqual(before.tokens);
    expect(after.audit).toEqual(before.audit);
  });

  it("verify: true on a token the emulator revoked → 409 token_revoked and the stored status updated", async () => {
    const w = await connectedWorkspace(h, 1);
    const key = await makeKey(w.member);
    await h.control.revokePerson(w.person.id, 460);
    const res = await callApi("pageToken", { key: key.key, id: w.pages[0]!.id, body: { verify: true } });
    await expectError(res, 409, "token_revoked");
    const { rows } = await h.db.owner.query(`SELECT status, last_checked_at FROM ad_tokens WHERE id = $1`, [w.pages[0]!.token_id]);
    expect(rows[0]).toMatchObject({ status: "revoked", last_checked_at: expect.any(Date) });
    const handed = await h.db.owner.query(
      `SELECT count(*)::int AS n FROM audit_events WHERE tenant_id = $1 AND action = 'token.handed_out'`,
      [w.member.tenantId],
    );
    expect(handed.rows[0].n).toBe(0);
  });

  it("verify: true on a healthy token checks it first and hands it out as active", async () => {
    const w = await connectedWorkspace(h, 1);
    const key = await makeKey(w.member);
    const res = await callApi("pageToken", { key: key.key, id: w.pages[0]!.id, body: { verify: true } });
    expect(res.status).toBe(200);
    expect(((await res.json()) as TokenView).status).toBe("active");
  });

  it("a body that is not JSON → 400, an unknown field → 422; nothing handed out", async () => {
    const w = await connectedWorkspace(h, 1);
    const key = await makeKey(w.member);
    const before = await snapshot(h, w.member.tenantId);
    await expectError(await callApi("pageToken", { key: key.key, id: w.pages[0]!.id, rawBody: "{nope" }), 400, "bad_request");
    await expectError(await callApi("pageToken", { key: key.key, id: w.pages[0]!.id, body: { verify: "yes" } }), 422, "invalid");
    await expectError(await callApi("pageToken", { key: key.key, id: w.pages[0]!.id, body: { force: true } }), 422, "invalid");
    expect((await snapshot(h, w.member.tenantId)).audit).toEqual(before.audit);
  });

  it("revoking a key makes the next call 401", async () => {
    const w = await connectedWorkspace(h, 1);
    const key = await makeKey(w.member);
    expect((await callApi("listPages", { key: key.key })).status).toBe(200);
    const slug = w.member.slug;
    const res = await revokeKeyRoute(
      new Request(`http://localhost:3000/api/t/${slug}/api-keys/${key.id}/revoke`, {
        method: "POST",
        headers: { "content-type": "application/json", "sec-fetch-site": "same-origin", cookie: await sessionCookie(w.member.userId) },
        body: "{}",
      }),
      { params: Promise.resolve({ slug, keyId: key.id }) },
    );
    expect(res.status).toBe(200);
    await expectError(await callApi("listPages", { key: key.key }), 401, "unauthorized");
    const audit = await h.db.owner.query(`SELECT action FROM audit_events WHERE tenant_id = $1 AND target_id = $2 ORDER BY created_at`, [
      w.member.tenantId,
      key.id,
    ]);
    expect(audit.rows.map((r) => r.action)).toEqual(["api_key.created", "api_key.revoked"]);
  });

  it("a key that expires after it was used (its workspace remembered by this process) → 401 on every later call, nothing handed out", async () => {
    const w = await connectedWorkspace(h, 1);
    const key = await makeKey(w.member);
    expect((await callApi("pageToken", { key: key.key, id: w.pages[0]!.id })).status).toBe(200);
    await h.db.owner.query(`UPDATE api_keys SET expires_at = now() - interval '1 second' WHERE id = $1`, [key.id]);
    await expectError(await callApi("pageToken", { key: key.key, id: w.pages[0]!.id }), 401, "unauthorized");
    await expectError(await callApi("pageToken", { key: key.key, id: w.pages[0]!.id }), 401, "unauthorized");
    const { rows } = await h.db.owner.query(
      `SELECT count(*)::int AS n FROM audit_events WHERE tenant_id = $1 AND action = 'token.handed_out'`,
      [w.member.tenantId],
    );
    expect(rows[0].n).toBe(1);
  });
});

describe("bench-only route", () => {
  it("/api/v1/bench-floor is a 404 unless BENCH_ROUTES=true", async () => {
    await expectError(await benchFloorRoute(), 404, "not_found");
    h.setEnv({ BENCH_ROUTES: "true" });
    try {
      expect((await benchFloorRoute()).status).toBe(200);
    } finally {
      h.setEnv({ BENCH_ROUTES: undefined });
    }
  });
});
