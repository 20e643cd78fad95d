/** TikTok Login Kit (OAuth v2) + user info emulator: one node:http server for the consent page, the API and /__control. */
import { createHash } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { HttpError, formToParams, parseJsonBody, readBody, redirect, sendHtml, sendJson } from "../facebook/http-util.js";
import { REQUIRED_SCOPES, renderConsent, renderErrorPage, type AuthorizeParams } from "./consent-html.js";
import { handleControl } from "./control.js";
import { TikTokState, logId, normalizePath, type AccessRecord, type TikTokPerson } from "./state.js";
import { splitScopes } from "../shared/scopes.js";
import { listen } from "../shared/listen.js";

export interface TikTokEmulatorOptions {
  /** 0 = random. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  clientKey: string;
  clientSecret: string;
  /** Access token lifetime (expires_in). Default 7200 s (2 hours). */
  accessTtlSeconds?: number;
  /** Refresh token lifetime (refresh_expires_in). Default 15552000 s (180 days). */
  refreshTtlSeconds?: number;
  /** Requests per minute per API endpoint (sliding window) before 429 rate_limit_exceeded. Default 600; 0 = no limit. */
  rateLimitPerMinute?: number;
  /** Authorization code lifetime. Default 10 minutes. */
  codeTtlMs?: number;
}

export interface TikTokConfig {
  clientKey: string;
  clientSecret: string;
  accessTtlSeconds: number;
  refreshTtlSeconds: number;
  rateLimitPerMinute: number;
  codeTtlMs: number;
}

export interface TikTokContext {
  config: TikTokConfig;
  /** The configuration at start; POST /__control/reset restores it. */
  initialConfig: Readonly<TikTokConfig>;
  state: TikTokState;
}

export interface RunningTikTokEmulator {
  /** e.g. http://127.0.0.1:4020 */
  url: string;
  close(): Promise<void>;
}

export const DEFAULT_ACCESS_TTL_SECONDS = 2 * 3600;
export const DEFAULT_REFRESH_TTL_SECONDS = 180 * 86_400;

/** Fields of GET /v2/user/info/ and the scope each needs. */
export const USER_FIELDS: Record<string, { scope: string; value: (p: TikTokPerson, base: string) => unknown }> = {
  open_id: { scope: "user.info.basic", value: (p) => p.openId },
  union_id: { scope: "user.info.basic", value: (p) => p.unionId },
  avatar_url: { scope: "user.info.basic", value: (p, base) => `${base}/avatars/${p.openId}.svg` },
  avatar_url_100: { scope: "user.info.basic", value: (p, base) => `${base}/avatars/${p.openId}.svg?size=100` },
  avatar_large_url: { scope: "user.info.basic", value: (p, base) => `${base}/avatars/${p.openId}.svg?size=large` },
  display_name: { scope: "user.info.basic", value: (p) => p.displayName },
  username: { scope: "user.info.profile", value: (p) => p.username },
  bio_description: { scope: "user.info.profile", value: (p) => p.bio },
  profile_deep_link: { scope: "user.info.profile", value: (p) => `https://vm.tiktok.com/${p.username}` },
  is_verified: { scope: "user.info.profile", value: (p) => p.isVerified },
  follower_count: { scope: "user.info.stats", value: (p) => p.followerCount },
  following_count: { scope: "user.info.stats", value: (p) => p.followingCount },
  likes_count: { scope: "user.info.stats", value: (p) => p.likesCount },
  video_count: { scope: "user.info.stats", value: (p) => p.videoCount },
};

class OAuthError extends Error {
  constructor(
    readonly status: number,
    readonly error: string,
    readonly description: string,
  ) {
    super(description);
  }
}

class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** TikTok's answer to a POST on /v2/oauth/* whose Content-Type is not a form (JSON included). */
export const FORM_ONLY = "Only `application/x-www-form-urlencoded` is accepted as Content-Type.";

function isFormContentType(header: string | undefined): boolean {
  return (header ?? "").split(";", 1)[0]?.trim().toLowerCase() === "application/x-www-form-urlencoded";
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function sendOAuthError(res: ServerResponse, err: OAuthError): void {
  sendJson(res, err.status, { error: err.error, error_description: err.description, log_id: logId() });
}

function sendApiError(res: ServerResponse, err: ApiError): void {
  sendJson(res, err.status, { data: {}, error: { code: err.code, message: err.message, log_id: logId() } });
}

function redirectOk(raw: string): boolean {
  try {
    const u = new URL(raw);
    return (u.protocol === "https:" || u.protocol === "http:") && u.hash === "";
  } catch {
    return false;
  }
}

function authorizeParams(ctx: TikTokContext, q: URLSearchParams, scopeKey: string): AuthorizeParams | string {
  // Auth.js sends client_id as well as client_key; TikTok's own parameter is client_key.
  const clientKey = q.get("client_key") ?? q.get("client_id") ?? "";
  if (clientKey !== ctx.config.clientKey) return "client_key: this app is not registered (check TIKTOK_CLIENT_KEY).";
  const redirectUri = q.get("redirect_uri") ?? "";
  if (!redirectOk(redirectUri)) return "redirect_uri: missing, not a URL, or has a fragment.";
  const responseType = q.get("response_type") ?? "code";
  if (responseType !== "code") return `response_type must be "code".`;
  const codeChallenge = q.get("code_challenge") ?? "";
  const method = q.get("code_challenge_method") ?? (codeChallenge === "" ? "" : "plain");
  if (codeChallenge !== "" && method !== "S256" && method !== "plain") return `Invalid code_challenge_method "${method}".`;
  const scopes = splitScopes(q.get(scopeKey));
  if (scopes.length === 0) return "scope: at least one scope is required.";
  return { clientKey, redirectUri, state: q.get("state") ?? "", scopes, codeChallenge, codeChallengeMethod: method };
}

function withParams(base: string, params: Record<string, string>): string {
  const u = new URL(base);
  for (const [k, v] of Object.entries(params)) u.searchParams.set(k, v);
  return u.toString();
}

function handleAuthorize(ctx: TikTokContext, q: URLSearchParams, res: ServerResponse): void {
  const params = authorizeParams(ctx, q, "scope");
  if (typeof params === "string") return sendHtml(res, 400, renderErrorPage(params));
  sendHtml(res, 200, renderConsent("/v2/auth/authorize/decide/", params, [...ctx.state.people.values()]));
}

function handleDecide(ctx: TikTokContext, form: URLSearchParams, res: ServerResponse): void {
  const params = authorizeParams(ctx, form, "requested_scopes");
  if (typeof params === "string") return sendHtml(res, 400, renderErrorPage(params));
  const state: Record<string, string> = params.state === "" ? {} : { state: params.state };
  if (form.get("decision") !== "approve") {
    redirect(
      res,
      withParams(params.redirectUri, { error: "access_denied", error_description: "The user denied the authorization.", ...state }),
    );
    return;
  }
  const person = ctx.state.people.get(form.get("person") ?? "");
  if (person === undefined) return sendHtml(res, 400, renderErrorPage("Choose an account to continue as."));
  const ticked = new Set(form.getAll("scope"));
  const scopes = params.scopes.filter((s) => ticked.has(s) || REQUIRED_SCOPES.has(s));
  const code = ctx.state.newCode();
  ctx.state.codes.set(code, {
    code,
    clientKey: params.clientKey,
    redirectUri: params.redirectUri,
    openId: person.openId,
    scopes,
    codeChallenge: params.codeChallenge === "" ? undefined : params.codeChallenge,
    codeChallengeMethod: params.codeChallenge === "" ? undefined : params.codeChallengeMethod,
    expiresAtMs: ctx.state.nowMs() + ctx.config.codeTtlMs,
    used: false,
  });
  redirect(res, withParams(params.redirectUri, { code, scopes: scopes.join(","), ...state }));
}

function checkClient(ctx: TikTokContext, p: Map<string, string>): void {
  const key = p.get("client_key") ?? p.get("client_id");
  if (key === undefined || key === "") throw new OAuthError(400, "invalid_request", "client_key is required.");
  if (key !== ctx.config.clientKey || p.get("client_secret") !== ctx.config.clientSecret) {
    throw new OAuthError(401, "invalid_client", "Client key or secret is invalid.");
  }
}

function pkceOk(challenge: string, method: string | undefined, verifier: string | undefined): boolean {
  if (verifier === undefined || verifier === "") return false;
  if (method === "plain") return verifier === challenge;
  const digest = createHash("sha256").update(verifier).digest();
  // Web flows use base64url (RFC 7636); TikTok's desktop flow is reported to want hex: accept either.
  return digest.toString("base64url") === challenge || digest.toString("hex") === challenge;
}

function pairBody(ctx: TikTokContext, openId: string, scopes: string[]): Record<string, unknown> {
  const { access, refresh } = ctx.state.issuePair(openId, scopes, ctx.config.accessTtlSeconds, ctx.config.refreshTtlSeconds);
  return {
    access_token: access.token,
    expires_in: ctx.config.accessTtlSeconds,
    open_id: openId,
    refresh_token: refresh.token,
    refresh_expires_in: ctx.config.refreshTtlSeconds,
    scope: scopes.join(","),
    token_type: "Bearer",
  };
}

function exchangeCode(ctx: TikTokContext, p: Map<string, string>): Record<string, unknown> {
  const code = p.get("code");
  if (code === undefined || code === "") throw new OAuthError(400, "invalid_request", "code is required.");
  const rec = ctx.state.codes.get(code);
  if (rec === undefined || rec.clientKey !== ctx.config.clientKey) {
    throw new OAuthError(400, "invalid_grant", "Authorization code is invalid.");
  }
  if (rec.used) throw new OAuthError(400, "invalid_grant", "Authorization code has been used.");
  if (rec.expiresAtMs <= ctx.state.nowMs()) throw new OAuthError(400, "invalid_grant", "Authorization code is expired.");
  if (p.get("redirect_uri") !== rec.redirectUri) {
    throw new OAuthError(400, "invalid_grant", "redirect_uri does not match the one used for authorization.");
  }
  if (rec.codeChallenge !== undefined && !pkceOk(rec.codeChallenge, rec.codeChallengeMethod, p.get("code_verifier"))) {
    throw new OAuthError(400, "invalid_grant", "Code verifier or code challenge is invalid.");
  }
  rec.used = true;
  ctx.state.stats.codeExchanges++;
  return pairBody(ctx, rec.openId, rec.scopes);
}

function refreshGrant(ctx: TikTokContext, p: Map<string, string>): Record<string, unknown> {
  const token = p.get("refresh_token");
  if (token === undefined || token === "") throw new OAuthError(400, "invalid_request", "refresh_token is required.");
  const rec = ctx.state.refresh.get(token);
  if (rec === undefined) throw new OAuthError(400, "invalid_grant", "Refresh token is invalid or expired.");
  if (rec.rotatedTo !== undefined) {
    // Rotation: the previous refresh token stops working once a new one is issued.
    ctx.state.stats.refreshReuses++;
    throw new OAuthError(400, "invalid_grant", "Refresh token is invalid or expired.");
  }
  if (rec.revoked) throw new OAuthError(400, "invalid_grant", "Refresh token has been revoked.");
  if (rec.expiresAtMs <= ctx.state.nowMs()) throw new OAuthError(400, "invalid_grant", "Refresh token is invalid or expired.");
  if (!ctx.state.people.has(rec.openId)) throw new OAuthError(400, "invalid_grant", "The user has deauthorized the app.");
  const body = pairBody(ctx, rec.openId, rec.scopes);
  rec.rotatedTo = body["refresh_token"] as string;
  rec.rotatedAtMs = ctx.state.nowMs();
  ctx.state.spends.set(token, (ctx.state.spends.get(token) ?? 0) + 1);
  ctx.state.stats.refreshes++;
  return body;
}

function handleToken(ctx: TikTokContext, p: Map<string, string>): Record<string, unknown> {
  checkClient(ctx, p);
  const grantType = p.get("grant_type");
  if (grantType === "authorization_code") return exchangeCode(ctx, p);
  if (grantType === "refresh_token") {
    try {
      return refreshGrant(ctx, p);
    } catch (err) {
      ctx.state.stats.refreshRefusals++;
      throw err;
    }
  }
  throw new OAuthError(400, "unsupported_grant_type", `grant_type "${grantType ?? ""}" is not supported.`);
}

/** Revokes the whole grant (every access and refresh token of that account for this app): TikTok's revoke deauthorizes. */
function handleRevoke(ctx: TikTokContext, p: Map<string, string>): Record<string, unknown> {
  checkClient(ctx, p);
  const token = p.get("token");
  if (token === undefined || token === "") throw new OAuthError(400, "invalid_request", "token is required.");
  const openId = ctx.state.access.get(token)?.openId ?? ctx.state.refresh.get(token)?.openId;
  if (openId === undefined) throw new OAuthError(400, "invalid_request", "The token is invalid.");
  revokeAccount(ctx, openId);
  ctx.state.stats.revokes++;
  return {};
}

export function revokeAccount(ctx: TikTokContext, openId: string): number {
  let n = 0;
  for (const rec of [...ctx.state.access.values(), ...ctx.state.refresh.values()]) {
    if (rec.openId !== openId || rec.revoked) continue;
    rec.revoked = true;
    n++;
  }
  return n;
}

function bearer(req: IncomingMessage): string | undefined {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? "");
  return m?.[1];
}

function validAccess(ctx: TikTokContext, token: string | undefined): AccessRecord {
  const rec = token === undefined ? undefined : ctx.state.access.get(token);
  if (rec === undefined || rec.revoked || rec.expiresAtMs <= ctx.state.nowMs()) {
    throw new ApiError(401, "access_token_invalid", "The access token is invalid or not found in the request.");
  }
  return rec;
}

function handleUserInfo(ctx: TikTokContext, req: IncomingMessage, url: URL, base: string): Record<string, unknown> {
  ctx.state.stats.userInfoCalls++;
  const rec = validAccess(ctx, bearer(req));
  const fields = splitScopes(url.searchParams.get("fields"));
  if (fields.length === 0) throw new ApiError(400, "invalid_params", "fields is required.");
  const unknown = fields.filter((f) => USER_FIELDS[f] === undefined);
  if (unknown.length > 0) throw new ApiError(400, "invalid_params", `Unknown fields: ${unknown.join(",")}.`);
  const missing = fields.filter((f) => !rec.scopes.includes(USER_FIELDS[f]?.scope ?? ""));
  if (missing.length > 0) {
    throw new ApiError(401, "scope_not_authorized", `The user did not authorize the scope required for: ${missing.join(",")}.`);
  }
  const person = ctx.state.people.get(rec.openId);
  if (person === undefined) throw new ApiError(401, "access_token_invalid", "The access token is invalid or not found in the request.");
  const user: Record<string, unknown> = {};
  for (const f of fields) user[f] = USER_FIELDS[f]?.value(person, base);
  return { data: { user }, error: { code: "ok", message: "", log_id: logId() } };
}

function avatarSvg(id: string): string {
  const n = [...id].reduce((a, c) => a + c.charCodeAt(0), 0);
  const color = ["#fe2c55", "#25f4ee", "#161823", "#8c49d6"][n % 4] ?? "#fe2c55";
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="50" height="50" viewBox="0 0 50 50">` +
    `<circle cx="25" cy="25" r="25" fill="${color}"/></svg>`
  );
}

async function handle(ctx: TikTokContext, req: IncomingMessage, res: ServerResponse, base: string): Promise<void> {
  const url = new URL(req.url ?? "/", "http://emulator.invalid");
  const method = (req.method ?? "GET").toUpperCase();
  if (url.pathname === "/__control" || url.pathname.startsWith("/__control/")) {
    const body = method === "GET" ? {} : parseJsonBody(await readBody(req));
    const result = handleControl(ctx, method, url.pathname.slice("/__control".length) || "/", url.searchParams, body);
    return sendJson(res, result.status, result.body);
  }
  const avatar = /^\/avatars\/([A-Za-z0-9_.-]+)\.svg$/.exec(url.pathname);
  if (avatar?.[1] !== undefined) {
    res.writeHead(200, { "Content-Type": "image/svg+xml", "Cache-Control": "public, max-age=3600" });
    res.end(avatarSvg(avatar[1]));
    return;
  }
  const path = normalizePath(url.pathname);
  const stats = ctx.state.stats;
  stats.requests++;
  stats.byPath[path] = (stats.byPath[path] ?? 0) + 1;

  if (path === "/v2/auth/authorize/" && method === "GET") return handleAuthorize(ctx, url.searchParams, res);
  if (path === "/v2/auth/authorize/decide/" && method === "POST") {
    return handleDecide(ctx, new URLSearchParams(await readBody(req)), res);
  }
  const isOAuth = path === "/v2/oauth/token/" || path === "/v2/oauth/revoke/";
  const raw = method === "POST" ? await readBody(req) : "";
  if (isOAuth && method === "POST" && !isFormContentType(req.headers["content-type"])) {
    // TikTok reads only a form here: JSON (or no Content-Type) is refused before any parameter is looked at.
    return sendOAuthError(res, new OAuthError(400, "invalid_request", FORM_ONLY));
  }
  const params = isOAuth && method === "POST" ? formToParams(new URLSearchParams(raw)) : new Map<string, string>();
  const grantType = params.get("grant_type");
  const openId =
    ctx.state.refresh.get(params.get("refresh_token") ?? "")?.openId ??
    ctx.state.access.get(bearer(req) ?? params.get("token") ?? "")?.openId ??
    ctx.state.codes.get(params.get("code") ?? "")?.openId;
  const rule = ctx.state.takeRule(path, grantType, openId);
  if (rule !== undefined) {
    if (rule.delayMs > 0) await sleep(rule.delayMs);
    if (isOAuth) return sendOAuthError(res, new OAuthError(rule.status, rule.error, rule.description));
    return sendApiError(res, new ApiError(rule.status, rule.error, rule.description));
  }
  try {
    if (path === "/v2/oauth/token/" && method === "POST") return sendJson(res, 200, handleToken(ctx, params));
    if (path === "/v2/oauth/revoke/" && method === "POST") return sendJson(res, 200, handleRevoke(ctx, params));
    if (path === "/v2/user/info/" && method === "GET") {
      if (ctx.state.overLimit(path, ctx.config.rateLimitPerMinute)) {
        stats.rateLimited++;
        throw new ApiError(429, "rate_limit_exceeded", "The API rate limit was exceeded. Please try again later.");
      }
      return sendJson(res, 200, handleUserInfo(ctx, req, url, base));
    }
  } catch (err) {
    if (err instanceof OAuthError) return sendOAuthError(res, err);
    if (err instanceof ApiError) return sendApiError(res, err);
    throw err;
  }
  sendApiError(res, new ApiError(404, "invalid_params", `No endpoint ${method} ${url.pathname} in this emulator.`));
}

export async function startTikTokEmulator(opts: TikTokEmulatorOptions): Promise<RunningTikTokEmulator> {
  const config: TikTokConfig = {
    clientKey: opts.clientKey,
    clientSecret: opts.clientSecret,
    accessTtlSeconds: opts.accessTtlSeconds ?? DEFAULT_ACCESS_TTL_SECONDS,
    refreshTtlSeconds: opts.refreshTtlSeconds ?? DEFAULT_REFRESH_TTL_SECONDS,
    rateLimitPerMinute: opts.rateLimitPerMinute ?? 600,
    codeTtlMs: opts.codeTtlMs ?? 10 * 60 * 1000,
  };
  const ctx: TikTokContext = { config, initialConfig: { ...config }, state: new TikTokState() };
  const host = opts.host ?? "127.0.0.1";
  let baseUrl = "";
  const server = createServer((req, res) => {
    handle(ctx, req, res, baseUrl).catch((err: unknown) => {
      if (res.headersSent || res.destroyed) return void res.destroy();
      sendJson(res, err instanceof HttpError ? err.status : 500, { error: err instanceof Error ? err.message : String(err) });
    });
  });
  baseUrl = await listen(server, opts.port ?? 0, host);
  return {
    url: baseUrl,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      }),
  };
}
