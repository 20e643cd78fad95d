import "server-only";
import { randomBytes } from "node:crypto";
import type { Prisma } from "../db/generated/client";
import type { Tx } from "../db/tenant-transaction";
import { env } from "../env";
import { enqueueInTx } from "../jobs/engine";
import { QUEUES } from "../jobs/queues";
import type { WebhookEventType } from "./event-types";

/**
 * Emitting webhook events, inside the caller's tenant transaction: one delivery row per (event, subscribed enabled
 * endpoint of THIS workspace — RLS sees no other) and one delivery job each, written in the same transaction as
 * the change that caused them, so an event exists exactly when its cause committed.
 */

export interface WebhookEvent {
  type: WebhookEventType | "webhook.test";
  data: Prisma.InputJsonObject;
}

export function newMessageId(): string {
  return `msg_${randomBytes(16).toString("hex")}`;
}

/** Emits events for the workspace in context; returns the number of deliveries queued. */
export async function emitWebhookEvents(
  tx: Tx,
  tenantId: string,
  events: readonly WebhookEvent[],
  opts: { onlyEndpointId?: string } = {},
): Promise<number> {
  if (events.length === 0) return 0;
  const types = [...new Set(events.map((e) => e.type))];
  const endpoints = await tx.webhookEndpoint.findMany({
    where: opts.onlyEndpointId
      ? { id: opts.onlyEndpointId, deletedAt: null }
      : { deletedAt: null, enabled: true, eventTypes: { hasSome: types } },
    select: { id: true, eventTypes: true },
  });
  if (endpoints.length === 0) return 0;
  const timestamp = new Date().toISOString();
  const rows: Prisma.WebhookDeliveryCreateManyInput[] = [];
  for (const e of events) {
    const messageId = newMessageId();
    const payload = { type: e.type, timestamp, data: e.data };
    for (const ep of endpoints) {
      if (!opts.onlyEndpointId && !ep.eventTypes.includes(e.type)) continue;
      rows.push({ tenantId, endpointId: ep.id, messageId, eventType: e.type, payload });
    }
  }
  if (rows.length === 0) return 0;
  const created = await tx.webhookDelivery.createManyAndReturn({ data: rows, select: { id: true } });
  await enqueueInTx(
    tx,
    QUEUES.webhookDeliver,
    created.map((d) => ({ tenantId, deliveryId: d.id })),
    { retryDelaySeconds: env().WEBHOOK_RETRY_DELAY_SECONDS },
  );
  return created.length;
}
