import "server-only";
import type { TokenStatus, TokenType } from "../db/generated/enums";
import type { Tx } from "../db/tenant-transaction";
import { appendAudit, type AuditEntry } from "../audit/audit-log";
import type { TokenWrite } from "./classify";
import { announceStatusChanges, type StatusChange } from "../alerts/announce";

/**
 * The health check's SQL. Every function runs inside the caller's tenant transaction (RLS context set); each
 * touches many tokens with one statement (a load, a write of a batch's results), never one query per token. The
 * claim of due tokens across workspaces is in due-schedule.ts.
 */

export interface ClaimedToken {
  id: string;
  tenantId: string;
  tokenType: TokenType;
  status: TokenStatus;
  ciphertext: Uint8Array;
  keyId: string;
}

/** A claimed token as PostgreSQL returns it. */
export interface ClaimedRow {
  id: string;
  tenant_id: string;
  token_type: TokenType;
  status: TokenStatus;
  ciphertext: Uint8Array;
  key_id: string;
}

export const toClaimed = (r: ClaimedRow): ClaimedToken => ({
  id: r.id,
  tenantId: r.tenant_id,
  tokenType: r.token_type,
  status: r.status,
  ciphertext: r.ciphertext,
  keyId: r.key_id,
});

/** The given active tokens of the tenant in context (ids of other tenants or deleted tokens are simply absent). */
export async function loadTokens(tx: Tx, ids: readonly string[]): Promise<ClaimedToken[]> {
  if (ids.length === 0) return [];
  const rows = await tx.$queryRaw<ClaimedRow[]>`
    SELECT t.id, t.tenant_id, t.token_type, t.status, t.ciphertext, t.key_id
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
  previous_checked_at: Date | null;
  checked_at: Date | null;
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
      SELECT p.id, p.status, p.last_checked_at FROM ad_tokens p JOIN r ON r.id = p.id
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
    RETURNING t.id, prev.status AS previous_status, t.status, t.token_type, t.social_identity_id, t.expires_at, t.last_error,
              prev.last_checked_at AS previous_checked_at, t.last_checked_at AS checked_at`;
  const written = rows.map((r) => ({
    id: r.id,
    previousStatus: r.previous_status,
    status: r.status,
    tokenType: r.token_type,
    socialIdentityId: r.social_identity_id,
    expiresAt: r.expires_at,
    lastError: r.last_error,
    previousCheckedAt: r.previous_checked_at,
    checkedAt: r.checked_at,
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
