import "server-only";
import type { TokenStatus } from "../db/generated/enums";
import { DATA_ACCESS_EXPIRED_SUBCODE, REVOKED_SUBCODES } from "../facebook/errors";

import { DAY_MS } from "../time";

/** Facebook's data-access window: 90 days from the person's last approval of the app. */
export const DATA_ACCESS_DAYS = 90;

/**
 * A token's status from what we know of it: validity, error subcode, expiry, Facebook's 90-day data access
 * (`data_access_expires_at`: after it a valid token reads no data until the person re-approves), and the warning
 * window. Worst first: revoked / expired / invalid, then data access lapsed, then expiring soon (the token, then its
 * data access).
 */
export function deriveStatus(input: {
  isValid: boolean;
  expiresAt: Date | null;
  dataAccessExpiresAt?: Date | null;
  errorCode?: number | null;
  errorSubcode?: number | null;
  now?: Date;
  warningDays: number;
}): TokenStatus {
  const now = input.now ?? new Date();
  if (!input.isValid) {
    // Facebook's reason first: a revoked token that is also past its expiry was revoked.
    if (input.errorSubcode != null && REVOKED_SUBCODES.has(input.errorSubcode)) return "revoked";
    if (input.errorSubcode === 463 || (input.expiresAt && input.expiresAt <= now)) return "expired";
    if (input.errorSubcode === DATA_ACCESS_EXPIRED_SUBCODE) return "data_access_expired";
    return "invalid";
  }
  const window = input.warningDays * DAY_MS;
  if (input.expiresAt && input.expiresAt <= now) return "expired";
  const dataAccess = input.dataAccessExpiresAt ?? null;
  if (dataAccess && dataAccess <= now) return "data_access_expired";
  if (input.expiresAt && input.expiresAt.getTime() - now.getTime() <= window) return "expiring";
  if (dataAccess && dataAccess.getTime() - now.getTime() <= window) return "data_access_expiring";
  return "active";
}

/** Statuses whose fix is the person re-approving the app on Facebook (dialog with auth_type=reauthorize). */
export const REAPPROVE_STATUSES: ReadonlySet<TokenStatus> = new Set<TokenStatus>(["data_access_expiring", "data_access_expired"]);
