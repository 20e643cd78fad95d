import "server-only";
import type { TokenStatus } from "../db/generated/enums";
import { REVOKED_SUBCODES } from "../facebook/errors";

import { DAY_MS } from "../time";

/** A token's status from what we know of it: validity, error subcode, expiry, and the warning window. */
export function deriveStatus(input: {
  isValid: boolean;
  expiresAt: Date | null;
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
    return "invalid";
  }
  if (input.expiresAt) {
    if (input.expiresAt <= now) return "expired";
    if (input.expiresAt.getTime() - now.getTime() <= input.warningDays * DAY_MS) return "expiring";
  }
  return "active";
}
