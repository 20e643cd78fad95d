import "server-only";
import { callerFrom, callerQuery, findKeyWorkspace, type ApiCaller } from "../api-keys/authenticate";
import { bearerOf } from "../api-keys/key-format";
import { withTenantAnd, type Tx } from "../db/tenant-transaction";
import { env } from "../env";
import { errorResponse, failureResponse, HttpError, jsonResponse, notFoundError, respondToError } from "../http/respond";
import { publicOrigin } from "../http/public-origin";
import { readJsonBody } from "../http/json-body";
import type { Failure, Result } from "../http/result";
import { consume, rateLimitHeaders, tooManyRequests, type RateLimitPolicy } from "../rate-limit/limiter";
import { apiEndpoints, type ApiBody, type ApiEndpointName, type ApiParams, type ApiQuery, type ApiResponse } from "./spec";

/**
 * The one gate of every token-API route (`export const POST = apiRoute("pageToken", handler)`). In order: the
 * Bearer key's workspace through the narrow lookup function (401 for none, malformed, unknown, revoked or expired:
 * one answer), the per-key rate limit shared by every instance (429 with Retry-After and RateLimit-* headers; the
 * headers ride on every answer), path parameters (a malformed id is a 404, like a missing one), query and body
 * (422), then the handler, which reaches data only through `inWorkspace`: one transaction in the key's workspace whose
 * first statement re-reads the key (401) and checks its scope (403). The handler's Result becomes the answer. Every answer is `no-store` in the one error format; anything unexpected is logged once
 * through the redacting logger (the Authorization header is never logged).
 */

/**
 * The only way a handler reaches data: a transaction in the key's workspace (RLS) whose first statement re-reads the
 * key (401 if revoked meanwhile) and whose scope is checked (403) before fn runs with the caller.
 */
export type InWorkspace = <T>(fn: (tx: Tx, caller: ApiCaller) => Promise<T>) => Promise<T>;

export interface ApiContext<K extends ApiEndpointName> {
  req: Request;
  params: ApiParams<K>;
  query: ApiQuery<K>;
  body: ApiBody<K>;
  inWorkspace: InWorkspace;
  /** The app's public origin (for links such as the dashboard's reconnect URL). */
  origin: string;
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

function unauthorized(): Response {
  return errorResponse(401, "unauthorized", UNAUTHORIZED, { "WWW-Authenticate": 'Bearer realm="api"' });
}

function missingScope(scope: string): HttpError {
  return new HttpError(403, "forbidden", `This API key lacks the "${scope}" scope. Create a key with it under Settings → API keys.`);
}

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
      const found = presented ? await findKeyWorkspace(presented) : null;
      if (!found) return unauthorized();

      const decision = await consume(apiRatePolicy(), found.keyId);
      headers = rateLimitHeaders(decision);
      if (!decision.allowed) throw tooManyRequests(decision, "This API key made too many requests.");

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

      let entered = false;
      const inWorkspace: InWorkspace = (fn) =>
        withTenantAnd(found.tenantId, callerQuery(found), async (tx, keyRow) => {
          const caller = callerFrom(found, keyRow);
          if (!caller) throw new HttpError(401, "unauthorized", UNAUTHORIZED, { "WWW-Authenticate": 'Bearer realm="api"' });
          if (!caller.scopes.includes(spec.scope)) throw missingScope(spec.scope);
          entered = true;
          return fn(tx, caller);
        });
      const ctx = { req, params: params.data, query: query.data, body, inWorkspace, origin: publicOrigin(req) };
      const result = await handler(ctx as ApiContext<K>);
      // Every answer with data came through inWorkspace (the key re-read, the scope checked).
      if (!entered) throw new Error(`${name}: the handler answered without entering the key's workspace`);
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
