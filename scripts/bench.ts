/**
 * npm run bench — prints figures and ratios (never asserts):
 *  - dashboard: p50/p95 TTFB and req/s under concurrent load on a production build with 1,000 Pages, next to a
 *    static route in the same run; SQL statements per dashboard render; first-load JS (gzip);
 *  - sweep: tokens/s and Graph HTTP requests per 1,000 tokens for 10,000 tokens;
 *  - TikTok refresh: 10,000 connections renewed (seconds, requests, no refresh token spent twice) next to a floor.
 * Builds the app first when there is no production build.
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { runDashboardBench } from "./bench/dashboard";
import { runSweepBench } from "./bench/sweep";
import { runTikTokRefreshBench } from "./bench/tiktok-refresh";

const distDir = process.env.NEXT_DIST_DIR || ".next";
if (!existsSync(path.join(distDir, "BUILD_ID"))) {
  console.log("No production build found: running next build…");
  const res = spawnSync(path.join("node_modules", ".bin", "next"), ["build"], {
    stdio: "inherit",
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" },
  });
  if (res.status !== 0) process.exit(res.status ?? 1);
}

function print(title: string, figures: Record<string, number | string>) {
  console.log(`\n== ${title}`);
  const width = Math.max(...Object.keys(figures).map((k) => k.length));
  for (const [k, v] of Object.entries(figures)) console.log(`  ${k.padEnd(width)}  ${typeof v === "number" ? Number(v.toFixed(2)) : v}`);
}

print("dashboard (1,000 Pages)", await runDashboardBench());
print("health sweep (10,000 tokens)", await runSweepBench());
print("TikTok refresh (10,000 connections)", await runTikTokRefreshBench());
process.exit(0);
