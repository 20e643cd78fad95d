import "server-only";
import { createHash, randomUUID } from "node:crypto";
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import pg from "pg";

/**
 * Applies prisma/migrations/<timestamp>_<name>/migration.sql in order, keeping Prisma Migrate's
 * `_prisma_migrations` bookkeeping (so `prisma migrate deploy` agrees where its engine exists).
 * - one transaction per file; a failure rolls that file back and stops;
 * - a session advisory lock serialises concurrent appliers (the second waits, then finds nothing to do);
 * - an applied file whose checksum changed is an error, never silently skipped.
 */

export const MIGRATIONS_DIR = path.join(process.cwd(), "prisma", "migrations");
const LOCK_KEY = 72_707_369; // Prisma Migrate's advisory lock key, so ours and theirs exclude each other

export interface Migration {
  name: string;
  sql: string;
  checksum: string;
}

export interface MigrateResult {
  applied: string[];
  alreadyApplied: string[];
}

export class MigrationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "MigrationError";
  }
}

export function checksum(sql: string): string {
  return createHash("sha256").update(sql).digest("hex");
}

export async function readMigrations(dir = MIGRATIONS_DIR): Promise<Migration[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const names = entries
    .filter((e) => e.isDirectory() && /^\d{14}_/.test(e.name))
    .map((e) => e.name)
    .sort();
  return Promise.all(
    names.map(async (name) => {
      const sql = await readFile(path.join(dir, name, "migration.sql"), "utf8");
      return { name, sql, checksum: checksum(sql) };
    }),
  );
}

const BOOKKEEPING = `
CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                    VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum"              VARCHAR(64) NOT NULL,
    "finished_at"           TIMESTAMPTZ,
    "migration_name"        VARCHAR(255) NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        TIMESTAMPTZ,
    "started_at"            TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count"   INTEGER NOT NULL DEFAULT 0
)`;

interface AppliedRow {
  migration_name: string;
  checksum: string;
  finished_at: Date | null;
}

/** Applies pending migrations using the owner connection string. */
export async function migrate(ownerUrl: string, opts: { dir?: string; log?: (line: string) => void } = {}): Promise<MigrateResult> {
  const log = opts.log ?? (() => {});
  const migrations = await readMigrations(opts.dir);
  const client = new pg.Client({ connectionString: ownerUrl });
  await client.connect();
  try {
    await client.query("SELECT pg_advisory_lock($1)", [LOCK_KEY]);
    try {
      await client.query(BOOKKEEPING);
      const { rows } = await client.query<AppliedRow>(
        `SELECT migration_name, checksum, finished_at FROM "_prisma_migrations" WHERE rolled_back_at IS NULL`,
      );
      const applied = new Map(rows.map((r) => [r.migration_name, r]));
      const unfinished = rows.filter((r) => r.finished_at === null).map((r) => r.migration_name);
      if (unfinished.length) {
        throw new MigrationError(
          `Migration(s) ${unfinished.join(", ")} started but never finished; inspect the database, then mark them rolled back.`,
        );
      }
      for (const row of rows) {
        const m = migrations.find((x) => x.name === row.migration_name);
        if (!m)
          throw new MigrationError(
            `Migration ${row.migration_name} is applied in the database but missing from ${opts.dir ?? MIGRATIONS_DIR}.`,
          );
        if (m.checksum !== row.checksum) {
          throw new MigrationError(
            `Migration ${m.name} was changed after it was applied (checksum ${row.checksum.slice(0, 12)}… in the database, ` +
              `${m.checksum.slice(0, 12)}… on disk). Restore the file and add a new migration instead.`,
          );
        }
      }
      const result: MigrateResult = { applied: [], alreadyApplied: [] };
      for (const m of migrations) {
        if (applied.has(m.name)) {
          result.alreadyApplied.push(m.name);
          continue;
        }
        log(`applying ${m.name}`);
        await client.query("BEGIN");
        try {
          await client.query(m.sql);
          await client.query(
            `INSERT INTO "_prisma_migrations" (id, checksum, finished_at, migration_name, started_at, applied_steps_count)
             VALUES ($1, $2, now(), $3, now(), 1)`,
            [randomUUID(), m.checksum, m.name],
          );
          await client.query("COMMIT");
        } catch (err) {
          await client.query("ROLLBACK");
          throw new MigrationError(`Migration ${m.name} failed and was rolled back: ${(err as Error).message}`);
        }
        result.applied.push(m.name);
      }
      return result;
    } finally {
      await client.query("SELECT pg_advisory_unlock($1)", [LOCK_KEY]).catch(() => {});
    }
  } finally {
    await client.end();
  }
}
