import "server-only";
import PgBoss from "pg-boss";
import { db as appDb, poolOf, type Db } from "../db/client";
import type { Tx } from "../db/tenant-transaction";
import type { JobPayloads, QueueName } from "./queues";

/**
 * The job engine: pg-boss 10 on our own PostgreSQL (schema "pgboss", created by our migrations, never by pg-boss:
 * migrate: false). It talks through the app's own pg pool (the app role, so handlers reach tenant rows only with
 * withTenant), needs no LISTEN/NOTIFY and no session state (fine behind PgBouncer in transaction mode), and works
 * with one connection (the embedded demo database).
 */

interface EngineDb {
  executeSql(text: string, values?: unknown[]): Promise<{ rows: unknown[] }>;
}

/** pg-boss over a pg pool. */
function poolDb(client: Db): EngineDb {
  const pool = poolOf(client);
  return {
    async executeSql(text, values) {
      const r = await pool.query(text, values as unknown[] | undefined);
      return { rows: r.rows };
    },
  };
}

/** pg-boss inside an open Prisma transaction: a job sent this way exists only if the transaction commits. */
export function txDb(tx: Tx): EngineDb {
  return {
    async executeSql(text, values) {
      const rows = await tx.$queryRawUnsafe<unknown[]>(text, ...(values ?? []));
      return { rows };
    },
  };
}

export interface EngineOptions {
  client?: Db;
  /** Run pg-boss's maintenance (expire jobs of crashed workers, archive, drop) on an interval. */
  supervise?: boolean;
}

const engines = new WeakMap<Db, PgBoss>();

/** A started engine for a client (one per client; never migrates). */
export async function jobEngine(opts: EngineOptions = {}): Promise<PgBoss> {
  const client = opts.client ?? appDb();
  let boss = engines.get(client);
  if (!boss) {
    boss = new PgBoss({
      db: poolDb(client),
      schema: "pgboss",
      migrate: false,
      supervise: opts.supervise ?? false,
      schedule: false,
      maintenanceIntervalSeconds: 60,
    });
    boss.on("error", () => {});
    engines.set(client, boss);
    await boss.start();
  }
  return boss;
}

export async function stopJobEngine(client: Db): Promise<void> {
  const boss = engines.get(client);
  engines.delete(client);
  await boss?.stop({ graceful: false, close: false, wait: true });
}

/** A stand-alone engine instance for enqueuing in a transaction (no start needed: only the insert SQL is used). */
const sender = new PgBoss({ db: { executeSql: async () => ({ rows: [] }) }, schema: "pgboss", migrate: false });

export interface SendOptions {
  startAfterSeconds?: number;
  singletonKey?: string;
  retryDelaySeconds?: number;
}

/** Enqueues jobs inside the caller's transaction (atomic with the rows that caused them). */
export async function enqueueInTx<Q extends QueueName>(
  tx: Tx,
  queue: Q,
  payloads: readonly JobPayloads[Q][],
  opts: SendOptions = {},
): Promise<void> {
  if (payloads.length === 0) return;
  await sender.insert(
    payloads.map((data) => ({
      name: queue,
      data,
      ...(opts.startAfterSeconds ? { startAfter: new Date(Date.now() + opts.startAfterSeconds * 1000).toISOString() } : {}),
      ...(opts.singletonKey ? { singletonKey: opts.singletonKey } : {}),
      ...(opts.retryDelaySeconds ? { retryDelay: opts.retryDelaySeconds } : {}),
    })),
    { db: txDb(tx) },
  );
}
