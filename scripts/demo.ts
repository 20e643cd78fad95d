/**
 * npm run demo — the app with zero setup:
 *  - no DATABASE_URL → embedded PostgreSQL (PGlite, persisted in .data/pglite), migrated, app connected as a
 *    non-owner role so row-level security behaves as on a server;
 *  - no FACEBOOK_GRAPH_URL → the Facebook emulator (emulators/facebook) on port 4010;
 *  - no TIKTOK_API_URL → the TikTok emulator (emulators/tiktok) on port 4020, and TikTok enabled with its app keys;
 *  - secrets it needs (AUTH_SECRET, TOKEN_ENCRYPTION_KEYS) generated once into .data/demo-secrets.json.
 * Then `next dev` on PORT (default 3000).
 */
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { startEmbeddedPostgres } from "../lib/db/embedded";
import { migrate } from "../lib/db/migrate";
import { ensureAppLoginRole, withCredentials } from "../lib/db/provision";
import { generateKeySpec } from "../lib/tokens/key-ring";
import { startFacebookEmulator } from "../emulators/facebook/server";
import { startTikTokEmulator } from "../emulators/tiktok/server";

const DATA = path.join(process.cwd(), ".data");
const port = Number(process.env.PORT ?? 3000);
const env: NodeJS.ProcessEnv = { ...process.env };
const cleanups: (() => Promise<void>)[] = [];

function demoSecrets(): { AUTH_SECRET: string; TOKEN_ENCRYPTION_KEYS: string } {
  const file = path.join(DATA, "demo-secrets.json");
  if (existsSync(file)) return JSON.parse(readFileSync(file, "utf8"));
  mkdirSync(DATA, { recursive: true });
  const secrets = { AUTH_SECRET: randomBytes(33).toString("base64"), TOKEN_ENCRYPTION_KEYS: generateKeySpec("demo1") };
  writeFileSync(file, JSON.stringify(secrets, null, 2), { mode: 0o600 });
  return secrets;
}

async function main() {
  const secrets = demoSecrets();
  env.AUTH_SECRET ??= secrets.AUTH_SECRET;
  env.TOKEN_ENCRYPTION_KEYS ??= secrets.TOKEN_ENCRYPTION_KEYS;
  env.AUTH_URL ??= `http://localhost:${port}`;

  if (!env.DATABASE_URL) {
    const dbPort = Number(env.EMBEDDED_PG_PORT ?? 54329);
    const pg = await startEmbeddedPostgres({ dataDir: path.join(DATA, "pglite"), port: dbPort });
    cleanups.push(() => pg.stop());
    const result = await migrate(pg.ownerUrl);
    console.log(`Embedded PostgreSQL on 127.0.0.1:${dbPort} (data in .data/pglite); ${result.applied.length} migration(s) applied.`);
    await ensureAppLoginRole(pg.ownerUrl, "social_demo", "social_demo");
    env.DATABASE_URL = withCredentials(pg.ownerUrl, "social_demo", "social_demo");
    env.DATABASE_SET_ROLE = "social_demo";
    env.DATABASE_POOL_MAX = "1";
  } else if (env.DATABASE_OWNER_URL) {
    const result = await migrate(env.DATABASE_OWNER_URL);
    console.log(`Using DATABASE_URL; ${result.applied.length} migration(s) applied.`);
  } else {
    console.log("Using DATABASE_URL as is (set DATABASE_OWNER_URL to apply migrations on start).");
  }

  if (!env.FACEBOOK_GRAPH_URL) {
    env.FACEBOOK_APP_ID ??= "1234567890";
    env.FACEBOOK_APP_SECRET ??= "emulator-app-secret";
    const fb = await startFacebookEmulator({
      port: Number(env.FAKE_FACEBOOK_PORT ?? 4010),
      appId: env.FACEBOOK_APP_ID as string,
      appSecret: env.FACEBOOK_APP_SECRET as string,
      apiVersion: env.FACEBOOK_API_VERSION ?? "v24.0",
      requireAppsecretProof: true,
    });
    cleanups.push(() => fb.close());
    env.FACEBOOK_GRAPH_URL = fb.url;
    env.FACEBOOK_DIALOG_URL = fb.url;
    console.log(`Facebook emulator on ${fb.url} (test people: Alice Admin — 3 Pages, Bob Bulk — 250 Pages, Nina NoPages, Carol Second).`);
  }

  if (!env.TIKTOK_API_URL) {
    env.TIKTOK_CLIENT_KEY ??= "emulatorclientkey";
    env.TIKTOK_CLIENT_SECRET ??= "emulator-client-secret";
    const tt = await startTikTokEmulator({
      port: Number(env.FAKE_TIKTOK_PORT ?? 4020),
      clientKey: env.TIKTOK_CLIENT_KEY,
      clientSecret: env.TIKTOK_CLIENT_SECRET,
    });
    cleanups.push(() => tt.close());
    env.TIKTOK_API_URL = tt.url;
    env.TIKTOK_AUTH_URL = tt.url;
    console.log(`TikTok emulator on ${tt.url} (test people: Tara Tok, Theo Trend; access tokens last 2 h, refresh tokens 180 d).`);
  }

  const next = spawn(process.execPath, [path.join("node_modules", "next", "dist", "bin", "next"), "dev", "-p", String(port)], {
    stdio: "inherit",
    env,
  });
  console.log(`\nOpen http://localhost:${port} and press "Continue with Facebook".\n`);
  const stop = async () => {
    next.kill("SIGTERM");
    for (const c of cleanups.reverse()) await c().catch(() => {});
    process.exit(0);
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
  next.on("exit", (code) => {
    void Promise.all(cleanups.map((c) => c().catch(() => {}))).then(() => process.exit(code ?? 0));
  });
}

main().catch((err) => {
  console.error(`Demo failed to start: ${(err as Error).message}`);
  process.exit(1);
});
