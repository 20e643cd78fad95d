import "server-only";
import { createHmac, randomUUID, timingSafeEqual } from "node:crypto";
import { env } from "../env";
import { db, type Db } from "../db/client";
import { isUuid } from "../db/uuid";

/**
 * Binds a Connect Facebook flow to the tenant it was started from, server-side: an httpOnly cookie holding
 * tenant + user + expiry, HMAC-signed with a key derived from AUTH_SECRET. The callback trusts only this cookie
 * (never a query parameter) and re-checks the membership before writing anything.
 */

export const CONNECT_INTENT_COOKIE = "connect_intent";
export const CONNECT_INTENT_TTL_S = 15 * 60;

export interface ConnectIntent {
  /** Random id: the callback records it as used (server-side), so the cookie works once even if copied. */
  id: string;
  tenantId: string;
  userId: string;
  exp: number;
}

function key(): Buffer {
  return createHmac("sha256", env().AUTH_SECRET).update("connect-intent/v1").digest();
}

export function signConnectIntent(intent: Omit<ConnectIntent, "exp" | "id">, nowS = Math.floor(Date.now() / 1000)): string {
  const payload = Buffer.from(JSON.stringify({ id: randomUUID(), ...intent, exp: nowS + CONNECT_INTENT_TTL_S })).toString("base64url");
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
    if (
      typeof parsed.id !== "string" ||
      !isUuid(parsed.id) ||
      typeof parsed.tenantId !== "string" ||
      typeof parsed.userId !== "string" ||
      typeof parsed.exp !== "number"
    )
      return { state: "invalid" };
    const intent = { id: parsed.id, tenantId: parsed.tenantId, userId: parsed.userId, exp: parsed.exp };
    return parsed.exp < nowS ? { state: "expired", intent } : { state: "valid", intent };
  } catch {
    return { state: "invalid" };
  }
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

/**
 * Marks the intent used, on the server: true the first time, false for any later use of the same cookie (a copy, a
 * replayed callback). Records are kept until the intent would have expired anyway.
 */
export async function consumeConnectIntent(intent: ConnectIntent, client: Db = db()): Promise<boolean> {
  return client.$transaction(async (tx) => {
    await tx.$executeRaw`DELETE FROM used_connect_intents WHERE expires_at < now()`;
    const inserted = await tx.$executeRaw`
      INSERT INTO used_connect_intents (intent_id, user_id, expires_at)
      VALUES (${intent.id}::uuid, ${intent.userId}::uuid, to_timestamp(${intent.exp}))
      ON CONFLICT (intent_id) DO NOTHING`;
    return inserted === 1;
  });
}
