import "server-only";
import type { Tx } from "../db/tenant-transaction";
import { enqueueInTx } from "../jobs/engine";
import { QUEUES } from "../jobs/queues";

/**
 * At most one email per workspace, alert kind and day: the first alert of a kind on a day creates that day's row
 * and queues an immediate email (to members who chose "immediate") plus that day's digest (after the day ends, to
 * members who chose "daily digest", and to the others for what came after their immediate email). Later alerts of
 * the same kind that day only add their tokens to the row.
 */

export const ALERT_KINDS = [
  "revoked",
  "expired",
  "invalid",
  "expiring",
  "data_access_expiring",
  "data_access_expired",
  "webhook_disabled",
] as const;
export type AlertKind = (typeof ALERT_KINDS)[number];

export async function queueAlert(tx: Tx, tenantId: string, kind: AlertKind, tokenIds: readonly string[]): Promise<void> {
  const rows = await tx.$queryRaw<{ id: string; inserted: boolean }[]>`
    INSERT INTO alert_emails (tenant_id, kind, day, token_ids)
    VALUES (${tenantId}::uuid, ${kind}, (now() AT TIME ZONE 'UTC')::date, ${[...tokenIds]}::uuid[])
    ON CONFLICT (tenant_id, kind, day) DO UPDATE
      SET token_ids = alert_emails.token_ids || ARRAY(SELECT unnest(EXCLUDED.token_ids) EXCEPT SELECT unnest(alert_emails.token_ids))
    RETURNING id, (xmax = 0) AS inserted`;
  const row = rows[0];
  if (!row?.inserted) return;
  await enqueueInTx(tx, QUEUES.alertEmail, [{ tenantId, alertId: row.id, phase: "immediate" }]);
  const secondsToTomorrow =
    Math.ceil((Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth(), new Date().getUTCDate() + 1) - Date.now()) / 1000) + 300;
  await enqueueInTx(tx, QUEUES.alertEmail, [{ tenantId, alertId: row.id, phase: "digest" }], { startAfterSeconds: secondsToTomorrow });
}
