import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { randomUUID } from "node:crypto";
import { POST as inviteRoute } from "@/app/api/t/[slug]/invitations/route";
import { POST as changeRoleRoute } from "@/app/api/t/[slug]/members/[membershipId]/role/route";
import { POST as createWorkspaceRoute } from "@/app/api/t/route";
import { POST as checkTokenRoute } from "@/app/api/t/[slug]/tokens/[tokenId]/check/route";
import { startConnectHarness, type ConnectHarness } from "../../test/support/connect-harness";
import { seedTokens } from "../../test/support/fixtures";
import { sessionCookie } from "../../test/support/session";
import { startMailCapture, type RunningMailCapture } from "../../emulators/mail/server";
import { asMember, type WorkspaceAccess } from "./membership";
import { acceptInvitation, declineInvitation, inviteMember, resendInvitation, revokeInvitation, viewInvitation } from "./invitations";
import { changeMemberRole, leaveWorkspace, removeMember } from "./members";
import { endAllSessions, endSession } from "../auth/session-generation";
import { consume } from "../rate-limit/limiter";
import { CHECK_NOW_POLICY } from "../workspace/manage";
import { INVITATIONS_POLICY } from "./invitations";
import { WORKSPACE_CREATION_POLICY } from "./tenants";
import type { Result } from "../http/result";
import type { Permission, Role } from "./roles";

/**
 * Team and access against real PostgreSQL (app role, RLS), real Auth.js session cookies, the route handlers and the
 * local mail catcher over SMTP. Every refusal asserts that no row changed.
 */

let h: ConnectHarness;
let mail: RunningMailCapture;
const ORIGIN = "http://localhost:3000";

beforeAll(async () => {
  mail = await startMailCapture({ smtpPort: 0, httpPort: 0 });
  h = await startConnectHarness({ env: { SMTP_URL: mail.smtpUrl, MAX_WORKSPACES_PER_PERSON: "3", AUTH_URL: ORIGIN } });
});

afterAll(async () => {
  await h?.close();
  await mail?.close();
});

function post(path: string, cookie: string, body: unknown = {}): Request {
  return new Request(`${ORIGIN}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", "sec-fetch-site": "same-origin", cookie },
    body: JSON.stringify(body),
  });
}
const params = <T extends Record<string, string>>(p: T) => ({ params: Promise.resolve(p) });

type Who = { userId: string; slug: string };
const as = <P extends Permission, T>(w: Who, permission: P, fn: (a: WorkspaceAccess<P>) => Promise<Result<T>>) =>
  asMember(w.userId, { slug: w.slug }, permission, fn, { client: h.db.app });
const deps = () => ({ client: h.db.app });
const invite = (w: Who, email: string, role: Role) =>
  as(w, "members.invite", (a) => inviteMember(a, { email, role, origin: ORIGIN }, deps()));

async function person(email: string | null, name = `Person ${randomUUID().slice(0, 6)}`): Promise<string> {
  const id = randomUUID();
  await h.db.owner.query(`INSERT INTO users (id, name, email) VALUES ($1, $2, $3)`, [id, name, email]);
  return id;
}

async function addMembership(tenantId: string, userId: string, role: Role): Promise<string> {
  const { rows } = await h.db.owner.query<{ id: string }>(
    `INSERT INTO memberships (tenant_id, user_id, role) VALUES ($1, $2, $3) RETURNING id`,
    [tenantId, userId, role],
  );
  return rows[0]!.id;
}

async function snapshot(tenantId: string) {
  const q = async (sql: string) => (await h.db.owner.query(sql, [tenantId])).rows;
  return {
    memberships: await q(`SELECT id, user_id, role, deleted_at FROM memberships WHERE tenant_id = $1 ORDER BY id`),
    invitations: await q(
      `SELECT id, email, role, token_hash, expires_at, accepted_at, declined_at, revoked_at, sent_count FROM invitations WHERE tenant_id = $1 ORDER BY id`,
    ),
    identities: await q(`SELECT id, deleted_at FROM social_identities WHERE tenant_id = $1 ORDER BY id`),
    tokens: await q(`SELECT id, deleted_at, status, last_checked_at FROM ad_tokens WHERE tenant_id = $1 ORDER BY id`),
    audit: await q(`SELECT count(*)::int AS n FROM audit_events WHERE tenant_id = $1`),
  };
}

async function tokenFromMail(to: string): Promise<string> {
  for (let i = 0; i < 100; i++) {
    const m = mail
      .messages()
      .filter((x) => x.to.includes(to))
      .at(-1);
    const token = m?.text.match(/\/invite\/([A-Za-z0-9_-]{43})/)?.[1];
    if (token) return token;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`no invitation mail to ${to}`);
}

const mailsTo = (to: string) => mail.messages().filter((x) => x.to.includes(to));

describe("invitations", () => {
  it("answers byte-identically for an email with and without an account, and mails both", async () => {
    const owner = await h.seedMember("owner");
    await person("known-person@example.test");
    const cookie = await sessionCookie(owner.userId);
    const answers = [];
    for (const email of ["known-person@example.test", "nobody-here@example.test"]) {
      const res = await inviteRoute(
        post(`/api/t/${owner.slug}/invitations`, cookie, { email, role: "member" }),
        params({ slug: owner.slug }),
      );
      answers.push({ status: res.status, headers: [...res.headers].filter(([k]) => k !== "date"), body: await res.text() });
    }
    expect(answers[0]!.status).toBe(200);
    // Same bytes once the address itself (which the inviter typed) is taken out.
    expect(answers[0]!.body.replace("known-person@example.test", "X")).toBe(answers[1]!.body.replace("nobody-here@example.test", "X"));
    expect(answers[0]!.headers).toEqual(answers[1]!.headers);
    await tokenFromMail("known-person@example.test");
    await tokenFromMail("nobody-here@example.test");
    // Nobody became a member.
    const { rows } = await h.db.owner.query(`SELECT count(*)::int AS n FROM memberships WHERE tenant_id = $1`, [owner.tenantId]);
    expect(rows[0]).toEqual({ n: 1 });
  });

  it("stores only a hash of the link's token; the invitee accepts once and joins with the role", async () => {
    const owner = await h.seedMember("owner");
    const invitee = await person(null, "Ivy Invitee");
    expect(await invite(owner, "ivy@example.test", "admin")).toMatchObject({
      ok: true,
      value: { email: "ivy@example.test", role: "admin" },
    });
    const token = await tokenFromMail("ivy@example.test");
    const { rows } = await h.db.owner.query<{ token_hash: Buffer; expires_at: Date }>(
      `SELECT token_hash, expires_at FROM invitations WHERE tenant_id = $1`,
      [owner.tenantId],
    );
    expect(rows[0]!.token_hash.length).toBe(32);
    expect(rows[0]!.token_hash.toString("hex")).not.toContain(Buffer.from(token).toString("hex"));
    const days = (rows[0]!.expires_at.getTime() - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(6.99);
    expect(days).toBeLessThanOrEqual(7);

    const view = await viewInvitation(invitee, token, deps());
    expect(view).toMatchObject({
      workspaceName: `Tenant ${owner.slug}`,
      invitedByName: `User ${owner.slug}`,
      role: "admin",
      state: "pending",
    });

    expect(await acceptInvitation(invitee, token, deps())).toMatchObject({ ok: true, value: { slug: owner.slug, role: "admin" } });
    const after = await snapshot(owner.tenantId);
    expect(after.memberships.find((m) => m.user_id === invitee)).toMatchObject({ role: "admin", deleted_at: null });

    // Single use: a second accept (by anyone) is refused and changes nothing.
    const other = await person(null);
    const again = await acceptInvitation(other, token, deps());
    expect(again).toMatchObject({ ok: false, error: { code: "conflict", message: expect.stringMatching(/already accepted/) } });
    expect(await snapshot(owner.tenantId)).toEqual(after);
  });

  it("a wrong token, a declined, an expired, a revoked and a replaced link join nobody and change nothing", async () => {
    const owner = await h.seedMember("owner");
    const invitee = await person(null);
    await invite(owner, "dora@example.test", "member");
    const declinedToken = await tokenFromMail("dora@example.test");
    expect(await declineInvitation(invitee, declinedToken, deps())).toMatchObject({ ok: true });

    await invite(owner, "eve@example.test", "member");
    const expiredToken = await tokenFromMail("eve@example.test");
    await h.db.owner.query(
      `UPDATE invitations SET expires_at = now() - interval '1 second' WHERE tenant_id = $1 AND email = 'eve@example.test'`,
      [owner.tenantId],
    );

    const first = await invite(owner, "rex@example.test", "member");
    expect(first.ok).toBe(true);
    const revokedToken = await tokenFromMail("rex@example.test");
    const [rex] = (await h.db.owner.query<{ id: string }>(`SELECT id FROM invitations WHERE email = 'rex@example.test'`)).rows;
    expect(await as(owner, "members.invite", (a) => revokeInvitation(a, rex!.id, deps()))).toMatchObject({ ok: true });

    await invite(owner, "sam@example.test", "member");
    const replacedToken = await tokenFromMail("sam@example.test");
    const [sam] = (await h.db.owner.query<{ id: string }>(`SELECT id FROM invitations WHERE email = 'sam@example.test'`)).rows;
    expect(await as(owner, "members.invite", (a) => resendInvitation(a, { invitationId: sam!.id, origin: ORIGIN }, deps()))).toMatchObject({
      ok: true,
    });
    expect(mailsTo("sam@example.test")).toHaveLength(2);

    const before = await snapshot(owner.tenantId);
    const cases: [string, RegExp][] = [
      [declinedToken, /declined/],
      [expiredToken, /expired/],
      [revokedToken, /withdrawn/],
      [replacedToken, /not valid/],
      ["A".repeat(43), /not valid/],
      ["short", /not valid/],
    ];
    for (const [token, message] of cases) {
      expect(await acceptInvitation(invitee, token, deps())).toMatchObject({
        ok: false,
        error: { message: expect.stringMatching(message) },
      });
      expect(await declineInvitation(invitee, token, deps())).toMatchObject({ ok: false });
    }
    expect(await snapshot(owner.tenantId)).toEqual(before);
    // The resent link works.
    expect(await acceptInvitation(invitee, await tokenFromMail("sam@example.test"), deps())).toMatchObject({ ok: true });
  });

  it("admins invite members only; members cannot invite; refusals change nothing", async () => {
    const owner = await h.seedMember("owner");
    const admin = await person(null);
    const viewer = await person(null);
    await addMembership(owner.tenantId, admin, "admin");
    await addMembership(owner.tenantId, viewer, "member");
    const before = await snapshot(owner.tenantId);
    for (const role of ["owner", "admin"] as const) {
      expect(await invite({ userId: admin, slug: owner.slug }, "up@example.test", role)).toMatchObject({
        ok: false,
        error: { code: "forbidden" },
      });
    }
    expect(await invite({ userId: viewer, slug: owner.slug }, "up@example.test", "member")).toMatchObject({
      ok: false,
      error: { code: "forbidden" },
    });
    expect(await snapshot(owner.tenantId)).toEqual(before);
    expect(mailsTo("up@example.test")).toHaveLength(0);
    expect(await invite({ userId: admin, slug: owner.slug }, "up@example.test", "member")).toMatchObject({ ok: true });
  });

  it("refuses control characters (NUL) in an email with 422 and writes nothing", async () => {
    const owner = await h.seedMember("owner");
    const before = await snapshot(owner.tenantId);
    const cookie = await sessionCookie(owner.userId);
    for (const email of ["nul\u0000@example.test", "tab\t@example.test", "a@example.test\u0000"]) {
      const res = await inviteRoute(
        post(`/api/t/${owner.slug}/invitations`, cookie, { email, role: "member" }),
        params({ slug: owner.slug }),
      );
      expect(res.status).toBe(422);
      expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(/control characters|email address/);
    }
    expect(await snapshot(owner.tenantId)).toEqual(before);
  });
});

describe("managing members", () => {
  it("changes a role; the last owner cannot be demoted, removed or leave; nothing changes on refusal", async () => {
    const owner = await h.seedMember("owner");
    const [ownerMembership] = (await h.db.owner.query<{ id: string }>(`SELECT id FROM memberships WHERE tenant_id = $1`, [owner.tenantId]))
      .rows;
    const bob = await person(null);
    const bobMembership = await addMembership(owner.tenantId, bob, "member");
    expect(
      await as(owner, "members.manage", (a) => changeMemberRole(a, { membershipId: bobMembership, role: "admin" }, deps())),
    ).toMatchObject({
      ok: true,
      value: { role: "admin" },
    });

    const before = await snapshot(owner.tenantId);
    expect(
      await as(owner, "members.manage", (a) => changeMemberRole(a, { membershipId: ownerMembership!.id, role: "member" }, deps())),
    ).toMatchObject({ ok: false, error: { code: "conflict", message: expect.stringMatching(/at least one owner/) } });
    expect(await as(owner, "workspace.view", (a) => leaveWorkspace(a, deps()))).toMatchObject({ ok: false, error: { code: "conflict" } });
    // Through the route: 409, one format.
    const res = await changeRoleRoute(
      post(`/api/t/${owner.slug}/members/${ownerMembership!.id}/role`, await sessionCookie(owner.userId), { role: "admin" }),
      params({ slug: owner.slug, membershipId: ownerMembership!.id }),
    );
    expect(res.status).toBe(409);
    // An admin may not change roles.
    expect(
      await as({ userId: bob, slug: owner.slug }, "members.manage", (a) =>
        removeMember(a, { membershipId: ownerMembership!.id, connections: "keep" }, deps()),
      ),
    ).toMatchObject({
      ok: false,
      error: { code: "forbidden" },
    });
    expect(await snapshot(owner.tenantId)).toEqual(before);
  });

  it("two owners demoting each other at once: one stays owner (the members lock)", async () => {
    const a = await h.seedMember("owner");
    const b = await person(null);
    const bMembership = await addMembership(a.tenantId, b, "owner");
    const [aMembership] = (await h.db.owner.query<{ id: string }>(`SELECT id FROM memberships WHERE user_id = $1`, [a.userId])).rows;
    const results = await Promise.all([
      as(a, "members.manage", (x) => changeMemberRole(x, { membershipId: bMembership, role: "member" }, deps())),
      as({ userId: b, slug: a.slug }, "members.manage", (x) =>
        changeMemberRole(x, { membershipId: aMembership!.id, role: "member" }, deps()),
      ),
    ]);
    const { rows } = await h.db.owner.query(
      `SELECT count(*)::int AS n FROM memberships WHERE tenant_id = $1 AND role = 'owner' AND deleted_at IS NULL`,
      [a.tenantId],
    );
    expect(rows[0]).toEqual({ n: 1 });
    expect(results.filter((r) => r.ok)).toHaveLength(1);
  });

  it("removing keeps the connections working (marked as a former member's) or disconnects them, in one transaction, audited", async () => {
    const owner = await h.seedMember("owner");
    const keepMe = await person(null);
    const dropMe = await person(null);
    const keepMembership = await addMembership(owner.tenantId, keepMe, "admin");
    const dropMembership = await addMembership(owner.tenantId, dropMe, "admin");
    const kept = await seedTokens(h.db.owner, { tenantId: owner.tenantId, userId: keepMe });
    const dropped = await seedTokens(h.db.owner, { tenantId: owner.tenantId, userId: dropMe });

    expect(
      await as(owner, "members.manage", (a) => removeMember(a, { membershipId: keepMembership, connections: "keep" }, deps())),
    ).toMatchObject({ ok: true, value: { connections: "keep", identitiesDisconnected: 0 } });
    expect(
      await as(owner, "members.manage", (a) => removeMember(a, { membershipId: dropMembership, connections: "disconnect" }, deps())),
    ).toMatchObject({ ok: true, value: { connections: "disconnect", identitiesDisconnected: 1 } });

    const q = async (sql: string, p: unknown[]) => (await h.db.owner.query(sql, p)).rows;
    expect(await q(`SELECT deleted_at IS NULL AS live FROM social_identities WHERE id = $1`, [kept.identityId])).toEqual([{ live: true }]);
    expect(await q(`SELECT deleted_at IS NULL AS live FROM social_identities WHERE id = $1`, [dropped.identityId])).toEqual([
      { live: false },
    ]);
    expect(
      await q(`SELECT count(*)::int AS n FROM ad_tokens WHERE social_identity_id = $1 AND deleted_at IS NULL`, [dropped.identityId]),
    ).toEqual([{ n: 0 }]);
    const audit = await q(
      `SELECT action, details->>'connections' AS c FROM audit_events WHERE tenant_id = $1 AND action = 'member.removed' ORDER BY created_at`,
      [owner.tenantId],
    );
    expect(audit).toEqual([
      { action: "member.removed", c: "keep" },
      { action: "member.removed", c: "disconnect" },
    ]);
    // Their access ended at once.
    expect(
      await as({ userId: keepMe, slug: owner.slug }, "workspace.view", async () => ({ ok: true, value: 1 }) as Result<number>),
    ).toMatchObject({
      ok: false,
      error: { code: "not_found" },
    });
  });
});

describe("sessions that end", () => {
  async function signedIn() {
    const owner = await h.seedMember("owner");
    const sid = randomUUID();
    const cookie = await sessionCookie(owner.userId, { sid });
    const call = (c: string) =>
      createWorkspaceRoute(post(`/api/t`, c, { name: "" }), { params: Promise.resolve(undefined) }).then((r) => r.status);
    const [m] = (await h.db.owner.query<{ id: string }>(`SELECT id FROM memberships WHERE user_id = $1`, [owner.userId])).rows;
    // Setting the owner's own role to what it is: 200 and no change when the session is live.
    const inWorkspace = (c: string) =>
      changeRoleRoute(
        post(`/api/t/${owner.slug}/members/${m!.id}/role`, c, { role: "owner" }),
        params({ slug: owner.slug, membershipId: m!.id }),
      ).then((r) => r.status);
    return { owner, sid, cookie, call, inWorkspace };
  }

  it("signing out ends that session only; 'sign out everywhere' ends every one", async () => {
    const s = await signedIn();
    const other = await sessionCookie(s.owner.userId);
    // An empty name is a 422 after the session check: a live session.
    expect(await s.call(s.cookie)).toBe(422);
    expect(await s.inWorkspace(s.cookie)).toBe(200);
    await endSession({ id: s.owner.userId, sid: s.sid, gen: 0, exp: Math.floor(Date.now() / 1000) + 3600 }, h.db.app);
    expect(await s.call(s.cookie)).toBe(401);
    expect(await s.inWorkspace(s.cookie)).toBe(401);
    expect(await s.call(other)).toBe(422);

    await endAllSessions(s.owner.userId, h.db.app);
    expect(await s.call(other)).toBe(401);
    expect(await s.inWorkspace(other)).toBe(401);
    // A new sign-in carries the new generation.
    expect(await s.inWorkspace(await sessionCookie(s.owner.userId, { gen: 1 }))).toBe(200);
  });

  it("removal from every workspace ends the person's sessions; removal from one of several does not", async () => {
    const owner = await h.seedMember("owner");
    const other = await h.seedMember("owner");
    const pat = await person(null);
    const m1 = await addMembership(owner.tenantId, pat, "member");
    const m2 = await addMembership(other.tenantId, pat, "member");
    const cookie = await sessionCookie(pat);
    const status = () =>
      createWorkspaceRoute(post(`/api/t`, cookie, { name: "" }), { params: Promise.resolve(undefined) }).then((r) => r.status);
    await as(owner, "members.manage", (a) => removeMember(a, { membershipId: m1, connections: "keep" }, deps()));
    expect(await status()).toBe(422);
    await as(other, "members.manage", (a) => removeMember(a, { membershipId: m2, connections: "keep" }, deps()));
    expect(await status()).toBe(401);
  });
});

describe("limits", () => {
  it("caps the workspaces a person creates (MAX_WORKSPACES_PER_PERSON) and writes nothing past it", async () => {
    const me = await h.seedMember("owner");
    const cookie = await sessionCookie(me.userId);
    const create = (name: string) => createWorkspaceRoute(post(`/api/t`, cookie, { name }), { params: Promise.resolve(undefined) });
    for (const n of [1, 2, 3]) expect((await create(`W${n}`)).status).toBe(200);
    const count = async () =>
      (await h.db.owner.query(`SELECT count(*)::int AS n FROM tenants WHERE created_by = $1`, [me.userId])).rows[0] as { n: number };
    expect(await count()).toEqual({ n: 3 });
    const refused = await create("W4");
    expect(refused.status).toBe(409);
    expect(((await refused.json()) as { error: { message: string } }).error.message).toMatch(/MAX_WORKSPACES_PER_PERSON/);
    expect(await count()).toEqual({ n: 3 });
  });

  it("check now past its rate limit → 429 with Retry-After, and the token is not checked", async () => {
    const owner = await h.seedMember("owner");
    const t = await seedTokens(h.db.owner, owner);
    await consume(CHECK_NOW_POLICY, `${owner.tenantId}:${owner.userId}`, { points: CHECK_NOW_POLICY.points });
    const before = await snapshot(owner.tenantId);
    const res = await checkTokenRoute(
      post(`/api/t/${owner.slug}/tokens/${t.userTokenId}/check`, await sessionCookie(owner.userId)),
      params({ slug: owner.slug, tokenId: t.userTokenId }),
    );
    expect(res.status).toBe(429);
    expect(Number(res.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe("rate_limited");
    expect(await snapshot(owner.tenantId)).toEqual(before);
  });

  it("invitations and workspace creation past their rate limits → 429 with Retry-After, nothing written, no mail", async () => {
    const owner = await h.seedMember("owner");
    const cookie = await sessionCookie(owner.userId);
    await consume(INVITATIONS_POLICY, `${owner.tenantId}:${owner.userId}`, { points: INVITATIONS_POLICY.points });
    const before = await snapshot(owner.tenantId);
    const res = await inviteRoute(
      post(`/api/t/${owner.slug}/invitations`, cookie, { email: "limited@example.test", role: "member" }),
      params({ slug: owner.slug }),
    );
    expect(res.status).toBe(429);
    expect(Number(res.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(await snapshot(owner.tenantId)).toEqual(before);
    expect(mailsTo("limited@example.test")).toHaveLength(0);

    await consume(WORKSPACE_CREATION_POLICY, owner.userId, { points: WORKSPACE_CREATION_POLICY.points });
    const count = async () => (await h.db.owner.query(`SELECT count(*)::int AS n FROM tenants`)).rows[0] as { n: number };
    const tenantsBefore = await count();
    const created = await createWorkspaceRoute(post(`/api/t`, cookie, { name: "Too many" }), { params: Promise.resolve(undefined) });
    expect(created.status).toBe(429);
    expect(Number(created.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(await count()).toEqual(tenantsBefore);
  });
});
