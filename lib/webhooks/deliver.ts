import "server-only";
import { Webhook } from "standardwebhooks";
import type { Db } from "../db/client";
import { withTenant, type Tx } from "../db/tenant-transaction";
import { env } from "../env";
import { appendAudit } from "../audit/audit-log";
import type { JobMeta } from "../jobs/run-due";
import type { JobPayloads } from "../jobs/queues";
import { logger } from "../log/logger";
import { openWebhookSecret } from "../tokens/webhook-secret";
import { queueAlert } from "../alerts/alert-queue";
import { postWebhook, type PostOutcome } from "./http-post";
import type { UrlPolicy } from "./url-policy";

/**
 * One attempt at a batch of deliveries (the webhook_deliver job: the deliveries one emit queued for ONE endpoint,
 * at most DELIVERIES_PER_JOB). Under the workspace's RLS context, in one transaction: skip deliveries already
 * settled; record this attempt's row for each of the others first — (delivery, attempt) is unique, so a second
 * worker holding the same attempt finds it taken and sends nothing; sign each (Standard Webhooks) with the
 * endpoint's secret. Then POST them (outside any transaction, a few at a time), and write every outcome in one more
 * transaction. When any failed, the job throws and the engine retries it with back-off: the retry (attempt n+1)
 * sends only what is still pending. The last failure marks the delivery failed and disables the endpoint (sustained
 * failure: the back-off spans about a day), audited.
 */

export class DeliveryFailed extends Error {}

export interface DeliverOptions {
  /** Tests inject a resolver; the policy's allowInsecure comes from WEBHOOK_ALLOW_INSECURE_URLS. */
  resolve?: UrlPolicy["resolve"];
}

/** Deliveries per job: one emit to one endpoint is cut into jobs of at most this many. */
export const DELIVERIES_PER_JOB = 100;
/** POSTs in flight at once within one job. */
const POSTS_IN_FLIGHT = 8;

interface Send {
  deliveryId: string;
  endpointId: string;
  url: string;
  body: string;
  headers: Record<string, string>;
}

export async function deliverWebhook(
  data: JobPayloads["webhook_deliver"],
  meta: Pick<JobMeta, "attempt" | "lastAttempt">,
  client: Db,
  opts: DeliverOptions = {},
): Promise<void> {
  const { tenantId } = data;
  const ids = [...new Set(data.deliveryIds ?? (data.deliveryId ? [data.deliveryId] : []))];
  if (ids.length === 0) return;
  const sends = await withTenant(tenantId, (tx) => prepare(tx, tenantId, ids, meta.attempt), { client });
  if (sends.length < ids.length) {
    logger.info("webhook.deliveries_skipped", { tenantId, attempt: meta.attempt, skipped: ids.length - sends.length });
  }
  if (sends.length === 0) return;
  const e = env();
  const outcomes = new Map<string, PostOutcome>();
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(POSTS_IN_FLIGHT, sends.length) }, async () => {
      while (next < sends.length) {
        const s = sends[next++] as Send;
        outcomes.set(
          s.deliveryId,
          await postWebhook(s.url, s.body, {
            timeoutMs: e.WEBHOOK_TIMEOUT_MS,
            allowInsecure: e.WEBHOOK_ALLOW_INSECURE_URLS,
            resolve: opts.resolve,
            headers: s.headers,
          }),
        );
      }
    }),
  );
  await withTenant(tenantId, (tx) => record(tx, tenantId, sends, outcomes, meta), { client });
  const failed = [...outcomes.values()].filter((o) => !o.ok);
  if (failed.length > 0 && !meta.lastAttempt) {
    throw new DeliveryFailed(`${failed.length} of ${sends.length} deliveries failed (${failed[0]?.error ?? "failed"})`);
  }
}

/** This attempt's sends: pending deliveries whose attempt row this worker wrote (signed, ready to POST). */
async function prepare(tx: Tx, tenantId: string, ids: string[], attempt: number): Promise<Send[]> {
  const deliveries = await tx.webhookDelivery.findMany({
    where: { id: { in: ids }, status: "pending" },
    select: { id: true, messageId: true, payload: true, endpoint: true },
    orderBy: { createdAt: "asc" },
  });
  // Deliveries whose endpoint went away settle as failed: one statement per reason, not one per delivery.
  const deleted = deliveries.filter((d) => d.endpoint.deletedAt);
  const disabled = deliveries.filter((d) => !d.endpoint.deletedAt && !d.endpoint.enabled);
  for (const [rows, lastError] of [
    [deleted, "The endpoint was deleted."],
    [disabled, "The endpoint is disabled."],
  ] as const) {
    if (rows.length > 0) {
      await tx.webhookDelivery.updateMany({ where: { id: { in: rows.map((d) => d.id) } }, data: { status: "failed", lastError } });
    }
  }
  const live = deliveries.filter((d) => !d.endpoint.deletedAt && d.endpoint.enabled);
  if (live.length === 0) return [];
  const taken = new Set(
    (
      await tx.$queryRaw<{ delivery_id: string }[]>`
        INSERT INTO webhook_delivery_attempts (tenant_id, delivery_id, attempt)
        SELECT ${tenantId}::uuid, d, ${attempt}::int FROM unnest(${live.map((d) => d.id)}::uuid[]) AS d
        ON CONFLICT (delivery_id, attempt) DO NOTHING RETURNING delivery_id::text`
    ).map((r) => r.delivery_id),
  );
  const signers = new Map<string, Webhook>();
  const sentAt = new Date();
  return live
    .filter((d) => taken.has(d.id))
    .map((d) => {
      const ep = d.endpoint;
      let signer = signers.get(ep.id);
      if (!signer) {
        signer = new Webhook(openWebhookSecret(tenantId, ep.id, { ciphertext: ep.secretCiphertext, keyId: ep.secretKeyId }));
        signers.set(ep.id, signer);
      }
      const body = JSON.stringify(d.payload);
      return {
        deliveryId: d.id,
        endpointId: ep.id,
        url: ep.url,
        body,
        headers: {
          "webhook-id": d.messageId,
          "webhook-timestamp": String(Math.floor(sentAt.getTime() / 1000)),
          "webhook-signature": signer.sign(d.messageId, sentAt, body),
        },
      };
    });
}

/** Writes every outcome of this attempt (two statements for the batch), then the endpoints' failing state. */
async function record(
  tx: Tx,
  tenantId: string,
  sends: readonly Send[],
  outcomes: ReadonlyMap<string, PostOutcome>,
  meta: Pick<JobMeta, "attempt" | "lastAttempt">,
): Promise<void> {
  const rows = JSON.stringify(
    sends.map((s) => {
      const o = outcomes.get(s.deliveryId) as PostOutcome;
      return {
        id: s.deliveryId,
        status_code: o.status,
        latency_ms: o.latencyMs,
        error: o.error,
        settled: o.ok ? "succeeded" : meta.lastAttempt ? "failed" : "pending",
        ok: o.ok,
      };
    }),
  );
  await tx.$executeRaw`
    UPDATE webhook_delivery_attempts a
       SET status_code = r.status_code, latency_ms = r.latency_ms, error = r.error, finished_at = now()
      FROM jsonb_to_recordset(${rows}::jsonb) AS r(id uuid, status_code int, latency_ms int, error text)
     WHERE a.delivery_id = r.id AND a.attempt = ${meta.attempt}::int`;
  await tx.$executeRaw`
    UPDATE webhook_deliveries d
       SET status = r.settled, attempts = ${meta.attempt}::int, last_status_code = r.status_code, last_error = r.error,
           delivered_at = CASE WHEN r.ok THEN now() ELSE d.delivered_at END, updated_at = now()
      FROM jsonb_to_recordset(${rows}::jsonb) AS r(id uuid, status_code int, error text, settled text, ok boolean)
     WHERE d.id = r.id`;
  for (const endpointId of new Set(sends.map((s) => s.endpointId))) {
    const mine = sends.filter((s) => s.endpointId === endpointId).map((s) => outcomes.get(s.deliveryId) as PostOutcome);
    const failure = mine.find((o) => !o.ok);
    if (!failure) {
      await tx.webhookEndpoint.updateMany({ where: { id: endpointId, failingSince: { not: null } }, data: { failingSince: null } });
      continue;
    }
    await tx.webhookEndpoint.updateMany({ where: { id: endpointId, failingSince: null }, data: { failingSince: new Date() } });
    if (meta.lastAttempt) await disableEndpoint(tx, tenantId, endpointId, failure.error ?? "failed");
  }
}

async function disableEndpoint(tx: Tx, tenantId: string, endpointId: string, lastError: string) {
  const changed = await tx.webhookEndpoint.updateMany({
    where: { id: endpointId, enabled: true },
    data: { enabled: false, disabledReason: `Disabled after failing deliveries for about a day (last: ${lastError})` },
  });
  if (changed.count === 0) return;
  await appendAudit(tx, tenantId, null, [
    { action: "webhook_endpoint.disabled", targetType: "webhook_endpoint", targetId: endpointId, details: { reason: "sustained_failure" } },
  ]);
  await queueAlert(tx, tenantId, "webhook_disabled", []);
  logger.warn("webhook.endpoint_disabled", { tenantId, endpointId });
}
