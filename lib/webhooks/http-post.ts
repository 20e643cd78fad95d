import "server-only";
import http from "node:http";
import https from "node:https";
import { isIP } from "node:net";
import { checkAddress } from "./address-policy";
import { guardedLookup, hostOf, parseWebhookUrl, type UrlPolicy } from "./url-policy";

/**
 * One webhook POST: a fixed timeout for the whole exchange, redirects never followed (a 3xx is a failure), at most
 * RESPONSE_CAP bytes of the answer read (then the socket is dropped), and the connection made only to an address
 * the URL policy allows (checked at connect time by the socket's lookup; IP literals checked here).
 */

export const RESPONSE_CAP = 4_096;

export interface PostOutcome {
  /** HTTP status, or null when no answer came (timeout, refused, forbidden address). */
  status: number | null;
  ok: boolean;
  latencyMs: number;
  /** Why it failed, in words safe to show the workspace (no secret, no header values). */
  error: string | null;
  /** The first bytes of the answer (capped). */
  body: string;
}

export interface PostOptions extends UrlPolicy {
  timeoutMs: number;
  headers: Record<string, string>;
}

export function postWebhook(rawUrl: string, body: string, opts: PostOptions): Promise<PostOutcome> {
  const started = performance.now();
  const done = (o: Omit<PostOutcome, "latencyMs">): PostOutcome => ({ ...o, latencyMs: Math.round(performance.now() - started) });
  const parsed = parseWebhookUrl(rawUrl, opts);
  if (!parsed.ok) return Promise.resolve(done({ status: null, ok: false, error: parsed.message, body: "" }));
  const url = parsed.url;
  const host = hostOf(url);
  if (isIP(host)) {
    const v = checkAddress(host, opts.allowInsecure);
    if (!v.ok) return Promise.resolve(done({ status: null, ok: false, error: `Refused: ${v.why}.`, body: "" }));
  }
  const transport = url.protocol === "https:" ? https : http;
  return new Promise((resolve) => {
    let settled = false;
    const finish = (o: Omit<PostOutcome, "latencyMs">) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(done(o));
    };
    const req = transport.request(
      url,
      {
        method: "POST",
        headers: {
          "content-type": "application/json",
          "content-length": Buffer.byteLength(body),
          "user-agent": "SocialTokens-Webhooks/1",
          ...opts.headers,
        },
        lookup: guardedLookup(opts),
        agent: false,
      },
      (res) => {
        const status = res.statusCode ?? 0;
        const chunks: Buffer[] = [];
        let size = 0;
        const settle = () => {
          const text = Buffer.concat(chunks).subarray(0, RESPONSE_CAP).toString("utf8");
          if (status >= 300 && status < 400) {
            finish({
              status,
              ok: false,
              error: `Answered ${status} (a redirect): redirects are not followed; use the final URL.`,
              body: text,
            });
          } else if (status >= 200 && status < 300) {
            finish({ status, ok: true, error: null, body: text });
          } else {
            finish({ status, ok: false, error: `Answered ${status}.`, body: text });
          }
        };
        res.on("data", (c: Buffer) => {
          chunks.push(c);
          size += c.length;
          if (size >= RESPONSE_CAP) {
            settle();
            res.destroy();
          }
        });
        res.on("end", settle);
        res.on("error", settle);
        res.on("close", settle);
      },
    );
    const timer = setTimeout(() => {
      finish({ status: null, ok: false, error: `No answer within ${opts.timeoutMs / 1000} s.`, body: "" });
      req.destroy();
    }, opts.timeoutMs);
    req.on("error", (err: NodeJS.ErrnoException) => {
      const msg = err.code === "EWEBHOOKFORBIDDEN" ? err.message : `Could not connect (${err.code ?? "error"}).`;
      finish({ status: null, ok: false, error: msg, body: "" });
    });
    req.end(body);
  });
}
