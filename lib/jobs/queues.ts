/**
 * The job engine's queues (created by migration 20261129120000_alerts_jobs; names must match). Payloads hold ids
 * only — never a secret, a token or tenant data — so the engine's tables reveal nothing the app role could not
 * already know, and every handler re-reads what it needs under the workspace's RLS context.
 */
export const QUEUES = {
  healthSweep: "health_sweep",
  webhookDeliver: "webhook_deliver",
  alertEmail: "alert_email",
  tiktokRefresh: "tiktok_refresh",
} as const;

export type QueueName = (typeof QUEUES)[keyof typeof QUEUES];

export interface JobPayloads {
  health_sweep: Record<string, never>;
  /** One emit's deliveries to one endpoint (deliveryIds); deliveryId: a job queued before batches existed. */
  webhook_deliver: { tenantId: string; deliveryIds?: string[]; deliveryId?: string };
  alert_email: { tenantId: string; alertId: string; phase: "immediate" | "digest" };
  tiktok_refresh: Record<string, never>;
}

export const ALL_QUEUES: readonly QueueName[] = Object.values(QUEUES);
