import { createRequire } from "node:module";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startConnectHarness, type ConnectHarness } from "../../test/support/connect-harness";
import { runJobCycle } from "../jobs/cycle";
import { stopJobEngine } from "../jobs/engine";
import { withSpan } from "./span";
import { flushTracing, startTracingIfConfigured } from "./tracing";

/**
 * Tracing off (no OTEL_EXPORTER_OTLP_ENDPOINT, the default): the same connect and health-sweep job as the traced
 * test run, no OpenTelemetry SDK module is ever loaded, no tracer provider is registered, withSpan creates no span,
 * so nothing can be exported. OTEL_SERVICE_NAME alone (left behind by an operator) does not turn tracing on.
 */

let h: ConnectHarness;

beforeAll(async () => {
  h = await startConnectHarness({ env: { OTEL_SERVICE_NAME: "social-tokens-test", OTEL_EXPORTER_OTLP_ENDPOINT: "" } });
});
afterAll(async () => {
  if (h) await stopJobEngine(h.db.app);
  await h?.close();
});

const loadedOtelModules = () => Object.keys(createRequire(import.meta.url).cache).filter((k) => k.includes("/@opentelemetry/"));

describe("OpenTelemetry traces without an endpoint", () => {
  it("loads no SDK, registers nothing, creates no span and exports nothing while Graph calls, transactions and jobs run", async () => {
    expect(await startTracingIfConfigured()).toBe(false);

    const person = await h.createPerson({ pages: 2 });
    const member = await h.seedMember();
    const result = await h.connect(member, person.id);
    if (!result.ok) throw new Error(result.error.userMessage);
    await h.db.owner.query(`UPDATE ad_tokens SET next_check_at = now() WHERE tenant_id = $1`, [member.tenantId]);
    const cycle = await runJobCycle({ client: h.db.app, timeBudgetMs: 20_000 });
    expect(cycle.byQueue["health_sweep"]).toBe(1);
    await flushTracing();

    // withSpan hands every caller the same shared no-op handle: no span object is made.
    const a = await withSpan("x", {}, async (span) => span);
    const b = await withSpan("y", { "tenant.id": member.tenantId }, async (span) => span);
    expect(a).toBe(b);

    expect(loadedOtelModules()).toEqual([]);
    expect(Object.getOwnPropertySymbols(globalThis).map((s) => s.description ?? "")).not.toContainEqual(
      expect.stringContaining("opentelemetry"),
    );
  });
});
