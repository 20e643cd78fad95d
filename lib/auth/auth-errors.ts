import { OUTAGE_DETAIL, OUTAGE_TITLE } from "../http/outage";

/** Our own code on the error page: the sign-in failed because the database was unavailable (lib/auth/auth.ts). */
export const DATABASE_UNAVAILABLE_AUTH_ERROR = "DatabaseUnavailable";

/** The providers whose callbacks can land on the error page (lib/auth/auth.ts adds `provider` to its URL). */
const PROVIDER_NAMES = { facebook: "Facebook", tiktok: "TikTok" } as const;

/** The provider's name for a `provider` query parameter; anything else (or nothing) is Facebook, the sign-in provider. */
export function authProviderName(provider: string | undefined): string {
  return provider === "tiktok" ? PROVIDER_NAMES.tiktok : PROVIDER_NAMES.facebook;
}

/** Auth.js error codes (the `error` query parameter) in words a person can act on, naming the provider that refused. */
export function describeAuthError(code: string | undefined, provider?: string): { title: string; detail: string } {
  const name = authProviderName(provider);
  // Facebook signs a person in; TikTok only connects an account to a workspace the person is already in.
  const what = name === "TikTok" ? "connection" : "sign-in";
  const retry = name === "TikTok" ? "start again from Connect TikTok in your workspace" : "start again and press Continue on Facebook";
  switch (code) {
    case DATABASE_UNAVAILABLE_AUTH_ERROR:
      // Ours, not the provider's: it answered, we could not save the sign-in.
      return { title: OUTAGE_TITLE, detail: OUTAGE_DETAIL };
    case "OAuthCallbackError":
    case "AccessDenied":
      return {
        title: `${name} ${what} was cancelled`,
        detail: `${name} did not approve the connection (it was cancelled or refused). To connect, ${retry}.`,
      };
    case "OAuthAccountNotLinked":
    case "AccountNotLinked":
      return {
        title: `This ${name} account belongs to another login`,
        detail: `That ${name} account is already linked to a different person here. Sign out and continue with that account, or connect a different ${name} account.`,
      };
    case "MissingCSRF":
      return { title: "The sign-in form expired", detail: "Reload the page and try again." };
    case "Verification":
      return { title: "The sign-in link is no longer valid", detail: "It may have expired or been used already. Start again." };
    default:
      return {
        title: name === "TikTok" ? "TikTok connection could not be completed" : "Sign-in could not be completed",
        detail: `The ${what} expired, was already used, or ${name} did not answer as expected. Start again from the button; if it keeps happening, try again in a few minutes.`,
      };
  }
}
