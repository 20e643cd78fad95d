import { closePrismaClient, db } from "../lib/db/client";
import { UnsafeDatabaseRoleError } from "../lib/db/assert-app-role";
import { EnvError } from "../lib/env";

/**
 * Runs a command-line task against the app's database: errors we can explain (bad configuration, an unsafe
 * database role, or the task's own `knownErrors`) print their message; anything else prints "<what> failed: …".
 * Closes the database and exits with the task's exit code (1 on error).
 */
export async function runCli(
  what: string,
  task: () => Promise<number>,
  knownErrors: (abstract new (...args: never[]) => Error)[] = [],
): Promise<never> {
  let exitCode = 0;
  try {
    exitCode = await task();
  } catch (err) {
    const known = [EnvError, UnsafeDatabaseRoleError, ...knownErrors].some((E) => err instanceof E);
    if (known) console.error((err as Error).message);
    else console.error(`${what} failed: ${err instanceof Error ? err.message : String(err)}`);
    exitCode = 1;
  } finally {
    try {
      await closePrismaClient(db());
    } catch {
      // nothing to close (e.g. the configuration was invalid)
    }
  }
  process.exit(exitCode);
}
