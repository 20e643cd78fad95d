import "server-only";
import { db, type Db } from "../db/client";
import { assertDatabaseReady, DatabaseNotReadyError, missingMigrations } from "../db/database-ready";
import { databaseUnavailableReason } from "../db/unavailable";

/**
 * Readiness for operators and orchestrators (GET /api/ready): can this instance serve? The database answers, the
 * app role has what it needs, the migrations are current. No secrets, no tenant data, no role or host names: words
 * and counts only. /api/health stays the cheap liveness probe that touches nothing.
 */

export interface ReadinessReport {
  ready: boolean;
  database: { ok: boolean; problem?: string };
  migrations: { ok: boolean; missing: number | null };
  /**
   * The job engine's backlog and oldest due token, once it exists: add its check here (null until then). The
   * report's `ready` should not depend on it: a backlog is a warning, not a reason to stop serving.
   */
  jobs: null;
}

/** How long the probe waits for the database: a readiness probe must answer quickly, up or down. */
const PROBE_TIMEOUT_MS = 2_000;

function within<T>(ms: number, work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error("timed out")), ms);
  });
  return Promise.race([work, late]).finally(() => clearTimeout(timer));
}

export async function checkReadiness(client: Db = db()): Promise<ReadinessReport> {
  const report: ReadinessReport = { ready: false, database: { ok: false }, migrations: { ok: false, missing: null }, jobs: null };
  try {
    await within(PROBE_TIMEOUT_MS, client.$queryRaw`SELECT 1`);
    report.database.ok = true;
  } catch (err) {
    report.database.problem =
      (err as Error).message === "timed out"
        ? `the database did not answer within ${PROBE_TIMEOUT_MS} ms`
        : (databaseUnavailableReason(err) ?? "the database answered with an error");
    return report;
  }
  try {
    const missing = await within(PROBE_TIMEOUT_MS, missingMigrations(client));
    report.migrations = { ok: missing !== null && missing.length === 0, missing: missing?.length ?? null };
    await within(PROBE_TIMEOUT_MS, assertDatabaseReady(client));
  } catch (err) {
    report.database.problem =
      err instanceof DatabaseNotReadyError
        ? err.problem === "not_in_app_group"
          ? "the app's role is not a member of social_app"
          : "migrations are not applied: run npm run db:migrate"
        : (databaseUnavailableReason(err) ?? "the database checks failed");
    report.database.ok = err instanceof DatabaseNotReadyError;
    return report;
  }
  report.ready = report.database.ok && report.migrations.ok;
  return report;
}
