/**
 * The one error format of every JSON route (dashboard routes, the token API, cron, Meta's callbacks), client-safe:
 * `{"error": {"code": "...", "message": "..."}}`. `message` is a sentence a person can act on; `code` is for code.
 */
export interface ErrorBody {
  error: { code: string; message: string };
}

/** Words for a status when an answer carries none we can show (404s carry none on purpose). */
export const FALLBACK_MESSAGE: Record<number, string> = {
  401: "You are signed out. Sign in again, then retry.",
  403: "You don't have permission to do that in this workspace. Ask an owner.",
  404: "That is no longer here — someone may have disconnected it already. Refresh the page to see the current list.",
  422: "Some of what you entered is not valid. Check it and try again.",
  429: "Too many requests. Wait a moment, then try again.",
  502: "Facebook did not answer properly. Nothing was changed; try again in a minute.",
  503: "We can't reach our database right now; nothing was changed. Try again in a minute.",
};

export function fallbackMessage(status: number): string {
  return (
    FALLBACK_MESSAGE[status] ??
    (status >= 500
      ? "Something went wrong on our side. Nothing was changed; try again in a minute."
      : `The request failed (HTTP ${status}).`)
  );
}

export function isErrorBody(value: unknown): value is ErrorBody {
  const error = (value as { error?: unknown } | null)?.error as { code?: unknown; message?: unknown } | undefined;
  return typeof error?.code === "string" && typeof error.message === "string";
}
