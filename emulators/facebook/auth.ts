/** Access-token extraction and validation, appsecret_proof. */
import { createHmac, timingSafeEqual } from "node:crypto";
import type { EmulatorContext } from "./context.js";
import { GraphError, UNKNOWN_TOKEN_MESSAGE, expiredMessage, revokedMessage } from "./errors.js";
import type { TokenProblem } from "./state.js";
import type { GraphRequest, TokenRecord } from "./types.js";

export const NEED_USER_TOKEN_MESSAGE = "An active access token must be used to query information about the current user.";

/** access_token param, or `Authorization: Bearer|OAuth <token>`. */
export function tokenFromRequest(req: GraphRequest): string | undefined {
  const param = req.params.get("access_token");
  if (param !== undefined && param !== "") return param;
  const m = /^(?:Bearer|OAuth)\s+(\S+)\s*$/i.exec(req.authorization ?? "");
  return m?.[1];
}

export function looksLikeAppToken(token: string): boolean {
  return token.includes("|");
}

/** Throws unless the token is exactly "APPID|APPSECRET". */
export function checkAppToken(ctx: EmulatorContext, token: string): void {
  const [id, secret] = token.split("|", 2);
  if (id !== ctx.config.appId) throw new GraphError(190, "Invalid OAuth access token - Cannot parse access token");
  if (secret !== ctx.config.appSecret) throw new GraphError(190, "Invalid OAuth access token signature.");
}

export function appsecretProof(secret: string, token: string): string {
  return createHmac("sha256", secret).update(token).digest("hex");
}

function safeEqual(a: string, b: string): boolean {
  const ab = Buffer.from(a);
  const bb = Buffer.from(b);
  return ab.length === bb.length && timingSafeEqual(ab, bb);
}

/** When the app requires it, a user/page token must come with a valid appsecret_proof. */
export function checkProof(ctx: EmulatorContext, req: GraphRequest, token: string): void {
  if (!ctx.config.requireAppsecretProof || req.proofVerified || looksLikeAppToken(token)) return;
  const proof = req.params.get("appsecret_proof");
  if (proof === undefined || proof === "") {
    throw new GraphError(100, "API calls from the server require an appsecret_proof argument");
  }
  if (!safeEqual(proof.toLowerCase(), appsecretProof(ctx.config.appSecret, token))) {
    throw new GraphError(100, "Invalid appsecret_proof provided in the API argument");
  }
}

export function problemError(ctx: EmulatorContext, rec: TokenRecord, problem: TokenProblem): GraphError {
  const message =
    problem.kind === "expired" ? expiredMessage(rec.expiresAt, ctx.state.nowSec()) : revokedMessage(problem.subcode, ctx.config.appId);
  return new GraphError(190, message, { subcode: problem.subcode });
}

/** A usable USER or PAGE token for /me-style endpoints (throws Graph errors otherwise). */
export function requireToken(ctx: EmulatorContext, req: GraphRequest): TokenRecord {
  const token = tokenFromRequest(req);
  if (token === undefined) throw new GraphError(2500, NEED_USER_TOKEN_MESSAGE);
  if (looksLikeAppToken(token)) {
    checkAppToken(ctx, token);
    throw new GraphError(2500, NEED_USER_TOKEN_MESSAGE);
  }
  const rec = ctx.state.tokens.get(token);
  if (rec === undefined) throw new GraphError(190, UNKNOWN_TOKEN_MESSAGE);
  checkProof(ctx, req, token);
  const problem = ctx.state.problemOf(rec);
  if (problem !== undefined) throw problemError(ctx, rec, problem);
  return rec;
}
