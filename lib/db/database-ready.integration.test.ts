import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import path from "node:path";
import { promisify } from "node:util";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ADMIN_URL, createTestDatabase, type TestDatabase } from "../../test/support/test-database";
import { withCredentials } from "./provision";
import { closePrismaClient, createPrismaClient } from "./client";
import { DatabaseNotReadyError, assertDatabaseReady, missingMigrations } from "./database-ready";
import { readMigrations } from "./migrate";
import { resetEnvCache } from "../env";
import { runStartupChecks, startupFailureMessage } from "../startup";
import { generateKeySpec } from "../tokens/key-ring";

/**
 * Start-up (and every CLI) refuses a database the app cannot work with, saying what to run: a role that is not a
 * member of social_app (every sign-in would fail with "permission denied"), a database never migrated, migrations
 * behind the code. A database that is down is named as such. The CLIs check the role first, always.
 */

const run = promisify(execFile);

let migrated: TestDatabase;
let empty: TestDatabase;
const extraRoles: string[] = [];

beforeAll(async () => {
  migrated = await createTestDatabase();
  empty = await createTestDatabase({ migrate: false });
});

afterAll(async () => {
  await migrated?.drop();
  await empty?.drop();
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  for (const r of extraRoles) await admin.query(`DROP ROLE IF EXISTS ${r}`);
  await admin.end();
});

/** A LOGIN role on the server that is not a member of social_app. */
async function loginRoleWithoutGroup(database: string): Promise<{ role: string; url: (base: string) => string }> {
  const role = `st_nogroup_${randomBytes(4).toString("hex")}`;
  const password = randomBytes(8).toString("hex");
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  await admin.query(`CREATE ROLE ${role} LOGIN PASSWORD '${password}' NOSUPERUSER NOBYPASSRLS`);
  await admin.query(`GRANT CONNECT ON DATABASE ${database} TO ${role}`);
  await admin.end();
  extraRoles.push(role);
  return { role, url: (base) => withCredentials(base, role, password) };
}

async function refusal(promise: Promise<unknown>): Promise<DatabaseNotReadyError> {
  const err = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(DatabaseNotReadyError);
  return err as DatabaseNotReadyError;
}

const cliEnv = (databaseUrl: string): NodeJS.ProcessEnv => ({
  NODE_ENV: "production",
  PATH: process.env.PATH ?? "",
  DATABASE_URL: databaseUrl,
  AUTH_SECRET: "cli-test-secret-that-is-long-enough-0123456789",
  FACEBOOK_APP_ID: "1234567890",
  FACEBOOK_APP_SECRET: "cli-test-app-secret",
  FACEBOOK_GRAPH_URL: "http://127.0.0.1:9",
  TOKEN_ENCRYPTION_KEYS: generateKeySpec("k1"),
  LOG_LEVEL: "silent",
});

async function cli(script: string, databaseUrl: string): Promise<{ code: number; out: string }> {
  const tsx = path.join(process.cwd(), "node_modules", ".bin", "tsx");
  try {
    const { stdout, stderr } = await run(tsx, ["--conditions=react-server", path.join("scripts", script)], {
      env: cliEnv(databaseUrl),
      timeout: 150_000,
    });
    return { code: 0, out: stdout + stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: e.code ?? -1, out: (e.stdout ?? "") + (e.stderr ?? "") };
  }
}

describe("the database checks at start-up", () => {
  it("a migrated database and an app role in social_app pass; every shipped migration is applied", async () => {
    await expect(assertDatabaseReady(migrated.app)).resolves.toBeUndefined();
    expect(await missingMigrations(migrated.app)).toEqual([]);
  });

  it("a role that is not a member of social_app is refused, naming the GRANT to run", async () => {
    const { role, url } = await loginRoleWithoutGroup(migrated.name);
    const client = createPrismaClient(url(migrated.ownerUrl), { max: 1 });
    try {
      const err = await refusal(assertDatabaseReady(client));
      expect(err.problem).toBe("not_in_app_group");
      expect(err.message).toContain(`GRANT social_app TO "${role}"`);
      expect(err.message).toContain("DATABASE_URL");
    } finally {
      await closePrismaClient(client);
    }
  });

  it("a database that was never migrated is refused, saying to run npm run db:migrate", async () => {
    const { url } = await loginRoleWithoutGroup(empty.name);
    const client = createPrismaClient(url(empty.ownerUrl), { max: 1 });
    try {
      const err = await refusal(assertDatabaseReady(client));
      expect(err.problem).toBe("never_migrated");
      expect(err.message).toContain("npm run db:migrate");
    } finally {
      await closePrismaClient(client);
    }
  });

  it("a database whose migrations are behind the code is refused, naming the missing ones", async () => {
    const db = await createTestDatabase();
    try {
      const last = (await readMigrations()).at(-1)!.name;
      const previous = (await readMigrations()).at(-2)!.name;
      await db.owner.query(`DELETE FROM "_prisma_migrations" WHERE migration_name IN ($1, $2)`, [last, previous]);
      const err = await refusal(assertDatabaseReady(db.app));
      expect(err.problem).toBe("migrations_behind");
      expect(err.message).toContain(previous);
      expect(err.message).toContain(last);
      expect(err.message).toContain("npm run db:migrate");
    } finally {
      await db.drop();
    }
  });

  it("start-up with the database down fails with a message that says so, and that the process exits to be restarted", async () => {
    const saved = { ...process.env };
    Object.assign(process.env, cliEnv("postgresql://nobody@127.0.0.1:9/none"));
    resetEnvCache();
    const down = createPrismaClient("postgresql://nobody@127.0.0.1:9/none", { max: 1, connectTimeoutMs: 2000 });
    try {
      const err = await runStartupChecks(down).then(
        () => null,
        (e: unknown) => e,
      );
      expect(err).not.toBeNull();
      const message = startupFailureMessage(err);
      expect(message).toMatch(
        /^Cannot start: the database in DATABASE_URL is unavailable \(the database server (cannot be reached|refused the connection)/,
      );
      expect(message).toContain("Exiting with code 1");
    } finally {
      await closePrismaClient(down);
      process.env = saved;
      resetEnvCache();
    }
  });
});

// Each spawns a CLI (tsx start-up is slow on a busy machine).
describe("the CLIs check the database first, always", { timeout: 180_000 }, () => {
  it("tokens:rotate-key as a superuser on an empty database refuses (it used to say 'Done: 0 rows left')", async () => {
    const { code, out } = await cli("rotate-key.ts", empty.ownerUrl);
    expect(code).toBe(1);
    expect(out).toContain("Refusing to run");
    expect(out).toMatch(/is a superuser/);
    expect(out).not.toContain("Done");
  });

  it("tokens:check with a role outside social_app refuses before checking anything", async () => {
    const { role, url } = await loginRoleWithoutGroup(migrated.name);
    const { code, out } = await cli("check-tokens.ts", url(migrated.ownerUrl));
    expect(code).toBe(1);
    expect(out).toContain(`GRANT social_app TO "${role}"`);
    expect(out).not.toContain("Checked");
  });

  it("with the database unreachable, the CLI says what happened and that re-running is safe (exit 5), not the driver's text", async () => {
    const { code, out } = await cli("rotate-key.ts", "postgresql://nobody@127.0.0.1:9/none");
    expect(code).toBe(5);
    expect(out).toContain("Key rotation stopped: the database is unavailable or the connection to it was lost");
    expect(out).toContain("safe to run the same command again");
    expect(out).not.toContain("ECONNREFUSED");
  });
});
