import http from "node:http";
import type { AddressInfo } from "node:net";

/** A local webhook receiver for tests: records every request; answers from a script (default 200). */
export interface ReceivedWebhook {
  path: string;
  headers: Record<string, string>;
  body: string;
}

export interface WebhookReceiver {
  url: string;
  port: number;
  received: ReceivedWebhook[];
  /** Status codes to answer, in order; after the script runs out, `then` (default 200). */
  script(codes: number[], then?: number, extraHeaders?: Record<string, string>): void;
  close(): Promise<void>;
}

export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  const received: ReceivedWebhook[] = [];
  let queue: number[] = [];
  let fallback = 200;
  let headersOut: Record<string, string> = {};
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(req.headers)) if (typeof v === "string") headers[k] = v;
      received.push({ path: req.url ?? "/", headers, body: Buffer.concat(chunks).toString("utf8") });
      const code = queue.shift() ?? fallback;
      res.writeHead(code, { "content-type": "text/plain", ...headersOut });
      res.end(code < 300 ? "ok" : "no");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    received,
    script(codes, then = 200, extraHeaders = {}) {
      queue = [...codes];
      fallback = then;
      headersOut = extraHeaders;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
