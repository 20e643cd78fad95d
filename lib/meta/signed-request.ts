import "server-only";
import { createHmac, timingSafeEqual } from "node:crypto";
import { z } from "zod";

/**
 * Meta's signed_request (deauthorize and data deletion callbacks): base64url(signature) + "." + base64url(payload),
 * signature FIRST, where signature = raw HMAC-SHA256 of the base64url payload string keyed with the app secret.
 * Verified in constant time before the payload is even parsed; then the algorithm must be HMAC-SHA256, `expires`
 * (when present) must be in the future and `issued_at` recent.
 */

export interface SignedRequestPayload {
  algorithm: "HMAC-SHA256";
  /** The app-scoped user id (= Auth.js Account.providerAccountId for provider "facebook"). */
  userId: string;
  issuedAt: Date;
  expires: Date | null;
  profileId: string | null;
}

export type SignedRequestProblem = "missing" | "malformed" | "bad_signature" | "bad_algorithm" | "expired" | "too_old" | "issued_in_future";

export class SignedRequestError extends Error {
  constructor(
    public readonly problem: SignedRequestProblem,
    message: string,
  ) {
    super(message);
    this.name = "SignedRequestError";
  }
}

/** issued_at older than this is refused (Meta calls right away; a replay a day later is not Meta). */
export const MAX_AGE_SECONDS = 24 * 3600;
/** Clock skew tolerated for issued_at in the future. */
export const FUTURE_SKEW_SECONDS = 5 * 60;
/** Real signed requests are a few hundred characters. */
const MAX_LENGTH = 8_192;

const B64URL = /^[A-Za-z0-9_-]+={0,2}$/;

function decodeBase64Url(part: string, what: string): Buffer {
  if (!B64URL.test(part) || part.replace(/=+$/, "").length % 4 === 1) {
    throw new SignedRequestError("malformed", `The signed_request ${what} is not base64url.`);
  }
  return Buffer.from(part, "base64url");
}

const payloadSchema = z.object({
  algorithm: z.string(),
  issued_at: z.number().int().nonnegative(),
  user_id: z.union([z.string().regex(/^\d{1,32}$/), z.number().int().nonnegative()]).transform(String),
  expires: z.number().int().nonnegative().optional(),
  profile_id: z.union([z.string(), z.number()]).transform(String).optional(),
});

export function verifySignedRequest(raw: string | null | undefined, appSecret: string, now: Date = new Date()): SignedRequestPayload {
  if (typeof raw !== "string" || raw.length === 0) throw new SignedRequestError("missing", "The form field signed_request is missing.");
  if (raw.length > MAX_LENGTH) throw new SignedRequestError("malformed", "The signed_request is too long.");
  const parts = raw.split(".");
  if (parts.length !== 2 || !parts[0] || !parts[1]) {
    throw new SignedRequestError("malformed", "The signed_request must be <signature>.<payload>.");
  }
  const [sigPart, payloadPart] = parts as [string, string];
  const signature = decodeBase64Url(sigPart, "signature");
  decodeBase64Url(payloadPart, "payload"); // shape check before any crypto
  const expected = createHmac("sha256", appSecret).update(payloadPart, "utf8").digest();
  if (signature.length !== expected.length || !timingSafeEqual(signature, expected)) {
    throw new SignedRequestError("bad_signature", "The signed_request signature does not match.");
  }

  let json: unknown;
  try {
    json = JSON.parse(decodeBase64Url(payloadPart, "payload").toString("utf8"));
  } catch (err) {
    if (err instanceof SignedRequestError) throw err;
    throw new SignedRequestError("malformed", "The signed_request payload is not JSON.");
  }
  const parsed = payloadSchema.safeParse(json);
  if (!parsed.success) throw new SignedRequestError("malformed", "The signed_request payload lacks algorithm, issued_at or user_id.");
  const p = parsed.data;
  if (p.algorithm.toUpperCase() !== "HMAC-SHA256") {
    throw new SignedRequestError("bad_algorithm", "The signed_request algorithm must be HMAC-SHA256.");
  }
  const nowSec = Math.floor(now.getTime() / 1000);
  if (p.expires !== undefined && p.expires > 0 && p.expires <= nowSec) {
    throw new SignedRequestError("expired", "The signed_request has expired.");
  }
  if (p.issued_at > nowSec + FUTURE_SKEW_SECONDS)
    throw new SignedRequestError("issued_in_future", "The signed_request was issued in the future.");
  if (nowSec - p.issued_at > MAX_AGE_SECONDS) throw new SignedRequestError("too_old", "The signed_request is too old.");
  return {
    algorithm: "HMAC-SHA256",
    userId: p.user_id,
    issuedAt: new Date(p.issued_at * 1000),
    expires: p.expires ? new Date(p.expires * 1000) : null,
    profileId: p.profile_id ?? null,
  };
}

/** Builds a signed_request the way Meta does (tests, the emulator-driven demo). */
export function signRequest(payload: Record<string, unknown>, appSecret: string): string {
  const body = Buffer.from(JSON.stringify(payload), "utf8").toString("base64url");
  const sig = createHmac("sha256", appSecret).update(body, "utf8").digest("base64url");
  return `${sig}.${body}`;
}
