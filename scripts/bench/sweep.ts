/**
 * Health sweep benchmark: 10,000 real (emulator-minted) tokens, encrypted and stored across 5 tenants in a
 * throw-away PostgreSQL database, checked by the sweep against the Facebook emulator over HTTP (appsecret_proof on).
 * Reports tokens/s and Graph HTTP requests per 1,000 tokens (counted by the emulator). No assertions.
 *
 *   npm run bench                                   (with the dashboard figures)
 *   tsx --conditions=react-server scripts/bench/sweep.ts   (alone)
 */
import { pathToFileURL } from "node:url";
import { runTokenSweep } from "../../lib/health/sweep";
import { seedEncryptedTokens, type SeedToken } from "../../test/support/seed-tokens";
import { startConnectHarness } from "../../test/support/connect-harness";

const TOKENS = 10_000;
const TENANTS = 5;

export async function runSweepBench(): Promise<Record<string, number | string>> {
  const h = await startConnectHarness({ poolMax: 10 });
  h.db.owner.on("error", () => {}); // teardown: DROP DATABASE … WITH FORCE may close an idle connection first
  try {
    const seedStart = performance.now();
    // Realistic mix: mostly never-expiring Page tokens, some user tokens expiring soon, some revoked.
    const pages = await h.control.mintTokens({ count: TOKENS - 500, type: "PAGE" });
    const expiring = await h.control.mintTokens({ count: 250, type: "USER", state: "expiring" });
    const revoked = await h.control.mintTokens({ count: 250, type: "USER", state: "revoked", subcode: 460 });
    const all: SeedToken[] = [
      ...pages.map((token) => ({ token, type: "page" as const })),
      ...expiring.map((token) => ({ token, type: "user" as const })),
      ...revoked.map((token) => ({ token, type: "user" as const })),
    ];
    // Interleave so every tenant gets a share of each kind.
    const perTenant: SeedToken[][] = Array.from({ length: TENANTS }, () => []);
    all.forEach((t, i) => perTenant[i % TENANTS]!.push(t));
    for (const list of perTenant) await seedEncryptedTokens(h.db.owner, await h.seedMember(), list);
    const seedSeconds = (performance.now() - seedStart) / 1000;

    const figures: Record<string, number | string> = { tokens: TOKENS, tenants: TENANTS, "seed s": seedSeconds };
    // The first run is cold (connections, JIT, the role check); the default concurrency is then timed warm, and 4.
    const runs = [
      { concurrency: 2, label: " (cold)" },
      { concurrency: 2, label: "" },
      { concurrency: 4, label: " (concurrency 4)" },
    ];
    for (const { concurrency, label } of runs) {
      await h.db.owner.query(`UPDATE ad_tokens SET next_check_at = now(), check_lease_until = NULL`);
      await h.control.resetStats();
      const t0 = performance.now();
      const result = await runTokenSweep({ client: h.db.app, graph: h.graph(), concurrency });
      const seconds = (performance.now() - t0) / 1000;
      const stats = await h.control.stats();
      if (label === "") {
        figures["checked"] = result.checked;
        figures["statuses"] = `active ${result.active}, expiring ${result.expiring}, revoked ${result.revoked}`;
        figures["stopped"] = result.stoppedReason;
        figures["debug_token calls"] = stats.batchedByPath["/debug_token"] ?? 0;
        figures["Graph HTTP requests"] = stats.graphRequests;
        figures["Graph requests per 1,000 tokens"] = (stats.graphRequests / Math.max(1, result.checked)) * 1000;
      }
      figures[`sweep s${label}`] = seconds;
      figures[`tokens/s${label}`] = result.checked / seconds;
    }
    return figures;
  } finally {
    await h.close();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const figures = await runSweepBench();
  const width = Math.max(...Object.keys(figures).map((k) => k.length));
  console.log("== health sweep (10,000 tokens)");
  for (const [k, v] of Object.entries(figures)) console.log(`  ${k.padEnd(width)}  ${typeof v === "number" ? Number(v.toFixed(2)) : v}`);
  process.exit(0);
}
