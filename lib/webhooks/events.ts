import "server-only";
import { randomBytes } from "node:crypto";
import type { Prisma } from "../db/generated/client";
import type { Tx } from "../db/tenant-transaction";
import { env } from "../env";
import { enqueueInTx } from "../jobs/engine";
import { QUEUES } from "../jobs/queues";
import { DELIVERIES_PER_JOB } from "./deliver";
import type { WebhookEventType } from "./event-types";

/**
 * Emitting webhook events, inside the caller's tenant transaction: one delivery row per (event, subscribed enabled
 * endpoint of THIS workspace — RLS sees no other) and delivery jobs for them (one per endpoint, in chunks), written
 * in the same transaction as the change that caused them, so an event exists exactly when its cause committed.
 */

export interface WebhookEvent {
  type: WebhookEventType | "webhook.test";
  data: Prisma.InputJsonObject;
}

export function newMessageId(): string {
  return `msg_${randomBytes(16).toString("hex")}`;
}

/**
 * Emits events for the workspace in context; returns the number of deliveries queued. `endpoints` narrows the
 * subscribed endpoints further (e.g. token.expiring to those with a given days-ahead).
 */
export async function emitWebhookEvents(
  tx: Tx,
  tenantId: string,
  events: readonly WebhookEvent[],
  opts: { onlyEndpointId?: string; endpoints?: Prisma.WebhookEndpointWhereInput } = {},
): Promise<number> {
  if (events.length === 0) return 0;
  const types = [...new Set(events.map((e) => e.type))];
  const endpoints = await tx.webhookEndpoint.findMany({
    where: opts.onlyEndpointId
      ? { id: opts.onlyEndpointId, deletedAt: null }
      : { ...opts.endpoints, deletedAt: null, enabled: true, eventTypes: { hasSome: types } },
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
  const created = await tx.webhookDelivery.createManyAndReturn({ data: rows, select: { id: true, endpointId: true } });
  // One job per endpoint and DELIVERIES_PER_JOB deliveries (not one per delivery): a fan-out leaves the engine a
  // short queue to sort, and each job's deliveries are prepared and recorded in one transaction each.
  const byEndpoint = new Map<string, string[]>();
  for (const d of created) byEndpoint.set(d.endpointId, [...(byEndpoint.get(d.endpointId) ?? []), d.id]);
  const jobs: { tenantId: string; deliveryIds: string[] }[] = [];
  for (const ids of byEndpoint.values()) {
    for (let i = 0; i < ids.length; i += DELIVERIES_PER_JOB) jobs.push({ tenantId, deliveryIds: ids.slice(i, i + DELIVERIES_PER_JOB) });
  }
  await enqueueInTx(tx, QUEUES.webhookDeliver, jobs, { retryDelaySeconds: env().WEBHOOK_RETRY_DELAY_SECONDS });
  return created.length;
}
