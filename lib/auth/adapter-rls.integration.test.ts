import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { randomUUID } from "node:crypto";
import { startConnectHarness, type ConnectHarness } from "../../test/support/connect-harness";
import { withTenant, withUser } from "../db/tenant-transaction";
import { createAuthAdapter } from "./adapter";

/**
 * Security finding: the Auth.js tables had no RLS and the app role could read every person's email with no context.
 * Now: no context → no rows; a person's context → their own rows; a workspace's context → its members. Sign-in's
 * lookups go through SECURITY DEFINER functions, and the adapter still signs people up and in.
 */

let h: ConnectHarness;

beforeAll(async () => {
  h = await startConnectHarness();
});

afterAll(async () => {
  await h?.close();
});

const users = async () => (await h.db.owner.query(`SELECT id, name, email FROM users ORDER BY id`)).rows;
const accounts = async () => (await h.db.owner.query(`SELECT user_id, provider, provider_account_id FROM accounts ORDER BY id`)).rows;

describe("Auth.js tables under RLS", () => {
  it("the app role reads no one's email without a context, and changes no one", async () => {
    const m = await h.seedMember();
    await h.db.owner.query(`UPDATE users SET email = $2 WHERE id = $1`, [m.userId, `${m.slug}@example.test`]);
    await h.db.owner.query(`INSERT INTO accounts (user_id, type, provider, provider_account_id) VALUES ($1, 'oauth', 'facebook', $2)`, [
      m.userId,
      `fb-${m.slug}`,
    ]);
    const before = { users: await users(), accounts: await accounts() };
    expect(await h.db.app.$queryRaw`SELECT id, email FROM users`).toEqual([]);
    expect(await h.db.app.$queryRaw`SELECT id FROM accounts`).toEqual([]);
    expect(await h.db.app.$queryRaw`SELECT * FROM sessions`).toEqual([]);
    expect(await h.db.app.$queryRaw`SELECT * FROM verification_tokens`).toEqual([]);
    expect(await h.db.app.$executeRaw`UPDATE users SET email = 'stolen@example.test'`).toBe(0);
    expect(await h.db.app.$executeRaw`DELETE FROM accounts`).toBe(0);
    expect({ users: await users(), accounts: await accounts() }).toEqual(before);
  });

  it("a person sees their own row; a workspace's context shows its members, not other people", async () => {
    const a = await h.seedMember();
    const stranger = await h.seedMember();
    const fellow = randomUUID();
    await h.db.owner.query(`INSERT INTO users (id, name, email) VALUES ($1, 'Fellow', 'fellow@example.test')`, [fellow]);
    await h.db.owner.query(`INSERT INTO memberships (tenant_id, user_id, role) VALUES ($1, $2, 'member')`, [a.tenantId, fellow]);
    const seen = (rows: { id: string }[]) => rows.map((r) => r.id).sort();
    const own = await withUser(a.userId, (tx) => tx.$queryRaw<{ id: string }[]>`SELECT id FROM users`, { client: h.db.app });
    expect(seen(own)).toEqual([a.userId]);
    const inWorkspace = await withTenant(a.tenantId, (tx) => tx.$queryRaw<{ id: string }[]>`SELECT id FROM users`, { client: h.db.app });
    expect(seen(inWorkspace)).toEqual([a.userId, fellow].sort());
    expect(seen(inWorkspace)).not.toContain(stranger.userId);
  });

  it("the adapter still signs a new person up (create, link) and finds them by account, email and id", async () => {
    const adapter = createAuthAdapter(h.db.app);
    const ext = `fb-${randomUUID().slice(0, 8)}`;
    expect(await adapter.getUserByAccount!({ provider: "facebook", providerAccountId: ext })).toBeNull();
    const email = `${ext}@example.test`;
    expect(await adapter.getUserByEmail!(email)).toBeNull();
    const created = await adapter.createUser!({ id: "ignored", name: "New Person", email, emailVerified: null, image: null });
    expect(created).toMatchObject({ name: "New Person", email });
    await adapter.linkAccount!({
      userId: created.id,
      type: "oauth",
      provider: "facebook",
      providerAccountId: ext,
      access_token: "secret-token",
    });
    expect(await adapter.getUserByAccount!({ provider: "facebook", providerAccountId: ext })).toMatchObject({ id: created.id, email });
    expect(await adapter.getUserByEmail!(email)).toMatchObject({ id: created.id });
    expect(await adapter.getUser!(created.id)).toMatchObject({ id: created.id, name: "New Person" });
    expect(await adapter.updateUser!({ id: created.id, name: "Renamed" })).toMatchObject({ name: "Renamed" });
    // No provider token was stored anywhere in accounts.
    const { rows } = await h.db.owner.query(`SELECT * FROM accounts WHERE provider_account_id = $1`, [ext]);
    expect(JSON.stringify(rows)).not.toContain("secret-token");
  });
});
