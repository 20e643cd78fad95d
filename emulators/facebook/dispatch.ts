/** Graph routing shared by HTTP requests and batch sub-requests: failures, throttling, batch. */
import { checkProof, looksLikeAppToken, tokenFromRequest } from "./auth.js";
import type { EmulatorContext } from "./context.js";
import { GraphError, errorResult, jsonResult } from "./errors.js";
import { failureResult, takeFailure } from "./failures.js";
import {
  handleAccounts,
  handleBusinessPages,
  handleBusinesses,
  handleDebugToken,
  handleMe,
  handlePageNode,
  handlePermissions,
  handlePublishingLimit,
} from "./graph.js";
import { FEED_PATH, handleFeedGet, handleFeedPost } from "./feed.js";
import { formToParams, isRecord } from "./http-util.js";
import { handleAccessToken } from "./oauth.js";
import type { GraphRequest, GraphResult } from "./types.js";

export const MAX_BATCH = 50;
const FOREVER_MS = 2_147_483_647;

/** Wait ms (or until aborted; "huge" means until aborted). */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) {
      resolve();
      return;
    }
    const done = (): void => {
      if (timer !== undefined) clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    };
    const timer = ms >= FOREVER_MS ? undefined : setTimeout(done, Math.max(0, ms));
    signal.addEventListener("abort", done, { once: true });
  });
}

/** "/v24.0/me" -> { version: "v24.0", rest: "/me" }; "/me" -> { rest: "/me" }. */
export function splitVersion(pathname: string): { version: string | undefined; rest: string } {
  const m = /^\/(v\d+\.\d+)(\/.*)?$/.exec(pathname);
  if (m === null) return { version: undefined, rest: pathname === "" ? "/" : pathname };
  return { version: m[1], rest: m[2] ?? "/" };
}

export function normalizeRest(rest: string): string {
  return rest.length > 1 && rest.endsWith("/") ? rest.slice(0, -1) : rest;
}

export function usageHeaders(ctx: EmulatorContext): Record<string, string> {
  const headers: Record<string, string> = {
    "X-App-Usage": JSON.stringify(ctx.state.appUsage),
    "facebook-api-version": ctx.config.apiVersion,
  };
  if (ctx.state.businessUseCase !== undefined) {
    headers["X-Business-Use-Case-Usage"] = JSON.stringify(ctx.state.businessUseCase);
  }
  return headers;
}

function checkThrottle(ctx: EmulatorContext): void {
  const u = ctx.state.appUsage;
  if (Math.max(u.call_count, u.total_cputime, u.total_time) >= 100) {
    throw new GraphError(4, "(#4) Application request limit reached");
  }
}

function unsupported(req: GraphRequest): GraphError {
  const id = req.path.split("/")[1] ?? "";
  const verb = req.method === "GET" ? "get" : req.method === "DELETE" ? "delete" : "post";
  return new GraphError(
    100,
    `Unsupported ${verb} request. Object with ID '${id}' does not exist, cannot be loaded due to missing permissions, ` +
      "or does not support this operation. Please read the Graph API documentation at https://developers.facebook.com/docs/graph-api",
    { subcode: 33 },
  );
}

async function route(ctx: EmulatorContext, req: GraphRequest, signal: AbortSignal): Promise<GraphResult> {
  const m = req.method;
  if (req.path === "/oauth/access_token" && (m === "GET" || m === "POST")) return jsonResult(200, handleAccessToken(ctx, req));
  checkThrottle(ctx);
  if (req.path === "/" && m === "POST" && req.params.has("batch")) return handleBatch(ctx, req, signal);
  if (m === "GET" && req.path === "/me") return jsonResult(200, handleMe(ctx, req));
  if (req.path === "/me/permissions" && (m === "GET" || m === "DELETE")) return jsonResult(200, handlePermissions(ctx, req));
  if (m === "GET" && req.path === "/me/accounts") return jsonResult(200, handleAccounts(ctx, req));
  if (m === "GET" && req.path === "/debug_token") return jsonResult(200, handleDebugToken(ctx, req));
  const feed = FEED_PATH.exec(req.path);
  if (feed?.[1] !== undefined && m === "POST") return jsonResult(200, handleFeedPost(ctx, req, feed[1]));
  if (feed?.[1] !== undefined && m === "GET") return jsonResult(200, handleFeedGet(ctx, req, feed[1]));
  if (m === "GET" && req.path === "/me/businesses") return jsonResult(200, handleBusinesses(ctx, req));
  const edge = /^\/(\d+)\/(owned_pages|client_pages|content_publishing_limit)$/.exec(req.path);
  if (m === "GET" && edge?.[1] !== undefined) {
    if (edge[2] === "content_publishing_limit") return jsonResult(200, handlePublishingLimit(ctx, req, edge[1]));
    return jsonResult(200, handleBusinessPages(ctx, req, edge[1], edge[2] === "owned_pages" ? "owned" : "client"));
  }
  const node = /^\/(\d+)$/.exec(req.path);
  if (m === "GET" && node?.[1] !== undefined) return jsonResult(200, handlePageNode(ctx, req, node[1]));
  if (req.path === "/" && m === "POST") throw new GraphError(100, "(#100) The parameter batch is required");
  throw unsupported(req);
}

/** The person a request is made for: from its authorization code, fb_exchange_token or access token. */
export function personOfRequest(ctx: EmulatorContext, req: GraphRequest): string | undefined {
  const code = req.params.get("code");
  if (code !== undefined && code !== "") return ctx.state.codes.get(code)?.personId;
  const short = req.params.get("fb_exchange_token");
  if (short !== undefined && short !== "") return ctx.state.tokens.get(short)?.personId;
  const token = tokenFromRequest(req);
  if (token !== undefined && !looksLikeAppToken(token)) return ctx.state.tokens.get(token)?.personId;
  const input = req.params.get("input_token");
  return input === undefined ? undefined : ctx.state.tokens.get(input)?.personId;
}

/** Run one Graph request: injected failures first, then the handler; Graph errors become error bodies. */
export async function dispatchGraph(ctx: EmulatorContext, req: GraphRequest, signal: AbortSignal): Promise<GraphResult> {
  const failure = takeFailure(ctx.state.failures, req.path, req.params, () => personOfRequest(ctx, req));
  if (failure !== undefined) {
    if (failure.timeoutMs !== undefined && failure.timeoutMs > 0) await sleep(failure.timeoutMs, signal);
    const result = failureResult(failure);
    if (result !== undefined) return result;
  }
  try {
    return await route(ctx, req, signal);
  } catch (err) {
    if (err instanceof GraphError) return errorResult(err);
    throw err;
  }
}

// ---------------------------------------------------------------- batch

interface BatchItem {
  method: string;
  relativeUrl: string;
  body: Map<string, string>;
}

function parseBatch(raw: string): unknown[] {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    throw new GraphError(100, "(#100) param batch must be a JSON array");
  }
  if (!Array.isArray(value)) throw new GraphError(100, "(#100) param batch must be a JSON array");
  const items: unknown[] = value;
  if (items.length === 0) throw new GraphError(100, "(#100) The batch must contain at least one request");
  if (items.length > MAX_BATCH) throw new GraphError(100, "Too many requests in batch message. Maximum batch size is 50");
  return items;
}

function parseItem(value: unknown): BatchItem {
  if (!isRecord(value)) throw new GraphError(100, "(#100) Each batch entry must be an object");
  const rel = value["relative_url"];
  if (typeof rel !== "string") throw new GraphError(100, "(#100) Missing relative_url in batch entry");
  const method = typeof value["method"] === "string" ? value["method"].toUpperCase() : "GET";
  const rawBody = value["body"];
  let body = new Map<string, string>();
  if (typeof rawBody === "string") body = formToParams(new URLSearchParams(rawBody));
  else if (isRecord(rawBody)) for (const [k, v] of Object.entries(rawBody)) body.set(k, typeof v === "string" ? v : JSON.stringify(v));
  return { method, relativeUrl: rel, body };
}

function subRequest(ctx: EmulatorContext, batch: GraphRequest, item: BatchItem, proofVerified: boolean): GraphRequest {
  const url = new URL(item.relativeUrl.replace(/^\/*/, "/"), "http://batch.invalid");
  const { version, rest } = splitVersion(url.pathname);
  if (version !== undefined && version !== ctx.config.apiVersion) {
    throw new GraphError(100, `Unknown API version ${version}; this emulator serves ${ctx.config.apiVersion}`);
  }
  const params = formToParams(url.searchParams);
  for (const [k, v] of item.body) params.set(k, v);
  const batchToken = tokenFromRequest(batch);
  const inherits = !params.has("access_token") && batchToken !== undefined;
  if (inherits) params.set("access_token", batchToken);
  const override = params.get("method");
  return {
    method: override !== undefined ? override.toUpperCase() : item.method,
    path: normalizeRest(rest),
    params,
    authorization: undefined,
    baseUrl: batch.baseUrl,
    isBatchSub: true,
    proofVerified: inherits && proofVerified,
  };
}

function headerList(ctx: EmulatorContext, result: GraphResult): { name: string; value: string }[] {
  const list = [{ name: "Content-Type", value: result.contentType }];
  for (const [name, value] of Object.entries(usageHeaders(ctx))) list.push({ name, value });
  return list;
}

async function runItem(
  ctx: EmulatorContext,
  batch: GraphRequest,
  raw: unknown,
  proofVerified: boolean,
  signal: AbortSignal,
): Promise<GraphResult> {
  let sub: GraphRequest;
  try {
    sub = subRequest(ctx, batch, parseItem(raw), proofVerified);
  } catch (err) {
    if (err instanceof GraphError) return errorResult(err);
    throw err;
  }
  if (sub.path === "/") return errorResult(new GraphError(100, "(#100) Batch requests cannot be nested"));
  const stats = ctx.state.stats;
  stats.batchedByPath[sub.path] = (stats.batchedByPath[sub.path] ?? 0) + 1;
  return dispatchGraph(ctx, sub, signal);
}

async function handleBatch(ctx: EmulatorContext, req: GraphRequest, signal: AbortSignal): Promise<GraphResult> {
  if (req.isBatchSub) throw new GraphError(100, "(#100) Batch requests cannot be nested");
  const items = parseBatch(req.params.get("batch") ?? "");
  const token = tokenFromRequest(req);
  let proofVerified = false;
  if (token !== undefined && !looksLikeAppToken(token) && ctx.config.requireAppsecretProof) {
    checkProof(ctx, req, token);
    proofVerified = true;
  }
  ctx.state.stats.batchRequests++;
  ctx.state.stats.batchedCalls += items.length;
  const includeHeaders = req.params.get("include_headers") !== "false";
  const out: Record<string, unknown>[] = [];
  for (const raw of items) {
    const result = await runItem(ctx, req, raw, proofVerified, signal);
    const entry: Record<string, unknown> = { code: result.status };
    if (includeHeaders) entry["headers"] = headerList(ctx, result);
    entry["body"] = result.body;
    out.push(entry);
  }
  return jsonResult(200, out);
}
