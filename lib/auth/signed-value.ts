import "server-only";
import { createHmac, timingSafeEqual } from "node:crypto";
import { env } from "../env";

/**
 * A JSON value in a cookie, HMAC-SHA256-signed with a key derived from AUTH_SECRET and a purpose label (so a value
 * signed for one purpose never verifies for another): `base64url(json).base64url(mac)`. Not encrypted: put nothing
 * secret in it.
 */

function key(purpose: string): Buffer {
  return createHmac("sha256", env().AUTH_SECRET).update(purpose).digest();
}

export function signValue(purpose: string, value: unknown): string {
  const payload = Buffer.from(JSON.stringify(value)).toString("base64url");
  return `${payload}.${createHmac("sha256", key(purpose)).update(payload).digest("base64url")}`;
}

/** The value if the signature is authentic for this purpose, else null (missing, malformed, forged). */
export function openSignedValue(purpose: string, signed: string | undefined): unknown {
  if (!signed) return null;
  const [payload, sig] = signed.split(".");
  if (!payload || !sig) return null;
  const expected = createHmac("sha256", key(purpose)).update(payload).digest();
  const given = Buffer.from(sig, "base64url");
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
  try {
    return JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as unknown;
  } catch {
    return null;
  }
}
