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
  /** Called with each SQL statement sent (the benchmark counts queries per render with it). */
  onQuery?: (sql: string) => void;
}

// On globalThis: Next.js may load this module more than once in one server process (different bundles), and a pool
// must be found from any copy (poolOf(db()) failed in the production server with a module-local map).
const globalPools = globalThis as unknown as { __prismaPools?: WeakMap<PrismaClient, pg.Pool> };
const pools = (globalPools.__prismaPools ??= new WeakMap<PrismaClient, pg.Pool>());

/** Disconnects a client made by createPrismaClient and closes its pool. */
export async function closePrismaClient(client: PrismaClient): Promise<void> {
  await client.$disconnect();
  await pools.get(client)?.end();
}

/** The pg pool under a client made by createPrismaClient (for libraries that speak pg directly, e.g. rate limits). */
export function poolOf(client: PrismaClient): pg.Pool {
  const pool = pools.get(client);
  if (!pool) throw new Error("This Prisma client was not made by createPrismaClient");
  return pool;
}

const globalForPrisma = globalThis as unknown as { __prisma?: PrismaClient };

/** Builds a client for a URL (tests and scripts use this with their own URLs). */
export function createPrismaClient(connectionString: string, opts: ClientOptions = {}): PrismaClient {
  const role = opts.setRole;
  const config: pg.PoolConfig = { connectionString, max: opts.max ?? 5 };
  if (role) {
    // pg-pool awaits the promise onConnect returns before handing out a new connection (its types say void).
    config.onConnect = (c) => c.query(`SET ROLE "${role.replaceAll('"', "")}"`) as unknown as void;
  }
  const pool = new pg.Pool(config);
  // An idle connection the server closes (restart, failover) must not crash the process.
  pool.on("error", () => {});
  const client = new PrismaClient({
    adapter: new PrismaPg(pool),
    log: opts.onQuery ? [{ emit: "event", level: "query" }] : [],
  });
  pools.set(client, pool);
  if (opts.onQuery) {
    const onQuery = opts.onQuery;
    client.$on("query" as never, (e: { query: string }) => onQuery(e.query));
  }
  return client;
}

/** The app's client, connected as the app role (never the owner). One per process. */
export function db(): PrismaClient {
  if (!globalForPrisma.__prisma) {
    const e = env();
    globalForPrisma.__prisma = createPrismaClient(e.DATABASE_URL, { max: e.DATABASE_POOL_MAX, setRole: e.DATABASE_SET_ROLE });
  }
  return globalForPrisma.__prisma;
}
