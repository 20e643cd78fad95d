/**
 * npm run screenshots — rewrites the README's screenshots (docs/screenshots/*.png). They are taken by the e2e specs
 * (the "screenshots" tests) against a production build, the emulator and a throw-away database; `npm test` runs the
 * same tests but writes its pictures under test-results/, so the tracked files change only when asked.
 * Builds first when there is no build of the current sources.
 */
import { spawnSync } from "node:child_process";
import path from "node:path";
import { buildIsCurrent, distDirOf, markBuilt, sourceHash } from "./build-cache";

const env: NodeJS.ProcessEnv = { ...process.env, NEXT_TELEMETRY_DISABLED: "1" };
const bin = (name: string) => path.join("node_modules", ".bin", name);

const distDir = distDirOf(env);
const hash = sourceHash();
if (!buildIsCurrent(distDir, hash)) {
  console.log("Building the app for production first…");
  const build = spawnSync(bin("next"), ["build"], { stdio: "inherit", env: { ...env, NODE_ENV: "production" } });
  if (build.status !== 0) process.exit(build.status ?? 1);
  markBuilt(distDir, hash);
}
const run = spawnSync(bin("playwright"), ["test", "--grep", "screenshots"], {
  stdio: "inherit",
  env: { ...env, README_SCREENSHOTS: "docs/screenshots" },
});
process.exit(run.status ?? 1);
