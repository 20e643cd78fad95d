/** Random identifiers: tokens, codes, trace ids. */
import { createHash, randomBytes } from "node:crypto";

const BASE62 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/** Uniform random base62 string (rejection sampling, no modulo bias). */
export function randomBase62(length: number): string {
  let out = "";
  while (out.length < length) {
    const buf = randomBytes(length + 16);
    for (const byte of buf) {
      if (byte >= 248) continue;
      out += BASE62.charAt(byte % 62);
      if (out.length === length) break;
    }
  }
  return out;
}

/** Opaque access token like Facebook's: "EAA" + 60 base62 chars. */
export function newAccessToken(): string {
  return "EAA" + randomBase62(60);
}

export function newAuthCode(): string {
  return "AQ" + randomBase62(96);
}

/** Stable numeric id derived from a string (used for category ids). */
export function numericId(seed: string): string {
  const hex = createHash("sha256").update(seed).digest("hex").slice(0, 12);
  return String(100000000000000 + (parseInt(hex, 16) % 899999999999999));
}
