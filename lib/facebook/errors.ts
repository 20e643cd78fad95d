import "server-only";

/** A Graph API failure, without the token or URL that caused it (safe to log and show). */
export class FacebookApiError extends Error {
  constructor(
    message: string,
    public readonly info: {
      status: number;
      code?: number;
      subcode?: number;
      type?: string;
      /** "timeout" | "network" | "malformed" when Facebook did not give a usable answer. */
      transport?: "timeout" | "network" | "malformed";
      fbtraceId?: string;
    },
  ) {
    super(message);
    this.name = "FacebookApiError";
  }

  get code(): number | undefined {
    return this.info.code;
  }
  get subcode(): number | undefined {
    return this.info.subcode;
  }
  /** Worth retrying later: Facebook said so (1, 2), a 5xx, a timeout or a network failure. */
  get isTransient(): boolean {
    const c = this.info.code;
    return c === 1 || c === 2 || this.info.status >= 500 || this.info.transport === "timeout" || this.info.transport === "network";
  }
  get isRateLimit(): boolean {
    return isRateLimitCode(this.info.code);
  }
  /** The token is dead (expired, revoked, password changed, app removed…). */
  get isInvalidToken(): boolean {
    return this.info.code === 190 || this.info.code === 102;
  }
}

export function isRateLimitCode(code: number | undefined): boolean {
  return code === 4 || code === 17 || code === 32 || code === 613 || code === 80001;
}

/** Subcodes of error 190 that mean the person or Facebook revoked access (vs plain expiry 463). */
export const REVOKED_SUBCODES = new Set([458, 459, 460, 464, 467]);

/** Words a person can act on, for a Graph failure during connect or a check. */
export function describeFacebookError(err: FacebookApiError): string {
  if (err.info.transport === "timeout") return "Facebook did not answer in time. Try again in a minute.";
  if (err.info.transport === "network") return "Could not reach Facebook. Try again in a minute.";
  if (err.info.transport === "malformed")
    return "Facebook sent an answer we could not read. Try again; if it keeps happening, contact support.";
  if (err.isRateLimit) return "Facebook is rate-limiting requests right now. Wait a few minutes and try again.";
  if (err.isInvalidToken) {
    if (err.subcode === 463) return "The Facebook session has expired. Reconnect to continue.";
    if (err.subcode === 460) return "The Facebook password was changed, which ended this connection. Reconnect to continue.";
    if (err.subcode === 458) return "The app was removed from this Facebook account. Reconnect to continue.";
    return "Facebook no longer accepts this connection. Reconnect to continue.";
  }
  if (err.code === 10 || (err.code !== undefined && err.code >= 200 && err.code < 300)) {
    return "Facebook refused because a permission is missing. Reconnect and allow every requested permission.";
  }
  if (err.isTransient) return "Facebook had a temporary problem. Try again in a minute.";
  return "Facebook refused the request. Try again; if it keeps happening, contact support.";
}
