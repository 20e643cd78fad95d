import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import pg from "pg";
import { setDatabaseAvailable } from "../../test/support/database-outage";

/**
 * A production server of its own for specs that break its database on purpose (the shared stack must keep
 * working for the other specs): a throw-away database, `next start` on its own port against it and the stack's
 * Facebook emulator, and the means to take the database down and bring it back.
 */

const ADMIN_URL = process.env.TEST_DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";

export interface OwnDatabase {
  name: string;
  ownerUrl: string;
  appUrl: string;
  appRole: string;
}

export function createOwnDatabase(): OwnDatabase {
  const out = execFileSync(
    path.join("node_modules", ".bin", "tsx"),
    ["--conditions=react-server", path.join("e2e", "support", "own-database.ts")],
    { encoding: "utf8", timeout: 120_000 },
  );
  return JSON.parse(out) as OwnDatabase;
}

async function admin<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: ADMIN_URL });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

/** false: refuse new connections and end the open ones (an outage); true: accept connections again. */
export function setOwnDatabaseAvailable(db: OwnDatabase, available: boolean): Promise<void> {
  return setDatabaseAvailable(ADMIN_URL, db.name, available);
}

export function dropOwnDatabase(db: OwnDatabase): Promise<void> {
  return admin(async (c) => {
    await c.query(`ALTER DATABASE ${db.name} ALLOW_CONNECTIONS true`).catch(() => {});
    await c.query(`DROP DATABASE IF EXISTS ${db.name} WITH (FORCE)`);
    await c.query(`DROP ROLE IF EXISTS ${db.appRole}`);
  });
}

export interface OwnApp {
  url: string;
  output: () => string;
  stop: () => Promise<void>;
}

/**
 * Spawns `next start` of the production build on port with only env (plus PATH and the build's folder), collecting
 * what it prints.
 */
export function spawnApp(port: number, env: Record<string, string>): { child: ChildProcess; output: () => string } {
  const child = spawn(process.execPath, [path.join("node_modules", "next", "dist", "bin", "next"), "start", "-p", String(port)], {
    env: {
      PATH: process.env.PATH ?? "",
      NODE_ENV: "production",
      NEXT_TELEMETRY_DISABLED: "1",
      ...(process.env.NEXT_DIST_DIR ? { NEXT_DIST_DIR: process.env.NEXT_DIST_DIR } : {}),
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout.on("data", (b: Buffer) => (output += b.toString()));
  child.stderr.on("data", (b: Buffer) => (output += b.toString()));
  return { child, output: () => output };
}

/** Starts `next start` on port with env; resolves once /api/health answers. */
export async function startOwnApp(port: number, env: Record<string, string>): Promise<OwnApp> {
  const { child, output } = spawnApp(port, env);
  const url = `http://localhost:${port}`;
  const stop = () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.once("exit", () => resolve());
      child.kill("SIGTERM");
    });
  for (let i = 0; i < 120; i++) {
    if (child.exitCode !== null) throw new Error(`the app exited (${child.exitCode}):\n${output()}`);
    try {
      if ((await fetch(`${url}/api/health`)).ok) return { url, output, stop };
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  await stop();
  throw new Error(`the app did not answer /api/health within 60 s:\n${output()}`);
}
