import "server-only";
import type { TokenStatus } from "../db/generated/enums";
import { FACEBOOK_WORDS, FacebookApiError, describeFacebookError } from "../facebook/errors";
import { deriveStatus } from "../tokens/status";
import type { DebugOutcome } from "../facebook/debug-token-batch";

/**
 * What to write for one token after a check, and whether the answer tells the caller to stop calling Facebook.
 * Messages are our own words (never Facebook's text, never the token).
 */

export interface TokenWrite {
  id: string;
  /** New status; null leaves the status (and last_checked_at) as they were. */
  status: TokenStatus | null;
  /** New last_error; undefined leaves it as it was, null clears it. */
  lastError?: string | null;
  /** When set, expires_at / data_access_expires_at are replaced by what Facebook said. */
  expiry?: { expiresAt: Date | null; dataAccessExpiresAt: Date | null };
  /** Seconds from now until the next check; null leaves next_check_at as it was (the token stays due). */
  nextInSeconds: number | null;
}

/** Stop the sweep: Facebook is rate-limiting us, refuses our app token (configuration), or failed a whole batch. */
export type StopSignal = "rate_limited" | "app_token_rejected" | "facebook_error";

export interface Classified {
  write: TokenWrite;
  stop: StopSignal | null;
}

export interface ClassifyContext {
  now: Date;
  warningDays: number;
  intervalSeconds: number;
  retrySeconds: number;
}

const UNDECRYPTABLE = "The stored token could not be decrypted (is its key still in TOKEN_ENCRYPTION_KEYS?). Reconnect if this persists.";

export function statusMessage(status: TokenStatus, subcode: number | null): string | null {
  switch (status) {
    case "active":
    case "expiring":
    case "unchecked":
      return null;
    case "expired":
      return "The Facebook session has expired. Reconnect to continue.";
    case "revoked":
      return describeFacebookError(new FacebookApiError("revoked", { status: 400, code: 190, subcode: subcode ?? undefined }));
    case "invalid":
      return "Facebook no longer accepts this connection. Reconnect to continue.";
    case "data_access_expiring":
      return "Facebook's 90-day data access for this account lapses soon. Re-approve to keep reading data.";
    case "data_access_expired":
      return FACEBOOK_WORDS.dataAccessExpired;
  }
}

/**
 * An error answer for one batch item (the debug_token call itself failed; a dead input token is a 200 answer with
 * is_valid:false). A rate limit stops the sweep. Error 190/102 here means Facebook refused OUR app token (wrong
 * FACEBOOK_APP_ID / FACEBOOK_APP_SECRET): stop without touching any token, never mark tokens invalid for our own
 * configuration problem. Anything else: keep the status, try this token again soon.
 */
export function classifyError(id: string, err: FacebookApiError, ctx: ClassifyContext): Classified {
  if (err.isRateLimit) return { write: { id, status: null, nextInSeconds: null }, stop: "rate_limited" };
  if (err.isInvalidToken) return { write: { id, status: null, nextInSeconds: null }, stop: "app_token_rejected" };
  return {
    write: { id, status: null, lastError: `Could not check with Facebook: ${describeFacebookError(err)}`, nextInSeconds: ctx.retrySeconds },
    stop: null,
  };
}

export function classifyOutcome(id: string, outcome: DebugOutcome, ctx: ClassifyContext): Classified {
  if (outcome.kind === "call_error") return classifyError(id, outcome.error, ctx);
  const info = outcome.info;
  const status = deriveStatus({
    isValid: info.isValid,
    expiresAt: info.expiresAt,
    dataAccessExpiresAt: info.dataAccessExpiresAt,
    errorCode: info.errorCode,
    errorSubcode: info.errorSubcode,
    now: ctx.now,
    warningDays: ctx.warningDays,
  });
  const knowsExpiry = info.isValid || info.expiresAt !== null || info.neverExpires;
  return {
    write: {
      id,
      status,
      lastError: statusMessage(status, info.errorSubcode),
      expiry: knowsExpiry ? { expiresAt: info.expiresAt, dataAccessExpiresAt: info.dataAccessExpiresAt } : undefined,
      nextInSeconds: ctx.intervalSeconds,
    },
    stop: null,
  };
}

/** A token we hold but cannot decrypt: keep its status, say why, check again at the normal interval. */
export function classifyUndecryptable(id: string, ctx: ClassifyContext): Classified {
  return { write: { id, status: null, lastError: UNDECRYPTABLE, nextInSeconds: ctx.intervalSeconds }, stop: null };
}

/** Claimed but not checked (the sweep stopped): give the lease back, the token stays due. */
export function releaseWrite(id: string): TokenWrite {
  return { id, status: null, nextInSeconds: null };
}
