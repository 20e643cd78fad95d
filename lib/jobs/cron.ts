import "server-only";
import { env, EnvError } from "../env";
import { errorResponse, jsonResponse } from "../http/respond";
import { logger } from "../log/logger";
import { authorizeCron } from "../health/cron";
import { runJobCycle } from "./cycle";

/**
 * The engine's run-once mode for serverless hosts: Vercel Cron calls GET /api/cron/jobs with
 * `Authorization: Bearer $CRON_SECRET`; one bounded cycle runs (queue the sweep for this slot, run due jobs for at
 * most CRON_JOBS_BUDGET_MS); whatever is left waits for the next call. The answer carries counts only.
 */

/** Keep in step with `maxDuration` (60 s) in the route: no new batch is fetched after this. */
export const CRON_JOBS_BUDGET_MS = 40_000;

export async function handleJobsCron(request: Request): Promise<Response> {
  let secret: string | undefined;
  try {
    secret = env().CRON_SECRET;
  } catch (err) {
    if (!(err instanceof EnvError)) throw err;
    logger.error("cron.jobs.misconfigured", { problems: err.problems });
    return errorResponse(503, "unavailable", "Unavailable.");
  }
  const auth = authorizeCron(request.headers.get("authorization"), secret);
  if (!auth.ok) {
    if (auth.status === 401) logger.warn("cron.jobs.unauthorized");
    return errorResponse(auth.status, auth.code, auth.message);
  }
  try {
    return jsonResponse(await runJobCycle({ timeBudgetMs: CRON_JOBS_BUDGET_MS }));
  } catch (err) {
    logger.error("cron.jobs.failed", { err });
    return errorResponse(500, "internal", "The job run failed; see the server logs.");
  }
}
