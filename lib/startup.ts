import "server-only";
import { env } from "./env";
import { db, type Db } from "./db/client";
import { assertAppRoleCannotBypassRls } from "./db/assert-app-role";
import { assertDatabaseReady } from "./db/database-ready";
import { databaseUnavailableReason } from "./db/unavailable";
import { keyRing } from "./tokens/encryption";
import { logger } from "./log/logger";

/**
 * Start-up checks, run once when the server boots (instrumentation.ts): the configuration is complete and
 * well-formed, the encryption key ring parses, the database role cannot bypass row-level security, is a member of
 * social_app, and every shipped migration is applied. Any failure stops the server with a message that says what
 * to set or run.
 */
export async function runStartupChecks(client?: Db): Promise<void> {
  env();
  keyRing();
  const c = client ?? db();
  await assertAppRoleCannotBypassRls(c);
  await assertDatabaseReady(c);
  logger.info("startup.ok", { node: process.version });
}

/**
 * Why start-up failed, for the operator. A database that is down is not a configuration error: the server still
 * exits (README "When things fail": a process manager restarts it, and it starts once the database answers).
 */
export function startupFailureMessage(err: unknown): string {
  const reason = databaseUnavailableReason(err);
  if (reason)
    return (
      `Cannot start: the database in DATABASE_URL is unavailable (${reason}). Nothing was changed. ` +
      `Exiting with code 1 so that the process manager restarts the server; it starts once the database answers.`
    );
  return err instanceof Error ? err.message : String(err);
}

/** For instrumentation.ts: print the reason and stop the process if a check fails. */
export async function runStartupChecksOrExit(): Promise<void> {
  try {
    await runStartupChecks();
  } catch (err) {
    console.error(`\n${startupFailureMessage(err)}\n`);
    process.exit(1);
  }
}
