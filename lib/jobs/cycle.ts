import "server-only";
import { db as appDb, type Db } from "../db/client";
import { logger } from "../log/logger";
import { jobEngine } from "./engine";
import { jobHandlers } from "./handlers";
import { QUEUES } from "./queues";
import { runDueJobs, type RunDueResult } from "./run-due";

/**
 * One cycle of the engine, the same for every way of running it: make sure a health sweep and a TikTok refresh run
 * are queued for the current slot (at most one per SWEEP_EVERY_SECONDS: a singleton key per time slot, so any number of callers
 * queue one), then run due jobs for a bounded time.
 */

export const SWEEP_EVERY_SECONDS = 60;

export async function queueSweepForThisSlot(client: Db): Promise<void> {
  const boss = await jobEngine({ client });
  await boss.insert([
    { name: QUEUES.healthSweep, data: {}, singletonKey: "sweep", singletonSeconds: SWEEP_EVERY_SECONDS },
    { name: QUEUES.tiktokRefresh, data: {}, singletonKey: "tiktok-refresh", singletonSeconds: SWEEP_EVERY_SECONDS },
  ]);
}

export async function runJobCycle(opts: { client?: Db; timeBudgetMs: number }): Promise<RunDueResult> {
  const client = opts.client ?? appDb();
  await queueSweepForThisSlot(client);
  const result = await runDueJobs({ client, handlers: jobHandlers, timeBudgetMs: opts.timeBudgetMs });
  if (result.completed + result.failed > 0) logger.info("jobs.cycle", { ...result });
  return result;
}

/**
 * Runs cycles until stopped (npm run worker, and the in-process runner of the demo): a cycle, then a short pause
 * when there was nothing to do.
 */
export function startJobLoop(opts: { client?: Db; idleMs?: number; cycleBudgetMs?: number } = {}): { stop(): Promise<void> } {
  let stopped = false;
  let wake: (() => void) | null = null;
  const loop = (async () => {
    while (!stopped) {
      let busy = false;
      try {
        const r = await runJobCycle({ client: opts.client, timeBudgetMs: opts.cycleBudgetMs ?? 30_000 });
        busy = r.completed + r.failed > 0;
      } catch (err) {
        logger.error("jobs.cycle_failed", { err });
      }
      if (!busy && !stopped) {
        await new Promise<void>((resolve) => {
          wake = resolve;
          setTimeout(resolve, opts.idleMs ?? 2_000);
        });
      }
    }
  })();
  return {
    async stop() {
      stopped = true;
      wake?.();
      await loop;
    },
  };
}
