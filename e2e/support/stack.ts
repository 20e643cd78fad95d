/**
 * The e2e stack, started by Playwright's webServer: a fresh PostgreSQL database (migrated, app role provisioned),
 * the Facebook emulator, and `next start` (production build) connected to both. Writes E2E.stackFile so specs can
 * inspect the database as the owner. Stops everything (and drops the database) on SIGTERM.
 */
import { spawn } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { createTestDatabase } from "../../test/support/test-database";
import { generateKeySpec } from "../../lib/tokens/key-ring";
import { startFacebookEmulator } from "../../emulators/facebook/server";
import { startMailCapture } from "../../emulators/mail/server";
import { startTikTokEmulator } from "../../emulators/tiktok/server";
import { E2E } from "./ports";

const database = await createTestDatabase();
const emulator = await startFacebookEmulator({
  port: E2E.emulatorPort,
  appId: E2E.appId,
  appSecret: E2E.appSecret,
  apiVersion: "v24.0",
  requireAppsecretProof: true,
});
// One mail capture per stack: every email the app sends (alerts, invitations) lands in its inbox.
const mail = await startMailCapture({ smtpPort: E2E.mailSmtpPort, httpPort: E2E.mailHttpPort });
const tiktok = await startTikTokEmulator({ port: E2E.tiktokPort, clientKey: E2E.tiktokClientKey, clientSecret: E2E.tiktokClientSecret });
const keys = generateKeySpec("e2e1");
mkdirSync(path.dirname(E2E.stackFile), { recursive: true });
writeFileSync(
  E2E.stackFile,
  JSON.stringify(
    {
      ownerUrl: database.ownerUrl,
      appDbUrl: database.appUrl,
      emulatorUrl: emulator.url,
      tiktokUrl: tiktok.url,
      appUrl: E2E.appUrl,
      keys,
      mailUrl: mail.url,
    },
    null,
    2,
  ),
);

const logFile = E2E.appLog;
const app = spawn(process.execPath, [path.join("node_modules", "next", "dist", "bin", "next"), "start", "-p", String(E2E.appPort)], {
  stdio: ["ignore", "pipe", "pipe"],
  env: {
    ...process.env,
    NODE_ENV: "production",
    DATABASE_URL: database.appUrl,
    DATABASE_POOL_MAX: "5",
    AUTH_SECRET: E2E.authSecret,
    AUTH_URL: E2E.appUrl,
    FACEBOOK_APP_ID: E2E.appId,
    FACEBOOK_APP_SECRET: E2E.appSecret,
    FACEBOOK_GRAPH_URL: emulator.url,
    FACEBOOK_DIALOG_URL: emulator.url,
    FACEBOOK_TIMEOUT_MS: "3000",
    TIKTOK_CLIENT_KEY: E2E.tiktokClientKey,
    TIKTOK_CLIENT_SECRET: E2E.tiktokClientSecret,
    TIKTOK_AUTH_URL: tiktok.url,
    TIKTOK_API_URL: tiktok.url,
    TIKTOK_TIMEOUT_MS: "3000",
    TOKEN_ENCRYPTION_KEYS: keys,
    CRON_SECRET: E2E.cronSecret,
    SMTP_URL: mail.smtpUrl,
    // Webhook receivers in the e2e specs listen on 127.0.0.1 over http; retries 1 s × 2^n instead of 15 s.
    WEBHOOK_ALLOW_INSECURE_URLS: "true",
    WEBHOOK_RETRY_DELAY_SECONDS: "1",
    NEXT_TELEMETRY_DISABLED: "1",
  },
});
// Everything the app logs goes to a file the no-plaintext spec searches for tokens.
const { createWriteStream } = await import("node:fs");
const log = createWriteStream(logFile, { flags: "w" });
app.stdout.pipe(log);
app.stderr.pipe(log);
app.stdout.pipe(process.stdout);
app.stderr.pipe(process.stderr);

let stopping = false;
async function stop(code: number) {
  if (stopping) return;
  stopping = true;
  app.kill("SIGTERM");
  await emulator.close().catch(() => {});
  await mail.close().catch(() => {});
  await tiktok.close().catch(() => {});
  await database.drop().catch(() => {});
  process.exit(code);
}
process.on("SIGTERM", () => void stop(0));
process.on("SIGINT", () => void stop(0));
app.on("exit", (code) => void stop(code ?? 1));
