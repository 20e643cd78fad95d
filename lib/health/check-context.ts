import "server-only";
import { env } from "../env";
import { FACEBOOK_WORDS } from "../facebook/errors";
import type { ClassifyContext, StopSignal } from "./classify";

/** A token that could not be checked (transient failure) is tried again after this long. */
export const RETRY_AFTER_SECONDS = 15 * 60;

export function classifyContext(now = new Date()): ClassifyContext {
  const e = env();
  const intervalSeconds = e.TOKEN_CHECK_INTERVAL_HOURS * 3600;
  return {
    now,
    warningDays: e.TOKEN_EXPIRY_WARNING_DAYS,
    intervalSeconds,
    retrySeconds: Math.min(RETRY_AFTER_SECONDS, intervalSeconds),
  };
}

/** Words for a person, for a check that was not made because the sweep/check had to stop. */
export function stopMessage(stop: StopSignal): string {
  switch (stop) {
    case "rate_limited":
      return FACEBOOK_WORDS.rateLimited;
    case "app_token_rejected":
      return FACEBOOK_WORDS.appCredentials;
    case "facebook_error":
      return FACEBOOK_WORDS.transient;
  }
}
