import "server-only";
import { randomUUID } from "node:crypto";
import type { Db } from "../db/client";
import type { Prisma } from "../db/generated/client";
import { withTenant, type Tx } from "../db/tenant-transaction";
import { env } from "../env";
import { appendAudit } from "../audit/audit-log";
import { enqueueInTx } from "../jobs/engine";
import { QUEUES } from "../jobs/queues";
import { fail, ok, NOT_FOUND, type Result } from "../http/result";
import type { WorkspaceAccess } from "../tenancy/membership";
import { newWebhookSecret, sealWebhookSecret } from "../tokens/webhook-secret";
import { EXPIRING_DAYS, TEST_EVENT_TYPE, WEBHOOK_EVENT_TYPES, type WebhookEventType } from "./event-types";
import { emitWebhookEvents } from "./events";
import { checkWebhookUrl, type UrlPolicy } from "./url-policy";

/**
 * Managing a workspace's webhook endpoints (owners and admins). Everything under the workspace's RLS context; ids
 * of another workspace answer not_found. The signing secret is returned once, by createEndpoint, and never again.
 * The audit log records the endpoint's host (a URL's path or query may carry a customer's own secret), never the URL.
 */

type Manager = WorkspaceAccess<"webhooks.manage">;
type Viewer = WorkspaceAccess;

export interface EndpointDeps {
  client?: Db;
  resolve?: UrlPolicy["resolve"];
}

export interface EndpointView {
  id: string;
  url: string;
  description: string | null;
  eventTypes: string[];
  enabled: boolean;
  disabledReason: string | null;
  failingSince: string | null;
  /** token.expiring reaches this endpoint this many days before a token expires. */
  expiringDays: number;
  createdAt: string;
}

export interface DeliveryView {
  id: string;
  messageId: string;
  eventType: string;
  status: string;
  attempts: number;
  lastStatusCode: number | null;
  lastError: string | null;
  createdAt: string;
  deliveredAt: string | null;
  log: { attempt: number; statusCode: number | null; latencyMs: number | null; error: string | null; at: string }[];
}

const MAX_ENDPOINTS = 20;

function checkExpiringDays(days: number | undefined): Result<number | undefined> {
  if (days === undefined || (Number.isInteger(days) && days >= EXPIRING_DAYS.min && days <= EXPIRING_DAYS.max)) return ok(days);
  return fail({
    code: "invalid",
    message: `Days ahead for token.expiring: a whole number from ${EXPIRING_DAYS.min} to ${EXPIRING_DAYS.max}.`,
  });
}

const inWorkspace = <T>(access: WorkspaceAccess, fn: (tx: Tx) => Promise<T>, deps: EndpointDeps) =>
  withTenant(access.tenantId, fn, { client: deps.client, userId: access.userId });

const policy = (deps: EndpointDeps): UrlPolicy => ({ allowInsecure: env().WEBHOOK_ALLOW_INSECURE_URLS, resolve: deps.resolve });

const hostOf = (url: string) => new URL(url).host;

const VIEW = {
  id: true,
  url: true,
  description: true,
  eventTypes: true,
  enabled: true,
  disabledReason: true,
  failingSince: true,
  expiringDays: true,
  createdAt: true,
} as const;

function toView({ failingSince, createdAt, ...e }: Prisma.WebhookEndpointGetPayload<{ select: typeof VIEW }>): EndpointView {
  return { ...e, failingSince: failingSince?.toISOString() ?? null, createdAt: createdAt.toISOString() };
}

function checkEventTypes(types: readonly string[]): Result<WebhookEventType[]> {
  const known = new Set<string>(WEBHOOK_EVENT_TYPES);
  const unknown = types.filter((t) => !known.has(t));
  if (unknown.length > 0)
    return fail({
      code: "invalid",
      message: `Unknown event type(s): ${unknown.join(", ")}. Choose from ${WEBHOOK_EVENT_TYPES.join(", ")}.`,
    });
  if (types.length === 0) return fail({ code: "invalid", message: "Choose at least one event type." });
  return ok([...new Set(types)] as WebhookEventType[]);
}

export async function listEndpoints(access: Viewer, deps: EndpointDeps = {}): Promise<Result<{ endpoints: EndpointView[] }>> {
  const rows = await inWorkspace(
    access,
    (tx) => tx.webhookEndpoint.findMany({ where: { deletedAt: null }, select: VIEW, orderBy: { createdAt: "asc" } }),
    deps,
  );
  return ok({ endpoints: rows.map(toView) });
}

export async function createEndpoint(
  access: Manager,
  input: { url: string; description?: string | null; eventTypes: readonly string[]; expiringDays?: number },
  deps: EndpointDeps = {},
): Promise<Result<{ endpoint: EndpointView; secret: string }>> {
  const types = checkEventTypes(input.eventTypes);
  if (!types.ok) return types;
  const days = checkExpiringDays(input.expiringDays);
  if (!days.ok) return days;
  const url = await checkWebhookUrl(input.url, policy(deps));
  if (!url.ok) return fail({ code: "invalid", message: url.message });
  const id = randomUUID();
  const secret = newWebhookSecret();
  const sealed = sealWebhookSecret(access.tenantId, id, secret);
  return inWorkspace(
    access,
    async (tx) => {
      const count = await tx.webhookEndpoint.count({ where: { deletedAt: null } });
      if (count >= MAX_ENDPOINTS)
        return fail({ code: "conflict", message: `A workspace has at most ${MAX_ENDPOINTS} endpoints; delete one first.` });
      const row = await tx.webhookEndpoint.create({
        data: {
          id,
          tenantId: access.tenantId,
          url: url.url.toString(),
          description: input.description ?? null,
          eventTypes: types.value,
          expiringDays: days.value ?? EXPIRING_DAYS.default,
          secretCiphertext: sealed.ciphertext,
          secretKeyId: sealed.keyId,
          createdBy: access.userId,
        },
        select: VIEW,
      });
      await appendAudit(tx, access.tenantId, access.userId, [
        {
          action: "webhook_endpoint.created",
          targetType: "webhook_endpoint",
          targetId: id,
          details: { host: hostOf(row.url), eventTypes: types.value, expiringDays: row.expiringDays },
        },
      ]);
      return ok({ endpoint: toView(row), secret });
    },
    deps,
  );
}

export async function updateEndpoint(
  access: Manager,
  endpointId: string,
  input: { url?: string; description?: string | null; eventTypes?: readonly string[]; enabled?: boolean; expiringDays?: number },
  deps: EndpointDeps = {},
): Promise<Result<{ endpoint: EndpointView }>> {
  let eventTypes: WebhookEventType[] | undefined;
  if (input.eventTypes) {
    const t = checkEventTypes(input.eventTypes);
    if (!t.ok) return t;
    eventTypes = t.value;
  }
  const days = checkExpiringDays(input.expiringDays);
  if (!days.ok) return days;
  const expiringDays = days.value;
  let url: string | undefined;
  if (input.url !== undefined) {
    const v = await checkWebhookUrl(input.url, policy(deps));
    if (!v.ok) return fail({ code: "invalid", message: v.message });
    url = v.url.toString();
  }
  return withLiveEndpoint(access, endpointId, VIEW, deps, async (tx, before) => {
    const row = await tx.webhookEndpoint.update({
      where: { id: endpointId },
      data: {
        ...(url !== undefined ? { url } : {}),
        ...(input.description !== undefined ? { description: input.description } : {}),
        ...(eventTypes ? { eventTypes } : {}),
        ...(expiringDays !== undefined ? { expiringDays } : {}),
        ...(input.enabled !== undefined ? { enabled: input.enabled } : {}),
        ...(input.enabled === true ? { disabledReason: null, failingSince: null } : {}),
        ...(input.enabled === false ? { disabledReason: "Disabled by a member." } : {}),
      },
      select: VIEW,
    });
    const changed = [
      ...(url !== undefined && url !== before.url ? ["url"] : []),
      ...(eventTypes ? ["eventTypes"] : []),
      ...(input.description !== undefined ? ["description"] : []),
      ...(expiringDays !== undefined && expiringDays !== before.expiringDays ? ["expiringDays"] : []),
      ...(input.enabled !== undefined && input.enabled !== before.enabled ? ["enabled"] : []),
    ];
    const action =
      input.enabled === false && before.enabled
        ? "webhook_endpoint.disabled"
        : input.enabled === true && !before.enabled
          ? "webhook_endpoint.enabled"
          : "webhook_endpoint.updated";
    await appendAudit(tx, access.tenantId, access.userId, [
      { action, targetType: "webhook_endpoint", targetId: endpointId, details: { host: hostOf(row.url), changed } },
    ]);
    return ok({ endpoint: toView(row) });
  });
}

/**
 * Runs fn on one live (not deleted) endpoint of the workspace in context, with the fields `select` names;
 * not_found when the id is another workspace's, deleted or never existed.
 */
function withLiveEndpoint<S extends Prisma.WebhookEndpointSelect, T>(
  access: WorkspaceAccess,
  endpointId: string,
  select: S,
  deps: EndpointDeps,
  fn: (tx: Tx, endpoint: Prisma.WebhookEndpointGetPayload<{ select: S }>) => Promise<Result<T>>,
): Promise<Result<T>> {
  return inWorkspace(
    access,
    async (tx) => {
      const row = await tx.webhookEndpoint.findFirst({ where: { id: endpointId, deletedAt: null }, select });
      return row ? fn(tx, row as Prisma.WebhookEndpointGetPayload<{ select: S }>) : fail(NOT_FOUND);
    },
    deps,
  );
}

export async function deleteEndpoint(access: Manager, endpointId: string, deps: EndpointDeps = {}): Promise<Result<{ deleted: true }>> {
  return withLiveEndpoint(access, endpointId, { url: true }, deps, async (tx, row) => {
    await tx.webhookEndpoint.update({ where: { id: endpointId }, data: { deletedAt: new Date(), enabled: false } });
    await appendAudit(tx, access.tenantId, access.userId, [
      { action: "webhook_endpoint.deleted", targetType: "webhook_endpoint", targetId: endpointId, details: { host: hostOf(row.url) } },
    ]);
    return ok({ deleted: true as const });
  });
}

/** Queues a `webhook.test` event to this one endpoint (even if it is not subscribed to anything else). */
export async function sendTestEvent(access: Manager, endpointId: string, deps: EndpointDeps = {}): Promise<Result<{ queued: number }>> {
  return withLiveEndpoint(access, endpointId, { id: true }, deps, async (tx) => {
    const queued = await emitWebhookEvents(
      tx,
      access.tenantId,
      [{ type: TEST_EVENT_TYPE, data: { message: "A test event from Social Tokens.", workspace: access.slug } }],
      { onlyEndpointId: endpointId },
    );
    return ok({ queued });
  });
}

/** Sends a past delivery's message again (same webhook-id, so receivers can de-duplicate), as a new delivery. */
export async function redeliver(access: Manager, deliveryId: string, deps: EndpointDeps = {}): Promise<Result<{ deliveryId: string }>> {
  return inWorkspace(
    access,
    async (tx) => {
      const d = await tx.webhookDelivery.findUnique({
        where: { id: deliveryId },
        select: { endpointId: true, messageId: true, eventType: true, payload: true, endpoint: { select: { deletedAt: true } } },
      });
      if (!d || d.endpoint.deletedAt) return fail(NOT_FOUND);
      const created = await tx.webhookDelivery.create({
        data: {
          tenantId: access.tenantId,
          endpointId: d.endpointId,
          messageId: d.messageId,
          eventType: d.eventType,
          payload: d.payload ?? {},
        },
        select: { id: true },
      });
      await enqueueInTx(tx, QUEUES.webhookDeliver, [{ tenantId: access.tenantId, deliveryIds: [created.id] }], {
        retryDelaySeconds: env().WEBHOOK_RETRY_DELAY_SECONDS,
      });
      return ok({ deliveryId: created.id });
    },
    deps,
  );
}

/** An endpoint's latest deliveries with their attempt log (status, latency, attempt; never a secret). */
export async function listDeliveries(
  access: Viewer,
  endpointId: string,
  deps: EndpointDeps = {},
  limit = 50,
): Promise<Result<{ deliveries: DeliveryView[] }>> {
  return withLiveEndpoint(access, endpointId, { id: true }, deps, async (tx) => {
    const rows = await tx.webhookDelivery.findMany({
      where: { endpointId },
      orderBy: { createdAt: "desc" },
      take: limit,
      select: {
        id: true,
        messageId: true,
        eventType: true,
        status: true,
        attempts: true,
        lastStatusCode: true,
        lastError: true,
        createdAt: true,
        deliveredAt: true,
        attemptsLog: {
          orderBy: { attempt: "asc" },
          select: { attempt: true, statusCode: true, latencyMs: true, error: true, startedAt: true },
        },
      },
    });
    return ok({
      deliveries: rows.map(({ attemptsLog, createdAt, deliveredAt, ...r }) => ({
        ...r,
        createdAt: createdAt.toISOString(),
        deliveredAt: deliveredAt?.toISOString() ?? null,
        log: attemptsLog.map(({ startedAt, ...a }) => ({ ...a, at: startedAt.toISOString() })),
      })),
    });
  });
}
