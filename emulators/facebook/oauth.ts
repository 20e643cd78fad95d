/** Login dialog and /oauth/access_token. */
import { createHash } from "node:crypto";
import type { ServerResponse } from "node:http";
import { problemError } from "./auth.js";
import type { EmulatorContext } from "./context.js";
import { REQUIRED_SCOPES, renderDialog, renderErrorPage, type DialogParams } from "./dialog-html.js";
import { GraphError, UNKNOWN_TOKEN_MESSAGE } from "./errors.js";
import { redirect, sendHtml } from "./http-util.js";
import { newAuthCode } from "./ids.js";
import { LONG_LIVED_SECONDS, SHORT_LIVED_SECONDS, copyGrant } from "./state.js";
import type { Grant, GraphRequest, PersonRecord } from "./types.js";
import { splitScopes } from "../shared/scopes.js";

export { splitScopes };

type Obj = Record<string, unknown>;

function isHttpUrl(raw: string): boolean {
  try {
    const u = new URL(raw);
    return u.protocol === "http:" || u.protocol === "https:";
  } catch {
    return false;
  }
}

/** Validate dialog params; returns an error message or the parsed params. */
function dialogParams(ctx: EmulatorContext, q: URLSearchParams, scopeKey: "scope" | "requested_scopes"): DialogParams | string {
  const clientId = q.get("client_id") ?? "";
  if (clientId !== ctx.config.appId) return "Invalid App ID: The provided app ID does not look like a valid app ID.";
  const redirectUri = q.get("redirect_uri") ?? "";
  if (!isHttpUrl(redirectUri)) return "URL Blocked: This redirect failed because the redirect URI is missing or not a valid URL.";
  const responseType = q.get("response_type") ?? "code";
  if (responseType !== "code") return `Unsupported response_type "${responseType}": the emulator only supports "code".`;
  const codeChallenge = q.get("code_challenge") ?? "";
  const method = q.get("code_challenge_method") ?? (codeChallenge === "" ? "" : "plain");
  if (codeChallenge !== "" && method !== "S256" && method !== "plain") return `Invalid code_challenge_method "${method}".`;
  const scopes = splitScopes(q.get(scopeKey));
  const authType = q.get("auth_type") ?? "";
  return { clientId, redirectUri, state: q.get("state") ?? "", responseType, scopes, codeChallenge, codeChallengeMethod: method, authType };
}

export function handleDialog(ctx: EmulatorContext, query: URLSearchParams, res: ServerResponse): void {
  const params = dialogParams(ctx, query, "scope");
  if (typeof params === "string") {
    sendHtml(res, 400, renderErrorPage(params));
    return;
  }
  const action = `/${ctx.config.apiVersion}/dialog/oauth/decide`;
  sendHtml(res, 200, renderDialog(action, params, [...ctx.state.people.values()]));
}

function withParams(base: string, params: Record<string, string>): string {
  const u = new URL(base);
  for (const [k, v] of Object.entries(params)) u.searchParams.set(k, v);
  return u.toString();
}

function chosenPages(person: PersonRecord, form: URLSearchParams): Grant["pages"] {
  if (person.pages.length > 20) return form.getAll("all_pages").includes(person.id) ? "all" : [];
  const ticked = new Set(form.getAll("page"));
  return person.pages.filter((p) => ticked.has(p.id)).map((p) => p.id);
}

function consentGrant(requested: string[], form: URLSearchParams, person: PersonRecord): Grant {
  const ticked = new Set(form.getAll("scope"));
  const scopes = requested.filter((s) => ticked.has(s) || REQUIRED_SCOPES.has(s));
  if (!scopes.includes("public_profile")) scopes.unshift("public_profile");
  const declined = requested.filter((s) => !scopes.includes(s));
  return { scopes, declined, pages: chosenPages(person, form) };
}

export function handleDecide(ctx: EmulatorContext, form: URLSearchParams, res: ServerResponse): void {
  const params = dialogParams(ctx, form, "requested_scopes");
  if (typeof params === "string") {
    sendHtml(res, 400, renderErrorPage(params));
    return;
  }
  const stateParam: Record<string, string> = params.state === "" ? {} : { state: params.state };
  if (form.get("decision") !== "approve") {
    redirect(
      res,
      withParams(params.redirectUri, {
        error: "access_denied",
        error_code: "200",
        error_description: "Permissions error",
        error_reason: "user_denied",
        ...stateParam,
      }),
    );
    return;
  }
  const person = ctx.state.people.get(form.get("person") ?? "");
  if (person === undefined) {
    sendHtml(res, 400, renderErrorPage("Choose a person to continue as."));
    return;
  }
  ctx.state.renewDataAccess(person.id, params.authType === "reauthorize");
  const code = newAuthCode();
  ctx.state.codes.set(code, {
    code,
    clientId: params.clientId,
    redirectUri: params.redirectUri,
    personId: person.id,
    grant: consentGrant(params.scopes, form, person),
    codeChallenge: params.codeChallenge === "" ? undefined : params.codeChallenge,
    codeChallengeMethod: params.codeChallenge === "" ? undefined : params.codeChallengeMethod,
    expiresAtMs: ctx.state.nowMs() + ctx.config.codeTtlMs,
    used: false,
  });
  redirect(res, withParams(params.redirectUri, { code, ...stateParam }));
}

// ---------------------------------------------------------------- /oauth/access_token

interface ClientCredentials {
  id: string | undefined;
  secret: string | undefined;
}

function formDecode(s: string): string {
  try {
    return decodeURIComponent(s.replace(/\+/g, " "));
  } catch {
    return s;
  }
}

/** HTTP Basic (urlencoded id:secret, as Auth.js sends) or client_id/client_secret params. */
function clientCredentials(req: GraphRequest): ClientCredentials {
  const m = /^Basic\s+(\S+)\s*$/i.exec(req.authorization ?? "");
  if (m?.[1] !== undefined) {
    const decoded = Buffer.from(m[1], "base64").toString("utf8");
    const i = decoded.indexOf(":");
    if (i >= 0) return { id: formDecode(decoded.slice(0, i)), secret: formDecode(decoded.slice(i + 1)) };
  }
  return { id: req.params.get("client_id"), secret: req.params.get("client_secret") };
}

function checkClient(ctx: EmulatorContext, creds: ClientCredentials): void {
  if (creds.id === undefined || creds.id === "") throw new GraphError(101, "Missing client_id parameter.");
  if (creds.id !== ctx.config.appId) throw new GraphError(101, "Error validating application. Invalid application ID.");
  if (creds.secret !== ctx.config.appSecret) throw new GraphError(1, "Error validating client secret.");
}

function pkceOk(challenge: string, method: string | undefined, verifier: string | undefined): boolean {
  if (verifier === undefined || verifier === "") return false;
  const computed = method === "plain" ? verifier : createHash("sha256").update(verifier).digest("base64url");
  return computed === challenge;
}

function exchangeCode(ctx: EmulatorContext, req: GraphRequest, creds: ClientCredentials): Obj {
  const code = req.params.get("code");
  if (code === undefined || code === "") throw new GraphError(100, "Missing authorization code");
  const rec = ctx.state.codes.get(code);
  if (rec === undefined || rec.clientId !== creds.id) throw new GraphError(100, "Invalid verification code format.");
  if (req.params.get("redirect_uri") !== rec.redirectUri) {
    throw new GraphError(
      100,
      "Error validating verification code. Please make sure your redirect_uri is identical to the one you used in the OAuth dialog request",
      { subcode: 36008 },
    );
  }
  if (rec.used) throw new GraphError(100, "This authorization code has been used.", { subcode: 36009 });
  if (rec.expiresAtMs <= ctx.state.nowMs()) throw new GraphError(100, "This authorization code has expired.", { subcode: 36007 });
  if (rec.codeChallenge !== undefined && !pkceOk(rec.codeChallenge, rec.codeChallengeMethod, req.params.get("code_verifier"))) {
    throw new GraphError(100, "Invalid code verifier");
  }
  rec.used = true;
  const token = ctx.state.issueToken({
    type: "USER",
    personId: rec.personId,
    grant: copyGrant(rec.grant),
    expiresAt: ctx.state.nowSec() + SHORT_LIVED_SECONDS,
    longLived: false,
    source: "oauth",
  });
  return { access_token: token.token, token_type: "bearer", expires_in: SHORT_LIVED_SECONDS };
}

function exchangeLongLived(ctx: EmulatorContext, req: GraphRequest): Obj {
  const short = req.params.get("fb_exchange_token");
  if (short === undefined || short === "") throw new GraphError(100, "Missing fb_exchange_token parameter");
  const rec = ctx.state.tokens.get(short);
  if (rec === undefined || rec.type !== "USER") throw new GraphError(190, UNKNOWN_TOKEN_MESSAGE);
  const problem = ctx.state.problemOf(rec);
  if (problem !== undefined) throw problemError(ctx, rec, problem);
  const long = ctx.state.issueToken({
    type: "USER",
    personId: rec.personId,
    grant: rec.grant,
    expiresAt: ctx.state.nowSec() + LONG_LIVED_SECONDS,
    longLived: true,
    source: "exchange",
  });
  return { access_token: long.token, token_type: "bearer", expires_in: LONG_LIVED_SECONDS };
}

export function handleAccessToken(ctx: EmulatorContext, req: GraphRequest): Obj {
  const creds = clientCredentials(req);
  checkClient(ctx, creds);
  const grantType = req.params.get("grant_type");
  if (grantType === "fb_exchange_token") return exchangeLongLived(ctx, req);
  if (grantType === "client_credentials") {
    return { access_token: `${ctx.config.appId}|${ctx.config.appSecret}`, token_type: "bearer" };
  }
  if (grantType !== undefined && grantType !== "authorization_code") {
    throw new GraphError(100, `Unsupported grant_type: ${grantType}`);
  }
  return exchangeCode(ctx, req, creds);
}
