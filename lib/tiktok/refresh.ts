import "server-only";
import { db, type Db } from "../db/client";
import { Prisma } from "../db/generated/client";
import type { TokenStatus } from "../db/generated/enums";
import { withTenant, type Tx } from "../db/tenant-transaction";
import { appendAudit } from "../audit/audit-log";
import { logger } from "../log/logger";
import { logExpiryNotifier, type ExpiryNotifier, type TokenAttention } from "../health/expiry-notifier";
import { sealPair } from "../connect/connect-tiktok";
import { decryptToken } from "../tokens/encryption";
import { deriveStatus } from "../tokens/status";
import { env } from "../env";
import { TikTokApiError, TikTokClient, type TikTokTokenPair } from "./api-client";
import { REFRESH_AHEAD_SECONDS, REFRESH_AT_LEAST_EVERY_SECONDS } from "./config";
import { announceStatusChanges } from "../alerts/announce";

/**
 * Keeps TikTok connections alive. TikTok's access tokens are short-lived and every refresh ROTATES the refresh
 * token: the previous one stops working once TikTok has issued a new one. Spending a refresh token twice, or
 * losing the new one, kills the connection. So:
 *
 * - One refresh = one tenant transaction that locks the token row (`SELECT … FOR UPDATE`), re-reads it, calls
 *   TikTok only if the row is still due, and writes the new access + refresh pair (both sealed, both expiries from
 *   TikTok's answer) in the same transaction. A second refresher of the same connection waits on the row lock and
 *   then sees a fresh row: it does not call TikTok. Two refreshers never both spend the same refresh token.
 * - The batch run (`refreshDueTikTokTokens`) claims due rows like the health sweep (`FOR UPDATE SKIP LOCKED`,
 *   then a committed lease in `refresh_lease_until`) so parallel runs split the work, then refreshes each claimed
 *   row as above.
 * - A refresh TikTok refuses for good (`invalid_grant`: revoked, expired, or already spent) marks the token
 *   `revoked` (`expired` when its refresh expiry has passed), records the reason, writes an audit event and tells
 *   the expiry notifier, like a Facebook token that needs attention. Reconnecting is the only way back.
 * - Anything else (timeout, 5xx, rate limit) changes nothing but `last_error`; the row stays due and is retried.
 *
 * A crash between TikTok's answer and our COMMIT (process killed, database gone) rolls the transaction back: we
 * still hold the refresh token TikTok has just retired, and TikTok (per its 2026 documentation) has no grace
 * period for it. The next refresh gets `invalid_grant` and marks the connection `revoked` with the reason
 * "refresh token refused" so a person reconnects. The same happens when TikTok spent the token but its answer never
 * reached us (a timeout after TikTok processed the request). The window is one round trip plus one UPDATE.
 */

export type RefreshOutcome =
  /** Renewed: a new pair is stored. */
  | "refreshed"
  /** Not due (another refresher renewed it a moment ago, or it is not close to expiry): TikTok not called. */
  | "fresh"
  /** TikTok refused for good, or the refresh token has expired: marked, audited. */
  | "dead"
  /** A passing failure (timeout, 5xx, rate limit): nothing changed but last_error; retried later. */
  | "retry"
  /** Not found in this tenant (disconnected, or another workspace's id), or not a TikTok token with a refresh token. */
  | "gone";

export interface RefreshOneOptions {
  client?: Db;
  tiktok?: TikTokClient;
  /** Refresh when the access token expires within this many seconds (default 15 minutes). */
  aheadSeconds?: number;
  /** Never renew a pair renewed less than this many seconds ago (default 60). */
  minIntervalSeconds?: number;
  notifier?: ExpiryNotifier;
  /** Test seam: runs after TikTok answered and before the new pair is written (throw to simulate a crash there). */
  afterTikTokAnswered?: (pair: TikTokTokenPair) => Promise<void>;
}

export interface RefreshOneResult {
  outcome: RefreshOutcome;
  status: TokenStatus | null;
  /** TikTok was called (a refresh token was presented). */
  calledTikTok: boolean;
  rateLimited: boolean;
}

interface LockedRow {
  id: string;
  tenant_id: string;
  social_identity_id: string;
  token_type: "user" | "page";
  status: TokenStatus;
  key_id: string;
  refresh_ciphertext: Uint8Array | null;
  expires_at: Date | null;
  refresh_expires_at: Date | null;
  due: boolean;
  refresh_expired: boolean;
}

/**
 * "Due": the access token expires within `aheadSeconds` or the pair was not renewed for a day, and it was not renewed
 * in the last `minIntervalSeconds` (so a refresher that waited on the row lock, or a TikTok answering with a lifetime
 * shorter than `aheadSeconds`, never renews the same connection in a loop).
 */
function dueSql(alias: string, w: Window): Prisma.Sql {
  const t = Prisma.raw(alias);
  return Prisma.sql`((${t}.expires_at IS NULL OR ${t}.expires_at <= now() + make_interval(secs => ${w.aheadSeconds}::double precision)
            OR ${t}.last_refreshed_at IS NULL
            OR ${t}.last_refreshed_at <= now() - make_interval(secs => ${REFRESH_AT_LEAST_EVERY_SECONDS}::double precision))
           AND (${t}.last_refreshed_at IS NULL OR ${t}.last_refreshed_at <= now() - make_interval(secs => ${w.minIntervalSeconds}::double precision)))`;
}

interface Window {
  aheadSeconds: number;
  minIntervalSeconds: number;
}

async function lockRow(tx: Tx, tokenId: string, w: Window): Promise<LockedRow | undefined> {
  const rows = await tx.$queryRaw<LockedRow[]>`
    SELECT id, tenant_id, social_identity_id, token_type, status, key_id, refresh_ciphertext, expires_at, refresh_expires_at,
           ${dueSql("ad_tokens", w)} AS due,
           (refresh_expires_at IS NOT NULL AND refresh_expires_at <= now()) AS refresh_expired
      FROM ad_tokens
     WHERE id = ${tokenId}::uuid AND deleted_at IS NULL AND platform = 'tiktok' AND refresh_ciphertext IS NOT NULL
     FOR UPDATE`;
  return rows[0];
}

async function markDead(tx: Tx, row: LockedRow, status: "revoked" | "expired", reason: string, tiktokCode: string | null): Promise<void> {
  await tx.$executeRaw`
    UPDATE ad_tokens SET status = ${status}::token_status, last_error = ${reason}, last_checked_at = now(),
           refresh_lease_until = NULL, updated_at = now()
     WHERE id = ${row.id}::uuid`;
  // The same alerts as a Facebook token's: a token.status_changed webhook event and the owners' email.
  await announceStatusChanges(
    tx,
    row.tenant_id,
    [
      {
        id: row.id,
        previousStatus: row.status,
        status,
        tokenType: row.token_type,
        socialIdentityId: row.social_identity_id,
        expiresAt: row.refresh_expires_at,
        lastError: reason,
      },
    ],
    "sweep",
  );
  await appendAudit(tx, row.tenant_id, null, [
    {
      action: "tiktok.refresh_failed",
      targetType: "ad_token",
      targetId: row.id,
      details: { from: row.status, to: status, reason, ...(tiktokCode ? { tiktokError: tiktokCode } : {}) },
    },
  ]);
}

async function notify(notifier: ExpiryNotifier, row: LockedRow, to: "revoked" | "expired"): Promise<void> {
  if (row.status === to) return;
  const change: TokenAttention = {
    tenantId: row.tenant_id,
    tokenId: row.id,
    tokenType: row.token_type,
    socialIdentityId: row.social_identity_id,
    from: row.status,
    to,
    expiresAt: row.refresh_expires_at,
  };
  await notifier.tokensNeedAttention([change]).catch((err: unknown) => logger.error("tiktok.refresh.notifier_failed", { err }));
}

/** Refreshes one TikTok connection under its row lock. Never spends a refresh token another refresher already spent. */
export async function refreshTikTokToken(tenantId: string, tokenId: string, opts: RefreshOneOptions = {}): Promise<RefreshOneResult> {
  const tiktok = opts.tiktok ?? new TikTokClient();
  const w = windowOf(opts);
  const notifier = opts.notifier ?? logExpiryNotifier;
  let dead: { row: LockedRow; to: "revoked" | "expired" } | null = null;
  const result = await withTenant(
    tenantId,
    async (tx): Promise<RefreshOneResult> => {
      const row = await lockRow(tx, tokenId, w);
      if (row === undefined || row.refresh_ciphertext === null)
        return { outcome: "gone", status: null, calledTikTok: false, rateLimited: false };
      const release = () => tx.$executeRaw`UPDATE ad_tokens SET refresh_lease_until = NULL WHERE id = ${row.id}::uuid`;
      if (row.status === "revoked" || (row.status === "expired" && row.refresh_expired)) {
        await release();
        return { outcome: "dead", status: row.status, calledTikTok: false, rateLimited: false };
      }
      if (row.refresh_expired) {
        await markDead(tx, row, "expired", "The TikTok refresh token expired; reconnect TikTok.", null);
        dead = { row, to: "expired" };
        return { outcome: "dead", status: "expired", calledTikTok: false, rateLimited: false };
      }
      if (!row.due) {
        await release();
        return { outcome: "fresh", status: row.status, calledTikTok: false, rateLimited: false };
      }
      const refreshToken = decryptToken(tenantId, { ciphertext: row.refresh_ciphertext, keyId: row.key_id });
      let pair: TikTokTokenPair;
      try {
        pair = await tiktok.refresh(refreshToken);
      } catch (err) {
        if (!(err instanceof TikTokApiError)) throw err;
        if (err.isDeadGrant) {
          await markDead(
            tx,
            row,
            "revoked",
            "TikTok refused the refresh token (revoked, expired or already used); reconnect TikTok.",
            err.info.code,
          );
          dead = { row, to: "revoked" };
          return { outcome: "dead", status: "revoked", calledTikTok: true, rateLimited: false };
        }
        await tx.$executeRaw`
          UPDATE ad_tokens SET last_error = ${`TikTok refresh failed: ${err.info.code}; retrying later.`}, refresh_lease_until = NULL
           WHERE id = ${row.id}::uuid`;
        logger.warn("tiktok.refresh.retry_later", { tenantId, tokenId, code: err.info.code, status: err.info.status });
        return { outcome: "retry", status: row.status, calledTikTok: true, rateLimited: err.isRateLimit };
      }
      await opts.afterTikTokAnswered?.(pair);
      const sealed = sealPair(tenantId, pair);
      // The connection lives as long as its refresh token: "expiring" when that is within the warning window.
      const status = deriveStatus({ isValid: true, expiresAt: pair.refreshExpiresAt, warningDays: env().TOKEN_EXPIRY_WARNING_DAYS });
      await tx.$executeRaw`
        UPDATE ad_tokens SET
          ciphertext = ${sealed.ciphertext}, refresh_ciphertext = ${sealed.refreshCiphertext}, key_id = ${sealed.keyId},
          expires_at = ${pair.accessExpiresAt}, refresh_expires_at = ${pair.refreshExpiresAt},
          scopes = ${pair.scopes}::text[], last_refreshed_at = now(), status = ${status}::token_status, last_error = NULL,
          refresh_lease_until = NULL, updated_at = now()
         WHERE id = ${row.id}::uuid`;
      if (row.status !== status && row.status !== "unchecked") {
        await appendAudit(tx, tenantId, null, [
          {
            action: "token.status_changed",
            targetType: "ad_token",
            targetId: row.id,
            details: { from: row.status, to: status, via: "tiktok_refresh" },
          },
        ]);
      }
      return { outcome: "refreshed", status, calledTikTok: true, rateLimited: false };
    },
    { client: opts.client, timeoutMs: tiktok.config.timeoutMs + 10_000 },
  );
  const marked = dead as { row: LockedRow; to: "revoked" | "expired" } | null;
  if (marked !== null) {
    logger.warn("tiktok.refresh.dead", { tenantId, tokenId, to: marked.to });
    await notify(notifier, marked.row, marked.to);
  }
  return result;
}

const windowOf = (o: { aheadSeconds?: number; minIntervalSeconds?: number }): Window => ({
  aheadSeconds: o.aheadSeconds ?? REFRESH_AHEAD_SECONDS,
  minIntervalSeconds: o.minIntervalSeconds ?? 60,
});

export interface RefreshRunOptions extends Omit<RefreshOneOptions, "afterTikTokAnswered"> {
  /** Refresh at most this many connections (default: no limit). */
  limit?: number;
  /** Start no new round after this many ms (default: no limit). */
  timeBudgetMs?: number;
  /** Refreshes in flight at once (default 4; keep below the database pool size). */
  concurrency?: number;
  /** Connections claimed per round (default 200). */
  roundSize?: number;
  /** A claim's lease (default 300 s). */
  leaseSeconds?: number;
}

export interface RefreshRunResult {
  claimed: number;
  refreshed: number;
  fresh: number;
  dead: number;
  retryLater: number;
  gone: number;
  /** Refresh requests sent to TikTok. */
  tiktokRequests: number;
  tenants: number;
  stoppedReason: "done" | "limit" | "time_budget" | "rate_limited";
  durationMs: number;
}

interface ClaimedRow {
  id: string;
  tenant_id: string;
}

/** Claims up to `limit` due TikTok tokens of the tenant in context: FOR UPDATE SKIP LOCKED, then a committed lease. */
async function claimDue(tx: Tx, limit: number, w: Window, leaseSeconds: number): Promise<ClaimedRow[]> {
  if (limit <= 0) return [];
  // A MATERIALIZED CTE, as in the health sweep: evaluated once, so SKIP LOCKED cannot hand out extra rows.
  return tx.$queryRaw<ClaimedRow[]>`
    WITH due AS MATERIALIZED (
      SELECT d.id FROM ad_tokens d
       WHERE d.deleted_at IS NULL AND d.platform = 'tiktok' AND d.refresh_ciphertext IS NOT NULL
         AND d.status NOT IN ('revoked', 'expired')
         AND ${dueSql("d", w)}
         AND (d.refresh_lease_until IS NULL OR d.refresh_lease_until <= now())
       ORDER BY d.expires_at NULLS FIRST
       LIMIT ${limit}::int
       FOR UPDATE SKIP LOCKED)
    UPDATE ad_tokens t SET refresh_lease_until = now() + make_interval(secs => ${leaseSeconds}::double precision)
      FROM due WHERE t.id = due.id
    RETURNING t.id, t.tenant_id`;
}

/**
 * Refreshes every TikTok connection that is due (access token expiring within `aheadSeconds`, or not renewed for a
 * day), tenant by tenant, bounded by `limit` and `timeBudgetMs`. Called by the cron route after the health sweep and
 * by `npm run tiktok:refresh`; a job engine can call it the same way.
 */
export async function refreshDueTikTokTokens(opts: RefreshRunOptions = {}): Promise<RefreshRunResult> {
  const started = Date.now();
  const client = opts.client ?? db();
  const tiktok = opts.tiktok ?? new TikTokClient();
  const w = windowOf(opts);
  const limit = opts.limit ?? Number.POSITIVE_INFINITY;
  const budget = opts.timeBudgetMs ?? Number.POSITIVE_INFINITY;
  const concurrency = Math.max(1, Math.floor(opts.concurrency ?? 4));
  const roundSize = Math.max(1, Math.floor(opts.roundSize ?? 200));
  const leaseSeconds = opts.leaseSeconds ?? 300;
  const result: RefreshRunResult = {
    claimed: 0,
    refreshed: 0,
    fresh: 0,
    dead: 0,
    retryLater: 0,
    gone: 0,
    tiktokRequests: 0,
    tenants: 0,
    stoppedReason: "done",
    durationMs: 0,
  };
  const tenants = (await client.tenant.findMany({ where: { deletedAt: null }, select: { id: true }, orderBy: { id: "asc" } })).map(
    (t) => t.id,
  );
  result.tenants = tenants.length;
  let cursor = 0;

  for (;;) {
    if (Date.now() - started + tiktok.config.timeoutMs > budget) {
      result.stoppedReason = "time_budget";
      break;
    }
    const want = Math.min(roundSize, limit - result.claimed);
    if (want <= 0) {
      result.stoppedReason = "limit";
      break;
    }
    const claimed: ClaimedRow[] = [];
    while (claimed.length < want && cursor < tenants.length) {
      const tenantId = tenants[cursor] as string;
      const ask = want - claimed.length;
      const rows = await withTenant(tenantId, (tx) => claimDue(tx, ask, w, leaseSeconds), { client });
      claimed.push(...rows);
      if (rows.length < ask) cursor++;
    }
    if (claimed.length === 0) break;
    result.claimed += claimed.length;

    let next = 0;
    let rateLimited = false;
    const worker = async () => {
      while (next < claimed.length) {
        const row = claimed[next++] as ClaimedRow;
        if (rateLimited) {
          // Give the rest of the round back at once: due again on the next run.
          await withTenant(
            row.tenant_id,
            (tx) => tx.$executeRaw`UPDATE ad_tokens SET refresh_lease_until = NULL WHERE id = ${row.id}::uuid`,
            {
              client,
            },
          );
          result.retryLater++;
          continue;
        }
        try {
          const r = await refreshTikTokToken(row.tenant_id, row.id, { client, tiktok, ...w, notifier: opts.notifier });
          if (r.calledTikTok) result.tiktokRequests++;
          if (r.rateLimited) rateLimited = true;
          if (r.outcome === "retry") result.retryLater++;
          else result[r.outcome]++;
        } catch (err) {
          // Undecryptable row or a database failure: the lease runs out and the row is tried again later.
          logger.error("tiktok.refresh.failed", { tenantId: row.tenant_id, tokenId: row.id, error: err });
          result.retryLater++;
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, claimed.length) }, worker));
    if (rateLimited) {
      result.stoppedReason = "rate_limited";
      break;
    }
  }
  result.durationMs = Date.now() - started;
  logger.info("tiktok.refresh.finished", { ...result });
  return result;
}
