import "server-only";
import { env } from "../env";
import { openSignedValue, signValue } from "./signed-value";

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

const PURPOSE = "connect-intent/v1";

export function signConnectIntent(intent: Omit<ConnectIntent, "exp">, nowS = Math.floor(Date.now() / 1000)): string {
  return signValue(PURPOSE, { ...intent, exp: nowS + CONNECT_INTENT_TTL_S });
}

export type IntentCheck =
  { state: "none" } | { state: "invalid" } | { state: "expired"; intent: ConnectIntent } | { state: "valid"; intent: ConnectIntent };

/** Checks the cookie's signature and expiry. "expired" still carries the (authentic) workspace it named. */
export function checkConnectIntent(value: string | undefined, nowS = Math.floor(Date.now() / 1000)): IntentCheck {
  if (!value) return { state: "none" };
  const parsed = openSignedValue(PURPOSE, value) as Partial<ConnectIntent> | null;
  if (!parsed || typeof parsed.tenantId !== "string" || typeof parsed.userId !== "string" || typeof parsed.exp !== "number")
    return { state: "invalid" };
  const intent = { tenantId: parsed.tenantId, userId: parsed.userId, exp: parsed.exp };
  return parsed.exp < nowS ? { state: "expired", intent } : { state: "valid", intent };
}

/** The intent when the cookie is authentic and unexpired, else null. */
export function verifyConnectIntent(value: string | undefined, nowS = Math.floor(Date.now() / 1000)): ConnectIntent | null {
  const check = checkConnectIntent(value, nowS);
  return check.state === "valid" ? check.intent : null;
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
