import "server-only";
import { flushTracing } from "./tracing";

/**
 * Spans wait in the batch processor for up to five seconds before they are sent: a server stopped by SIGTERM (a
 * deploy, a scale-down) or SIGINT used to lose them. After flushTracingOnExitSignals(), such a signal sends them
 * first, waiting at most `timeoutMs` for the collector, and the process still ends as it would have:
 *
 * - Another listener owns the signal (`next start` closes its server, lets requests in flight finish, then calls
 *   process.exit(143)): the flush starts when the signal arrives, and that later process.exit waits for it, and for
 *   one more flush of the spans the finishing requests ended, then exits with the code it was given.
 * - Nobody else listens (Node's default would kill the process): after the flush our listeners step aside and the
 *   signal is raised again, so the process dies of it as without us.
 *
 * Both waits are bounded: a collector that never answers delays an exit by `timeoutMs`, not the exporter's timeout.
 */

/** How long an exit waits for the collector. */
export const EXIT_FLUSH_TIMEOUT_MS = 3_000;

const SIGNALS = ["SIGTERM", "SIGINT"] as const;
type ExitSignal = (typeof SIGNALS)[number];

const g = globalThis as unknown as { __socialTokensExitFlush?: true };

function flushWithin(timeoutMs: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, timeoutMs);
  });
  // A failed export is the exporter's to log; the exit goes on either way.
  const flushed = flushTracing().catch(() => undefined);
  return Promise.race([flushed, deadline]).finally(() => clearTimeout(timer));
}

/** Installs the SIGTERM/SIGINT listeners once per process (instrumentation.ts, when tracing is on). */
export function flushTracingOnExitSignals(opts: { timeoutMs?: number } = {}): void {
  if (g.__socialTokensExitFlush) return;
  g.__socialTokensExitFlush = true;
  const timeoutMs = opts.timeoutMs ?? EXIT_FLUSH_TIMEOUT_MS;
  let started = false;

  const listeners = new Map<ExitSignal, () => void>();
  const onSignal = (signal: ExitSignal) => {
    if (started) return;
    started = true;
    const first = flushWithin(timeoutMs);
    const exit = process.exit.bind(process);
    // Whoever ends the process from here on waits for the spans (bounded), then exits with the code they chose.
    process.exit = ((code?: number | string | null) => {
      void Promise.all([first, flushWithin(timeoutMs)]).finally(() => exit(code));
    }) as typeof process.exit;
    const ours = listeners.get(signal);
    if (process.listeners(signal).some((l) => l !== ours)) return;
    void first.finally(() => {
      for (const [s, l] of listeners) process.off(s, l);
      process.kill(process.pid, signal);
    });
  };
  for (const signal of SIGNALS) {
    const listener = () => onSignal(signal);
    listeners.set(signal, listener);
    process.on(signal, listener);
  }
}
