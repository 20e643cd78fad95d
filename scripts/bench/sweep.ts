/**
 * Health sweep benchmark: N real (emulator-minted) tokens per size (default 10,000 and 100,000; BENCH_SWEEP_SIZES to
 * change), encrypted and stored across 5 tenants in a throw-away PostgreSQL database, checked by the sweep against
 * the Facebook emulator over HTTP (appsecret_proof on). Per size: per-token time of a warm full sweep, Graph HTTP
 * requests per 1,000 tokens (counted by the emulator), and where the time goes (claim and write statements, timed
 * by the client's query log; the rest is Graph calls, decryption and the event loop). No assertions.
 *
 *   npm run bench                                   (with the dashboard and connect figures)
 *   tsx --conditions=react-server scripts/bench/sweep.ts   (alone)
 */
import path from "node:path";
import { pathToFileURL } from "node:url";
import { closePrismaClient, createPrismaClient } from "../../lib/db/client";
import { runTokenSweep } from "../../lib/health/sweep";
import { seedEncryptedTokens, type SeedToken } from "../../test/support/seed-tokens";
import { startConnectHarness } from "../../test/support/connect-harness";
import { sizesFromEnv } from "./sizes";

const TENANTS = 5;

async function sweepAt(tokens: number): Promise<Record<string, number | string>> {
  const h = await startConnectHarness({ poolMax: 10 });
  const timing = { claimMs: 0, claims: 0, writeMs: 0, writes: 0 };
  const client = createPrismaClient(h.db.appUrl, {
    max: 10,
    onQuery: (sql, _params, ms) => {
      if (/^\s*WITH due AS/.test(sql)) {
        timing.claimMs += ms;
        timing.claims++;
      } else if (/^\s*WITH r AS/.test(sql)) {
        timing.writeMs += ms;
        timing.writes++;
      }
    },
  });
  try {
    const seedStart = performance.now();
    // Realistic mix: mostly never-expiring Page tokens, some user tokens expiring soon, some revoked.
    const users = Math.round(tokens * 0.025);
    const all: SeedToken[] = [
      ...(await h.control.mintTokens({ count: tokens - 2 * users, type: "PAGE" })).map((token) => ({ token, type: "page" as const })),
      ...(await h.control.mintTokens({ count: users, type: "USER", state: "expiring" })).map((token) => ({ token, type: "user" as const })),
      ...(await h.control.mintTokens({ count: users, type: "USER", state: "revoked", subcode: 460 })).map((token) => ({
        token,
        type: "user" as const,
      })),
    ];
    // Interleave so every tenant gets a share of each kind.
    const perTenant: SeedToken[][] = Array.from({ length: TENANTS }, () => []);
    all.forEach((t, i) => perTenant[i % TENANTS]!.push(t));
    for (const list of perTenant) await seedEncryptedTokens(h.db.owner, await h.seedMember(), list);
    await h.db.owner.query(`VACUUM ANALYZE`);
    const seedSeconds = (performance.now() - seedStart) / 1000;

    const figures: Record<string, number | string> = { tokens, tenants: TENANTS, "seed s": seedSeconds };
    // The first run is cold (connections, plans, the role check); the second is timed warm.
    for (const label of ["cold", "warm"]) {
      await h.db.owner.query(`UPDATE ad_tokens SET next_check_at = now(), check_lease_until = NULL`);
      await h.db.owner.query(`VACUUM ANALYZE ad_tokens`);
      await h.control.resetStats();
      Object.assign(timing, { claimMs: 0, claims: 0, writeMs: 0, writes: 0 });
      const t0 = performance.now();
      const result = await runTokenSweep({ client, graph: h.graph(), concurrency: 2 });
      const ms = performance.now() - t0;
      if (label === "cold") continue;
      const stats = await h.control.stats();
      figures["checked"] = result.checked;
      figures["stopped"] = result.stoppedReason;
      figures["Graph requests per 1,000 tokens"] = (stats.graphRequests / Math.max(1, result.checked)) * 1000;
      figures["sweep s"] = ms / 1000;
      figures["tokens/s"] = result.checked / (ms / 1000);
      figures["µs per token (total)"] = (ms * 1000) / Math.max(1, result.checked);
      figures["µs per token in claim statements"] = (timing.claimMs * 1000) / Math.max(1, result.checked);
      figures["µs per token in write statements"] = (timing.writeMs * 1000) / Math.max(1, result.checked);
      figures["ms per claim statement (mean)"] = timing.claimMs / Math.max(1, timing.claims);
      figures["ms per write statement (mean)"] = timing.writeMs / Math.max(1, timing.writes);
    }
    return figures;
  } finally {
    await closePrismaClient(client);
    await h.close();
  }
}

export async function runSweepBench(): Promise<Record<string, Record<string, number | string>>> {
  const out: Record<string, Record<string, number | string>> = {};
  for (const n of sizesFromEnv("BENCH_SWEEP_SIZES", [10_000, 100_000])) out[`${n.toLocaleString("en")} tokens`] = await sweepAt(n);
  return out;
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  const { printTable } = await import("./print");
  printTable("health sweep", await runSweepBench());
  process.exit(0);
}
