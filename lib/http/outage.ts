/**
 * The words and markers for "the database is unavailable", client-safe: the error pages (client components) and
 * the server share them. A server error carrying DATABASE_UNAVAILABLE_DIGEST as its `digest` reaches the error
 * pages with that digest intact (Next keeps a digest an error already has), so they can tell an outage from a bug.
 */

export const DATABASE_UNAVAILABLE_DIGEST = "DATABASE_UNAVAILABLE";

/** Seconds a client should wait before retrying (the 503's Retry-After). */
export const OUTAGE_RETRY_AFTER_S = 30;

export const OUTAGE_TITLE = "We can't reach our database right now";
export const OUTAGE_MESSAGE = "We can't reach our database right now; nothing was changed. Try again in a minute.";
export const OUTAGE_DETAIL =
  "Nothing was changed. This is on our side, not Facebook's and not yours: try again in a minute. Your connected Pages and tokens are safe.";
