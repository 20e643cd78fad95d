import { OUTAGE_DETAIL, OUTAGE_TITLE } from "../http/outage";

/** Our own code on the error page: the sign-in failed because the database was unavailable (lib/auth/auth.ts). */
export const DATABASE_UNAVAILABLE_AUTH_ERROR = "DatabaseUnavailable";

/** Auth.js error codes (the `error` query parameter) in words a person can act on. */
export function describeAuthError(code: string | undefined): { title: string; detail: string } {
  switch (code) {
    case DATABASE_UNAVAILABLE_AUTH_ERROR:
      // Ours, not Facebook's: Facebook answered, we could not save the sign-in.
      return { title: OUTAGE_TITLE, detail: OUTAGE_DETAIL };
    case "OAuthCallbackError":
    case "AccessDenied":
      return {
        title: "Facebook sign-in was cancelled",
        detail:
          "Facebook did not approve the connection (it was cancelled or refused). To connect, start again and press Continue on Facebook.",
      };
    case "OAuthAccountNotLinked":
    case "AccountNotLinked":
      return {
        title: "This Facebook account belongs to another login",
        detail:
          "That Facebook account is already linked to a different person here. Sign out and continue with that account, or connect a different Facebook account.",
      };
    case "MissingCSRF":
      return { title: "The sign-in form expired", detail: "Reload the page and try again." };
    case "Verification":
      return { title: "The sign-in link is no longer valid", detail: "It may have expired or been used already. Start again." };
    default:
      return {
        title: "Sign-in could not be completed",
        detail:
          "The sign-in expired, was already used, or Facebook did not answer as expected. Start again from the button; if it keeps happening, try again in a few minutes.",
      };
  }
}
