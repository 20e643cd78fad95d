import "server-only";
import { logger } from "../log/logger";
import { databaseUnavailableReason } from "../db/unavailable";
import { OUTAGE_MESSAGE, OUTAGE_RETRY_AFTER_S } from "./outage";
import type { ErrorBody } from "./error-body";
import { FAILURE_STATUS, type Failure } from "./result";

/**
 * Answers of every JSON route: one error format (ErrorBody), `Cache-Control: no-store` on everything, and one
 * catch-all that logs an unexpected error once through the redacting logger and tells the caller nothing of it.
 * Throw an HttpError anywhere below a route to answer with it.
 */

export const NO_STORE = { "Cache-Control": "no-store" } as const;

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = "HttpError";
  }
}

/** The same words for every 404, whatever the reason: nothing tells another workspace's ids from missing ones. */
export const NOT_FOUND_MESSAGE = "Not found.";

export function notFoundError(): HttpError {
  return new HttpError(404, "not_found", NOT_FOUND_MESSAGE);
}

export function jsonResponse(value: unknown, init: { status?: number; headers?: Record<string, string> } = {}): Response {
  return Response.json(value, { status: init.status ?? 200, headers: { ...NO_STORE, ...init.headers } });
}

export function errorResponse(status: number, code: string, message: string, headers: Record<string, string> = {}): Response {
  const body: ErrorBody = { error: { code, message } };
  return jsonResponse(body, { status, headers });
}

/** A lib function's refusal as HTTP. Every 404 has the same words: nothing tells another workspace's ids from missing ones. */
export function failureResponse(failure: Failure): Response {
  if (failure.code === "not_found") return errorResponse(404, "not_found", NOT_FOUND_MESSAGE);
  return errorResponse(FAILURE_STATUS[failure.code], failure.code, failure.message);
}

/** The answer while the database is unavailable: 503 with Retry-After, in the one format. */
export function databaseUnavailableResponse(): Response {
  return errorResponse(503, "database_unavailable", OUTAGE_MESSAGE, { "Retry-After": String(OUTAGE_RETRY_AFTER_S) });
}

/**
 * The 503 (logged as a warning with the reason) when err means the database is unavailable (down, refusing
 * connections, a statement or transaction past its bound), else null. For routes with their own catch-all.
 */
export function databaseUnavailableAnswer(err: unknown, where: { route: string; method: string }): Response | null {
  const reason = databaseUnavailableReason(err);
  if (!reason) return null;
  logger.warn("http.database_unavailable", { ...where, reason });
  return databaseUnavailableResponse();
}

/**
 * Maps anything thrown below a route to the one format: the database being unavailable is a 503 with Retry-After
 * (databaseUnavailableAnswer); unknown errors are logged once and answered 500.
 */
export function respondToError(err: unknown, where: { route: string; method: string }): Response {
  if (err instanceof HttpError) return errorResponse(err.status, err.code, err.message, err.headers);
  const unavailable = databaseUnavailableAnswer(err, where);
  if (unavailable) return unavailable;
  logger.error("http.unhandled", { ...where, error: err });
  return errorResponse(500, "internal", "Something went wrong on our side. Nothing was changed; try again in a minute.");
}
