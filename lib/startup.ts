import "server-only";
import { env } from "./env";
import { db } from "./db/client";
import { assertAppRoleCannotBypassRls } from "./db/assert-app-role";
import { keyRing } from "./tokens/encryption";
import { logger } from "./log/logger";

/**
 * Start-up checks, run once when the server boots (instrumentation.ts): the configuration is complete and
 * well-formed, the encryption key ring parses, and the database role cannot bypass row-level security.
 * Any failure stops the server with a message that says what to set.
 */
export async function runStartupChecks(): Promise<void> {
  env();
  keyRing();
  await assertAppRoleCannotBypassRls(db());
  logger.info("startup.ok", { node: process.version });
}

/** For instrumentation.ts: print the reason and stop the process if a check fails. */
export async function runStartupChecksOrExit(): Promise<void> {
  try {
    await runStartupChecks();
  } catch (err) {
    console.error(`\n${(err as Error).message}\n`);
    process.exit(1);
  }
}
