import "server-only";
import { runCronRoute } from "../http/cron-route";
import { runJobCycle } from "./cycle";

/**
 * The engine's run-once mode for serverless hosts: Vercel Cron calls GET /api/cron/jobs with
 * `Authorization: Bearer $CRON_SECRET`; one bounded cycle runs (queue the sweep for this slot, run due jobs for at
 * most CRON_JOBS_BUDGET_MS); whatever is left waits for the next call. The answer carries counts only.
 */

/** Keep in step with `maxDuration` (60 s) in the route: no new batch is fetched after this. */
export const CRON_JOBS_BUDGET_MS = 40_000;

export function handleJobsCron(request: Request): Promise<Response> {
  return runCronRoute(request, {
    event: "cron.jobs",
    route: "/api/cron/jobs",
    failure: "The job run failed",
    run: () => runJobCycle({ timeBudgetMs: CRON_JOBS_BUDGET_MS }),
  });
}
