import "server-only";
import { logger } from "./logger";

/** Next's redirect() and notFound() throw on purpose: they are answers, not failures. */
function isNavigationSignal(error: unknown): boolean {
  const digest = (error as { digest?: unknown } | null)?.digest;
  return (
    typeof digest === "string" &&
    (digest.startsWith("NEXT_REDIRECT") || digest.startsWith("NEXT_HTTP_ERROR_FALLBACK") || digest === "NEXT_NOT_FOUND")
  );
}

/** What instrumentation.ts's onRequestError logs: the error (redacted), the route, and what kind of request it was. */
export function logRequestError(
  error: unknown,
  where: { method: string; path: string; routerKind: string; routePath: string; routeType: string; renderSource?: string },
): void {
  if (isNavigationSignal(error)) return;
  // The path without its query string: OAuth callbacks carry code= and state= there.
  const path = where.path.split("?")[0];
  logger.error("next.request_error", {
    method: where.method,
    path,
    route: where.routePath,
    routeType: where.routeType,
    renderSource: where.renderSource,
    digest: (error as { digest?: unknown } | null)?.digest,
    error,
  });
}
