import "server-only";
import { createHmac, timingSafeEqual } from "node:crypto";
import { env } from "../env";

/**
 * Binds a Connect Facebook flow to the tenant it was started from, server-side: an httpOnly cookie holding
 * tenant + user + expiry, HMAC-signed with a key derived from AUTH_SECRET. The callback trusts only this cookie
 * (never a query parameter) and re-checks the membership before writing anything.
 */

export const CONNECT_INTENT_COOKIE = "connect_intent";
export const CONNECT_INTENT_TTL_S = 15 * 60;

export interface ConnectIntent {
  tenantId: string;
  userId: string;
  exp: number;
}

function key(): Buffer {
  return createHmac("sha256", env().AUTH_SECRET).update("connect-intent/v1").digest();
}

export function signConnectIntent(intent: Omit<ConnectIntent, "exp">, nowS = Math.floor(Date.now() / 1000)): string {
  const payload = Buffer.from(JSON.stringify({ ...intent, exp: nowS + CONNECT_INTENT_TTL_S })).toString("base64url");
  const sig = createHmac("sha256", key()).update(payload).digest("base64url");
  return `${payload}.${sig}`;
}

export type IntentCheck =
  { state: "none" } | { state: "invalid" } | { state: "expired"; intent: ConnectIntent } | { state: "valid"; intent: ConnectIntent };

/** Checks the cookie's signature and expiry. "expired" still carries the (authentic) workspace it named. */
export function checkConnectIntent(value: string | undefined, nowS = Math.floor(Date.now() / 1000)): IntentCheck {
  if (!value) return { state: "none" };
  const [payload, sig] = value.split(".");
  if (!payload || !sig) return { state: "invalid" };
  const expected = createHmac("sha256", key()).update(payload).digest();
  const given = Buffer.from(sig, "base64url");
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { state: "invalid" };
  try {
    const parsed = JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as Partial<ConnectIntent>;
    if (typeof parsed.tenantId !== "string" || typeof parsed.userId !== "string" || typeof parsed.exp !== "number")
      return { state: "invalid" };
    const intent = { tenantId: parsed.tenantId, userId: parsed.userId, exp: parsed.exp };
    return parsed.exp < nowS ? { state: "expired", intent } : { state: "valid", intent };
  } catch {
    return { state: "invalid" };
  }
}

export function connectIntentCookieOptions() {
  return {
    httpOnly: true,
    sameSite: "lax" as const,
    secure: env().NODE_ENV === "production" && !env().AUTH_URL?.startsWith("http://"),
    path: "/",
    maxAge: CONNECT_INTENT_TTL_S,
  };
}
