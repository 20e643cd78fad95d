import "server-only";
import type { Db } from "./client";
import { readMigrations } from "./migrate";

/**
 * What the app needs of its database before it serves anything, checked at start-up (lib/startup.ts), before every
 * CLI task (scripts/run-cli.ts), and reported by the readiness route: the role is a member of social_app (it holds
 * the app's privileges), and every migration this code ships is applied. A failure says what to run.
 */

export class DatabaseNotReadyError extends Error {
  constructor(
    readonly problem: "never_migrated" | "not_in_app_group" | "migrations_behind",
    message: string,
  ) {
    super(message);
    this.name = "DatabaseNotReadyError";
  }
}

const MIGRATE = "Run the migrations as the owner: DATABASE_OWNER_URL=postgresql://owner@host/db npm run db:migrate";

/** Throws DatabaseNotReadyError naming the problem and the command that fixes it. */
export async function assertDatabaseReady(client: Db, opts: { migrationsDir?: string } = {}): Promise<void> {
  const [role] = await client.$queryRaw<{ role: string; migrated: boolean; member: boolean }[]>`
    SELECT current_user AS role,
           to_regclass('public._prisma_migrations') IS NOT NULL AS migrated,
           COALESCE((SELECT pg_has_role(current_user, oid, 'MEMBER') FROM pg_roles WHERE rolname = 'social_app'), false) AS member`;
  if (!role?.migrated) {
    throw new DatabaseNotReadyError(
      "never_migrated",
      `Refusing to run: the database in DATABASE_URL was never migrated (it has no tables). ${MIGRATE} ` +
        `(set APP_DB_ROLE and APP_DB_PASSWORD to also create the app's login role).`,
    );
  }
  if (!role.member) {
    throw new DatabaseNotReadyError(
      "not_in_app_group",
      `Refusing to run: the database role "${role.role}" in DATABASE_URL is not a member of social_app, so it lacks the app's privileges ` +
        `(every sign-in would fail with "permission denied"). As the owner run: GRANT social_app TO "${role.role}"; ` +
        `or run npm run db:migrate with APP_DB_ROLE=${role.role} and APP_DB_PASSWORD set.`,
    );
  }
  const missing = await missingMigrations(client, opts.migrationsDir);
  if (missing?.length) {
    throw new DatabaseNotReadyError(
      "migrations_behind",
      `Refusing to run: ${missing.length} migration${missing.length === 1 ? " is" : "s are"} not applied to the database in DATABASE_URL ` +
        `(${missing.join(", ")}). ${MIGRATE}`,
    );
  }
}

/**
 * Migration folders shipped with this code that the database has not finished applying (empty when current), or
 * null when this deployment carries no prisma/migrations folder to compare with (then only the role is checked).
 */
export async function missingMigrations(client: Db, migrationsDir?: string): Promise<string[] | null> {
  let shipped: string[];
  try {
    shipped = (await readMigrations(migrationsDir)).map((m) => m.name);
  } catch (err) {
    if ((err as { code?: unknown }).code === "ENOENT") return null;
    throw err;
  }
  let applied: Set<string>;
  try {
    const rows = await client.$queryRaw<{ migration_name: string }[]>`
      SELECT migration_name FROM "_prisma_migrations" WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL`;
    applied = new Set(rows.map((r) => r.migration_name));
  } catch (err) {
    // No bookkeeping table, or one the app may not read yet (the grant is itself a migration): behind either way.
    if (!isMissingOrForbidden(err)) throw err;
    applied = new Set();
  }
  return shipped.filter((name) => !applied.has(name));
}

function isMissingOrForbidden(err: unknown): boolean {
  const cause = (err as { meta?: { driverAdapterError?: { cause?: { kind?: unknown; originalCode?: unknown } } } } | null)?.meta
    ?.driverAdapterError?.cause;
  return cause?.kind === "TableDoesNotExist" || cause?.originalCode === "42P01" || cause?.originalCode === "42501";
}
