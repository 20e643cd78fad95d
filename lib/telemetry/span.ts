/**
 * Spans around the app's own units of work (Graph and TikTok calls, database transactions, jobs). Tracing is off
 * unless an OTLP endpoint is configured (lib/telemetry/tracing.ts): then withSpan runs fn directly, with a shared
 * no-op handle, and neither the OpenTelemetry API nor its SDK is imported. This module imports nothing on purpose.
 *
 * Attributes are ids, methods, hosts, URL paths (never a query string), status codes and counts: never a token, a
 * secret, an appsecret_proof or tenant data beyond ids. The exporter strips query strings and redacts again anyway.
 */

export type SpanAttributes = Record<string, string | number | boolean | undefined>;

export interface SpanHandle {
  /** Adds attributes once they are known (a response's status, a count). */
  set(attributes: SpanAttributes): void;
  /** Marks the span failed without throwing (a job whose failure was handled); only the error's name is recorded. */
  fail(err: unknown): void;
}

export type SpanRunner = <T>(name: string, attributes: SpanAttributes, fn: (span: SpanHandle) => Promise<T>) => Promise<T>;

const NO_OP: SpanHandle = { set() {}, fail() {} };

/** Shared through globalThis: Next.js bundles instrumentation.ts and the routes separately. */
const g = globalThis as unknown as { __socialTokensSpanRunner?: SpanRunner };

/** Runs fn inside a span named `name` when tracing is on; otherwise just runs it. */
export function withSpan<T>(name: string, attributes: SpanAttributes, fn: (span: SpanHandle) => Promise<T>): Promise<T> {
  const run = g.__socialTokensSpanRunner;
  return run ? run(name, attributes, fn) : fn(NO_OP);
}

/** Called once by startTracingIfConfigured (and by nothing else). */
export function installSpanRunner(run: SpanRunner | undefined): void {
  g.__socialTokensSpanRunner = run;
}

/** A URL's path without its query string or fragment (where credentials travel): the only form a span may carry. */
export function pathOnly(url: string | URL): string {
  if (url instanceof URL) return url.pathname;
  return url.split(/[?#]/, 1)[0] ?? "";
}
