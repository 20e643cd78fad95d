import { appendFile, cp, mkdir, mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import type pg from "pg";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../test/support/test-database";
import { MIGRATIONS_DIR, MigrationError, checksum, migrate, readMigrations } from "./migrate";

interface BookkeepingRow {
  id: string;
  migration_name: string;
  checksum: string;
  finished_at: Date | null;
  rolled_back_at: Date | null;
  applied_steps_count: number;
}

// Every test gets its own empty database (migrate: false); all are dropped at the end.
const databases: TestDatabase[] = [];
const tempDirs: string[] = [];

async function emptyDatabase(): Promise<TestDatabase> {
  const db = await createTestDatabase({ migrate: false });
  databases.push(db);
  return db;
}

/** A private copy of prisma/migrations that a test may edit or extend. */
async function copyOfMigrations(): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), "migrations-"));
  tempDirs.push(dir);
  await cp(MIGRATIONS_DIR, dir, { recursive: true });
  return dir;
}

async function addMigration(dir: string, name: string, sql: string): Promise<void> {
  await mkdir(path.join(dir, name));
  await writeFile(path.join(dir, name, "migration.sql"), sql);
}

async function bookkeeping(owner: pg.Pool): Promise<BookkeepingRow[]> {
  const { rows } = await owner.query<BookkeepingRow>(
    `SELECT id, migration_name, checksum, finished_at, rolled_back_at, applied_steps_count
       FROM "_prisma_migrations" ORDER BY migration_name`,
  );
  return rows;
}

async function tableExists(owner: pg.Pool, table: string): Promise<boolean> {
  const { rows } = await owner.query<{ oid: string | null }>(`SELECT to_regclass($1)::text AS oid`, [`public.${table}`]);
  return rows[0]?.oid != null;
}

afterEach(async () => {
  await Promise.all(tempDirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

afterAll(async () => {
  await Promise.all(databases.map((db) => db.drop()));
});

/** The migration folders in the repository, sorted (what the applier must find, in this order). */
async function shippedMigrationFolders(): Promise<string[]> {
  const entries = await readdir(MIGRATIONS_DIR, { withFileTypes: true });
  return entries
    .filter((e) => e.isDirectory() && /^\d{14}_\w+$/.test(e.name))
    .map((e) => e.name)
    .sort();
}

describe("migrate()", () => {
  it("applies every migration to an empty database and records each with its sha256 checksum and finished_at", async () => {
    const db = await emptyDatabase();
    const migrations = await readMigrations();
    // Every folder of prisma/migrations, in timestamp order, starting with the first three ever shipped.
    expect(migrations.map((m) => m.name)).toEqual(await shippedMigrationFolders());
    expect(migrations.slice(0, 3).map((m) => m.name)).toEqual([
      "20261125120000_init",
      "20261125120100_security",
      "20261125140000_erase_soft_deleted_tokens",
    ]);

    const result = await migrate(db.ownerUrl);

    expect(result).toEqual({ applied: migrations.map((m) => m.name), alreadyApplied: [] });
    const rows = await bookkeeping(db.owner);
    expect(rows.map((r) => r.migration_name)).toEqual(migrations.map((m) => m.name));
    for (const [i, row] of rows.entries()) {
      expect(row.checksum).toMatch(/^[0-9a-f]{64}$/);
      expect(row.checksum).toBe(checksum(migrations[i]!.sql));
      expect(row.finished_at).toBeInstanceOf(Date);
      expect(row.rolled_back_at).toBeNull();
      expect(row.applied_steps_count).toBe(1);
    }
    // Both files really ran: a table from the first, a policy from the second.
    expect(await tableExists(db.owner, "ad_tokens")).toBe(true);
    const policies = await db.owner.query(`SELECT 1 FROM pg_policies WHERE tablename = 'ad_tokens' AND policyname = 'tenant_isolation'`);
    expect(policies.rowCount).toBe(1);
  });

  it("re-applying is a no-op: nothing applied, the bookkeeping rows unchanged", async () => {
    const db = await emptyDatabase();
    await migrate(db.ownerUrl);
    const before = await bookkeeping(db.owner);

    const result = await migrate(db.ownerUrl);

    expect(result).toEqual({ applied: [], alreadyApplied: before.map((r) => r.migration_name) });
    expect(await bookkeeping(db.owner)).toEqual(before);
  });

  it("refuses when an applied migration was edited afterwards, naming it, and applies nothing new", async () => {
    const db = await emptyDatabase();
    const dir = await copyOfMigrations();
    await migrate(db.ownerUrl, { dir });
    const before = await bookkeeping(db.owner);
    await appendFile(path.join(dir, "20261125120000_init", "migration.sql"), "\n-- edited after it was applied\n");
    await addMigration(dir, "20991231000000_new_table", `CREATE TABLE "added_later" (id int);`);

    const attempt = migrate(db.ownerUrl, { dir });

    await expect(attempt).rejects.toBeInstanceOf(MigrationError);
    await expect(attempt).rejects.toThrow(/Migration 20261125120000_init was changed after it was applied/);
    expect(await bookkeeping(db.owner)).toEqual(before);
    expect(await tableExists(db.owner, "added_later")).toBe(false);
  });

  it("rolls a failing migration back completely (no tables, no bookkeeping row) and applies nothing after it", async () => {
    const db = await emptyDatabase();
    const dir = await copyOfMigrations();
    await addMigration(dir, "20991231000000_broken", `CREATE TABLE "half_done" (id int);\nINSERT INTO "no_such_table" VALUES (1);\n`);
    await addMigration(dir, "20991231000100_after", `CREATE TABLE "after_broken" (id int);`);

    const attempt = migrate(db.ownerUrl, { dir });

    await expect(attempt).rejects.toBeInstanceOf(MigrationError);
    await expect(attempt).rejects.toThrow(/Migration 20991231000000_broken failed and was rolled back: .*no_such_table/);
    expect((await bookkeeping(db.owner)).map((r) => r.migration_name)).toEqual(await shippedMigrationFolders());
    expect(await tableExists(db.owner, "half_done")).toBe(false);
    expect(await tableExists(db.owner, "after_broken")).toBe(false);

    // Nothing is left half-recorded: once the file is fixed, the next run picks up exactly where it stopped.
    await writeFile(path.join(dir, "20991231000000_broken", "migration.sql"), `CREATE TABLE "half_done" (id int);\n`);
    expect(await migrate(db.ownerUrl, { dir })).toEqual({
      applied: ["20991231000000_broken", "20991231000100_after"],
      alreadyApplied: await shippedMigrationFolders(),
    });
  });

  it("two concurrent appliers on a fresh database apply each migration exactly once", async () => {
    const db = await emptyDatabase();
    const names = (await readMigrations()).map((m) => m.name);

    const results = await Promise.all([migrate(db.ownerUrl), migrate(db.ownerUrl)]);

    const winner = results.find((r) => r.applied.length > 0);
    const loser = results.find((r) => r.applied.length === 0);
    expect(winner).toEqual({ applied: names, alreadyApplied: [] });
    expect(loser).toEqual({ applied: [], alreadyApplied: names });
    const { rows } = await db.owner.query<{ migration_name: string; n: number }>(
      `SELECT migration_name, count(*)::int AS n FROM "_prisma_migrations" GROUP BY migration_name ORDER BY migration_name`,
    );
    expect(rows).toEqual(names.map((migration_name) => ({ migration_name, n: 1 })));
  });
});
