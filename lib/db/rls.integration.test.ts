import { randomBytes, randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dbRejection, SQLSTATE } from "../../test/support/db-errors";
import { seedTenant, seedTokens } from "../../test/support/fixtures";
import { createTestDatabase, type TestDatabase } from "../../test/support/test-database";
import { inspectRole, UnsafeDatabaseRoleError } from "./assert-app-role";
import { closePrismaClient, createPrismaClient, type Db } from "./client";
import { withCredentials } from "./provision";
import { withTenant, withUser } from "./tenant-transaction";

/**
 * Tenant isolation enforced by PostgreSQL itself (row-level security + privileges), exercised as the app's
 * login role. Every refusal is followed by an owner-side check that nothing changed.
 */

const TENANT_TABLES = ["memberships", "social_identities", "facebook_pages", "ad_tokens", "connect_attempts", "audit_events"] as const;
type TenantTable = (typeof TENANT_TABLES)[number];

type Seeded = Awaited<ReturnType<typeof seedTenant>> & Awaited<ReturnType<typeof seedTokens>>;

let db: TestDatabase;
let ownerClient: Db;
let a: Seeded;
let b: Seeded;
/** A second tenant of A's user (withUser must list it) and another member of tenant A (withUser must not). */
let aUsersOtherTenantId: string;
let otherMemberOfA: string;

beforeAll(async () => {
  // A pool of ONE connection: the leak test then provably reuses the connection the tenant transaction used.
  db = await createTestDatabase({ poolMax: 1 });
  ownerClient = createPrismaClient(db.ownerUrl, { max: 1 });
  const ta = await seedTenant(db.owner);
  a = { ...ta, ...(await seedTokens(db.owner, ta, 2)) };
  const tb = await seedTenant(db.owner);
  b = { ...tb, ...(await seedTokens(db.owner, tb, 2)) };
  aUsersOtherTenantId = (await seedTenant(db.owner, { userId: a.userId })).tenantId;
  otherMemberOfA = randomUUID();
  await db.owner.query(`INSERT INTO users (id, name) VALUES ($1, 'Other member')`, [otherMemberOfA]);
  await db.owner.query(`INSERT INTO memberships (tenant_id, user_id, role) VALUES ($1, $2, 'member')`, [a.tenantId, otherMemberOfA]);
});

afterAll(async () => {
  if (ownerClient) await closePrismaClient(ownerClient);
  await db?.drop();
});

// ------------------------------------------------------------------------------------------- owner-side views

async function ownerCount(table: TenantTable, tenantId?: string): Promise<number> {
  const { rows } = tenantId
    ? await db.owner.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table} WHERE tenant_id = $1`, [tenantId])
    : await db.owner.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`);
  return rows[0]!.n;
}

/** Every row of every tenant-owned table belonging to a tenant, as the owner sees them. */
async function ownerSnapshot(tenantId: string): Promise<Record<TenantTable, unknown[]>> {
  const entries = await Promise.all(
    TENANT_TABLES.map(
      async (t) => [t, (await db.owner.query(`SELECT * FROM ${t} WHERE tenant_id = $1 ORDER BY id`, [tenantId])).rows] as const,
    ),
  );
  return Object.fromEntries(entries) as Record<TenantTable, unknown[]>;
}

async function ownerTenantOf(table: TenantTable, id: string): Promise<string | undefined> {
  const { rows } = await db.owner.query<{ tenant_id: string }>(`SELECT tenant_id FROM ${table} WHERE id = $1`, [id]);
  return rows[0]?.tenant_id;
}

// ------------------------------------------------------------------------------------------- the role itself

describe("the app role", () => {
  it("is not superuser, not BYPASSRLS, owns no table, and inspectRole accepts it", async () => {
    const [facts] = await db.app.$queryRaw<{ role: string; rolsuper: boolean; rolbypassrls: boolean; owned: number }[]>`
      SELECT current_user::text AS role, r.rolsuper, r.rolbypassrls,
             (SELECT count(*)::int FROM pg_class c
               WHERE c.relnamespace = 'public'::regnamespace AND pg_has_role(current_user, c.relowner, 'USAGE')) AS owned
        FROM pg_roles r WHERE r.rolname = current_user`;
    expect(facts).toEqual({ role: db.appRole, rolsuper: false, rolbypassrls: false, owned: 0 });
    await expect(inspectRole(db.app)).resolves.toBeUndefined();
  });

  it("every tenant-owned table has row-level security ENABLEd and FORCEd", async () => {
    const { rows } = await db.owner.query<{ relname: string; relrowsecurity: boolean; relforcerowsecurity: boolean }>(
      `SELECT relname, relrowsecurity, relforcerowsecurity FROM pg_class
        WHERE relnamespace = 'public'::regnamespace AND relname = ANY($1) ORDER BY relname`,
      [TENANT_TABLES],
    );
    expect(rows).toEqual([...TENANT_TABLES].sort().map((relname) => ({ relname, relrowsecurity: true, relforcerowsecurity: true })));
  });

  it("inspectRole rejects a client connected as the owner (a superuser here)", async () => {
    const err = await inspectRole(ownerClient).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(UnsafeDatabaseRoleError);
    expect((err as Error).message).toMatch(/is a superuser/);
  });

  it("withTenant refuses an owner client before running the callback: nothing read, nothing written", async () => {
    const auditBefore = await ownerCount("audit_events", a.tenantId);
    let callbackRan = false;

    const attempt = withTenant(
      a.tenantId,
      async (tx) => {
        callbackRan = true;
        await tx.auditEvent.create({ data: { tenantId: a.tenantId, action: "should-not-happen", targetType: "test" } });
        return tx.adToken.findMany();
      },
      { client: ownerClient },
    );

    await expect(attempt).rejects.toBeInstanceOf(UnsafeDatabaseRoleError);
    expect(callbackRan).toBe(false);
    expect(await ownerCount("audit_events", a.tenantId)).toBe(auditBefore);
  });
});

// ------------------------------------------------------------------------------------------- no context

describe("without a tenant context", () => {
  it.each(TENANT_TABLES)("%s: the app role sees 0 rows although the owner sees some", async (table) => {
    expect(await ownerCount(table)).toBeGreaterThan(0);
    const rows = await db.app.$queryRawUnsafe<{ n: number }[]>(`SELECT count(*)::int AS n FROM ${table}`);
    expect(rows).toEqual([{ n: 0 }]);
  });

  it("Prisma model queries see nothing either", async () => {
    expect(await db.app.adToken.count()).toBe(0);
    expect(await db.app.facebookPage.findMany()).toEqual([]);
  });

  it("a write is refused by the WITH CHECK policy and nothing is inserted", async () => {
    const before = await ownerCount("audit_events");
    const refused = await dbRejection(
      db.app.$executeRawUnsafe(`INSERT INTO audit_events (tenant_id, action, target_type) VALUES ($1::uuid, 'x', 'y')`, a.tenantId),
    );
    expect(refused).toMatchObject({ sqlState: SQLSTATE.insufficientPrivilege, message: expect.stringMatching(/row-level security/) });
    expect(await ownerCount("audit_events")).toBe(before);
  });

  it("tenants is a global directory (not tenant-isolated): readable without any context", async () => {
    const tenants = await db.app.tenant.findMany({ where: { id: { in: [a.tenantId, b.tenantId] } }, orderBy: { slug: "asc" } });
    expect(tenants.map((t) => t.id).sort()).toEqual([a.tenantId, b.tenantId].sort());
  });
});

// ------------------------------------------------------------------------------------------- tenant A's context

describe("in tenant A's context", () => {
  it("every tenant-owned table shows exactly A's rows", async () => {
    const seen = await withTenant(
      a.tenantId,
      async (tx) => {
        const out: Partial<Record<TenantTable, string[]>> = {};
        for (const t of TENANT_TABLES) {
          const rows = await tx.$queryRawUnsafe<{ tenant_id: string }[]>(`SELECT tenant_id::text AS tenant_id FROM ${t}`);
          out[t] = rows.map((r) => r.tenant_id);
        }
        return out;
      },
      { client: db.app },
    );
    for (const t of TENANT_TABLES) {
      const expected = await ownerCount(t, a.tenantId);
      expect(expected, t).toBeGreaterThan(0);
      expect(seen[t], t).toEqual(Array<string>(expected).fill(a.tenantId));
    }
  });

  it("cannot read B's rows by id (while B's own context can)", async () => {
    const lookup = (tenantId: string) =>
      withTenant(
        tenantId,
        async (tx) => ({
          token: await tx.adToken.findUnique({ where: { id: b.userTokenId } }),
          page: await tx.facebookPage.findUnique({ where: { id: b.pageIds[0]! } }),
          identity: await tx.socialIdentity.findUnique({ where: { id: b.identityId } }),
          raw: await tx.$queryRawUnsafe<{ id: string }[]>(`SELECT id::text FROM ad_tokens WHERE id = $1::uuid`, b.pageTokenIds[0]),
        }),
        { client: db.app },
      );

    expect(await lookup(a.tenantId)).toEqual({ token: null, page: null, identity: null, raw: [] });
    const asB = await lookup(b.tenantId);
    expect([asB.token?.id, asB.page?.id, asB.identity?.id, asB.raw[0]?.id]).toEqual([
      b.userTokenId,
      b.pageIds[0],
      b.identityId,
      b.pageTokenIds[0],
    ]);
  });

  it("UPDATE of B's rows affects 0 rows and B's rows are unchanged", async () => {
    const before = await ownerSnapshot(b.tenantId);

    const counts = await withTenant(
      a.tenantId,
      async (tx) => ({
        tokens: (await tx.adToken.updateMany({ where: { tenantId: b.tenantId }, data: { lastError: "pwned", status: "revoked" } })).count,
        pages: await tx.$executeRawUnsafe(`UPDATE facebook_pages SET name = 'pwned' WHERE id = $1::uuid`, b.pageIds[0]),
        identities: await tx.$executeRawUnsafe(`UPDATE social_identities SET name = 'pwned' WHERE tenant_id = $1::uuid`, b.tenantId),
        memberships: await tx.$executeRawUnsafe(`UPDATE memberships SET role = 'member' WHERE tenant_id = $1::uuid`, b.tenantId),
      }),
      { client: db.app },
    );

    expect(counts).toEqual({ tokens: 0, pages: 0, identities: 0, memberships: 0 });
    expect(await ownerSnapshot(b.tenantId)).toEqual(before);
  });

  // Each INSERT is otherwise valid for tenant B (its foreign keys point at B's rows): only the policy refuses it.
  const insertsIntoB: Record<TenantTable, { sql: string; params: () => string[] }> = {
    memberships: {
      sql: `INSERT INTO memberships (tenant_id, user_id, role) VALUES ($1::uuid, $2::uuid, 'owner')`,
      params: () => [b.tenantId, a.userId],
    },
    social_identities: {
      sql: `INSERT INTO social_identities (tenant_id, user_id, platform, external_user_id) VALUES ($1::uuid, $2::uuid, 'facebook', 'evil')`,
      params: () => [b.tenantId, a.userId],
    },
    facebook_pages: {
      sql: `INSERT INTO facebook_pages (tenant_id, page_id, name) VALUES ($1::uuid, 'evil', 'evil')`,
      params: () => [b.tenantId],
    },
    ad_tokens: {
      sql: `INSERT INTO ad_tokens (tenant_id, user_id, platform, token_type, social_identity_id, ciphertext, key_id)
            VALUES ($1::uuid, $2::uuid, 'tiktok', 'user', $3::uuid, '\\x00', 'k1')`,
      params: () => [b.tenantId, b.userId, b.identityId],
    },
    connect_attempts: {
      sql: `INSERT INTO connect_attempts (tenant_id, user_id, platform, outcome, message) VALUES ($1::uuid, $2::uuid, 'facebook', 'failed', 'evil')`,
      params: () => [b.tenantId, a.userId],
    },
    audit_events: {
      sql: `INSERT INTO audit_events (tenant_id, action, target_type) VALUES ($1::uuid, 'evil', 'tenant')`,
      params: () => [b.tenantId],
    },
  };

  it.each(TENANT_TABLES)("INSERT into %s with tenant_id = B is refused (WITH CHECK) and nothing is inserted", async (table) => {
    const before = await ownerCount(table, b.tenantId);
    const { sql, params } = insertsIntoB[table];

    const refused = await dbRejection(withTenant(a.tenantId, (tx) => tx.$executeRawUnsafe(sql, ...params()), { client: db.app }));

    expect(refused.sqlState).toBe(SQLSTATE.insufficientPrivilege);
    expect(refused.message).toBe(`new row violates row-level security policy for table "${table}"`);
    expect(await ownerCount(table, b.tenantId)).toBe(before);
  });

  it("a Prisma create with tenantId = B is refused the same way", async () => {
    const before = await ownerCount("facebook_pages", b.tenantId);
    const refused = await dbRejection(
      withTenant(a.tenantId, (tx) => tx.facebookPage.create({ data: { tenantId: b.tenantId, pageId: "evil", name: "evil" } }), {
        client: db.app,
      }),
    );
    expect(refused).toMatchObject({ sqlState: SQLSTATE.insufficientPrivilege, message: expect.stringMatching(/row-level security/) });
    expect(await ownerCount("facebook_pages", b.tenantId)).toBe(before);
  });

  it("moving A's row to B (UPDATE … SET tenant_id = B) is refused and the row stays in A", async () => {
    const { rows } = await db.owner.query<{ id: string }>(`SELECT id FROM memberships WHERE tenant_id = $1 AND user_id = $2`, [
      a.tenantId,
      a.userId,
    ]);
    const membershipId = rows[0]!.id;

    const rawMove = await dbRejection(
      withTenant(
        a.tenantId,
        (tx) => tx.$executeRawUnsafe(`UPDATE memberships SET tenant_id = $1::uuid WHERE id = $2::uuid`, b.tenantId, membershipId),
        { client: db.app },
      ),
    );
    const prismaMove = await dbRejection(
      withTenant(a.tenantId, (tx) => tx.adToken.update({ where: { id: a.userTokenId }, data: { tenantId: b.tenantId } }), {
        client: db.app,
      }),
    );

    expect(rawMove).toMatchObject({
      sqlState: SQLSTATE.insufficientPrivilege,
      message: expect.stringMatching(/row-level security policy for table "memberships"/),
    });
    expect(prismaMove).toMatchObject({
      sqlState: SQLSTATE.insufficientPrivilege,
      message: expect.stringMatching(/row-level security policy for table "ad_tokens"/),
    });
    expect(await ownerTenantOf("memberships", membershipId)).toBe(a.tenantId);
    expect(await ownerTenantOf("ad_tokens", a.userTokenId)).toBe(a.tenantId);
  });

  it.each(TENANT_TABLES)("DELETE FROM %s is refused outright (no privilege: soft delete only) and nothing is deleted", async (table) => {
    const before = await ownerCount(table, a.tenantId);

    const refused = await dbRejection(
      withTenant(a.tenantId, (tx) => tx.$executeRawUnsafe(`DELETE FROM ${table} WHERE tenant_id = $1::uuid`, a.tenantId), {
        client: db.app,
      }),
    );

    expect(refused).toEqual({ sqlState: SQLSTATE.insufficientPrivilege, message: `permission denied for table ${table}` });
    expect(await ownerCount(table, a.tenantId)).toBe(before);
  });

  it("the USING policy also filters DELETE: a role that may delete ad_tokens still deletes 0 of B's rows from A's context", async () => {
    const role = `st_del_${randomBytes(5).toString("hex")}`;
    const password = randomBytes(12).toString("hex");
    await db.owner.query(`CREATE ROLE ${role} LOGIN NOSUPERUSER NOBYPASSRLS PASSWORD '${password}'`);
    await db.owner.query(`GRANT social_app TO ${role}`);
    await db.owner.query(`GRANT DELETE ON ad_tokens TO ${role}`);
    const deleter = createPrismaClient(withCredentials(db.ownerUrl, role, password), { max: 1 });
    try {
      const beforeB = await ownerSnapshot(b.tenantId);
      const rollback = new Error("roll back the control delete");

      let deletedFromB = -1;
      let deletedOwn = -1;
      const outcome = await withTenant(
        a.tenantId,
        async (tx) => {
          deletedFromB = await tx.$executeRawUnsafe(`DELETE FROM ad_tokens WHERE tenant_id = $1::uuid`, b.tenantId);
          // Control: the same role really can delete — A's own token — then the transaction is rolled back.
          deletedOwn = await tx.$executeRawUnsafe(`DELETE FROM ad_tokens WHERE id = $1::uuid`, a.userTokenId);
          throw rollback;
        },
        { client: deleter },
      ).catch((e: unknown) => e);

      expect(outcome).toBe(rollback);
      expect(deletedFromB).toBe(0);
      expect(deletedOwn).toBe(1);
      expect(await ownerSnapshot(b.tenantId)).toEqual(beforeB);
      expect(await ownerTenantOf("ad_tokens", a.userTokenId)).toBe(a.tenantId);
    } finally {
      await closePrismaClient(deleter);
      await db.owner.query(`DROP OWNED BY ${role}`);
      await db.owner.query(`DROP ROLE ${role}`);
    }
  });
});

// ------------------------------------------------------------------------------------------- context lifetime

describe("the tenant context is transaction-local", () => {
  const settingAndPid = () =>
    db.app.$queryRaw<
      { tenant: string | null; pid: number }[]
    >`SELECT current_setting('app.tenant_id', true) AS tenant, pg_backend_pid() AS pid`;

  it("after a committed withTenant, the same pooled connection has no tenant and sees no rows", async () => {
    const inside = await withTenant(
      a.tenantId,
      (tx) => tx.$queryRaw<{ tenant: string; pid: number }[]>`
      SELECT current_setting('app.tenant_id', true) AS tenant, pg_backend_pid() AS pid`,
      { client: db.app },
    );
    expect(inside[0]?.tenant).toBe(a.tenantId);

    const [after] = await settingAndPid();
    expect(after?.pid).toBe(inside[0]?.pid); // pool of one: the very same connection
    expect(["", null]).toContain(after?.tenant);
    expect(await db.app.adToken.count()).toBe(0);
  });

  it("after a withTenant that threw (rolled back), the connection has no tenant either", async () => {
    let pidInside = -1;
    const failure = new Error("boom");
    await expect(
      withTenant(
        a.tenantId,
        async (tx) => {
          pidInside = (await tx.$queryRaw<{ pid: number }[]>`SELECT pg_backend_pid() AS pid`)[0]!.pid;
          throw failure;
        },
        { client: db.app },
      ),
    ).rejects.toBe(failure);

    const [after] = await settingAndPid();
    expect(after?.pid).toBe(pidInside);
    expect(["", null]).toContain(after?.tenant);
  });
});

describe("withUser (user context, no tenant)", () => {
  it("sees only the user's own memberships (across their tenants) and no tenant data", async () => {
    const seen = await withUser(
      a.userId,
      async (tx) => ({
        memberships: await tx.membership.findMany({ select: { tenantId: true, userId: true } }),
        adTokens: await tx.adToken.count(),
        others: await Promise.all(
          (["social_identities", "facebook_pages", "connect_attempts", "audit_events"] as const).map(
            async (t) => (await tx.$queryRawUnsafe<{ n: number }[]>(`SELECT count(*)::int AS n FROM ${t}`))[0]!.n,
          ),
        ),
      }),
      { client: db.app },
    );

    expect(seen.memberships.map((m) => m.userId)).toEqual([a.userId, a.userId]);
    expect(seen.memberships.map((m) => m.tenantId).sort()).toEqual([a.tenantId, aUsersOtherTenantId].sort());
    expect(seen.adTokens).toBe(0);
    expect(seen.others).toEqual([0, 0, 0, 0]);
    // Not vacuous: tenant A has another member, and B has rows, that this user context does not see.
    expect(await db.owner.query(`SELECT 1 FROM memberships WHERE user_id = $1`, [otherMemberOfA])).toHaveProperty("rowCount", 1);
  });

  it("a user context cannot write memberships, not even its own (the user policy is read-only)", async () => {
    const before = await db.owner.query(`SELECT * FROM memberships ORDER BY id`);

    const refused = await dbRejection(
      withUser(a.userId, (tx) => tx.membership.create({ data: { tenantId: b.tenantId, userId: a.userId, role: "owner" } }), {
        client: db.app,
      }),
    );
    const promoted = await withUser(a.userId, (tx) => tx.membership.updateMany({ where: { userId: a.userId }, data: { role: "admin" } }), {
      client: db.app,
    });

    expect(refused).toMatchObject({ sqlState: SQLSTATE.insufficientPrivilege, message: expect.stringMatching(/row-level security/) });
    expect(promoted.count).toBe(0);
    expect((await db.owner.query(`SELECT * FROM memberships ORDER BY id`)).rows).toEqual(before.rows);
  });
});

describe("the tenants directory and widened contexts", () => {
  it("a tenant context with a user id does not widen memberships to the user's other tenants", async () => {
    const seen = await withTenant(a.tenantId, (tx) => tx.membership.findMany({ select: { tenantId: true } }), {
      client: db.app,
      userId: a.userId,
    });
    expect(seen.length).toBe(2); // A's owner and A's other member
    expect(seen.every((m) => m.tenantId === a.tenantId)).toBe(true);
    // Not vacuous: the same user has a membership in another tenant.
    expect(
      (await db.owner.query(`SELECT 1 FROM memberships WHERE user_id = $1 AND tenant_id = $2`, [a.userId, aUsersOtherTenantId])).rowCount,
    ).toBe(1);
  });

  it("another tenant's directory row cannot be renamed or soft-deleted, nor a tenant created outside its own context", async () => {
    const before = await db.owner.query(`SELECT * FROM tenants ORDER BY id`);
    const renamed = await withTenant(
      a.tenantId,
      (tx) => tx.tenant.updateMany({ where: { id: b.tenantId }, data: { name: "pwned", deletedAt: new Date() } }),
      {
        client: db.app,
      },
    );
    const created = await dbRejection(
      withTenant(
        a.tenantId,
        (tx) => tx.tenant.create({ data: { id: randomUUID(), slug: `x-${randomBytes(3).toString("hex")}`, name: "x" } }),
        { client: db.app },
      ),
    );
    const noContext = await dbRejection(
      db.app.tenant.create({ data: { id: randomUUID(), slug: `y-${randomBytes(3).toString("hex")}`, name: "y" } }),
    );

    expect(renamed.count).toBe(0);
    expect(created).toMatchObject({ sqlState: SQLSTATE.insufficientPrivilege });
    expect(noContext).toMatchObject({ sqlState: SQLSTATE.insufficientPrivilege });
    expect((await db.owner.query(`SELECT * FROM tenants ORDER BY id`)).rows).toEqual(before.rows);
  });
});
