import "server-only";
import { authenticateApiKey, type ApiCaller } from "../api-keys/authenticate";
import { bearerOf } from "../api-keys/key-format";
import { env } from "../env";
import { errorResponse, failureResponse, jsonResponse, notFoundError, respondToError } from "../http/respond";
import { publicOrigin } from "../http/public-origin";
import { readJsonBody } from "../http/json-body";
import type { Failure, Result } from "../http/result";
import { consume, rateLimitHeaders, tooManyRequests, type RateLimitPolicy } from "../rate-limit/limiter";
import { apiEndpoints, type ApiBody, type ApiEndpointName, type ApiParams, type ApiQuery, type ApiResponse } from "./spec";

/**
 * The one gate of every token-API route (`export const POST = apiRoute("pageToken", handler)`). In order: the
 * Bearer key (401 for none, malformed, unknown, revoked or expired: one answer), the per-key rate limit shared by
 * every instance (429 with Retry-After and RateLimit-* headers; the headers ride on every answer), the scope (403),
 * path parameters (a malformed id is a 404, like a missing one), query and body (422), then the handler, whose
 * Result becomes the answer. Every answer is `no-store` in the one error format; anything unexpected is logged once
 * through the redacting logger (the Authorization header is never logged).
 */

export interface ApiContext<K extends ApiEndpointName> {
  req: Request;
  caller: ApiCaller;
  params: ApiParams<K>;
  query: ApiQuery<K>;
  body: ApiBody<K>;
  /** The dashboard's URL of this workspace (where a member reconnects Facebook). */
  dashboardUrl: string;
}

/** A refusal the API answers with its own code and extra fields (409 token_revoked … with reconnect_url). */
export interface ApiRefusal {
  status: number;
  code: string;
  message: string;
  extra?: Record<string, string>;
}

export type ApiResult<T> = Result<T> | { ok: false; refusal: ApiRefusal };

const UNAUTHORIZED =
  "Send a valid API key: Authorization: Bearer stk_live_…. The key may be wrong, revoked or expired; an owner or admin can create one under Settings → API keys.";

export function apiRatePolicy(): RateLimitPolicy {
  return { name: "api-v1", points: env().API_RATE_LIMIT_POINTS, durationSeconds: env().API_RATE_LIMIT_WINDOW_SECONDS };
}

type NextContext = { params?: Promise<Record<string, string | string[] | undefined> | undefined> };

function queryObject(url: URL): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const key of new Set(url.searchParams.keys())) {
    const all = url.searchParams.getAll(key);
    out[key] = all.length === 1 ? all[0]! : all;
  }
  return out;
}

function refusalResponse(r: ApiRefusal | Failure, headers: Record<string, string>): Response {
  if ("status" in r) return jsonResponse({ error: { code: r.code, message: r.message, ...r.extra } }, { status: r.status, headers });
  const res = failureResponse(r);
  for (const [k, v] of Object.entries(headers)) res.headers.set(k, v);
  return res;
}

export function apiRoute<K extends ApiEndpointName>(name: K, handler: (ctx: ApiContext<K>) => Promise<ApiResult<ApiResponse<K>>>) {
  const spec = apiEndpoints[name];
  const where = { route: spec.path, method: spec.method.toUpperCase() };

  return async function handle(req: Request, next: NextContext): Promise<Response> {
    let headers: Record<string, string> = {};
    try {
      const presented = bearerOf(req);
      const caller = presented ? await authenticateApiKey(presented) : null;
      if (!caller) return errorResponse(401, "unauthorized", UNAUTHORIZED, { "WWW-Authenticate": 'Bearer realm="api"' });

      const decision = await consume(apiRatePolicy(), caller.keyId);
      headers = rateLimitHeaders(decision);
      if (!decision.allowed) throw tooManyRequests(decision, "This API key made too many requests.");

      if (!caller.scopes.includes(spec.scope)) {
        return errorResponse(
          403,
          "forbidden",
          `This API key lacks the "${spec.scope}" scope. Create a key with it under Settings → API keys.`,
          headers,
        );
      }

      const params = spec.params.safeParse((await next?.params) ?? {});
      if (!params.success) throw notFoundError();

      const url = new URL(req.url);
      const query = spec.query.safeParse(queryObject(url));
      if (!query.success) return errorResponse(422, "invalid", issueMessage(query.error.issues), headers);

      let body: unknown = undefined;
      if (spec.body) {
        const json = await readJsonBody(req, { emptyIs: {} });
        if (!json.ok) return errorResponse(400, "bad_request", json.message, headers);
        const parsed = spec.body.safeParse(json.value);
        if (!parsed.success) return errorResponse(422, "invalid", issueMessage(parsed.error.issues), headers);
        body = parsed.data;
      }

      const dashboardUrl = `${publicOrigin(req)}/t/${encodeURIComponent(caller.slug)}`;
      const result = await handler({ req, caller, params: params.data, query: query.data, body, dashboardUrl } as ApiContext<K>);
      if (result.ok) return jsonResponse(result.value, { headers });
      return refusalResponse("refusal" in result ? result.refusal : result.error, headers);
    } catch (err) {
      const res = respondToError(err, where);
      for (const [k, v] of Object.entries(headers)) if (!res.headers.has(k)) res.headers.set(k, v);
      return res;
    }
  };
}

function issueMessage(issues: { path: PropertyKey[]; message: string }[]): string {
  const first = issues[0];
  if (!first) return "Some fields are not valid.";
  const field = first.path.map(String).join(".");
  return field ? `${field}: ${first.message}` : first.message;
}
