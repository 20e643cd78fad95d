import "server-only";
import type { TokenStatus, TokenType } from "../db/generated/enums";
import { Prisma } from "../db/generated/client";
import type { Tx } from "../db/tenant-transaction";
import { appendAudit, type AuditEntry } from "../audit/audit-log";
import type { TokenWrite } from "./classify";
import { announceStatusChanges, type StatusChange } from "../alerts/announce";

/**
 * The health check's SQL. Every function runs inside the caller's tenant transaction (RLS context set); each
 * touches many tokens with one statement (a claim, a write of a batch's results), never one query per token.
 */

export interface ClaimedToken {
  id: string;
  tenantId: string;
  /** Where the token sat in the due order when claimed (claimDueTokens' per-tenant cursor; not set by the global claim). */
  nextCheckAt?: Date;
  tokenType: TokenType;
  status: TokenStatus;
  ciphertext: Uint8Array;
  keyId: string;
}

interface ClaimedRow {
  id: string;
  tenant_id: string;
  next_check_at: Date;
  token_type: TokenType;
  status: TokenStatus;
  ciphertext: Uint8Array;
  key_id: string;
}

const toClaimed = (r: ClaimedRow): ClaimedToken => ({
  id: r.id,
  tenantId: r.tenant_id,
  nextCheckAt: r.next_check_at,
  tokenType: r.token_type,
  status: r.status,
  ciphertext: r.ciphertext,
  keyId: r.key_id,
});

/** A position in a tenant's due order (next_check_at, id): a claim starts after it. */
export interface ClaimCursor {
  nextCheckAt: Date;
  id: string;
}

/** The last position of a claim's rows (null when none), for the next claim of the same tenant. */
export function cursorAfter(rows: readonly ClaimedToken[], previous: ClaimCursor | null): ClaimCursor | null {
  let c = previous;
  for (const r of rows) {
    if (!r.nextCheckAt) continue;
    const t = r.nextCheckAt.getTime();
    if (!c || t > c.nextCheckAt.getTime() || (t === c.nextCheckAt.getTime() && r.id > c.id)) c = { nextCheckAt: r.nextCheckAt, id: r.id };
  }
  return c;
}

/**
 * Claims up to `limit` of this tenant's tokens that are due (next_check_at passed, no live lease, not deleted) by
 * setting a lease: UPDATE … FROM (SELECT … LIMIT n FOR UPDATE SKIP LOCKED) RETURNING …. Rows another transaction
 * holds are skipped (SKIP LOCKED), and once this transaction commits their live lease keeps every other sweep away
 * until the results are written or the lease runs out.
 *
 * `after` (the sweep passes the previous claim's cursorAfter) starts the index scan (ad_tokens_due_by_tenant:
 * tenant_id, next_check_at, id) past everything this sweep already claimed or skipped. Without it each claim walked
 * again over the index entries of every token checked so far in this sweep (their old, dead versions stay at the
 * front of the due order until vacuum), so a claim's cost grew with the sweep's progress (measured: 20 ms per claim
 * at 10,000 tokens, 40 ms at 100,000).
 */
export async function claimDueTokens(
  tx: Tx,
  limit: number,
  leaseSeconds: number,
  after: ClaimCursor | null = null,
): Promise<ClaimedToken[]> {
  if (limit <= 0) return [];
  const past = after ? Prisma.sql`AND (d.next_check_at, d.id) > (${after.nextCheckAt}::timestamptz, ${after.id}::uuid)` : Prisma.empty;
  // The locking subquery is a CTE (evaluated exactly once). Written as `WHERE id IN (SELECT … LIMIT n FOR UPDATE
  // SKIP LOCKED)`, PostgreSQL may re-run the subquery while updating, and SKIP LOCKED then hands out other rows each
  // time: more than n rows got leased (seen here: 120 for a limit of 100).
  const rows = await tx.$queryRaw<ClaimedRow[]>`
    WITH due AS MATERIALIZED (
      SELECT d.id FROM ad_tokens d
       WHERE d.deleted_at IS NULL
         AND d.platform = 'facebook' -- TikTok tokens are kept alive by lib/tiktok/refresh.ts, not debug_token
         AND d.next_check_at <= now()
         AND (d.check_lease_until IS NULL OR d.check_lease_until <= now())
         ${past}
       ORDER BY d.tenant_id, d.next_check_at, d.id
       LIMIT ${limit}::int
       FOR UPDATE SKIP LOCKED)
    UPDATE ad_tokens t
       SET check_lease_until = now() + make_interval(secs => ${leaseSeconds}::double precision)
      FROM due
     WHERE t.id = due.id
    RETURNING t.id, t.tenant_id, t.next_check_at, t.token_type, t.status, t.ciphertext, t.key_id`;
  return rows.map(toClaimed);
}

/** The given active tokens of the tenant in context (ids of other tenants or deleted tokens are simply absent). */
export async function loadTokens(tx: Tx, ids: readonly string[]): Promise<ClaimedToken[]> {
  if (ids.length === 0) return [];
  const rows = await tx.$queryRaw<ClaimedRow[]>`
    SELECT t.id, t.tenant_id, t.next_check_at, t.token_type, t.status, t.ciphertext, t.key_id
      FROM ad_tokens t
     WHERE t.id = ANY(${[...ids]}::uuid[]) AND t.deleted_at IS NULL AND t.platform = 'facebook'
     ORDER BY t.id`;
  return rows.map(toClaimed);
}

/** A token whose check was written: what the alerts need to announce a change. */
export type WrittenToken = StatusChange;

interface WrittenRow {
  id: string;
  previous_status: TokenStatus;
  status: TokenStatus;
  token_type: TokenType;
  social_identity_id: string;
  expires_at: Date | null;
  last_error: string | null;
}

/**
 * Writes a batch's results for the tenant in context with ONE UPDATE (rows from a jsonb array), clears the
 * leases, and appends one audit event per status change (one INSERT). Returns every row written.
 */
export async function writeCheckResults(
  tx: Tx,
  tenantId: string,
  actorUserId: string | null,
  writes: readonly TokenWrite[],
  via: "sweep" | "check_now",
): Promise<WrittenToken[]> {
  if (writes.length === 0) return [];
  const payload = JSON.stringify(
    writes.map((w) => ({
      id: w.id,
      status: w.status,
      keep_error: w.lastError === undefined,
      last_error: w.lastError ?? null,
      set_expiry: w.expiry !== undefined,
      expires_at: w.expiry?.expiresAt?.toISOString() ?? null,
      data_access_expires_at: w.expiry?.dataAccessExpiresAt?.toISOString() ?? null,
      next_in_seconds: w.nextInSeconds,
    })),
  );
  const rows = await tx.$queryRaw<WrittenRow[]>`
    WITH r AS (
      SELECT * FROM jsonb_to_recordset(${payload}::jsonb) AS r(
        id uuid, status text, keep_error boolean, last_error text, set_expiry boolean,
        expires_at timestamptz, data_access_expires_at timestamptz, next_in_seconds double precision)
    ), prev AS (
      SELECT p.id, p.status FROM ad_tokens p JOIN r ON r.id = p.id
    )
    UPDATE ad_tokens t SET
      status = COALESCE(r.status::token_status, t.status),
      last_checked_at = CASE WHEN r.status IS NULL THEN t.last_checked_at ELSE now() END,
      last_error = CASE WHEN r.keep_error THEN t.last_error ELSE r.last_error END,
      expires_at = CASE WHEN r.set_expiry THEN r.expires_at ELSE t.expires_at END,
      data_access_expires_at = CASE WHEN r.set_expiry THEN r.data_access_expires_at ELSE t.data_access_expires_at END,
      next_check_at = CASE WHEN r.next_in_seconds IS NULL THEN t.next_check_at
                           ELSE now() + make_interval(secs => r.next_in_seconds) END,
      check_lease_until = NULL,
      updated_at = now()
    FROM r JOIN prev ON prev.id = r.id
    WHERE t.id = r.id AND t.deleted_at IS NULL
    RETURNING t.id, prev.status AS previous_status, t.status, t.token_type, t.social_identity_id, t.expires_at, t.last_error`;
  const written = rows.map((r) => ({
    id: r.id,
    previousStatus: r.previous_status,
    status: r.status,
    tokenType: r.token_type,
    socialIdentityId: r.social_identity_id,
    expiresAt: r.expires_at,
    lastError: r.last_error,
  }));
  const changes: AuditEntry[] = written
    .filter((w) => w.previousStatus !== w.status)
    .map((w) => ({
      action: "token.status_changed",
      targetType: "ad_token",
      targetId: w.id,
      details: { from: w.previousStatus, to: w.status, tokenType: w.tokenType, via, ...(w.lastError ? { reason: w.lastError } : {}) },
    }));
  await appendAudit(tx, tenantId, actorUserId, changes);
  await announceStatusChanges(tx, tenantId, written, via);
  return written;
}
