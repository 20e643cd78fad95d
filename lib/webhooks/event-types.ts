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

/** token.expiring reaches an endpoint this many days before a token expires: chosen per endpoint, within these bounds. */
export const EXPIRING_DAYS = { min: 1, max: 60, default: 7 } as const;
