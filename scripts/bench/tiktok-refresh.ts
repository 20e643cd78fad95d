/**
 * TikTok refresh benchmark: 10,000 TikTok connections (real pairs minted by the TikTok emulator, both tokens sealed
 * and stored across 10 tenants, every one due) renewed by refreshDueTikTokTokens against the emulator over HTTP.
 * Reports seconds, connections/s, TikTok requests, and from the emulator's own books that no refresh token was spent
 * twice (max spends per token, presentations of already-spent tokens). The floor next to it: the same number of
 * refresh round trips to the emulator with no database, at the same concurrency, measured in the same run.
 *
 *   npm run bench                                              (with the other figures)
 *   tsx --conditions=react-server scripts/bench/tiktok-refresh.ts   (alone)
 */
import { randomUUID } from "node:crypto";
import { pathToFileURL } from "node:url";
import { sealPair } from "../../lib/connect/connect-tiktok";
import { TikTokClient } from "../../lib/tiktok/api-client";
import { refreshDueTikTokTokens } from "../../lib/tiktok/refresh";
import { startTikTokHarness } from "../../test/support/tiktok-harness";

const CONNECTIONS = Number(process.env.BENCH_TIKTOK_CONNECTIONS ?? 10_000);
const TENANTS = 10;
const FLOOR_REQUESTS = 2_000;

export async function runTikTokRefreshBench(): Promise<Record<string, number | string>> {
  const h = await startTikTokHarness({ poolMax: 10, env: { LOG_LEVEL: "warn" } });
  try {
    const seedStart = performance.now();
    const pairs = [];
    for (let i = 0; i < CONNECTIONS; i += 1000) pairs.push(...(await h.tiktok.mint({ count: Math.min(1000, CONNECTIONS - i) })).pairs);
    for (let t = 0; t < TENANTS; t++) {
      const { tenantId } = await h.seedMember();
      const mine = pairs.filter((_, i) => i % TENANTS === t);
      const users = mine.map(() => randomUUID());
      const identities = mine.map(() => randomUUID());
      const sealed = mine.map((p) => sealPair(tenantId, p));
      await h.db.owner.query(`INSERT INTO users (id, name) SELECT u, 'Bench creator' FROM unnest($1::uuid[]) AS u`, [users]);
      await h.db.owner.query(
        `INSERT INTO social_identities (id, tenant_id, user_id, platform, external_user_id, name)
         SELECT i, $1, u, 'tiktok', o, 'Bench creator' FROM unnest($2::uuid[], $3::uuid[], $4::text[]) AS x(i, u, o)`,
        [tenantId, identities, users, mine.map((p) => p.openId)],
      );
      // Every connection due: access token expiring in 5 minutes, last renewed 2 hours ago.
      await h.db.owner.query(
        `INSERT INTO ad_tokens (tenant_id, user_id, platform, token_type, social_identity_id, ciphertext, refresh_ciphertext, key_id,
                                scopes, expires_at, refresh_expires_at, last_refreshed_at, status)
         SELECT $1, u, 'tiktok', 'user', i, decode(c, 'base64'), decode(r, 'base64'), $5, ARRAY['user.info.basic'],
                now() + interval '5 minutes', now() + interval '180 days', now() - interval '2 hours', 'active'
           FROM unnest($2::uuid[], $3::uuid[], $4::text[], $6::text[]) AS x(u, i, c, r)`,
        [
          tenantId,
          users,
          identities,
          sealed.map((s) => Buffer.from(s.ciphertext).toString("base64")),
          sealed[0]!.keyId,
          sealed.map((s) => Buffer.from(s.refreshCiphertext).toString("base64")),
        ],
      );
    }
    const seedSeconds = (performance.now() - seedStart) / 1000;
    const figures: Record<string, number | string> = { connections: CONNECTIONS, tenants: TENANTS, "seed s": seedSeconds };

    // Floor: refresh round trips to the emulator alone (fresh pairs, not the seeded ones), same concurrency.
    const concurrency = 4;
    const floorPairs = (await h.tiktok.mint({ count: FLOOR_REQUESTS })).pairs;
    const client = new TikTokClient();
    let next = 0;
    const f0 = performance.now();
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next < floorPairs.length) await client.refresh(floorPairs[next++]!.refreshToken);
      }),
    );
    const floorPerSecond = FLOOR_REQUESTS / ((performance.now() - f0) / 1000);
    figures[`floor: TikTok refreshes/s without a database (concurrency ${concurrency})`] = floorPerSecond;

    await h.tiktok.resetStats();
    const t0 = performance.now();
    const result = await refreshDueTikTokTokens({ client: h.db.app, concurrency });
    const seconds = (performance.now() - t0) / 1000;
    const stats = await h.tiktok.stats();
    figures["refreshed"] = result.refreshed;
    figures["claimed / fresh / dead / retry"] = `${result.claimed} / ${result.fresh} / ${result.dead} / ${result.retryLater}`;
    figures["stopped"] = result.stoppedReason;
    figures["seconds"] = seconds;
    figures["connections/s"] = result.refreshed / seconds;
    figures["vs floor"] = `${((result.refreshed / seconds / floorPerSecond) * 100).toFixed(0)}%`;
    figures["TikTok HTTP requests"] = stats.requests;
    figures["refresh tokens spent"] = stats.refreshTokensSpent;
    figures["max spends of one refresh token"] = stats.maxSpendsPerToken;
    figures["spent-token presentations (reuse)"] = stats.refreshReuses;
    const { rows } = await h.db.owner.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM ad_tokens WHERE platform = 'tiktok' AND deleted_at IS NULL AND expires_at > now() + interval '1 hour'`,
    );
    figures["connections with a fresh pair afterwards"] = rows[0]!.n;

    // A second run right after: nothing is due, nothing is spent.
    await h.tiktok.resetStats();
    const again = await refreshDueTikTokTokens({ client: h.db.app, concurrency });
    figures["second run: claimed / TikTok requests"] = `${again.claimed} / ${(await h.tiktok.stats()).requests}`;
    return figures;
  } finally {
    await h.close();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const figures = await runTikTokRefreshBench();
  const width = Math.max(...Object.keys(figures).map((k) => k.length));
  console.log(`== TikTok refresh (${CONNECTIONS} connections)`);
  for (const [k, v] of Object.entries(figures)) console.log(`  ${k.padEnd(width)}  ${typeof v === "number" ? Number(v.toFixed(2)) : v}`);
  process.exit(0);
}
