/**
 * Tracing benchmark: the token hand-out (POST /api/v1/pages/{id}/token, 32 concurrent clients) on two production
 * servers of the same build and database, one with tracing off (no OTEL_EXPORTER_OTLP_ENDPOINT: no SDK loaded) and
 * one exporting every span to a local OTLP/HTTP sink (Next's request spans, the transactions). Runs alternate
 * (off, on, off, on…) so a machine shared with other work weighs on both alike; prints each side's medians and the
 * median of the paired ratios on / off, and counts any handed-out token or API key in what was exported (0 expected).
 * Asserts nothing.
 *
 *   npx tsx --conditions=react-server scripts/bench/tracing.ts   (alone; needs `next build` first)
 */
import { existsSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import type { ChildProcess } from "node:child_process";
import { createTestDatabase } from "../../test/support/test-database";
import { startOtlpReceiver } from "../../test/support/otlp-receiver";
import { startBenchApp, stopServer } from "./server";
import { load, probeHandOut, seedHandOuts, type Run } from "./token-api";

const ROUNDS = 3;
const REQUESTS = 1_500;
const WARMUP = 300;

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
};
const fig = (runs: Run[], k: "p50" | "p99" | "rps") => median(runs.map((r) => r[k]));

export async function runTracingBench(): Promise<Record<string, number | string>> {
  const distDir = process.env.NEXT_DIST_DIR || ".next";
  if (!existsSync(path.join(distDir, "BUILD_ID"))) throw new Error(`No production build in ${distDir}/: run \`npx next build\` first.`);
  const db = await createTestDatabase({ poolMax: 2 });
  const sink = await startOtlpReceiver({ parse: false });
  const servers: ChildProcess[] = [];
  try {
    const { keys, pages, key } = await seedHandOuts(db);
    const auth = { authorization: `Bearer ${key.key}` };
    const start = async (traced: boolean) => {
      const started = await startBenchApp(db.appUrl, {
        TOKEN_ENCRYPTION_KEYS: keys,
        API_RATE_LIMIT_POINTS: "1000000",
        ...(traced ? { OTEL_EXPORTER_OTLP_ENDPOINT: sink.url, OTEL_SERVICE_NAME: "social-tokens-bench" } : {}),
      });
      servers.push(started.child);
      const urls = pages.map((p) => `${started.base}/api/v1/pages/${p.id}/token`);
      await probeHandOut(urls[0]!, auth, started.log);
      await load(urls, auth, WARMUP);
      return urls;
    };
    const off = await start(false);
    const on = await start(true);
    const offRuns: Run[] = [];
    const onRuns: Run[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      offRuns.push(await load(off, auth, REQUESTS));
      onRuns.push(await load(on, auth, REQUESTS));
    }
    // Let the last batch leave the traced server (the SDK exports every 5 s) before counting what the sink got.
    await new Promise((r) => setTimeout(r, 6_000));
    // Each round's on/off pair ran back to back: the median of the paired ratios is the figure least moved by load.
    const paired = (k: "p50" | "p99" | "rps") => median(onRuns.map((r, i) => r[k] / (offRuns[i] as Run)[k]));
    const exported = sink.bodies.join("\n");
    return {
      load: `32 concurrent clients, ${ROUNDS} alternating runs of ${REQUESTS} per side (medians)`,
      "tracing off p50 / p99 ms": `${fig(offRuns, "p50").toFixed(2)} / ${fig(offRuns, "p99").toFixed(2)}`,
      "tracing on p50 / p99 ms": `${fig(onRuns, "p50").toFixed(2)} / ${fig(onRuns, "p99").toFixed(2)}`,
      "tracing off hand-outs/s": fig(offRuns, "rps"),
      "tracing on hand-outs/s": fig(onRuns, "rps"),
      "errors (off / on)": `${offRuns.reduce((n, r) => n + r.errors, 0)} / ${onRuns.reduce((n, r) => n + r.errors, 0)}`,
      "OTLP export requests / MB received": `${sink.requests} / ${(sink.bytes / 1e6).toFixed(1)}`,
      "spans exported per hand-out (approx.)": (exported.match(/"spanId"/g)?.length ?? 0) / (WARMUP + 1 + ROUNDS * REQUESTS),
      "handed-out tokens or API keys in exported spans": (exported.match(/benchtoken|stk_live_/g) ?? []).length,
      "ratio p50 (on / off)": paired("p50"),
      "ratio p99 (on / off)": paired("p99"),
      "ratio hand-outs/s (on / off)": paired("rps"),
    };
  } finally {
    for (const s of servers) await stopServer(s).catch(() => {});
    await sink.close();
    await db.drop().catch((err: unknown) => console.error("could not drop the benchmark database:", err));
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  const { printFigures } = await import("./print");
  printFigures("token hand-out with tracing off vs on (exporting to a local OTLP sink)", await runTracingBench());
  process.exit(0);
}
