import { closePrismaClient, db, applyJobStatementTimeout } from "../lib/db/client";
import { UnsafeDatabaseRoleError, assertAppRoleCannotBypassRls } from "../lib/db/assert-app-role";
import { DatabaseNotReadyError, assertDatabaseReady } from "../lib/db/database-ready";
import { databaseUnavailableReason } from "../lib/db/unavailable";
import { EnvError } from "../lib/env";

/** Exit code when the database is unavailable or the connection dropped: nothing half-written, run it again later. */
export const EXIT_DATABASE_UNAVAILABLE = 5;

/**
 * Runs a command-line task against the app's database. First, always, the database checks the server runs at
 * start-up: the role cannot bypass row-level security, is a member of social_app, and the migrations are current
 * (so a task never reports "0 rows" from a database it cannot see). Statements get the jobs' bound
 * (DATABASE_JOB_STATEMENT_TIMEOUT_MS). Errors we can explain (bad configuration, the database checks, the database
 * becoming unavailable, or the task's own `knownErrors`) print a sentence; anything else prints "<what> failed: …".
 * Closes the database and exits with the task's exit code (1 on error, 5 when the database is unavailable).
 */
export async function runCli(
  what: string,
  task: () => Promise<number>,
  knownErrors: (abstract new (...args: never[]) => Error)[] = [],
): Promise<never> {
  let exitCode = 0;
  applyJobStatementTimeout();
  try {
    await assertAppRoleCannotBypassRls(db());
    await assertDatabaseReady(db());
    exitCode = await task();
  } catch (err) {
    const unavailable = databaseUnavailableReason(err);
    const known = [EnvError, UnsafeDatabaseRoleError, DatabaseNotReadyError, ...knownErrors].some((E) => err instanceof E);
    if (unavailable) {
      console.error(
        `${what} stopped: the database is unavailable or the connection to it was lost (${unavailable}). ` +
          `Work committed before this point is kept and the interrupted step was rolled back, so nothing is half-written. ` +
          `It is safe to run the same command again once the database is back.`,
      );
      exitCode = EXIT_DATABASE_UNAVAILABLE;
    } else {
      if (known) console.error((err as Error).message);
      else console.error(`${what} failed: ${err instanceof Error ? err.message : String(err)}`);
      exitCode = 1;
    }
  } finally {
    try {
      await closePrismaClient(db());
    } catch {
      // nothing to close (e.g. the configuration was invalid)
    }
  }
  process.exit(exitCode);
}
