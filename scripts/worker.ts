/**
 * npm run worker [-- --once --time-budget-seconds=S]
 *
 * The job engine as a long-running process, for self-hosting: queues a health sweep once a minute and runs due
 * jobs (health sweep, webhook deliveries, email alerts) until SIGINT/SIGTERM, then finishes the jobs in hand and
 * exits. Any number of workers may run at once (jobs are claimed with FOR UPDATE SKIP LOCKED). `--once` runs one
 * bounded cycle (the cron route's run-once mode) and exits. Uses DATABASE_URL (the app role) and the same
 * variables as the app.
 */
import { assertAppRoleCannotBypassRls } from "../lib/db/assert-app-role";
import { db } from "../lib/db/client";
import { stopJobEngine, jobEngine } from "../lib/jobs/engine";
import { runJobCycle, startJobLoop } from "../lib/jobs/cycle";
import { startTracingIfConfigured, stopTracing } from "../lib/telemetry/tracing";
import { flagArg, intArg } from "./cli-args";
import { runCli } from "./run-cli";

const once = flagArg("once");
const budgetSeconds = intArg("time-budget-seconds") ?? 40;

await runCli("Worker", async () => {
  await assertAppRoleCannotBypassRls(db());
  await startTracingIfConfigured();
  await jobEngine({ client: db(), supervise: true });
  if (once) {
    const r = await runJobCycle({ timeBudgetMs: budgetSeconds * 1000 });
    console.log(
      `Ran ${r.completed + r.failed} job(s): ${r.completed} completed, ${r.failed} failed, in ${(r.durationMs / 1000).toFixed(1)} s.`,
    );
    await stopJobEngine(db());
    await stopTracing();
    return 0;
  }
  console.log("Worker started: health sweep every minute, webhook deliveries and email alerts as they come. Ctrl-C stops.");
  const loop = startJobLoop();
  await new Promise<void>((resolve) => {
    process.once("SIGINT", resolve);
    process.once("SIGTERM", resolve);
  });
  console.log("Stopping: finishing the jobs in hand…");
  await loop.stop();
  await stopJobEngine(db());
  await stopTracing();
  return 0;
});
