import "server-only";
import { env } from "../env";
import { logger } from "../log/logger";
import { startJobLoop } from "./cycle";

/**
 * JOBS_IN_PROCESS=true (set by `npm run demo`): the web server itself runs the job loop, on the app's own pool.
 * This is how the zero-setup demo sends alerts on the embedded database (PGlite serves one connection: a separate
 * worker process could not connect alongside the app). Started once per server process from instrumentation.ts.
 */
const g = globalThis as unknown as { __jobLoop?: { stop(): Promise<void> } };

export function startInProcessJobsIfEnabled(): void {
  if (!env().JOBS_IN_PROCESS || g.__jobLoop) return;
  g.__jobLoop = startJobLoop({ idleMs: 3_000, cycleBudgetMs: 10_000 });
  logger.info("jobs.in_process_started");
}
