import "server-only";
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";

/**
 * What an API key looks like: `stk_live_` and 43 base62 characters drawn uniformly (62^43 > 2^256: at least 256
 * bits of entropy). The fixed prefix lets secret scanners (and people) recognise a leaked key. Only the SHA-256 of
 * the whole key is stored: the key is random, so a fast hash is enough (no password-style stretching needed).
 */

export const KEY_PREFIX = "stk_live_";
export const KEY_BODY_LENGTH = 43;
const ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
/** Characters of the body shown after the prefix in lists ("stk_live_AbC123…"): 36 bits, never enough to use it. */
const SHOWN = 6;

export const KEY_PATTERN = new RegExp(`^${KEY_PREFIX}[0-9A-Za-z]{${KEY_BODY_LENGTH}}$`);

function randomBase62(length: number): string {
  let out = "";
  while (out.length < length) {
    for (const byte of randomBytes(64)) {
      // 248 = 4 × 62: rejecting bytes ≥ 248 keeps every character equally likely.
      if (byte < 248 && out.length < length) out += ALPHABET[byte % 62];
    }
  }
  return out;
}

export interface NewKey {
  /** The full key: shown once to the person who made it, never stored. */
  key: string;
  prefix: string;
  hash: Buffer;
}

export function generateApiKey(): NewKey {
  const key = KEY_PREFIX + randomBase62(KEY_BODY_LENGTH);
  return { key, prefix: displayPrefix(key), hash: hashApiKey(key) };
}

export function displayPrefix(key: string): string {
  return key.slice(0, KEY_PREFIX.length + SHOWN);
}

export function hashApiKey(key: string): Buffer {
  return createHash("sha256").update(key, "utf8").digest();
}

/** Constant-time equality of two hashes. */
export function sameHash(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

/** `Authorization: Bearer <key>` → the presented credential (any string; validity is decided by the lookup). */
export function bearerOf(req: Request): string | null {
  const header = req.headers.get("authorization");
  if (!header) return null;
  const m = /^Bearer[ ]+(\S+)[ ]*$/i.exec(header);
  return m?.[1] ?? null;
}
