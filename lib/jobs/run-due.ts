import "server-only";
import type PgBoss from "pg-boss";
import { db as appDb, type Db } from "../db/client";
import { logger } from "../log/logger";
import { withSpan } from "../telemetry/span";
import { jobEngine } from "./engine";
import { ALL_QUEUES, type JobPayloads, type QueueName } from "./queues";

/**
 * Runs due jobs for a bounded time: the one loop behind all three ways of running the engine (the long-running
 * `npm run worker`, the cron route's run-once mode, the demo's in-process runner). Each round fetches a batch per
 * queue (pg-boss: FOR UPDATE SKIP LOCKED, so two runners never get the same job), runs the handlers, and marks
 * each job completed or failed (a failed job is retried by the engine with its queue's back-off).
 */

export interface JobMeta {
  id: string;
  /** 1 for the first try. */
  attempt: number;
  /** True when a failure now will not be retried. */
  lastAttempt: boolean;
}

export type JobHandler<Q extends QueueName> = (data: JobPayloads[Q], meta: JobMeta, client: Db) => Promise<void>;
export type JobHandlers = { [Q in QueueName]: JobHandler<Q> };

export interface RunDueOptions {
  client?: Db;
  handlers: JobHandlers;
  /** Fetch no new batch after this many ms. */
  timeBudgetMs: number;
  batchSize?: number;
  queues?: readonly QueueName[];
  /** Expire jobs of crashed workers (active past their expiry) first, so they are retried: true = now; default: at most every 30 s. */
  maintain?: boolean;
}

export interface RunDueResult {
  completed: number;
  failed: number;
  byQueue: Record<string, number>;
  durationMs: number;
}

interface FetchedJob {
  id: string;
  data: unknown;
  retryCount: number;
  retryLimit: number;
}

/**
 * Jobs fetched at once, at most, per queue: a webhook_deliver job carries up to 100 deliveries (8 POSTs in flight
 * each), so a few at a time keep the pool's connections for the transactions instead of queueing for them.
 */
const FETCH_CAP: Partial<Record<QueueName, number>> = { webhook_deliver: 4 };

let lastMaintenance = 0;
const MAINTENANCE_EVERY_MS = 30_000;

export async function runDueJobs(opts: RunDueOptions): Promise<RunDueResult> {
  const client = opts.client ?? appDb();
  const boss: PgBoss = await jobEngine({ client });
  const started = Date.now();
  const queues = opts.queues ?? ALL_QUEUES;
  const batchSize = opts.batchSize ?? 20;
  const out: RunDueResult = { completed: 0, failed: 0, byQueue: {}, durationMs: 0 };
  if (opts.maintain === true || (opts.maintain === undefined && Date.now() - lastMaintenance > MAINTENANCE_EVERY_MS)) {
    lastMaintenance = Date.now();
    await boss.expire().catch((err: unknown) => logger.warn("jobs.expire_failed", { err }));
  }
  for (;;) {
    let ran = 0;
    for (const queue of queues) {
      if (Date.now() - started >= opts.timeBudgetMs) break;
      const size = Math.min(batchSize, FETCH_CAP[queue] ?? batchSize);
      const jobs = (await boss.fetch(queue, { batchSize: size, includeMetadata: true })) as unknown as FetchedJob[];
      if (jobs.length === 0) continue;
      ran += jobs.length;
      const handler = opts.handlers[queue] as JobHandler<QueueName>;
      await Promise.all(
        jobs.map(async (job) => {
          const meta: JobMeta = { id: job.id, attempt: job.retryCount + 1, lastAttempt: job.retryCount >= job.retryLimit };
          // One span per job (queue, id, attempt: never its payload); the Graph calls and transactions it makes nest in it.
          await withSpan(`job ${queue}`, { "job.queue": queue, "job.id": job.id, "job.attempt": meta.attempt }, async (span) => {
            try {
              await handler(job.data as JobPayloads[QueueName], meta, client);
              await boss.complete(queue, job.id);
              out.completed++;
              out.byQueue[queue] = (out.byQueue[queue] ?? 0) + 1;
            } catch (err) {
              span.fail(err);
              out.failed++;
              const message = err instanceof Error ? err.message : String(err);
              logger.warn("jobs.failed", { queue, jobId: job.id, attempt: meta.attempt, message });
              await boss.fail(queue, job.id, { message });
            }
          });
        }),
      );
    }
    if (ran === 0 || Date.now() - started >= opts.timeBudgetMs) break;
  }
  out.durationMs = Date.now() - started;
  return out;
}
