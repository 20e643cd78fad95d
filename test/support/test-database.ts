import "server-only";
import { randomBytes } from "node:crypto";
import pg from "pg";
import { migrate } from "../../lib/db/migrate";
import { ensureAppLoginRole, withCredentials, withDatabase } from "../../lib/db/provision";
import { closePrismaClient, createPrismaClient, type Db } from "../../lib/db/client";
import { setDatabaseAvailable } from "./database-outage";

/**
 * A throw-away database per test file, on the PostgreSQL server named by TEST_DATABASE_URL
 * (default: the local server on 127.0.0.1:5432 that every developer and CI machine runs).
 * Migrated as the server's admin (the owner); the app connects as a fresh LOGIN role in social_app.
 */

export const ADMIN_URL = process.env.TEST_DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";

export interface TestDatabase {
  name: string;
  ownerUrl: string;
  appUrl: string;
  appRole: string;
  /** Prisma client as the app role (RLS applies). */
  app: Db;
  /** A raw pg pool as the owner, for setting up and inspecting rows behind the app's back. */
  owner: pg.Pool;
  /**
   * Simulates an outage and its end: false refuses every new connection to this database (ALLOW_CONNECTIONS false)
   * and ends the open ones (the app's and the owner pool's); true accepts connections again.
   */
  setAvailable(available: boolean): Promise<void>;
  drop(): Promise<void>;
}

export async function createTestDatabase(opts: { migrate?: boolean; poolMax?: number } = {}): Promise<TestDatabase> {
  const suffix = randomBytes(5).toString("hex");
  const name = `st_test_${suffix}`;
  const appRole = `st_app_${suffix}`;
  const password = randomBytes(12).toString("hex");
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const ownerUrl = withDatabase(ADMIN_URL, name);
  if (opts.migrate !== false) {
    await migrate(ownerUrl);
    await ensureAppLoginRole(ownerUrl, appRole, password);
  }
  const appUrl = withCredentials(withDatabase(ADMIN_URL, name), appRole, password);
  const app = createPrismaClient(appUrl, { max: opts.poolMax ?? 10 });
  const owner = new pg.Pool({ connectionString: ownerUrl, max: 4 });
  // DROP DATABASE … WITH (FORCE) ends connections Pool.end() has not closed yet: not an error in a test.
  owner.on("error", () => {});
  return {
    name,
    ownerUrl,
    appUrl,
    appRole,
    app,
    owner,
    setAvailable: (available) => setDatabaseAvailable(ADMIN_URL, name, available),
    async drop() {
      await closePrismaClient(app).catch(() => {});
      await owner.end().catch(() => {});
      const c = new pg.Client({ connectionString: ADMIN_URL });
      await c.connect();
      try {
        await c.query(`ALTER DATABASE ${name} ALLOW_CONNECTIONS true`).catch(() => {});
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        await c.query(`DROP ROLE IF EXISTS ${appRole}`);
      } finally {
        await c.end();
      }
    },
  };
}
