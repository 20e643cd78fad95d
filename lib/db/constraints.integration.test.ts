import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dbRejection, SQLSTATE } from "../../test/support/db-errors";
import { seedTenant, seedTokens } from "../../test/support/fixtures";
import { createTestDatabase, type TestDatabase } from "../../test/support/test-database";
import type { Prisma } from "./generated/client";
import { withTenant, type Tx } from "./tenant-transaction";

/**
 * The ad_tokens / facebook_pages invariants that live in the migrations (partial unique indexes, CHECK,
 * composite foreign keys, no default for token_type, text[] tasks), exercised as the app role in a tenant
 * transaction. Each test seeds its own tenant, so tests do not depend on each other's rows.
 */

let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase();
});

afterAll(async () => {
  await db?.drop();
});

type Fresh = Awaited<ReturnType<typeof seedTenant>> & Awaited<ReturnType<typeof seedTokens>>;

/** A tenant with one identity, one active user token, one page and its active page token. */
async function freshTenant(): Promise<Fresh> {
  const t = await seedTenant(db.owner);
  return { ...t, ...(await seedTokens(db.owner, t, 1)) };
}

async function newUser(): Promise<string> {
  const id = randomUUID();
  await db.owner.query(`INSERT INTO users (id) VALUES ($1)`, [id]);
  return id;
}

function asTenant<T>(t: Fresh, fn: (tx: Tx) => Promise<T>): Promise<T> {
  return withTenant(t.tenantId, fn, { client: db.app });
}

function userToken(t: Fresh, extra: Partial<Prisma.AdTokenUncheckedCreateInput> = {}): Prisma.AdTokenUncheckedCreateInput {
  return {
    tenantId: t.tenantId,
    userId: t.userId,
    platform: "facebook",
    tokenType: "user",
    socialIdentityId: t.identityId,
    ciphertext: new Uint8Array([1, 2, 3]),
    keyId: "k1",
    ...extra,
  };
}

function pageToken(t: Fresh, facebookPageId: string | undefined, extra: Partial<Prisma.AdTokenUncheckedCreateInput> = {}) {
  return userToken(t, { tokenType: "page", facebookPageId, ...extra });
}

/** Owner-side counts of a tenant's tokens (RLS does not hide anything from the owner). */
async function tokenCounts(tenantId: string): Promise<{ total: number; activeUser: number; activePage: number }> {
  const { rows } = await db.owner.query<{ total: number; active_user: number; active_page: number }>(
    `SELECT count(*)::int AS total,
            count(*) FILTER (WHERE deleted_at IS NULL AND token_type = 'user')::int AS active_user,
            count(*) FILTER (WHERE deleted_at IS NULL AND token_type = 'page')::int AS active_page
       FROM ad_tokens WHERE tenant_id = $1`,
    [tenantId],
  );
  const r = rows[0]!;
  return { total: r.total, activeUser: r.active_user, activePage: r.active_page };
}

describe("one active token per slot (partial unique indexes)", () => {
  it("a second active user token for the same tenant/user/platform is refused and the count stays 1", async () => {
    const t = await freshTenant();
    const before = await tokenCounts(t.tenantId);
    expect(before.activeUser).toBe(1);

    const refused = await dbRejection(asTenant(t, (tx) => tx.adToken.create({ data: userToken(t) })));

    expect(refused.sqlState).toBe(SQLSTATE.uniqueViolation);
    expect(refused.message).toContain("ad_tokens_one_active_user_token");
    expect(await tokenCounts(t.tenantId)).toEqual(before);
  });

  it("several page tokens for different pages are accepted, but a second active token for the same page is not", async () => {
    const t = await freshTenant();

    await asTenant(t, async (tx) => {
      for (const n of [1, 2]) {
        const page = await tx.facebookPage.create({ data: { tenantId: t.tenantId, pageId: `extra-${n}`, name: `Extra ${n}` } });
        await tx.adToken.create({ data: pageToken(t, page.id) });
      }
    });
    expect((await tokenCounts(t.tenantId)).activePage).toBe(3);

    const refused = await dbRejection(asTenant(t, (tx) => tx.adToken.create({ data: pageToken(t, t.pageIds[0]) })));
    expect(refused.sqlState).toBe(SQLSTATE.uniqueViolation);
    expect(refused.message).toContain("ad_tokens_one_active_page_token");
    expect((await tokenCounts(t.tenantId)).activePage).toBe(3);
  });

  it("a soft-deleted user token (deleted_at set) frees the slot for the reconnect's new token", async () => {
    const t = await freshTenant();

    const fresh = await asTenant(t, async (tx) => {
      await tx.adToken.update({ where: { id: t.userTokenId }, data: { deletedAt: new Date() } });
      return tx.adToken.create({ data: userToken(t) });
    });

    expect(await tokenCounts(t.tenantId)).toEqual({ total: 3, activeUser: 1, activePage: 1 });
    const { rows } = await db.owner.query<{ id: string }>(
      `SELECT id FROM ad_tokens WHERE tenant_id = $1 AND token_type = 'user' AND deleted_at IS NULL`,
      [t.tenantId],
    );
    expect(rows).toEqual([{ id: fresh.id }]);
  });
});

describe("page tokens have a page, user tokens do not (CHECK ad_tokens_page_token_has_page)", () => {
  it("a page token without a page is refused", async () => {
    const t = await freshTenant();
    const before = await tokenCounts(t.tenantId);

    const refused = await dbRejection(asTenant(t, (tx) => tx.adToken.create({ data: pageToken(t, undefined) })));

    expect(refused.sqlState).toBe(SQLSTATE.checkViolation);
    expect(refused.message).toContain("ad_tokens_page_token_has_page");
    expect(await tokenCounts(t.tenantId)).toEqual(before);
  });

  it("a user token with a page is refused", async () => {
    const t = await freshTenant();
    const before = await tokenCounts(t.tenantId);
    const anotherUser = await newUser(); // a free user-token slot, so only the CHECK can object

    const refused = await dbRejection(
      asTenant(t, (tx) => tx.adToken.create({ data: userToken(t, { userId: anotherUser, facebookPageId: t.pageIds[0] }) })),
    );

    expect(refused.sqlState).toBe(SQLSTATE.checkViolation);
    expect(refused.message).toContain("ad_tokens_page_token_has_page");
    expect(await tokenCounts(t.tenantId)).toEqual(before);
  });
});

describe("token_type has no database default", () => {
  it("is NOT NULL without a column default in the catalog", async () => {
    const { rows } = await db.owner.query(
      `SELECT is_nullable, column_default, udt_name FROM information_schema.columns
        WHERE table_schema = 'public' AND table_name = 'ad_tokens' AND column_name = 'token_type'`,
    );
    expect(rows).toEqual([{ is_nullable: "NO", column_default: null, udt_name: "token_type" }]);
  });

  it("an INSERT that omits token_type fails with a not-null violation and inserts nothing", async () => {
    const t = await freshTenant();
    const before = await tokenCounts(t.tenantId);
    const anotherUser = await newUser();

    const refused = await dbRejection(
      asTenant(t, (tx) =>
        tx.$executeRawUnsafe(
          `INSERT INTO ad_tokens (tenant_id, user_id, platform, social_identity_id, ciphertext, key_id)
           VALUES ($1::uuid, $2::uuid, 'facebook', $3::uuid, '\\x00', 'k1')`,
          t.tenantId,
          anotherUser,
          t.identityId,
        ),
      ),
    );

    expect(refused.sqlState).toBe(SQLSTATE.notNullViolation);
    expect(refused.message).toContain(`column "token_type"`);
    expect(await tokenCounts(t.tenantId)).toEqual(before);
  });

  it("the Prisma client requires tokenType too (type error, and a validation error at run time)", async () => {
    const t = await freshTenant();
    const before = await tokenCounts(t.tenantId);
    const { tokenType: _omitted, ...withoutType } = userToken(t, { userId: await newUser() });

    const attempt = asTenant(t, (tx) =>
      // @ts-expect-error tokenType is required: the writer always says which kind of token it stores
      tx.adToken.create({ data: withoutType }),
    );

    await expect(attempt).rejects.toThrow(/tokenType/);
    expect(await tokenCounts(t.tenantId)).toEqual(before);
  });
});

describe("FacebookPage.tasks", () => {
  it("round-trips as a JS string[] through Prisma and is text[] in the database", async () => {
    const t = await freshTenant();
    const tasks = ["ANALYZE", "ADVERTISE", 'with, a comma and "quotes"'];

    const { created, reread, defaulted } = await asTenant(t, async (tx) => {
      const created = await tx.facebookPage.create({ data: { tenantId: t.tenantId, pageId: "tasks-1", name: "Tasks", tasks } });
      const reread = await tx.facebookPage.findUniqueOrThrow({ where: { id: created.id } });
      const defaulted = await tx.facebookPage.create({ data: { tenantId: t.tenantId, pageId: "tasks-2", name: "No tasks" } });
      return { created, reread, defaulted };
    });

    expect(created.tasks).toEqual(tasks);
    expect(Array.isArray(reread.tasks)).toBe(true);
    expect(reread.tasks).toEqual(tasks);
    expect(defaulted.tasks).toEqual([]);

    const { rows } = await db.owner.query(`SELECT tasks, pg_typeof(tasks)::text AS type FROM facebook_pages WHERE id = $1`, [created.id]);
    expect(rows).toEqual([{ tasks, type: "text[]" }]);
    const columns = await db.owner.query(
      `SELECT data_type, udt_name, is_nullable FROM information_schema.columns
        WHERE table_schema = 'public' AND table_name = 'facebook_pages' AND column_name = 'tasks'`,
    );
    expect(columns.rows).toEqual([{ data_type: "ARRAY", udt_name: "_text", is_nullable: "NO" }]);
  });
});

describe("a token's page and identity belong to the token's tenant (composite foreign keys)", () => {
  it("a page token pointing to another tenant's page is refused", async () => {
    const t = await freshTenant();
    const other = await freshTenant();
    const before = await tokenCounts(t.tenantId);

    const refused = await dbRejection(asTenant(t, (tx) => tx.adToken.create({ data: pageToken(t, other.pageIds[0]) })));

    expect(refused.sqlState).toBe(SQLSTATE.foreignKeyViolation);
    expect(refused.message).toContain("ad_tokens_page_same_tenant");
    expect(await tokenCounts(t.tenantId)).toEqual(before);
  });

  it("a token pointing to another tenant's social identity is refused", async () => {
    const t = await freshTenant();
    const other = await freshTenant();
    const before = await tokenCounts(t.tenantId);

    const refused = await dbRejection(
      asTenant(t, (tx) => tx.adToken.create({ data: userToken(t, { platform: "tiktok", socialIdentityId: other.identityId }) })),
    );

    expect(refused.sqlState).toBe(SQLSTATE.foreignKeyViolation);
    expect(refused.message).toContain("ad_tokens_identity_same_tenant");
    expect(await tokenCounts(t.tenantId)).toEqual(before);
  });
});
