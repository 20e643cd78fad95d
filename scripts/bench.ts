/**
 * npm run bench — prints figures side by side from one run (never asserts):
 *  - dashboard next to its floor (the same markup from memory, no session, no database), one request at a time and
 *    8 concurrent; the dashboard at 1,000 / 10,000 / 100,000 Pages: TTFB and server time per SQL statement;
 *  - connect of 1,000 Pages next to its floor; SQL statements per connect;
 *  - health sweep per-token time at 10,000 and 100,000 tokens.
 * Sizes: BENCH_SIZES (dashboard Pages, default 1000,10000,100000), BENCH_SWEEP_SIZES (default 10000,100000),
 * BENCH_CONNECT_PAGES (default 1000); e.g. BENCH_SIZES=1000,10000 BENCH_SWEEP_SIZES=10000 for a quick run.
 *  - token API: hand-out p50/p99 and hand-outs/s at 32 concurrent clients, next to a one-transaction floor.
 *  - scale: nothing-due sweep and deauthorize at 1,000 vs 100,000 workspaces, claiming 10,000 due tokens, webhook
 *    fan-out (scripts/bench/scale.ts; alone: npm run bench:scale).
 *  - TikTok refresh: 10,000 connections renewed (seconds, requests, no refresh token spent twice) next to a floor.
 *  - tracing: the token hand-out with OpenTelemetry off vs on (exporting to a local OTLP sink), as ratios.
 * Builds the app first when there is no production build.
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { runConnectBench } from "./bench/connect";
import { runDashboardBench } from "./bench/dashboard";
import { printFigures, printTable } from "./bench/print";
import { runSweepBench } from "./bench/sweep";
import { runTokenApiBench } from "./bench/token-api";
import { runScaleBench } from "./bench/scale";
import { runTikTokRefreshBench } from "./bench/tiktok-refresh";
import { runTracingBench } from "./bench/tracing";

const distDir = process.env.NEXT_DIST_DIR || ".next";
if (!existsSync(path.join(distDir, "BUILD_ID"))) {
  console.log("No production build found: running next build…");
  const res = spawnSync(path.join("node_modules", ".bin", "next"), ["build"], {
    stdio: "inherit",
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" },
  });
  if (res.status !== 0) process.exit(res.status ?? 1);
}

const started = performance.now();
const dashboard = await runDashboardBench();
printFigures("dashboard vs its floor (same markup from memory: no session, no database)", dashboard.floor);
printTable("dashboard by workspace size", dashboard.bySize);
printFigures("connect vs its floor (same Graph fetches + encryption + one transaction of two bulk inserts)", await runConnectBench());
printTable("health sweep by number of tokens", await runSweepBench());
printFigures("token hand-out (32 concurrent, next to a one-statement floor)", await runTokenApiBench());
printFigures("scale (1,000 vs 100,000 workspaces)", await runScaleBench());
printFigures("TikTok refresh (10,000 connections)", await runTikTokRefreshBench());
printFigures("token hand-out with tracing off vs on (exporting to a local OTLP sink)", await runTracingBench());
console.log(`\nbench finished in ${((performance.now() - started) / 1000).toFixed(0)} s`);
process.exit(0);
