import "server-only";
import { Webhook } from "standardwebhooks";
import type { Db } from "../db/client";
import { withTenant } from "../db/tenant-transaction";
import { env } from "../env";
import { appendAudit } from "../audit/audit-log";
import type { JobMeta } from "../jobs/run-due";
import { logger } from "../log/logger";
import { openWebhookSecret } from "../tokens/webhook-secret";
import { queueAlert } from "../alerts/alert-queue";
import { postWebhook, type PostOutcome } from "./http-post";
import type { UrlPolicy } from "./url-policy";

/**
 * One delivery attempt (the webhook_deliver job). Under the workspace's RLS context: skip a delivery already
 * settled; record the attempt row first — (delivery, attempt) is unique, so a second worker holding the same
 * attempt finds it taken and sends nothing; sign (Standard Webhooks) with the endpoint's secret; POST outside any
 * transaction; write the outcome. A failure throws so the engine retries with back-off; the last failure marks the
 * delivery failed and disables the endpoint (sustained failure: the back-off spans about a day), audited.
 */

export class DeliveryFailed extends Error {}

export interface DeliverOptions {
  /** Tests inject a resolver; the policy's allowInsecure comes from WEBHOOK_ALLOW_INSECURE_URLS. */
  resolve?: UrlPolicy["resolve"];
}

type Prepared =
  { kind: "skip"; why: string } | { kind: "send"; url: string; body: string; headers: Record<string, string>; endpointId: string };

export async function deliverWebhook(
  data: { tenantId: string; deliveryId: string },
  meta: Pick<JobMeta, "attempt" | "lastAttempt">,
  client: Db,
  opts: DeliverOptions = {},
): Promise<void> {
  const { tenantId, deliveryId } = data;
  const prepared = await withTenant<Prepared>(
    tenantId,
    async (tx) => {
      const d = await tx.webhookDelivery.findUnique({
        where: { id: deliveryId },
        select: { status: true, messageId: true, payload: true, endpoint: true },
      });
      if (!d) return { kind: "skip", why: "no such delivery in this workspace" };
      if (d.status !== "pending") return { kind: "skip", why: `already ${d.status}` };
      const ep = d.endpoint;
      if (ep.deletedAt || !ep.enabled) {
        await tx.webhookDelivery.update({
          where: { id: deliveryId },
          data: { status: "failed", lastError: ep.deletedAt ? "The endpoint was deleted." : "The endpoint is disabled." },
        });
        return { kind: "skip", why: "endpoint disabled or deleted" };
      }
      const taken = await tx.$queryRaw<{ id: string }[]>`
        INSERT INTO webhook_delivery_attempts (tenant_id, delivery_id, attempt)
        VALUES (${tenantId}::uuid, ${deliveryId}::uuid, ${meta.attempt}::int)
        ON CONFLICT (delivery_id, attempt) DO NOTHING RETURNING id`;
      if (taken.length === 0) return { kind: "skip", why: "attempt already taken by another worker" };
      const secret = openWebhookSecret(tenantId, ep.id, { ciphertext: ep.secretCiphertext, keyId: ep.secretKeyId });
      const body = JSON.stringify(d.payload);
      const sentAt = new Date();
      const signature = new Webhook(secret).sign(d.messageId, sentAt, body);
      return {
        kind: "send",
        url: ep.url,
        body,
        endpointId: ep.id,
        headers: {
          "webhook-id": d.messageId,
          "webhook-timestamp": String(Math.floor(sentAt.getTime() / 1000)),
          "webhook-signature": signature,
        },
      };
    },
    { client },
  );
  if (prepared.kind === "skip") {
    logger.info("webhook.delivery_skipped", { tenantId, deliveryId, attempt: meta.attempt, why: prepared.why });
    return;
  }
  const e = env();
  const outcome: PostOutcome = await postWebhook(prepared.url, prepared.body, {
    timeoutMs: e.WEBHOOK_TIMEOUT_MS,
    allowInsecure: e.WEBHOOK_ALLOW_INSECURE_URLS,
    resolve: opts.resolve,
    headers: prepared.headers,
  });
  const settled = outcome.ok ? "succeeded" : meta.lastAttempt ? "failed" : "pending";
  await withTenant(
    tenantId,
    async (tx) => {
      await tx.webhookDeliveryAttempt.update({
        where: { deliveryId_attempt: { deliveryId, attempt: meta.attempt } },
        data: { statusCode: outcome.status, latencyMs: outcome.latencyMs, error: outcome.error, finishedAt: new Date() },
      });
      await tx.webhookDelivery.update({
        where: { id: deliveryId },
        data: {
          status: settled,
          attempts: meta.attempt,
          lastStatusCode: outcome.status,
          lastError: outcome.error,
          ...(outcome.ok ? { deliveredAt: new Date() } : {}),
        },
      });
      if (outcome.ok) {
        await tx.webhookEndpoint.updateMany({
          where: { id: prepared.endpointId, failingSince: { not: null } },
          data: { failingSince: null },
        });
      } else {
        await tx.webhookEndpoint.updateMany({ where: { id: prepared.endpointId, failingSince: null }, data: { failingSince: new Date() } });
        if (meta.lastAttempt) await disableEndpoint(tx, tenantId, prepared.endpointId, outcome.error ?? "failed");
      }
    },
    { client },
  );
  if (!outcome.ok && !meta.lastAttempt) throw new DeliveryFailed(outcome.error ?? "delivery failed");
}

async function disableEndpoint(
  tx: Parameters<Parameters<typeof withTenant>[1]>[0],
  tenantId: string,
  endpointId: string,
  lastError: string,
) {
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
