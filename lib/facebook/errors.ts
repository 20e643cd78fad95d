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

/** Error 190 subcode 493: the person's 90-day data access lapsed (the token is valid; re-approval renews it). */
export const DATA_ACCESS_EXPIRED_SUBCODE = 493;

/** What we tell a person about Facebook's failures: one table, used by the connect, checks, the sweep and revoke. */
export const FACEBOOK_WORDS = {
  timeout: "Facebook did not answer in time. Try again in a minute.",
  network: "Could not reach Facebook. Try again in a minute.",
  malformed: "Facebook sent an answer we could not read. Try again; if it keeps happening, contact support.",
  rateLimited: "Facebook is rate-limiting requests right now. Wait a few minutes and try again.",
  expired: "The Facebook session has expired. Reconnect to continue.",
  dataAccessExpired:
    "Facebook's 90-day data access for this account has lapsed: the connection is valid but reads no data. Press Re-approve and confirm on Facebook.",
  passwordChanged: "The Facebook password was changed, which ended this connection. Reconnect to continue.",
  appRemoved: "The app was removed from this Facebook account. Reconnect to continue.",
  revoked: "Facebook no longer accepts this connection. Reconnect to continue.",
  permission: "Facebook refused because a permission is missing. Reconnect and allow every requested permission.",
  transient: "Facebook had a temporary problem. Try again in a minute.",
  refused: "Facebook refused the request. Try again; if it keeps happening, contact support.",
  appCredentials: "Facebook refused the app's credentials, so nothing could be checked. Contact support.",
  unreachable: "Facebook could not be reached.",
} as const;

/** Words a person can act on, for a Graph failure during connect or a check. */
export function describeFacebookError(err: FacebookApiError): string {
  if (err.info.transport === "timeout") return FACEBOOK_WORDS.timeout;
  if (err.info.transport === "network") return FACEBOOK_WORDS.network;
  if (err.info.transport === "malformed") return FACEBOOK_WORDS.malformed;
  if (err.isRateLimit) return FACEBOOK_WORDS.rateLimited;
  if (err.isInvalidToken) {
    if (err.subcode === 463) return FACEBOOK_WORDS.expired;
    if (err.subcode === DATA_ACCESS_EXPIRED_SUBCODE) return FACEBOOK_WORDS.dataAccessExpired;
    if (err.subcode === 460) return FACEBOOK_WORDS.passwordChanged;
    if (err.subcode === 458) return FACEBOOK_WORDS.appRemoved;
    return FACEBOOK_WORDS.revoked;
  }
  if (err.code === 10 || (err.code !== undefined && err.code >= 200 && err.code < 300)) return FACEBOOK_WORDS.permission;
  if (err.isTransient) return FACEBOOK_WORDS.transient;
  return FACEBOOK_WORDS.refused;
}
