import "server-only";
import { createHmac } from "node:crypto";
import { z } from "zod";
import { facebookConfig, type FacebookConfig } from "./config";
import { FacebookApiError } from "./errors";
import { parseUsageHeaders, type GraphUsage } from "./usage";
import { withSpan } from "../telemetry/span";

/**
 * Graph API client: versioned base URL, appsecret_proof, timeouts, error bodies → FacebookApiError,
 * cursor paging, batch. Tokens travel in the Authorization header, never in URLs we build or log.
 */

export interface GraphResponse<T> {
  body: T;
  usage: GraphUsage;
}

const errorBody = z.object({
  error: z.object({
    message: z.string().optional(),
    type: z.string().optional(),
    code: z.number().optional(),
    error_subcode: z.number().optional(),
    fbtrace_id: z.string().optional(),
  }),
});

export function appsecretProof(token: string, appSecret: string): string {
  return createHmac("sha256", appSecret).update(token).digest("hex");
}

export class GraphClient {
  constructor(private readonly cfg: FacebookConfig = facebookConfig()) {}

  get config(): FacebookConfig {
    return this.cfg;
  }

  /** GET a Graph path (relative to the versioned base) as the holder of `token`. */
  async get<T>(path: string, params: Record<string, string>, token: string, schema: z.ZodType<T>): Promise<GraphResponse<T>> {
    const url = new URL(`${this.cfg.graphBase}/${path.replace(/^\//, "")}`);
    for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
    return this.request(url, { method: "GET" }, token, schema);
  }

  /** Follows a `paging.next` URL, refusing any URL that is not on the configured Graph host. */
  async getNext<T>(next: string, token: string, schema: z.ZodType<T>): Promise<GraphResponse<T>> {
    const url = new URL(next);
    const base = new URL(this.cfg.graphBase);
    if (url.origin !== base.origin) {
      throw new FacebookApiError("Facebook returned a paging link to another host; refusing to follow it.", {
        status: 0,
        transport: "malformed",
      });
    }
    url.searchParams.delete("access_token");
    url.searchParams.delete("appsecret_proof");
    return this.request(url, { method: "GET" }, token, schema);
  }

  async delete<T>(path: string, token: string, schema: z.ZodType<T>): Promise<GraphResponse<T>> {
    const url = new URL(`${this.cfg.graphBase}/${path.replace(/^\//, "")}`);
    return this.request(url, { method: "DELETE" }, token, schema);
  }

  /** POST a form to the versioned base (batch requests, token exchange with POST). */
  async postForm<T>(path: string, form: Record<string, string>, token: string | null, schema: z.ZodType<T>): Promise<GraphResponse<T>> {
    const url = new URL(`${this.cfg.graphBase}/${path.replace(/^\//, "")}`);
    return this.request(url, { method: "POST", body: new URLSearchParams(form) }, token, schema);
  }

  /** GET with credentials in the query string, for endpoints that take no token (OAuth exchanges, debug_token). */
  async getPublic<T>(path: string, params: Record<string, string>, schema: z.ZodType<T>): Promise<GraphResponse<T>> {
    const url = new URL(`${this.cfg.graphBase}/${path.replace(/^\//, "")}`);
    for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
    return this.request(url, { method: "GET" }, null, schema);
  }

  /** One span per Graph request: method, host and path only (tokens, proofs and secrets travel in headers or the query). */
  private request<T>(url: URL, init: RequestInit, token: string | null, schema: z.ZodType<T>): Promise<GraphResponse<T>> {
    const method = init.method ?? "GET";
    return withSpan(
      `facebook.graph ${method}`,
      { "http.request.method": method, "server.address": url.host, "url.path": url.pathname },
      async (span) => {
        try {
          return await this.send(url, init, token, schema);
        } catch (err) {
          if (err instanceof FacebookApiError)
            span.set({
              "http.response.status_code": err.info.status || undefined,
              "facebook.error.code": err.info.code,
              "facebook.transport": err.info.transport,
            });
          throw err;
        }
      },
    );
  }

  private async send<T>(url: URL, init: RequestInit, token: string | null, schema: z.ZodType<T>): Promise<GraphResponse<T>> {
    const headers = new Headers({ Accept: "application/json" });
    if (token) {
      headers.set("Authorization", `OAuth ${token}`);
      if (this.cfg.appsecretProof) url.searchParams.set("appsecret_proof", appsecretProof(token, this.cfg.appSecret));
    }
    let res: Response;
    try {
      res = await fetch(url, { ...init, headers, signal: AbortSignal.timeout(this.cfg.timeoutMs), cache: "no-store" });
    } catch (err) {
      const timeout = err instanceof Error && (err.name === "TimeoutError" || err.name === "AbortError");
      throw new FacebookApiError(timeout ? "Facebook did not answer in time." : "Could not reach Facebook.", {
        status: 0,
        transport: timeout ? "timeout" : "network",
      });
    }
    const usage = parseUsageHeaders(res.headers);
    let json: unknown;
    try {
      json = await res.json();
    } catch {
      throw new FacebookApiError(`Facebook answered HTTP ${res.status} with a body that is not JSON.`, {
        status: res.status,
        transport: res.ok ? "malformed" : undefined,
      });
    }
    const maybeError = errorBody.safeParse(json);
    if (!res.ok || maybeError.success) {
      if (maybeError.success) {
        const e = maybeError.data.error;
        throw new FacebookApiError(e.message ?? `Facebook error ${e.code ?? res.status}`, {
          status: res.status,
          code: e.code,
          subcode: e.error_subcode,
          type: e.type,
          fbtraceId: e.fbtrace_id,
        });
      }
      throw new FacebookApiError(`Facebook answered HTTP ${res.status}.`, { status: res.status });
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success) {
      throw new FacebookApiError("Facebook's answer did not have the expected shape.", { status: res.status, transport: "malformed" });
    }
    return { body: parsed.data, usage };
  }
}
