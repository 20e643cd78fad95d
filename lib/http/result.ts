/**
 * What lib functions behind a route answer: a value, or a refusal a person can act on. The route wrapper maps a
 * refusal to its HTTP status and the one error format; tests assert on results directly. Client-safe (types only).
 */

export type FailureCode = "not_found" | "forbidden" | "invalid" | "conflict" | "facebook" | "rate_limited";

export interface Failure {
  code: FailureCode;
  message: string;
}

export type Result<T> = { ok: true; value: T } | { ok: false; error: Failure };

export const FAILURE_STATUS: Record<FailureCode, number> = {
  not_found: 404,
  forbidden: 403,
  invalid: 422,
  conflict: 409,
  rate_limited: 429,
  facebook: 502,
};

export const ok = <T>(value: T): Result<T> => ({ ok: true, value });
export const fail = <T = never>(error: Failure): Result<T> => ({ ok: false, error });

export const NOT_FOUND: Failure = {
  code: "not_found",
  message: "We could not find that here. It may have been disconnected already; refresh the page to see the current list.",
};
