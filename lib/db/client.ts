import "server-only";
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { PrismaClient } from "./generated/client";
import { env } from "../env";

export type Db = PrismaClient;

export interface ClientOptions {
  max?: number;
  /** Runs SET ROLE on every new connection (embedded PGlite only; see DATABASE_SET_ROLE). */
  setRole?: string;
  /** Called with each SQL statement sent, its parameters (JSON) and duration in ms (the benchmark counts and times). */
  onQuery?: (sql: string, params: string, durationMs: number) => void;
  /**
   * Upper bound for any one statement, in ms: set on every new connection (statements outside transactions) and
   * again, transaction-local, as the first statement of every withTenant/withUser transaction (which is what holds
   * behind PgBouncer in transaction mode). PostgreSQL cancels a statement past it (SQLSTATE 57014).
   */
  statementTimeoutMs?: number;
  /** How long to wait for a free pooled connection or a new connection before failing (pg waits forever by default). */
  connectTimeoutMs?: number;
}

interface ClientFacts {
  pool: pg.Pool;
  connectionString: string;
  statementTimeoutMs?: number;
  embedded: boolean;
}

// On globalThis, like the app's client: a production build may bundle this module more than once (one copy per route
// chunk), and the client made by one copy must still find its pool from another (rate limits use the pool).
const globalFacts = globalThis as unknown as { __prismaClientFacts?: WeakMap<PrismaClient, ClientFacts> };
const facts = (globalFacts.__prismaClientFacts ??= new WeakMap<PrismaClient, ClientFacts>());

/** What a client was built with (the tenant transaction reads the statement bound and how to cancel a statement). */
export function clientFacts(client: PrismaClient): ClientFacts | undefined {
  return facts.get(client);
}

/** Which bound db() gives statements: "request" (pages, routes, sign-in) or "job" (the CLIs). Set before db() is first used. */
let workload: "request" | "job" = "request";

export function applyJobStatementTimeout(): void {
  workload = "job";
}

/** Disconnects a client made by createPrismaClient and closes its pool. */
export async function closePrismaClient(client: PrismaClient): Promise<void> {
  await client.$disconnect();
  await facts.get(client)?.pool.end();
}

/** The pg pool under a client made by createPrismaClient (for libraries that speak pg directly, e.g. rate limits). */
export function poolOf(client: PrismaClient): pg.Pool {
  const pool = facts.get(client)?.pool;
  if (!pool) throw new Error("This Prisma client was not made by createPrismaClient");
  return pool;
}

/** Waiting longer than this for a connection means the database is unavailable: the request answers 503. */
const CONNECT_TIMEOUT_MS = 10_000;

const globalForPrisma = globalThis as unknown as { __prisma?: PrismaClient };

/** Builds a client for a URL (tests and scripts use this with their own URLs). */
export function createPrismaClient(connectionString: string, opts: ClientOptions = {}): PrismaClient {
  const role = opts.setRole;
  const config: pg.PoolConfig = { connectionString, max: opts.max ?? 5, connectionTimeoutMillis: opts.connectTimeoutMs };
  const onConnect = [
    role ? `SET ROLE "${role.replaceAll('"', "")}"` : "",
    opts.statementTimeoutMs ? `SET statement_timeout = ${Math.trunc(opts.statementTimeoutMs)}` : "",
  ].filter(Boolean);
  if (onConnect.length) {
    // pg-pool awaits the promise onConnect returns before handing out a new connection (its types say void).
    config.onConnect = (c) => c.query(onConnect.join("; ")) as unknown as void;
  }
  const pool = new pg.Pool(config);
  // An idle connection the server closes (restart, failover) must not crash the process.
  pool.on("error", () => {});
  const client = new PrismaClient({
    adapter: new PrismaPg(pool),
    log: opts.onQuery ? [{ emit: "event", level: "query" }] : [],
  });
  facts.set(client, { pool, connectionString, statementTimeoutMs: opts.statementTimeoutMs, embedded: Boolean(role) });
  if (opts.onQuery) {
    const onQuery = opts.onQuery;
    client.$on("query" as never, (e: { query: string; params: string; duration: number }) => onQuery(e.query, e.params, e.duration));
  }
  return client;
}

/** The app's client, connected as the app role (never the owner). One per process. */
export function db(): PrismaClient {
  if (!globalForPrisma.__prisma) {
    const e = env();
    globalForPrisma.__prisma = createPrismaClient(e.DATABASE_URL, {
      max: e.DATABASE_POOL_MAX,
      setRole: e.DATABASE_SET_ROLE,
      statementTimeoutMs: workload === "job" ? e.DATABASE_JOB_STATEMENT_TIMEOUT_MS : e.DATABASE_STATEMENT_TIMEOUT_MS,
      connectTimeoutMs: CONNECT_TIMEOUT_MS,
    });
  }
  return globalForPrisma.__prisma;
}
