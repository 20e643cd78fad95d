import "server-only";
import { randomUUID } from "node:crypto";
import { env } from "../env";
import { db, type Db } from "../db/client";
import { isUuid } from "../db/uuid";
import { openSignedValue, signValue } from "./signed-value";

/**
 * Binds a Connect Facebook flow to the tenant it was started from, server-side: an httpOnly cookie holding
 * tenant + user + expiry + a random id, HMAC-signed with a key derived from AUTH_SECRET. The callback trusts only
 * this cookie (never a query parameter), records its id as used (so a copied cookie works once) and re-checks the
 * membership before writing anything.
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

const PURPOSE = "connect-intent/v1";

export function signConnectIntent(intent: Omit<ConnectIntent, "exp" | "id">, nowS = Math.floor(Date.now() / 1000)): string {
  return signValue(PURPOSE, { id: randomUUID(), ...intent, exp: nowS + CONNECT_INTENT_TTL_S });
}

export type IntentCheck =
  { state: "none" } | { state: "invalid" } | { state: "expired"; intent: ConnectIntent } | { state: "valid"; intent: ConnectIntent };

/** Checks the cookie's signature and expiry. "expired" still carries the (authentic) workspace it named. */
export function checkConnectIntent(value: string | undefined, nowS = Math.floor(Date.now() / 1000)): IntentCheck {
  if (!value) return { state: "none" };
  const parsed = openSignedValue(PURPOSE, value) as Partial<ConnectIntent> | null;
  if (
    !parsed ||
    typeof parsed.id !== "string" ||
    !isUuid(parsed.id) ||
    typeof parsed.tenantId !== "string" ||
    typeof parsed.userId !== "string" ||
    typeof parsed.exp !== "number"
  )
    return { state: "invalid" };
  const intent = { id: parsed.id, tenantId: parsed.tenantId, userId: parsed.userId, exp: parsed.exp };
  return parsed.exp < nowS ? { state: "expired", intent } : { state: "valid", intent };
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
