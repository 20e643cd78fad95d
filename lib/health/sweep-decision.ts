import { USAGE_BACKOFF_PERCENT, type GraphUsage } from "../facebook/usage";
import type { StopSignal } from "./classify";

/**
 * After each round of the health sweep: stop, pause, or go on. Pure (no clock, no I/O), so every branch is unit
 * tested (sweep-decision.test.ts); runTokenSweep only acts on the answer.
 */

/** At or above this usage percentage the sweep stops instead of pausing. */
export const USAGE_STOP_PERCENT = 95;

export type RoundStopReason = StopSignal | "usage_high";

export type NextStep =
  | { kind: "continue" }
  | { kind: "pause"; ms: number; usagePercent: number }
  | { kind: "stop"; reason: RoundStopReason; usagePercent: number; regainAccessMinutes: number };

export interface RoundFacts {
  /** A rate-limit or fatal answer from Facebook in this round. */
  stop: StopSignal | null;
  /** Usage headers seen in this round's responses. */
  usages: readonly GraphUsage[];
  /** High-usage pauses taken in a row before this round. */
  pausesInARow: number;
  maxPauses: number;
  backoffMs: number;
  /** ms since the sweep started, ms one more round may take, and the sweep's budget (Infinity: none). */
  elapsedMs: number;
  roundReserveMs: number;
  timeBudgetMs: number;
}

export function usagePercent(u: GraphUsage): number {
  return Math.max(u.appPercent, u.businessPercent);
}

export function nextStep(f: RoundFacts): NextStep {
  const usage = f.usages.reduce((m, u) => Math.max(m, usagePercent(u)), 0);
  const regainAccessMinutes = f.usages.reduce((m, u) => Math.max(m, u.regainAccessMinutes), 0);
  if (f.stop) return { kind: "stop", reason: f.stop, usagePercent: usage, regainAccessMinutes };
  // Facebook says when access comes back, or usage is nearly exhausted: stop, leave the rest for the next run.
  if (regainAccessMinutes > 0) return { kind: "stop", reason: "rate_limited", usagePercent: usage, regainAccessMinutes };
  if (usage >= USAGE_STOP_PERCENT) return { kind: "stop", reason: "usage_high", usagePercent: usage, regainAccessMinutes };
  if (usage < USAGE_BACKOFF_PERCENT) return { kind: "continue" };
  // High usage: pause, unless we already paused maxPauses times in a row or the pause would outlast the budget.
  if (f.pausesInARow >= f.maxPauses || f.elapsedMs + f.backoffMs + f.roundReserveMs > f.timeBudgetMs) {
    return { kind: "stop", reason: "usage_high", usagePercent: usage, regainAccessMinutes };
  }
  return { kind: "pause", ms: f.backoffMs, usagePercent: usage };
}
