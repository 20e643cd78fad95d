import { randomBytes, randomUUID } from "node:crypto";
import { cp, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MIGRATIONS_DIR, migrate, readMigrations } from "../db/migrate";
import { withCredentials, withDatabase } from "../db/provision";
import { withTenant, type Tx } from "../db/tenant-transaction";
import { dbRejection, SQLSTATE } from "../../test/support/db-errors";
import { seedTenant, seedTokens } from "../../test/support/fixtures";
import { ADMIN_URL, createTestDatabase, type TestDatabase } from "../../test/support/test-database";
import { disconnectPage } from "./disconnect";
import { ERASED_KEY_ID, generateKeySpec, open, parseKeyRing, seal, TokenDecryptionError } from "./key-ring";

/**
 * Migration 20261125140000_erase_soft_deleted_tokens: the statement that soft-deletes an ad_tokens row erases
 * its token (empty ciphertext, key_id "erased"); soft-deleted history is final; active rows are still re-encryptable;
 * rows soft-deleted before the migration are erased by it, also when the migration owner is not a superuser.
 * Writes go through the app role in a tenant transaction (RLS on); the owner only seeds and inspects.
 */

const ERASE_MIGRATION = "20261125140000_erase_soft_deleted_tokens";
const ring = parseKeyRing(generateKeySpec("k1"));
const ring2 = parseKeyRing(generateKeySpec("k2"));

let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase();
});

afterAll(async () => {
  await db?.drop();
});

interface TokenRow {
  id: string;
  tenant_id: string;
  token_type: "user" | "page";
  facebook_page_id: string | null;
  social_identity_id: string;
  ciphertext: Buffer;
  key_id: string;
  status: string;
  scopes: string[];
  created_at: Date;
  deleted_at: Date | null;
}

async function tokenRow(id: string): Promise<TokenRow> {
  const { rows } = await db.owner.query<TokenRow>(
    `SELECT id, tenant_id, token_type, facebook_page_id, social_identity_id, ciphertext, key_id, status, scopes, created_at, deleted_at
       FROM ad_tokens WHERE id = $1`,
    [id],
  );
  if (!rows[0]) throw new Error(`no ad_tokens row ${id}`);
  return rows[0];
}

/** A tenant with one active user token and two active page tokens, each holding a real k1 ciphertext. */
async function tenantWithRealTokens() {
  const t = await seedTenant(db.owner);
  const s = await seedTokens(db.owner, t, 2);
  const plaintext = new Map<string, string>();
  for (const id of [s.userTokenId, ...s.pageTokenIds]) {
    const token = `EAAB${randomBytes(24).toString("hex")}`;
    const sealed = seal(ring, t.tenantId, token);
    await db.owner.query(`UPDATE ad_tokens SET ciphertext = $1, key_id = $2 WHERE id = $3`, [
      Buffer.from(sealed.ciphertext),
      sealed.keyId,
      id,
    ]);
    plaintext.set(id, token);
  }
  return { ...t, ...s, plaintext };
}

function asApp<T>(tenantId: string, fn: (tx: Tx) => Promise<T>): Promise<T> {
  return withTenant(tenantId, fn, { client: db.app });
}

/** Everything a soft-deleted row keeps as history: the row without its secret and its deletion time. */
function metadata(r: TokenRow) {
  return {
    id: r.id,
    tenant_id: r.tenant_id,
    token_type: r.token_type,
    facebook_page_id: r.facebook_page_id,
    social_identity_id: r.social_identity_id,
    status: r.status,
    scopes: r.scopes,
    created_at: r.created_at,
  };
}

describe("soft-deleting a token erases it", () => {
  it("in the same statement: RETURNING already shows an empty ciphertext and key_id 'erased'; the metadata stays", async () => {
    const t = await tenantWithRealTokens();
    const before = await tokenRow(t.userTokenId);
    expect(open(ring, t.tenantId, { ciphertext: before.ciphertext, keyId: before.key_id })).toBe(t.plaintext.get(t.userTokenId));

    const returned = await asApp(
      t.tenantId,
      (tx) =>
        tx.$queryRaw<{ ciphertext: Uint8Array; key_id: string; deleted: boolean }[]>`
        UPDATE ad_tokens SET deleted_at = now() WHERE id = ${t.userTokenId}::uuid
        RETURNING ciphertext, key_id, deleted_at IS NOT NULL AS deleted`,
    );

    expect(returned).toHaveLength(1);
    expect(Buffer.from(returned[0]!.ciphertext).length).toBe(0);
    expect(returned[0]).toMatchObject({ key_id: ERASED_KEY_ID, deleted: true });
    const after = await tokenRow(t.userTokenId);
    expect(after.ciphertext.length).toBe(0);
    expect(after.key_id).toBe("erased");
    expect(after.deleted_at).toBeInstanceOf(Date);
    // History keeps everything but the secret.
    expect(metadata(after)).toEqual(metadata(before));
    // The tenant's other tokens are untouched and still decrypt.
    for (const id of t.pageTokenIds) {
      const r = await tokenRow(id);
      expect(r.deleted_at).toBeNull();
      expect(open(ring, t.tenantId, { ciphertext: r.ciphertext, keyId: r.key_id })).toBe(t.plaintext.get(id));
    }
  });

  it("through the app's own code (disconnectPage, a Prisma updateMany): the Page's token is erased, the rest are not", async () => {
    const t = await tenantWithRealTokens();
    const [pageA, pageB] = t.pageIds as [string, string];
    const [tokenA, tokenB] = t.pageTokenIds as [string, string];

    const result = await asApp(t.tenantId, (tx) => disconnectPage(tx, t.tenantId, t.userId, pageA));

    expect(result).toEqual({ pages: 1, tokens: 1 });
    const erased = await tokenRow(tokenA);
    expect({
      deleted: erased.deleted_at !== null,
      bytes: erased.ciphertext.length,
      key: erased.key_id,
      page: erased.facebook_page_id,
    }).toEqual({
      deleted: true,
      bytes: 0,
      key: "erased",
      page: pageA,
    });
    for (const id of [t.userTokenId, tokenB]) {
      const r = await tokenRow(id);
      expect(r.key_id).toBe("k1");
      expect(open(ring, t.tenantId, { ciphertext: r.ciphertext, keyId: r.key_id })).toBe(t.plaintext.get(id));
    }
    expect((await tokenRow(tokenB)).facebook_page_id).toBe(pageB);
  });

  it("a row inserted already soft-deleted is stored erased", async () => {
    const t = await tenantWithRealTokens();
    const sealed = seal(ring, t.tenantId, "EAAB-inserted-deleted");

    const created = await asApp(t.tenantId, (tx) =>
      tx.adToken.create({
        data: {
          tenantId: t.tenantId,
          userId: t.userId,
          platform: "facebook",
          tokenType: "user",
          socialIdentityId: t.identityId,
          ciphertext: sealed.ciphertext,
          keyId: sealed.keyId,
          deletedAt: new Date(),
        },
        select: { id: true, ciphertext: true, keyId: true },
      }),
    );

    expect(created.ciphertext.length).toBe(0);
    expect(created.keyId).toBe(ERASED_KEY_ID);
    const stored = await tokenRow(created.id);
    expect([stored.ciphertext.length, stored.key_id]).toEqual([0, "erased"]);
  });

  it("open() on an erased row throws TokenDecryptionError saying the token was erased", async () => {
    const t = await tenantWithRealTokens();
    await asApp(t.tenantId, (tx) => tx.adToken.update({ where: { id: t.userTokenId }, data: { deletedAt: new Date() } }));
    const r = await tokenRow(t.userTokenId);

    const attempt = () => open(ring, t.tenantId, { ciphertext: r.ciphertext, keyId: r.key_id });

    expect(attempt).toThrow(TokenDecryptionError);
    expect(attempt).toThrow(/^This token was erased when it was disconnected/);
    // Even with bytes that would otherwise decrypt, the reserved key id never opens.
    const real = seal(ring, t.tenantId, "EAAB-real");
    expect(() => open(ring, t.tenantId, { ciphertext: real.ciphertext, keyId: ERASED_KEY_ID })).toThrow(/erased when it was disconnected/);
    expect(open(ring, t.tenantId, real)).toBe("EAAB-real");
  });

  it("the key ring refuses a real key named 'erased'", () => {
    expect(() => parseKeyRing(generateKeySpec("erased"))).toThrow(/key id "erased" is reserved for erased tokens/);
    expect(() => parseKeyRing(`${generateKeySpec("k9")},${generateKeySpec("erased")}`)).toThrow(/reserved/);
    expect(parseKeyRing(generateKeySpec("erased2")).currentKeyId).toBe("erased2");
  });
});

describe("soft-deleted history is final", () => {
  it("un-deleting is refused (23514, naming the rule) and nothing changes, for the app role and for the owner", async () => {
    const t = await tenantWithRealTokens();
    await asApp(t.tenantId, (tx) => tx.adToken.update({ where: { id: t.userTokenId }, data: { deletedAt: new Date() } }));
    const before = await tokenRow(t.userTokenId);
    expect(before.deleted_at).not.toBeNull();

    const refused = await dbRejection(
      asApp(t.tenantId, (tx) => tx.adToken.update({ where: { id: t.userTokenId }, data: { deletedAt: null } })),
    );

    expect(refused.sqlState).toBe(SQLSTATE.checkViolation);
    expect(refused.message).toMatch(/is soft-deleted and cannot be restored/);
    expect(await tokenRow(t.userTokenId)).toEqual(before);

    // Triggers bind superusers too: the owner cannot restore it behind the app's back either.
    const byOwner = await dbRejection(
      db.owner.query(`UPDATE ad_tokens SET deleted_at = NULL, ciphertext = '\\x01', key_id = 'k1' WHERE id = $1`, [t.userTokenId]),
    );
    expect(byOwner.sqlState).toBe(SQLSTATE.checkViolation);
    expect(await tokenRow(t.userTokenId)).toEqual(before);
  });

  it("a ciphertext or a key id cannot be put back on an erased row; other columns stay writable and it stays erased", async () => {
    const t = await tenantWithRealTokens();
    const id = t.pageTokenIds[0]!;
    await asApp(t.tenantId, (tx) => tx.adToken.update({ where: { id }, data: { deletedAt: new Date() } }));
    const before = await tokenRow(id);
    const sealed = seal(ring, t.tenantId, t.plaintext.get(id)!);

    const withCiphertext = await dbRejection(
      asApp(t.tenantId, (tx) => tx.adToken.update({ where: { id }, data: { ciphertext: sealed.ciphertext, keyId: sealed.keyId } })),
    );
    const withKeyOnly = await dbRejection(asApp(t.tenantId, (tx) => tx.adToken.update({ where: { id }, data: { keyId: "k1" } })));
    const withBytesOnly = await dbRejection(
      asApp(t.tenantId, (tx) => tx.adToken.update({ where: { id }, data: { ciphertext: sealed.ciphertext } })),
    );

    for (const r of [withCiphertext, withKeyOnly, withBytesOnly]) {
      expect(r.sqlState).toBe(SQLSTATE.checkViolation);
      expect(r.message).toMatch(/token was erased and no ciphertext or key can be stored on it/);
    }
    expect(await tokenRow(id)).toEqual(before);

    // Metadata of history is still writable (e.g. a late health result), and the row stays erased.
    await asApp(t.tenantId, (tx) => tx.adToken.update({ where: { id }, data: { status: "revoked", lastError: "late check" } }));
    const after = await tokenRow(id);
    expect(after.status).toBe("revoked");
    expect([after.ciphertext.length, after.key_id, after.deleted_at?.getTime()]).toEqual([0, "erased", before.deleted_at?.getTime()]);
  });
});

describe("active tokens", () => {
  it("can still be re-encrypted (key rotation): new ciphertext and key id are stored and decrypt", async () => {
    const t = await tenantWithRealTokens();
    const token = t.plaintext.get(t.userTokenId)!;
    const next = seal(ring2, t.tenantId, token);

    const updated = await asApp(t.tenantId, (tx) =>
      tx.adToken.updateMany({ where: { id: t.userTokenId, deletedAt: null }, data: { ciphertext: next.ciphertext, keyId: next.keyId } }),
    );

    expect(updated.count).toBe(1);
    const r = await tokenRow(t.userTokenId);
    expect(r.key_id).toBe("k2");
    expect(r.ciphertext.equals(Buffer.from(next.ciphertext))).toBe(true);
    expect(open(ring2, t.tenantId, { ciphertext: r.ciphertext, keyId: r.key_id })).toBe(token);
    expect(r.deleted_at).toBeNull();
  });
});

describe("the migration's backfill", () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const c of cleanups.reverse()) await c().catch(() => {});
  });

  /** A copy of prisma/migrations without the erase migration and later ones, to build the database as it was before it. */
  async function migrationsBeforeErase(): Promise<string> {
    const dir = await mkdtemp(path.join(tmpdir(), "migrations-before-erase-"));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    await cp(MIGRATIONS_DIR, dir, { recursive: true });
    for (const later of (await readMigrations()).map((m) => m.name).filter((n) => n >= ERASE_MIGRATION)) {
      await rm(path.join(dir, later), { recursive: true });
    }
    const names = (await readMigrations(dir)).map((m) => m.name);
    expect(names).not.toContain(ERASE_MIGRATION);
    expect((await readMigrations()).map((m) => m.name)).toContain(ERASE_MIGRATION);
    return dir;
  }

  it("erases rows soft-deleted before it (superuser owner, as in tests and the demo) and leaves active rows alone", async () => {
    const old = await createTestDatabase({ migrate: false });
    cleanups.push(() => old.drop());
    await migrate(old.ownerUrl, { dir: await migrationsBeforeErase() });
    const t = await seedTenant(old.owner);
    const s = await seedTokens(old.owner, t, 2);
    const sealed = seal(ring, t.tenantId, "EAAB-history");
    await old.owner.query(`UPDATE ad_tokens SET ciphertext = $1, deleted_at = now() WHERE id = ANY($2::uuid[])`, [
      Buffer.from(sealed.ciphertext),
      [s.userTokenId, s.pageTokenIds[0]],
    ]);
    // Before the migration, soft-deleted rows kept a decryptable token (the problem being fixed).
    const kept = await old.owner.query<{ ciphertext: Buffer; key_id: string }>(`SELECT ciphertext, key_id FROM ad_tokens WHERE id = $1`, [
      s.userTokenId,
    ]);
    expect(open(ring, t.tenantId, { ciphertext: kept.rows[0]!.ciphertext, keyId: kept.rows[0]!.key_id })).toBe("EAAB-history");
    const activeBefore = await old.owner.query(`SELECT id, ciphertext, key_id, updated_at FROM ad_tokens WHERE id = $1`, [
      s.pageTokenIds[1],
    ]);

    const result = await migrate(old.ownerUrl);

    expect(result.applied[0]).toBe(ERASE_MIGRATION);
    const { rows } = await old.owner.query<{ id: string; deleted: boolean; bytes: number; key_id: string }>(
      `SELECT id, deleted_at IS NOT NULL AS deleted, octet_length(ciphertext) AS bytes, key_id FROM ad_tokens ORDER BY id`,
    );
    expect(rows).toHaveLength(3);
    const deleted = rows.filter((r) => r.deleted);
    expect(deleted.map((r) => r.id).sort()).toEqual([s.userTokenId, s.pageTokenIds[0]].sort());
    expect(deleted.map((r) => [r.bytes, r.key_id])).toEqual([
      [0, "erased"],
      [0, "erased"],
    ]);
    expect(
      (await old.owner.query(`SELECT id, ciphertext, key_id, updated_at FROM ad_tokens WHERE id = $1`, [s.pageTokenIds[1]])).rows,
    ).toEqual(activeBefore.rows);
    const rls = await old.owner.query(`SELECT relrowsecurity, relforcerowsecurity FROM pg_class WHERE oid = 'public.ad_tokens'::regclass`);
    expect(rls.rows).toEqual([{ relrowsecurity: true, relforcerowsecurity: true }]);
  });

  it("erases them too when the migration owner is not a superuser (FORCE RLS lifted for the backfill, then restored)", async () => {
    const suffix = randomBytes(5).toString("hex");
    const role = `st_own_${suffix}`;
    const name = `st_test_${suffix}`;
    const password = randomBytes(12).toString("hex");
    const admin = new pg.Client({ connectionString: ADMIN_URL });
    await admin.connect();
    try {
      await admin.query(`CREATE ROLE ${role} LOGIN NOSUPERUSER NOBYPASSRLS CREATEROLE PASSWORD '${password}'`);
      await admin.query(`CREATE DATABASE ${name} OWNER ${role}`);
    } finally {
      await admin.end();
    }
    cleanups.push(async () => {
      const c = new pg.Client({ connectionString: ADMIN_URL });
      await c.connect();
      try {
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        await c.query(`DROP ROLE IF EXISTS ${role}`);
      } finally {
        await c.end();
      }
    });
    const ownerUrl = withCredentials(withDatabase(ADMIN_URL, name), role, password);
    await migrate(ownerUrl, { dir: await migrationsBeforeErase() });

    const owner = new pg.Client({ connectionString: ownerUrl });
    await owner.connect();
    try {
      const superuser = await owner.query<{ rolsuper: boolean }>(`SELECT rolsuper FROM pg_roles WHERE rolname = current_user`);
      expect(superuser.rows).toEqual([{ rolsuper: false }]);
      // Seed as that owner: FORCE RLS binds it, so it needs a tenant context like the app does.
      const tenantId = randomUUID();
      const userId = randomUUID();
      const identityId = randomUUID();
      const sealed = seal(ring, tenantId, "EAAB-hosted-history");
      await owner.query("BEGIN");
      await owner.query(`SELECT set_config('app.tenant_id', $1, true)`, [tenantId]);
      await owner.query(`INSERT INTO users (id) VALUES ($1)`, [userId]);
      await owner.query(`INSERT INTO tenants (id, slug, name) VALUES ($1, $2, 'Hosted')`, [tenantId, `h-${suffix}`]);
      await owner.query(
        `INSERT INTO social_identities (id, tenant_id, user_id, platform, external_user_id) VALUES ($1, $2, $3, 'facebook', 'ext-hosted')`,
        [identityId, tenantId, userId],
      );
      await owner.query(
        `INSERT INTO ad_tokens (tenant_id, user_id, platform, token_type, social_identity_id, ciphertext, key_id, deleted_at)
         VALUES ($1, $2, 'facebook', 'user', $3, $4, 'k1', now()), ($1, $2, 'facebook', 'user', $3, $4, 'k1', NULL)`,
        [tenantId, userId, identityId, Buffer.from(sealed.ciphertext)],
      );
      await owner.query("COMMIT");
      // Without a tenant context this owner sees no ad_tokens row at all: a plain backfill UPDATE would erase nothing.
      expect((await owner.query(`SELECT count(*)::int AS n FROM ad_tokens`)).rows).toEqual([{ n: 0 }]);
    } finally {
      await owner.end();
    }

    expect((await migrate(ownerUrl)).applied[0]).toBe(ERASE_MIGRATION);

    const inspect = new pg.Client({ connectionString: withDatabase(ADMIN_URL, name) });
    await inspect.connect();
    try {
      const { rows } = await inspect.query<{ deleted: boolean; bytes: number; key_id: string }>(
        `SELECT deleted_at IS NOT NULL AS deleted, octet_length(ciphertext) AS bytes, key_id FROM ad_tokens ORDER BY deleted_at NULLS FIRST`,
      );
      expect(rows).toEqual([
        { deleted: false, bytes: expect.any(Number), key_id: "k1" },
        { deleted: true, bytes: 0, key_id: "erased" },
      ]);
      expect(rows[0]!.bytes).toBeGreaterThan(28);
      const rls = await inspect.query(`SELECT relrowsecurity, relforcerowsecurity FROM pg_class WHERE oid = 'public.ad_tokens'::regclass`);
      expect(rls.rows).toEqual([{ relrowsecurity: true, relforcerowsecurity: true }]);
    } finally {
      await inspect.end();
    }
  });
});
