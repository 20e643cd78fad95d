/** Browser side of the dashboard's route handlers: JSON in, JSON out, errors as sentences a person can act on. */

export class ApiError extends Error {
  constructor(
    message: string,
    public readonly status: number,
  ) {
    super(message);
    this.name = "ApiError";
  }
}

const FALLBACK: Record<number, string> = {
  401: "You are signed out. Sign in again, then retry.",
  403: "You don't have permission to do that in this workspace. Ask an owner.",
  404: "That is no longer here — someone may have disconnected it already. Refresh the page to see the current list.",
  409: "Someone else changed this at the same time. Refresh the page and try again.",
  422: "Some of what you entered is not valid. Check it and try again.",
  502: "Facebook did not answer properly. Nothing was changed; try again in a minute.",
};

function fallback(status: number): string {
  return FALLBACK[status] ?? (status >= 500 ? "Something went wrong on our side. Nothing was changed; try again in a minute." : `The request failed (HTTP ${status}).`);
}

export async function postJson<T>(url: string, body: unknown = {}): Promise<T> {
  let res: Response;
  try {
    res = await fetch(url, {
      method: "POST",
      headers: { "Content-Type": "application/json", Accept: "application/json" },
      body: JSON.stringify(body),
      cache: "no-store",
    });
  } catch {
    throw new ApiError("Couldn't reach the server. Check your connection and try again.", 0);
  }
  let data: unknown = null;
  try {
    data = await res.json();
  } catch {
    data = null;
  }
  if (!res.ok) {
    const message = (data as { error?: { message?: unknown } } | null)?.error?.message;
    // 404 answers carry no detail on purpose (another tenant's ids look like missing ones): use our own words.
    throw new ApiError(typeof message === "string" && res.status !== 404 ? message : fallback(res.status), res.status);
  }
  return data as T;
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : "Something went wrong. Try again.";
}
