import "server-only";
import type { Db } from "../db/client";
import { withTenant } from "../db/tenant-transaction";
import { toClaimed, type ClaimedRow, type ClaimedToken } from "./token-store";

/**
 * Finding due tokens in proportion to what is due, not to the number of workspaces: one indexed statement on the
 * global schedule (token_check_schedule: token id, tenant id, next_check_at, lease — no secret, no name; kept in
 * step with ad_tokens by a trigger) claims up to n due tokens across every workspace with FOR UPDATE SKIP LOCKED
 * and a lease (a leased row's next_check_at moves to the lease's end, so later claims never scan it). Then each
 * workspace's claimed tokens are leased and read under that workspace's RLS context.
 */

interface ScheduleRow {
  token_id: string;
  tenant_id: string;
}

/** Claims up to `limit` due schedule rows (committed before returning): ids only. */
export async function claimDueSchedule(client: Db, limit: number, leaseSeconds: number): Promise<ScheduleRow[]> {
  if (limit <= 0) return [];
  // The locking subquery is a MATERIALIZED CTE (evaluated exactly once). Written as `WHERE id IN (SELECT … LIMIT n
  // FOR UPDATE SKIP LOCKED)`, PostgreSQL may re-run the subquery while updating, and SKIP LOCKED then hands out other
  // rows each time: more than n rows get leased.
  return client.$queryRaw<ScheduleRow[]>`
    WITH due AS MATERIALIZED (
      SELECT token_id FROM token_check_schedule
       WHERE next_check_at <= now()
       ORDER BY next_check_at
       LIMIT ${limit}::int
       FOR UPDATE SKIP LOCKED)
    UPDATE token_check_schedule s
       SET lease_until = now() + make_interval(secs => ${leaseSeconds}::double precision),
           next_check_at = now() + make_interval(secs => ${leaseSeconds}::double precision)
      FROM due
     WHERE s.token_id = due.token_id
    RETURNING s.token_id, s.tenant_id`;
}

/**
 * Claims up to `want` due tokens across all workspaces: the schedule claim, then ONE statement
 * (lease_claimed_tokens, SECURITY INVOKER) that, per workspace with that workspace's RLS context set, leases those
 * tokens in ad_tokens and returns what the check needs. A token deleted or re-scheduled in between is simply not
 * returned.
 */
export async function claimDueTokensEverywhere(client: Db, want: number, leaseSeconds: number): Promise<ClaimedToken[]> {
  const due = await claimDueSchedule(client, want, leaseSeconds);
  if (due.length === 0) return [];
  // withTenant for the app-role check and a transaction; the function sets each workspace's context itself.
  const rows = await withTenant(
    due[0]?.tenant_id as string,
    (tx) => tx.$queryRaw<ClaimedRow[]>`
      SELECT id, tenant_id, token_type, status, ciphertext, key_id
        FROM lease_claimed_tokens(${due.map((d) => d.tenant_id)}::uuid[], ${due.map((d) => d.token_id)}::uuid[],
                                  ${leaseSeconds}::double precision)`,
    { client, timeoutMs: 60_000 },
  );
  return rows.map(toClaimed);
}
