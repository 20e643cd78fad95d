/**
 * npm run demo — the app with zero setup:
 *  - no DATABASE_URL → embedded PostgreSQL (PGlite, persisted in .data/pglite), migrated, app connected as a
 *    non-owner role so row-level security behaves as on a server;
 *  - no FACEBOOK_GRAPH_URL → the Facebook emulator (emulators/facebook) on port 4010, its people, Pages, issued
 *    tokens and clock kept in .data/facebook-emulator.json (a restart keeps stored tokens valid);
 *  - no TIKTOK_API_URL → the TikTok emulator (emulators/tiktok) on port 4020, and TikTok enabled with its app keys;
 *  - secrets it needs (AUTH_SECRET, TOKEN_ENCRYPTION_KEYS) generated once into .data/demo-secrets.json;
 *  - no SMTP_URL → a local mail catcher (emulators/mail; inbox on port 4030);
 *  - the job engine runs inside the web server (JOBS_IN_PROCESS), webhooks may target http://localhost.
 * Then a production build (`next build` on the first run and whenever the sources changed, `next start`) on PORT
 * (default 3000). `npm run demo -- --dev` runs `next dev` instead; `--no-build` serves the existing build as is.
 * One demo per data folder (.data/demo.pid); Ctrl-C ends every child process.
 * DEMO_DATA_DIR moves the data folder (the e2e restart test uses its own).
 */
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { startEmbeddedPostgres } from "../lib/db/embedded";
import { migrate } from "../lib/db/migrate";
import { ensureAppLoginRole, withCredentials } from "../lib/db/provision";
import { generateKeySpec } from "../lib/tokens/key-ring";
import { startFacebookEmulator } from "../emulators/facebook/server";
import { startMailCapture } from "../emulators/mail/server";
import { buildIsCurrent, distDirOf, markBuilt, sourceHash } from "./build-cache";
import { exitOf, killChildrenNow, spawnChild, stopChildren } from "./demo/children";
import { claim, portInUse, release } from "./demo/single-instance";
import { startTikTokEmulator } from "../emulators/tiktok/server";

const DATA = path.resolve(process.env.DEMO_DATA_DIR ?? ".data");
const PID_FILE = path.join(DATA, "demo.pid");
const dev = process.argv.includes("--dev");
const skipBuild = process.argv.includes("--no-build");
const port = Number(process.env.PORT ?? 3000);
const appUrl = `http://localhost:${port}`;
const env: NodeJS.ProcessEnv = { ...process.env, NEXT_TELEMETRY_DISABLED: "1" };
const cleanups: (() => Promise<void>)[] = [];
const NEXT_BIN = path.join("node_modules", "next", "dist", "bin", "next");

function demoSecrets(): { AUTH_SECRET: string; TOKEN_ENCRYPTION_KEYS: string } {
  const file = path.join(DATA, "demo-secrets.json");
  if (existsSync(file)) return JSON.parse(readFileSync(file, "utf8"));
  const secrets = { AUTH_SECRET: randomBytes(33).toString("base64"), TOKEN_ENCRYPTION_KEYS: generateKeySpec("demo1") };
  writeFileSync(file, JSON.stringify(secrets, null, 2), { mode: 0o600 });
  return secrets;
}

/** Refuses to start next to a running demo, or on a port another program holds, with what to do instead. */
async function claimThisDemo(ports: { port: number; what: string; variable: string }[]): Promise<void> {
  mkdirSync(DATA, { recursive: true });
  const claimed = claim(PID_FILE, { pid: process.pid, url: appUrl });
  if (!claimed.ok) {
    console.error(
      `A demo is already running on ${claimed.running.url} (pid ${claimed.running.pid}). Open that URL, or stop it ` +
        `(Ctrl-C in its terminal, or kill ${claimed.running.pid}) before starting another.`,
    );
    process.exit(1);
  }
  for (const p of ports) {
    if (await portInUse(p.port)) {
      release(PID_FILE);
      console.error(
        `Port ${p.port} (${p.what}) is in use by another program. Stop it, or pick another port: ${p.variable}=<port> npm run demo`,
      );
      process.exit(1);
    }
  }
}

async function startDatabase(): Promise<void> {
  if (!env.DATABASE_URL) {
    const dbPort = Number(env.EMBEDDED_PG_PORT ?? 54329);
    const pg = await startEmbeddedPostgres({ dataDir: path.join(DATA, "pglite"), port: dbPort });
    cleanups.push(() => pg.stop());
    const result = await migrate(pg.ownerUrl);
    console.log(
      `Embedded PostgreSQL on 127.0.0.1:${dbPort} (data in ${path.relative(process.cwd(), DATA)}/pglite); ${result.applied.length} migration(s) applied.`,
    );
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
}

async function startEmulator(): Promise<void> {
  if (env.FACEBOOK_GRAPH_URL) return;
  env.FACEBOOK_APP_ID ??= "1234567890";
  env.FACEBOOK_APP_SECRET ??= "emulator-app-secret";
  const fb = await startFacebookEmulator({
    port: Number(env.FAKE_FACEBOOK_PORT ?? 4010),
    appId: env.FACEBOOK_APP_ID,
    appSecret: env.FACEBOOK_APP_SECRET,
    apiVersion: env.FACEBOOK_API_VERSION ?? "v24.0",
    requireAppsecretProof: true,
    stateFile: path.join(DATA, "facebook-emulator.json"),
  });
  cleanups.push(() => fb.close());
  env.FACEBOOK_GRAPH_URL = fb.url;
  env.FACEBOOK_DIALOG_URL = fb.url;
  console.log(`Facebook emulator on ${fb.url} (test people: Alice Admin — 3 Pages, Bob Bulk — 250 Pages, Nina NoPages, Carol Second).`);
}

async function startTikTok(): Promise<void> {
  if (env.TIKTOK_API_URL) return;
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

/** Every email the demo sends (alerts, invitations) lands in a local inbox; nothing leaves this machine. */
async function startMail(): Promise<void> {
  if (env.SMTP_URL) return;
  const mail = await startMailCapture({ smtpPort: Number(env.MAIL_SMTP_PORT ?? 2525), httpPort: Number(env.MAIL_HTTP_PORT ?? 4030) });
  cleanups.push(() => mail.close());
  env.SMTP_URL = mail.smtpUrl;
  console.log(`Mail catcher: every email the demo sends (alerts, invitations) is in the inbox at ${mail.url}`);
}

/** next build, unless the build in the dist folder was made from these very sources. */
async function ensureBuild(): Promise<void> {
  const distDir = distDirOf(env);
  if (skipBuild) {
    if (!existsSync(path.join(distDir, "BUILD_ID"))) throw new Error(`--no-build, but there is no build in ${distDir}.`);
    return;
  }
  const hash = sourceHash();
  if (buildIsCurrent(distDir, hash)) return;
  console.log("Building the app for production (first run, or the sources changed; a few minutes on a small machine)…");
  const code = await exitOf(spawnChild([NEXT_BIN, "build"], { ...env, NODE_ENV: "production" }));
  if (code !== 0) throw new Error(`next build failed (exit ${code}); fix the error above, or run \`npm run demo -- --dev\`.`);
  markBuilt(distDir, hash);
}

let stopping: Promise<void> | undefined;
/** Ends the children, then the emulator (it saves its state) and the database; every caller waits for all of it. */
async function stop(code: number): Promise<never> {
  stopping ??= (async () => {
    await stopChildren();
    for (const c of cleanups.reverse()) await c().catch(() => {});
    release(PID_FILE);
  })();
  await stopping;
  process.exit(code);
}

async function main() {
  const ports = [{ port, what: "the app", variable: "PORT" }];
  if (!env.DATABASE_URL)
    ports.push({ port: Number(env.EMBEDDED_PG_PORT ?? 54329), what: "the embedded database", variable: "EMBEDDED_PG_PORT" });
  if (!env.FACEBOOK_GRAPH_URL)
    ports.push({ port: Number(env.FAKE_FACEBOOK_PORT ?? 4010), what: "the Facebook emulator", variable: "FAKE_FACEBOOK_PORT" });
  if (!env.TIKTOK_API_URL)
    ports.push({ port: Number(env.FAKE_TIKTOK_PORT ?? 4020), what: "the TikTok emulator", variable: "FAKE_TIKTOK_PORT" });
  if (!env.SMTP_URL) {
    ports.push({ port: Number(env.MAIL_SMTP_PORT ?? 2525), what: "the mail catcher (SMTP)", variable: "MAIL_SMTP_PORT" });
    ports.push({ port: Number(env.MAIL_HTTP_PORT ?? 4030), what: "the mail catcher's inbox", variable: "MAIL_HTTP_PORT" });
  }
  await claimThisDemo(ports);
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) process.on(signal, () => void stop(0));
  process.on("exit", () => {
    killChildrenNow();
    release(PID_FILE);
  });

  const secrets = demoSecrets();
  env.AUTH_SECRET ??= secrets.AUTH_SECRET;
  env.TOKEN_ENCRYPTION_KEYS ??= secrets.TOKEN_ENCRYPTION_KEYS;
  env.AUTH_URL ??= appUrl;
  if (!dev) await ensureBuild();
  await startDatabase();
  const emulatedGraph = !env.FACEBOOK_GRAPH_URL;
  await startEmulator();
  await startTikTok();
  await startMail();
  // The web server runs the job engine in-process (health sweep every minute, webhook deliveries, email alerts):
  // the embedded database serves one connection, so a separate `npm run worker` could not connect beside it.
  env.JOBS_IN_PROCESS ??= "true";
  env.WEBHOOK_ALLOW_INSECURE_URLS ??= "true";

  const next = dev
    ? spawnChild([NEXT_BIN, "dev", "-p", String(port)], env)
    : spawnChild([NEXT_BIN, "start", "-p", String(port)], { ...env, NODE_ENV: "production" });
  console.log(`\nOpen ${appUrl} and press "Continue with Facebook".${dev ? " (next dev)" : ""}\n`);
  // Only the emulator's made-up secret is ever printed (a real app secret stays in the environment).
  const graphEnv = emulatedGraph ? ` FACEBOOK_GRAPH_URL=${env.FACEBOOK_GRAPH_URL} FACEBOOK_APP_SECRET=${env.FACEBOOK_APP_SECRET}` : "";
  console.log(
    `Automations: create a key under Settings → API keys (Pages → your workspace → API keys), then publish a post with it:\n` +
      `  SOCIAL_TOKENS_API_KEY=stk_live_… SOCIAL_TOKENS_URL=${appUrl}${graphEnv} \\\n` +
      `    npm run example:publish -- --page <page id> --message "Hello from an automation"\n`,
  );
  const code = await exitOf(next);
  if (stopping === undefined) console.error(`The app stopped (exit ${code}).`);
  await stop(code);
}

main().catch(async (err) => {
  console.error(`Demo failed to start: ${(err as Error).message}`);
  await stop(1);
});
