/**
 * npm run bench — prints figures and ratios (never asserts):
 *  - dashboard: p50/p95 TTFB and req/s under concurrent load on a production build with 1,000 Pages, next to a
 *    static route in the same run; SQL statements per dashboard render; first-load JS (gzip);
 *  - sweep: tokens/s and Graph HTTP requests per 1,000 tokens for 10,000 tokens;
 *  - token API: hand-out p50/p99 and hand-outs/s at 32 concurrent clients, next to a one-transaction floor.
 *  - scale: nothing-due sweep and deauthorize at 1,000 vs 100,000 workspaces, claiming 10,000 due tokens, webhook
 *    fan-out (scripts/bench/scale.ts; alone: npm run bench:scale).
 * Builds the app first when there is no production build.
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { runDashboardBench } from "./bench/dashboard";
import { runSweepBench } from "./bench/sweep";
import { runTokenApiBench } from "./bench/token-api";
import { runScaleBench } from "./bench/scale";

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
print("token hand-out (32 concurrent, next to a one-statement floor)", await runTokenApiBench());
print("scale (1,000 vs 100,000 workspaces)", await runScaleBench());
process.exit(0);
