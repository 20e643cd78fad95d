import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { gunzipSync } from "node:zlib";

/**
 * A local OTLP/HTTP collector for tests and the bench: accepts POST /v1/traces (JSON, optionally gzip), answers 200
 * with an empty partial success, and keeps the raw bodies (to scan for secrets) and the spans, flattened.
 */

export interface ReceivedSpan {
  name: string;
  traceId: string;
  spanId: string;
  parentSpanId: string | undefined;
  attributes: Record<string, string | number | boolean>;
  status: { code?: number; message?: string };
  service: string | undefined;
}

export interface OtlpReceiver {
  /** The base URL, as OTEL_EXPORTER_OTLP_ENDPOINT. */
  url: string;
  bodies: string[];
  spans: ReceivedSpan[];
  requests: number;
  /** Bytes of request bodies received (as sent, before any gunzip). */
  bytes: number;
  close(): Promise<void>;
}

interface OtlpValue {
  stringValue?: string;
  intValue?: number | string;
  doubleValue?: number;
  boolValue?: boolean;
}
interface OtlpAttribute {
  key: string;
  value: OtlpValue;
}
interface OtlpBody {
  resourceSpans?: {
    resource?: { attributes?: OtlpAttribute[] };
    scopeSpans?: {
      spans?: {
        name: string;
        traceId: string;
        spanId: string;
        parentSpanId?: string;
        attributes?: OtlpAttribute[];
        status?: { code?: number; message?: string };
      }[];
    }[];
  }[];
}

function flatten(attributes: OtlpAttribute[] = []): Record<string, string | number | boolean> {
  const out: Record<string, string | number | boolean> = {};
  for (const a of attributes) {
    const v = a.value;
    const value = v.stringValue ?? (v.intValue !== undefined ? Number(v.intValue) : undefined) ?? v.doubleValue ?? v.boolValue;
    if (value !== undefined) out[a.key] = value;
  }
  return out;
}

/** `parse: false` (the bench) keeps the raw bodies without parsing them into spans (less work beside the server). */
export async function startOtlpReceiver(opts: { parse?: boolean } = {}): Promise<OtlpReceiver> {
  const parse = opts.parse ?? true;
  const bodies: string[] = [];
  const spans: ReceivedSpan[] = [];
  const rx = { requests: 0, bytes: 0 };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      rx.requests++;
      if (req.method !== "POST" || req.url !== "/v1/traces") {
        res.writeHead(404).end();
        return;
      }
      const raw = Buffer.concat(chunks);
      rx.bytes += raw.length;
      const text = (req.headers["content-encoding"] === "gzip" ? gunzipSync(raw) : raw).toString("utf8");
      bodies.push(text);
      if (parse) {
        const body = JSON.parse(text) as OtlpBody;
        for (const rs of body.resourceSpans ?? []) {
          const service = flatten(rs.resource?.attributes)["service.name"];
          for (const ss of rs.scopeSpans ?? [])
            for (const s of ss.spans ?? [])
              spans.push({
                name: s.name,
                traceId: s.traceId,
                spanId: s.spanId,
                parentSpanId: s.parentSpanId || undefined,
                attributes: flatten(s.attributes),
                status: s.status ?? {},
                service: typeof service === "string" ? service : undefined,
              });
        }
      }
      res.writeHead(200, { "content-type": "application/json" }).end("{}");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    bodies,
    spans,
    get requests() {
      return rx.requests;
    },
    get bytes() {
      return rx.bytes;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
