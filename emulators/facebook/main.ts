/** CLI: `npm run fake-facebook` (tsx emulators/facebook/main.ts). */
import { startFacebookEmulator } from "./server.js";
import { stopOnSignals } from "../shared/listen.js";

const env = process.env;
const emulator = await startFacebookEmulator({
  port: Number.parseInt(env["FAKE_FACEBOOK_PORT"] || "4010", 10),
  host: env["FAKE_FACEBOOK_HOST"] || "127.0.0.1",
  appId: env["FACEBOOK_APP_ID"] || "1234567890",
  appSecret: env["FACEBOOK_APP_SECRET"] || "emulator-app-secret",
  apiVersion: env["FACEBOOK_API_VERSION"] || "v24.0",
  requireAppsecretProof: env["FAKE_FACEBOOK_REQUIRE_PROOF"] === "1" || env["FAKE_FACEBOOK_REQUIRE_PROOF"] === "true",
});
console.log(`Facebook emulator listening on ${emulator.url}`);

stopOnSignals(() => emulator.close());
