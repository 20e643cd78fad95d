import type { Instrumentation } from "next";

/** Next.js calls register() once per server process at boot: refuse to serve with a bad configuration. */
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME === "nodejs") {
    const { runStartupChecksOrExit } = await import("./lib/startup");
    await runStartupChecksOrExit();
    // OpenTelemetry traces only when OTEL_EXPORTER_OTLP_ENDPOINT is set: otherwise no SDK is loaded (lib/telemetry).
    const { startTracingIfConfigured } = await import("./lib/telemetry/tracing");
    if (await startTracingIfConfigured()) {
      // SIGTERM/SIGINT: the spans still batched reach the collector (bounded wait) before Next's exit.
      const { flushTracingOnExitSignals } = await import("./lib/telemetry/exit-flush");
      flushTracingOnExitSignals();
    }
    // TRACE crashes Next's request handling before proxy.ts runs: answer them 405 first.
    const { installMethodGuard } = await import("./lib/http/method-guard");
    installMethodGuard();
    const { startInProcessJobsIfEnabled } = await import("./lib/jobs/in-process");
    startInProcessJobsIfEnabled();
  }
}

/**
 * Anything that escapes a page, a server action or a route handler reaches Next's onRequestError: log it through
 * the redacting logger (never Next's bare console output), with the route and kind, never the request's headers.
 */
export const onRequestError: Instrumentation.onRequestError = async (error, request, context) => {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { logRequestError } = await import("./lib/log/request-error");
  logRequestError(error, { method: request.method, path: request.path, ...context });
};
