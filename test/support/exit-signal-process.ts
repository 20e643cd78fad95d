/**
 * A traced process for the exit-flush test: starts tracing (OTEL_EXPORTER_OTLP_ENDPOINT from the parent), installs
 * flushTracingOnExitSignals, ends one span and prints "ready", then idles until a signal. `--next-like` adds the
 * listener `next start` has: on SIGTERM/SIGINT it finishes a request in flight (one more span) on a later turn and
 * calls process.exit(143 / 130). `--timeout-ms=N` sets the flush bound.
 */
import { withSpan } from "../../lib/telemetry/span";
import { flushTracingOnExitSignals } from "../../lib/telemetry/exit-flush";
import { startTracingIfConfigured } from "../../lib/telemetry/tracing";

const nextLike = process.argv.includes("--next-like");
const timeoutMs = Number(process.argv.find((a) => a.startsWith("--timeout-ms="))?.slice("--timeout-ms=".length) ?? "3000");

if (!(await startTracingIfConfigured())) throw new Error("set OTEL_EXPORTER_OTLP_ENDPOINT");
flushTracingOnExitSignals({ timeoutMs });
if (nextLike) {
  for (const [signal, code] of [
    ["SIGTERM", 143],
    ["SIGINT", 130],
  ] as const) {
    process.on(signal, () => {
      setImmediate(() => {
        void withSpan("exit-test.in-flight", { "test.pid": process.pid }, async () => undefined).then(() => process.exit(code));
      });
    });
  }
}
await withSpan("exit-test.before-signal", { "test.pid": process.pid }, async () => undefined);
const idle = setInterval(() => undefined, 60_000);
process.on("exit", () => clearInterval(idle));
console.log("ready");
