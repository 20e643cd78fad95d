import "server-only";
import type { Attributes, AttributeValue } from "@opentelemetry/api";
import type { ReadableSpan, SpanExporter } from "@opentelemetry/sdk-trace-node";
import { env, type Env } from "../env";
import { isSecretKey, logger, redactString } from "../log/logger";
import { installSpanRunner, type SpanAttributes, type SpanHandle } from "./span";

/**
 * OpenTelemetry tracing, on only when OTEL_EXPORTER_OTLP_ENDPOINT (or OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) is set:
 * then the Node trace SDK is loaded (dynamic imports, so an unconfigured server never loads it), registered as the
 * global tracer provider (Next.js's own request spans use it too) and batches spans to the collector over OTLP/HTTP
 * as JSON. Every span passes a scrubbing exporter on its way out: query strings are cut from names and attribute
 * values (Next's fetch spans carry full URLs, with appsecret_proof or an OAuth code), values under secret-named keys
 * are dropped and token-shaped strings redacted, as in the logs.
 */

interface Running {
  flush(): Promise<void>;
  shutdown(): Promise<void>;
}

const g = globalThis as unknown as { __socialTokensTracing?: Running };

/** Where spans go, or undefined when tracing is off. */
export function tracesUrl(e: Pick<Env, "OTEL_EXPORTER_OTLP_ENDPOINT" | "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT">): string | undefined {
  if (e.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) return e.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT;
  if (e.OTEL_EXPORTER_OTLP_ENDPOINT) return `${e.OTEL_EXPORTER_OTLP_ENDPOINT.replace(/\/+$/, "")}/v1/traces`;
  return undefined;
}

/** Starts tracing once per process if an endpoint is configured; returns whether tracing is on. */
export async function startTracingIfConfigured(): Promise<boolean> {
  if (g.__socialTokensTracing) return true;
  const e = env();
  const url = tracesUrl(e);
  if (!url) return false;
  const [api, { NodeTracerProvider, BatchSpanProcessor }, { OTLPTraceExporter }, { resourceFromAttributes }] = await Promise.all([
    import("@opentelemetry/api"),
    import("@opentelemetry/sdk-trace-node"),
    import("@opentelemetry/exporter-trace-otlp-http"),
    import("@opentelemetry/resources"),
  ]);
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ "service.name": e.OTEL_SERVICE_NAME }),
    spanProcessors: [new BatchSpanProcessor(scrubbing(new OTLPTraceExporter({ url })))],
  });
  provider.register();
  const tracer = api.trace.getTracer("social-tokens");
  installSpanRunner((name, attributes, fn) =>
    tracer.startActiveSpan(name, { attributes: defined(attributes) }, async (span) => {
      const handle: SpanHandle = {
        set: (a) => span.setAttributes(defined(a)),
        fail: (err) => {
          span.setAttribute("error.type", errorType(err));
          span.setStatus({ code: api.SpanStatusCode.ERROR, message: errorType(err) });
        },
      };
      try {
        return await fn(handle);
      } catch (err) {
        handle.fail(err);
        throw err;
      } finally {
        span.end();
      }
    }),
  );
  g.__socialTokensTracing = {
    flush: () => provider.forceFlush(),
    async shutdown() {
      installSpanRunner(undefined);
      await provider.shutdown();
      api.trace.disable();
      api.context.disable();
      api.propagation.disable();
      g.__socialTokensTracing = undefined;
    },
  };
  // The host only: the endpoint may carry credentials in its user-info or path.
  logger.info("tracing.started", { collector: new URL(url).host, service: e.OTEL_SERVICE_NAME });
  return true;
}

/** Sends the spans still batched (tests; a job runner before it exits). */
export async function flushTracing(): Promise<void> {
  await g.__socialTokensTracing?.flush();
}

/** Flushes and turns tracing off again (tests). */
export async function stopTracing(): Promise<void> {
  await g.__socialTokensTracing?.shutdown();
}

function defined(attributes: SpanAttributes): Attributes {
  const out: Attributes = {};
  for (const [k, v] of Object.entries(attributes)) if (v !== undefined) out[k] = v;
  return out;
}

/** The error's class name (FacebookApiError, TikTokApiError…): messages stay in the logs, which redact them. */
function errorType(err: unknown): string {
  return err instanceof Error ? err.name : typeof err;
}

/** Cuts query strings and fragments (where credentials travel) from anything URL-like, then redacts as the logger does. */
export function scrubText(s: string): string {
  return redactString(s.replace(/[?#][^\s"'<>]*/g, ""));
}

function scrubValue(key: string, v: AttributeValue | undefined): AttributeValue | undefined {
  if (isSecretKey(key)) return "[REDACTED]";
  if (typeof v === "string") return scrubText(v);
  if (Array.isArray(v)) return v.map((x: unknown) => (typeof x === "string" ? scrubText(x) : x)) as AttributeValue;
  return v;
}

function scrubAttributes(attributes: Attributes): Attributes {
  const out: Attributes = {};
  for (const [k, v] of Object.entries(attributes)) out[k] = scrubValue(k, v);
  return out;
}

export function scrubSpan(span: ReadableSpan): ReadableSpan {
  return {
    name: scrubText(span.name),
    kind: span.kind,
    spanContext: () => span.spanContext(),
    parentSpanContext: span.parentSpanContext,
    startTime: span.startTime,
    endTime: span.endTime,
    status: span.status.message === undefined ? span.status : { ...span.status, message: scrubText(span.status.message) },
    attributes: scrubAttributes(span.attributes),
    links: span.links.map((l) => ({ ...l, attributes: l.attributes && scrubAttributes(l.attributes) })),
    events: span.events.map((ev) => ({ ...ev, name: scrubText(ev.name), attributes: ev.attributes && scrubAttributes(ev.attributes) })),
    duration: span.duration,
    ended: span.ended,
    resource: span.resource,
    instrumentationScope: span.instrumentationScope,
    droppedAttributesCount: span.droppedAttributesCount,
    droppedEventsCount: span.droppedEventsCount,
    droppedLinksCount: span.droppedLinksCount,
  };
}

function scrubbing(inner: SpanExporter): SpanExporter {
  return {
    export: (spans, done) => inner.export(spans.map(scrubSpan), done),
    shutdown: () => inner.shutdown(),
    forceFlush: () => inner.forceFlush?.() ?? Promise.resolve(),
  };
}
