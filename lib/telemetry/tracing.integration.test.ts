import { createRequire } from "node:module";
import { trace } from "@opentelemetry/api";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HARNESS_APP_ID, HARNESS_APP_SECRET } from "../../test/support/connect-harness";
import { startTikTokHarness, TIKTOK_CLIENT_SECRET, type TikTokHarness } from "../../test/support/tiktok-harness";
import { startOtlpReceiver, type OtlpReceiver, type ReceivedSpan } from "../../test/support/otlp-receiver";
import { appsecretProof } from "../facebook/graph-client";
import { runJobCycle } from "../jobs/cycle";
import { stopJobEngine } from "../jobs/engine";
import { flushTracing, startTracingIfConfigured, stopTracing } from "./tracing";

/**
 * Tracing on (OTEL_EXPORTER_OTLP_ENDPOINT pointing at a local OTLP/HTTP receiver): a real Facebook connect against
 * the emulator (OAuth code exchange with the app secret in the query, Graph calls with appsecret_proof, one
 * transaction writing the tokens), a TikTok connect (user info against the TikTok emulator), and the jobs (a health
 * sweep: a debug_token batch for the stored tokens; a TikTok refresh spending the refresh token) export spans with the
 * expected names, ids and URL paths, and no exported byte holds a token, a proof, a secret, a query string or a name.
 */

let h: TikTokHarness;
let rx: OtlpReceiver;

beforeAll(async () => {
  rx = await startOtlpReceiver();
  h = await startTikTokHarness({ env: { OTEL_EXPORTER_OTLP_ENDPOINT: rx.url, OTEL_SERVICE_NAME: "social-tokens-test" } });
});
afterAll(async () => {
  await stopTracing();
  if (h) await stopJobEngine(h.db.app);
  await h?.close();
  await rx?.close();
});

const named = (spans: ReceivedSpan[], name: string) => spans.filter((s) => s.name === name);

describe("OpenTelemetry traces with an endpoint configured", () => {
  it("exports spans for Graph calls, a tenant transaction and a job, with ids and paths only and no secret", async () => {
    expect(await startTracingIfConfigured()).toBe(true);
    // The SDK is loaded only now, because an endpoint is configured (the no-endpoint test asserts the opposite).
    expect(Object.keys(createRequire(import.meta.url).cache).some((k) => k.includes("@opentelemetry/sdk-trace-node"))).toBe(true);

    const person = await h.createPerson({ pages: 3, name: "Tracy Confidential" });
    const member = await h.seedMember();
    const result = await h.connect(member, person.id);
    if (!result.ok) throw new Error(result.error.userMessage);
    const { person: creator } = await h.tiktok.addPerson({ displayName: "Tilly Confidential" });
    const tiktokConnected = await h.connectTikTok(member, creator.openId);
    if (!tiktokConnected.ok) throw new Error(tiktokConnected.error.userMessage);
    // The stored Facebook tokens are due (the health sweep checks each with debug_token), the TikTok one for renewal.
    await h.db.owner.query(`UPDATE ad_tokens SET next_check_at = now() WHERE tenant_id = $1 AND platform = 'facebook'`, [member.tenantId]);
    await h.makeDue(tiktokConnected.saved.userTokenId);
    const cycle = await runJobCycle({ client: h.db.app, timeBudgetMs: 20_000 });
    expect(cycle.byQueue).toMatchObject({ health_sweep: 1, tiktok_refresh: 1 });

    const tokens = (await h.control.tokens({ person: person.id })).map((t) => t.token);
    expect(tokens.length).toBeGreaterThanOrEqual(4);
    const issued = await h.tiktok.tokens(creator.openId);
    const tiktokTokens = [...issued.access, ...issued.refresh].map((t) => t.token);
    // Connected once and renewed once: two pairs.
    expect(issued.refresh).toHaveLength(2);
    // What Next.js's own fetch span looks like once a provider is registered: the full URL, query string and all.
    const leaky = `${h.url}/v24.0/me/accounts?access_token=${tokens[0]}&appsecret_proof=${appsecretProof(tokens[0]!, HARNESS_APP_SECRET)}`;
    trace
      .getTracer("next.js")
      .startActiveSpan(`fetch GET ${leaky}`, { attributes: { "http.url": leaky, "http.method": "GET" } }, (s) => s.end());

    await flushTracing();
    const spans = rx.spans;
    expect(new Set(spans.map((s) => s.service))).toEqual(new Set(["social-tokens-test"]));

    // Graph calls: method in the name, host and path as attributes (the code exchange, /me, the Pages, debug_token).
    const graph = spans.filter((s) => s.name.startsWith("facebook.graph "));
    const paths = new Set(graph.map((s) => s.attributes["url.path"]));
    expect(paths).toContain("/v24.0/oauth/access_token");
    expect(paths).toContain("/v24.0/me");
    expect(paths).toContain("/v24.0/me/accounts");
    for (const s of graph) {
      expect(s.name).toMatch(/^facebook\.graph (GET|POST|DELETE)$/);
      expect(s.attributes["server.address"]).toBe(new URL(h.url).host);
    }

    // TikTok: method and path, never the query (user info's fields) nor the form (client secret, refresh token).
    const tiktok = spans.filter((s) => s.name.startsWith("tiktok.api "));
    expect(tiktok.map((s) => `${s.name} ${s.attributes["url.path"]} ${s.attributes["http.response.status_code"]}`).sort()).toEqual([
      "tiktok.api GET /v2/user/info/ 200",
      "tiktok.api POST /v2/oauth/token/ 200",
    ]);
    const [refreshJob] = named(spans, "job tiktok_refresh");
    expect(tiktok.find((s) => s.name === "tiktok.api POST")?.traceId).toBe(refreshJob?.traceId);

    // The connect's transaction carries the tenant's id; ids are the only thing a transaction span says about anyone.
    const txs = named(spans, "db.transaction");
    expect(txs.some((s) => s.attributes["tenant.id"] === member.tenantId)).toBe(true);
    for (const s of txs) {
      expect(s.attributes["db.system.name"]).toBe("postgresql");
      for (const k of Object.keys(s.attributes)) expect(["db.system.name", "tenant.id", "user.id"]).toContain(k);
    }

    // The job, and the Graph calls and transactions it made nested in it.
    const [job] = named(spans, "job health_sweep");
    expect(job?.attributes).toMatchObject({ "job.queue": "health_sweep", "job.attempt": 1 });
    expect(job?.status.code ?? 0).not.toBe(2);
    const inJob = spans.filter((s) => s.traceId === job!.traceId && s !== job);
    // debug_token for every due token goes out as one Graph batch (a POST to the versioned root).
    expect(inJob.some((s) => s.name === "facebook.graph POST" && s.attributes["url.path"] === "/v24.0/")).toBe(true);
    expect(inJob.some((s) => s.name === "db.transaction")).toBe(true);
    expect(inJob.some((s) => s.parentSpanId === job!.spanId)).toBe(true);

    // The Next-style span went out without its query string.
    const fetchSpan = spans.find((s) => s.name.startsWith("fetch GET "));
    expect(fetchSpan?.name).toBe(`fetch GET ${h.url}/v24.0/me/accounts`);
    expect(fetchSpan?.attributes["http.url"]).toBe(`${h.url}/v24.0/me/accounts`);

    // No exported byte holds a secret, a query parameter carrying one, or a person's or Page's name.
    const all = rx.bodies.join("\n");
    const forbidden = [
      ...tokens,
      ...tiktokTokens,
      TIKTOK_CLIENT_SECRET,
      "Tilly Confidential",
      ...tokens.map((t) => appsecretProof(t, HARNESS_APP_SECRET)),
      HARNESS_APP_SECRET,
      `${HARNESS_APP_ID}|`,
      "access_token=",
      "appsecret_proof",
      "client_secret",
      "fb_exchange_token",
      "input_token",
      "code=",
      "Tracy Confidential",
      ...person.pages.map((p) => p.name),
    ];
    for (const secret of forbidden) expect(all, `exported spans contain ${secret.slice(0, 12)}…`).not.toContain(secret);
  });
});
