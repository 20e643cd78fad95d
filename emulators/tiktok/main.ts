/** CLI: `npm run fake-tiktok` (tsx emulators/tiktok/main.ts). */
import { startTikTokEmulator } from "./server.js";
import { stopOnSignals } from "../shared/listen.js";

const env = process.env;
const int = (v: string | undefined) => (v === undefined || v === "" ? undefined : Number.parseInt(v, 10));
const emulator = await startTikTokEmulator({
  port: int(env["FAKE_TIKTOK_PORT"]) ?? 4020,
  host: env["FAKE_TIKTOK_HOST"] || "127.0.0.1",
  clientKey: env["TIKTOK_CLIENT_KEY"] || "emulatorclientkey",
  clientSecret: env["TIKTOK_CLIENT_SECRET"] || "emulator-client-secret",
  accessTtlSeconds: int(env["FAKE_TIKTOK_ACCESS_TTL_SECONDS"]),
  refreshTtlSeconds: int(env["FAKE_TIKTOK_REFRESH_TTL_SECONDS"]),
  rateLimitPerMinute: int(env["FAKE_TIKTOK_RATE_LIMIT_PER_MINUTE"]),
});
console.log(`TikTok emulator listening on ${emulator.url}`);

stopOnSignals(() => emulator.close());
