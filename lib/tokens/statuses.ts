import type { TokenStatus } from "../db/generated/enums";

/** Every token status, in the database enum's order (client-safe: the contracts and the API's schema read it). */
export const TOKEN_STATUSES = [
  "unchecked",
  "active",
  "expiring",
  "expired",
  "revoked",
  "invalid",
  "data_access_expiring",
  "data_access_expired",
] as const satisfies readonly TokenStatus[];
