import "server-only";
import type { Db } from "../db/client";
import { setTenant, withTenant } from "../db/tenant-transaction";
import type { ClaimedToken } from "./token-store";

/**
 * Finding due tokens in proportion to what is due, not to the number of workspaces: one indexed statement on the
 * global schedule (token_check_schedule: token id, tenant id, next_check_at, lease — no secret, no name; kept in
 * step with ad_tokens by a trigger) claims up to n due tokens across every workspace with FOR UPDATE SKIP LOCKED
 * and a lease. Then each workspace's claimed tokens are leased and read under that workspace's RLS context.
 */

interface ScheduleRow {
  token_id: string;
  tenant_id: string;
}

interface TokenRow {
  id: string;
  tenant_id: string;
  token_type: ClaimedToken["tokenType"];
  status: ClaimedToken["status"];
  ciphertext: Uint8Array;
  key_id: string;
  next_check_at: Date;
}

/** Claims up to `limit` due schedule rows (committed before returning): ids only. */
export async function claimDueSchedule(client: Db, limit: number, leaseSeconds: number): Promise<ScheduleRow[]> {
  if (limit <= 0) return [];
  // A MATERIALIZED CTE runs the locking subquery exactly once (see token-store.ts claimDueTokens).
  return client.$queryRaw<ScheduleRow[]>`
    WITH due AS MATERIALIZED (
      SELECT token_id FROM token_check_schedule
       WHERE next_check_at <= now() AND (lease_until IS NULL OR lease_until <= now())
       ORDER BY next_check_at
       LIMIT ${limit}::int
       FOR UPDATE SKIP LOCKED)
    UPDATE token_check_schedule s
       SET lease_until = now() + make_interval(secs => ${leaseSeconds}::double precision)
      FROM due
     WHERE s.token_id = due.token_id
    RETURNING s.token_id, s.tenant_id`;
}

/**
 * Claims up to `want` due tokens across all workspaces: the schedule claim, then one transaction that, per
 * workspace (its RLS context set), leases those tokens in ad_tokens and reads what the check needs. A token
 * deleted or re-scheduled in between is simply not returned.
 */
export async function claimDueTokensEverywhere(client: Db, want: number, leaseSeconds: number): Promise<ClaimedToken[]> {
  const due = await claimDueSchedule(client, want, leaseSeconds);
  if (due.length === 0) return [];
  const byTenant = new Map<string, string[]>();
  for (const d of due) byTenant.set(d.tenant_id, [...(byTenant.get(d.tenant_id) ?? []), d.token_id]);
  // Ascending ids: writers that touch several workspaces in one transaction take their per-workspace locks in one order.
  const tenants = [...byTenant.keys()].sort();
  return withTenant(
    tenants[0] as string,
    async (tx) => {
      const out: ClaimedToken[] = [];
      for (const [i, tenantId] of tenants.entries()) {
        if (i > 0) await setTenant(tx, tenantId);
        const rows = await tx.$queryRaw<TokenRow[]>`
          UPDATE ad_tokens t
             SET check_lease_until = now() + make_interval(secs => ${leaseSeconds}::double precision)
           WHERE t.id = ANY(${byTenant.get(tenantId) ?? []}::uuid[])
             AND t.deleted_at IS NULL AND t.next_check_at <= now()
          RETURNING t.id, t.tenant_id, t.token_type, t.status, t.ciphertext, t.key_id, t.next_check_at`;
        for (const r of rows) {
          out.push({
            id: r.id,
            tenantId: r.tenant_id,
            nextCheckAt: r.next_check_at,
            tokenType: r.token_type,
            status: r.status,
            ciphertext: r.ciphertext,
            keyId: r.key_id,
          });
        }
      }
      return out;
    },
    { client, timeoutMs: 60_000 },
  );
}
