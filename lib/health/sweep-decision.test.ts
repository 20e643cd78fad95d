import { describe, expect, it } from "vitest";
import type { GraphUsage } from "../facebook/usage";
import { nextStep, type RoundFacts } from "./sweep-decision";

const usage = (appPercent: number, businessPercent = 0, regainAccessMinutes = 0): GraphUsage => ({
  appPercent,
  businessPercent,
  regainAccessMinutes,
});

const facts = (patch: Partial<RoundFacts> = {}): RoundFacts => ({
  stop: null,
  usages: [],
  pausesInARow: 0,
  maxPauses: 2,
  backoffMs: 15_000,
  elapsedMs: 1_000,
  roundReserveMs: 12_000,
  timeBudgetMs: Number.POSITIVE_INFINITY,
  ...patch,
});

describe("nextStep (the sweep's stop/pause decision)", () => {
  it("goes on when nothing stopped it and usage is under 80 %", () => {
    expect(nextStep(facts())).toEqual({ kind: "continue" });
    expect(nextStep(facts({ usages: [usage(79), usage(10, 79)] }))).toEqual({ kind: "continue" });
  });

  it("stops on Facebook's own stop signal whatever the usage", () => {
    for (const stop of ["rate_limited", "app_token_rejected", "facebook_error"] as const) {
      expect(nextStep(facts({ stop, usages: [usage(5)] }))).toMatchObject({ kind: "stop", reason: stop });
    }
  });

  it("stops as rate-limited when Facebook says when access comes back, even at low usage", () => {
    expect(nextStep(facts({ usages: [usage(10), usage(0, 20, 7)] }))).toEqual({
      kind: "stop",
      reason: "rate_limited",
      usagePercent: 20,
      regainAccessMinutes: 7,
    });
  });

  it("stops at 95 % usage (app or business, the highest of the round)", () => {
    expect(nextStep(facts({ usages: [usage(50), usage(95)] }))).toMatchObject({ kind: "stop", reason: "usage_high", usagePercent: 95 });
    expect(nextStep(facts({ usages: [usage(10, 99)] }))).toMatchObject({ kind: "stop", reason: "usage_high", usagePercent: 99 });
  });

  it("pauses for backoffMs between 80 % and 95 %", () => {
    expect(nextStep(facts({ usages: [usage(80)] }))).toEqual({ kind: "pause", ms: 15_000, usagePercent: 80 });
    expect(nextStep(facts({ usages: [usage(94)], pausesInARow: 1 }))).toEqual({ kind: "pause", ms: 15_000, usagePercent: 94 });
  });

  it("stops instead of pausing after maxPauses pauses in a row", () => {
    expect(nextStep(facts({ usages: [usage(85)], pausesInARow: 2 }))).toMatchObject({ kind: "stop", reason: "usage_high" });
    expect(nextStep(facts({ usages: [usage(85)], pausesInARow: 0, maxPauses: 0 }))).toMatchObject({ kind: "stop" });
  });

  it("stops instead of pausing when the pause and one more round would not fit the time budget", () => {
    // 1 s elapsed + 15 s pause + 12 s round = 28 s: fits 28 s, not 27.999 s.
    expect(nextStep(facts({ usages: [usage(85)], timeBudgetMs: 28_000 }))).toMatchObject({ kind: "pause" });
    expect(nextStep(facts({ usages: [usage(85)], timeBudgetMs: 27_999 }))).toMatchObject({ kind: "stop", reason: "usage_high" });
  });
});
