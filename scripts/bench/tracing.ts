/**
 * Tracing benchmark: the token hand-out (POST /api/v1/pages/{id}/token, 32 concurrent clients) on two production
 * servers of the same build and database, one with tracing off (no OTEL_EXPORTER_OTLP_ENDPOINT: no SDK loaded) and
 * one exporting every span to a local OTLP/HTTP sink (Next's request spans, the transactions). Runs alternate
 * (off, on, off, on) so a machine shared with other work weighs on both alike; prints each side's best run and the
 * ratios on / off. Asserts nothing.
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

const ROUNDS = 2;
const WARMUP = 300;

const best = (runs: Run[]): Run => runs.reduce((a, b) => (b.p50 < a.p50 ? b : a));

export async function runTracingBench(): Promise<Record<string, number | string>> {
  const distDir = process.env.NEXT_DIST_DIR || ".next";
  if (!existsSync(path.join(distDir, "BUILD_ID"))) throw new Error(`No production build in ${distDir}/: run \`npx next build\` first.`);
  const db = await createTestDatabase({ poolMax: 2 });
  db.owner.on("error", () => {});
  const sink = await startOtlpReceiver({ keep: false });
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
      offRuns.push(await load(off, auth));
      onRuns.push(await load(on, auth));
    }
    // Let the last batch leave the traced server (the SDK exports every 5 s) before counting what the sink got.
    await new Promise((r) => setTimeout(r, 6_000));
    const f = best(offRuns);
    const t = best(onRuns);
    return {
      load: `32 concurrent clients, ${ROUNDS} alternating runs per side, best p50 run of each`,
      "tracing off p50 / p99 ms": `${f.p50.toFixed(2)} / ${f.p99.toFixed(2)}`,
      "tracing on p50 / p99 ms": `${t.p50.toFixed(2)} / ${t.p99.toFixed(2)}`,
      "tracing off hand-outs/s": f.rps,
      "tracing on hand-outs/s": t.rps,
      "errors (off / on)": `${offRuns.reduce((n, r) => n + r.errors, 0)} / ${onRuns.reduce((n, r) => n + r.errors, 0)}`,
      "OTLP export requests received": sink.requests,
      "OTLP bytes received (MB)": sink.bytes / 1e6,
      "ratio p50 (on / off)": t.p50 / f.p50,
      "ratio p99 (on / off)": t.p99 / f.p99,
      "ratio hand-outs/s (on / off)": t.rps / f.rps,
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
