import "server-only";
import { createHmac, hkdfSync, timingSafeEqual } from "node:crypto";
import { env } from "../env";
import { isUuid } from "../db/uuid";

/**
 * One-click unsubscribe links that work without signing in: the link names a workspace and a person, signed with
 * a key derived from AUTH_SECRET (HKDF, its own purpose label), so nobody can forge one for someone else. It can
 * only turn that person's alert emails for that workspace off.
 */

function key(): Buffer {
  return Buffer.from(hkdfSync("sha256", env().AUTH_SECRET, Buffer.alloc(0), "social-tokens/alerts-unsubscribe/v1", 32));
}

const b64 = (b: Buffer) => b.toString("base64url");

export function unsubscribeToken(tenantId: string, userId: string): string {
  const body = `${tenantId}.${userId}`;
  const mac = createHmac("sha256", key()).update(body).digest();
  return `${b64(Buffer.from(body))}.${b64(mac)}`;
}

export function verifyUnsubscribeToken(token: string): { tenantId: string; userId: string } | null {
  const [bodyB64, macB64, extra] = token.split(".");
  if (!bodyB64 || !macB64 || extra !== undefined || token.length > 300) return null;
  const body = Buffer.from(bodyB64, "base64url").toString("utf8");
  const expected = createHmac("sha256", key()).update(body).digest();
  const given = Buffer.from(macB64, "base64url");
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
  const [tenantId, userId] = body.split(".");
  if (!tenantId || !userId || !isUuid(tenantId) || !isUuid(userId)) return null;
  return { tenantId, userId };
}
