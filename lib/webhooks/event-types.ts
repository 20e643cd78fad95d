/** Webhook event types a workspace can subscribe to (client-safe: the dashboard's form uses this list). */
export const WEBHOOK_EVENT_TYPES = [
  "token.status_changed",
  "token.expiring",
  "connection.created",
  "connection.removed",
  "facebook.deauthorized",
] as const;

export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

/** Sent only by "send test event", to the one endpoint asked for. */
export const TEST_EVENT_TYPE = "webhook.test";
