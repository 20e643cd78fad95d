import "server-only";
import http from "node:http";
import { ALLOWED_METHODS } from "./csp";

/**
 * TRACE never reaches proxy.ts: Next.js builds a WHATWG Request for every request first, and that
 * constructor throws on it, so Next answered 500. This guard, installed once at server start
 * (instrumentation.ts), answers it 405 with Allow before Next sees them. Other methods pass through untouched.
 */
const REFUSED = new Set(["TRACE"]);
const INSTALLED = Symbol.for("social-tokens.method-guard");

export function installMethodGuard(): void {
  const proto = http.Server.prototype as http.Server & { [INSTALLED]?: boolean };
  if (proto[INSTALLED]) return;
  proto[INSTALLED] = true;
  const emit = proto.emit as (this: http.Server, event: string | symbol, ...args: unknown[]) => boolean;
  proto.emit = function (this: http.Server, event: string | symbol, ...args: unknown[]): boolean {
    if (event === "request") {
      const [req, res] = args as [http.IncomingMessage, http.ServerResponse];
      if (req.method && REFUSED.has(req.method.toUpperCase())) {
        const body = JSON.stringify({
          error: { code: "method_not_allowed", message: `This app does not answer ${req.method.slice(0, 16)} requests.` },
        });
        res.writeHead(405, { "Content-Type": "application/json", "Cache-Control": "no-store", Allow: ALLOWED_METHODS.join(", ") });
        res.end(body);
        return true;
      }
    }
    return emit.call(this, event, ...args);
  } as typeof proto.emit;
}
