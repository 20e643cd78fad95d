import "server-only";
import { env } from "../env";
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
      return "Facebook is rate-limiting requests right now. Wait a few minutes and try again.";
    case "app_token_rejected":
      return "Facebook refused the app's credentials, so nothing could be checked. Contact support.";
    case "facebook_error":
      return "Facebook had a temporary problem. Try again in a minute.";
  }
}
