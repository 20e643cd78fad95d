import "server-only";
import pg from "pg";

/**
 * Test helpers for database errors. PostgreSQL reports what went wrong as a SQLSTATE (23505 unique violation,
 * 42501 insufficient privilege / row-level security, …). Raw `pg` errors carry it as `code`; Prisma 7 (driver
 * adapter) errors carry it in `meta.driverAdapterError.cause.originalCode`. These helpers read either.
 */

export const SQLSTATE = {
  uniqueViolation: "23505",
  foreignKeyViolation: "23503",
  notNullViolation: "23502",
  checkViolation: "23514",
  /** Both "permission denied for table" and "new row violates row-level security policy". */
  insufficientPrivilege: "42501",
} as const;

export interface DbErrorInfo {
  sqlState: string | undefined;
  /** The database's own message when available (names the constraint, table, policy), else the error message. */
  message: string;
}

function prop(value: unknown, key: string): unknown {
  return typeof value === "object" && value !== null ? (value as Record<string, unknown>)[key] : undefined;
}

function str(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}

export function dbErrorInfo(err: unknown): DbErrorInfo {
  const cause = prop(prop(prop(err, "meta"), "driverAdapterError"), "cause");
  const sqlState = str(prop(cause, "originalCode")) ?? str(prop(cause, "code")) ?? pgCode(err);
  const message = str(prop(cause, "originalMessage")) ?? (err instanceof Error ? err.message : String(err));
  return { sqlState, message };
}

function pgCode(err: unknown): string | undefined {
  // Only a raw pg error's `code` is a SQLSTATE; a Prisma error's `code` is Prisma's own (P2002…).
  return err instanceof pg.DatabaseError ? err.code : undefined;
}

/** Awaits a promise that must reject and returns what the database said; fails the test if it resolved. */
export async function dbRejection(promise: Promise<unknown>): Promise<DbErrorInfo> {
  try {
    await promise;
  } catch (err) {
    return dbErrorInfo(err);
  }
  throw new Error("expected the database to refuse the operation, but it succeeded");
}
