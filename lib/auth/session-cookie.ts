import "server-only";
import { hkdfSync } from "node:crypto";
import { headers } from "next/headers";
import { base64url, calculateJwkThumbprint, jwtDecrypt } from "jose";
import { env } from "../env";
import { isUuid } from "../db/uuid";
import type { Db } from "../db/client";
import { withUser } from "../db/tenant-transaction";
import { sessionIsLiveIn } from "./session-generation";

/**
 * Reads the signed-in person from Auth.js's session cookie without going through Auth.js's session endpoint (which
 * re-encodes and re-issues the cookie on every call, even where nothing can be written). Decryption follows
 * Auth.js's own `decode` (@auth/core/jwt: JWE "dir" + A256CBC-HS512 or A256GCM, the key derived from AUTH_SECRET by
 * HKDF-SHA256 with the cookie name as salt, the key id its JWK thumbprint, expiry checked with 15 s tolerance), so a
 * tampered, expired or other-secret cookie is refused exactly as Auth.js refuses it, but the key is derived once per
 * process per (secret, cookie name) instead of on every request. Auth.js still issues and renews the cookie
 * (session-cookie.test.ts checks both ways against Auth.js's own encode and decode).
 */

export interface SessionPerson {
  id: string;
  name: string | null;
  image: string | null;
  /** This session's id (one per sign-in): signing out ends it. */
  sid: string;
  /** The person's session generation when this session began: "sign out everywhere" bumps it. */
  gen: number;
  /** When the cookie expires (seconds since the epoch). */
  exp: number;
}

type SessionClaims = { sub?: unknown; name?: unknown; picture?: unknown; sid?: unknown; gen?: unknown; exp?: unknown };

const BASE = "authjs.session-token";

type Enc = "A256CBC-HS512" | "A256GCM";

interface DerivedKey {
  key: Uint8Array;
  kid: string;
}

const isEnc = (enc: string): enc is Enc => enc === "A256CBC-HS512" || enc === "A256GCM";

/** Derived keys per (enc, cookie name, secret): HKDF and the thumbprint run once per process, not per request. */
const derivedKeys = new Map<string, Promise<DerivedKey>>();

function derivedKey(enc: Enc, secret: string, salt: string): Promise<DerivedKey> {
  const cacheKey = `${enc}\u0000${salt}\u0000${secret}`;
  let found = derivedKeys.get(cacheKey);
  if (!found) {
    const length = enc === "A256CBC-HS512" ? 64 : 32;
    const key = new Uint8Array(hkdfSync("sha256", secret, salt, `Auth.js Generated Encryption Key (${salt})`, length));
    found = calculateJwkThumbprint({ kty: "oct", k: base64url.encode(key) }, `sha${length << 3}` as "sha256" | "sha512").then((kid) => ({
      key,
      kid,
    }));
    derivedKeys.set(cacheKey, found);
  }
  return found;
}

/** Auth.js's decode with cached keys: the payload, or a throw for anything Auth.js would refuse. */
async function decodeSessionToken(token: string, secret: string, salt: string): Promise<Record<string, unknown>> {
  const { payload } = await jwtDecrypt(
    token,
    async ({ kid, enc }) => {
      if (!isEnc(enc)) throw new Error("unsupported content encryption");
      const derived = await derivedKey(enc, secret, salt);
      if (kid === undefined || kid === derived.kid) return derived.key;
      throw new Error("no matching decryption secret");
    },
    { clockTolerance: 15, keyManagementAlgorithms: ["dir"], contentEncryptionAlgorithms: ["A256CBC-HS512", "A256GCM"] },
  );
  return payload;
}

function parseCookies(header: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of header.split(";")) {
    const eq = part.indexOf("=");
    if (eq < 0) continue;
    const name = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    try {
      out.set(name, decodeURIComponent(value));
    } catch {
      // Malformed percent-encoding: not a cookie we issued.
    }
  }
  return out;
}

/** The cookie's value, joined from Auth.js's chunks (`name.0`, `name.1`, …) when it was split. */
function sessionCookieValue(cookies: Map<string, string>, name: string): string | null {
  const whole = cookies.get(name);
  if (whole) return whole;
  const chunks: string[] = [];
  for (let i = 0; cookies.has(`${name}.${i}`); i++) chunks.push(cookies.get(`${name}.${i}`)!);
  return chunks.length ? chunks.join("") : null;
}

/** `secure`: the app runs on https (Auth.js then names the cookie `__Secure-authjs.session-token`). */
export async function readSessionCookie(
  cookieHeader: string | null,
  opts: { secret: string; secure: boolean },
): Promise<SessionPerson | null> {
  if (!cookieHeader) return null;
  const name = opts.secure ? `__Secure-${BASE}` : BASE;
  const token = sessionCookieValue(parseCookies(cookieHeader), name);
  if (!token) return null;
  let payload: SessionClaims | null;
  try {
    payload = await decodeSessionToken(token, opts.secret, name);
  } catch {
    return null;
  }
  // A session whose subject is not one of our user ids names nobody: signed out.
  const sub = payload?.sub;
  if (typeof sub !== "string" || !isUuid(sub)) return null;
  // A session without an id and a generation was issued before sessions could end: it cannot be ended, so it is over.
  const { sid, gen, exp } = payload ?? {};
  if (typeof sid !== "string" || !isUuid(sid) || typeof gen !== "number" || !Number.isInteger(gen) || typeof exp !== "number") return null;
  return {
    id: sub,
    name: typeof payload?.name === "string" ? payload.name : null,
    image: typeof payload?.picture === "string" ? payload.picture : null,
    sid,
    gen,
    exp,
  };
}

export type SessionUser = SessionPerson;

/** Whether Auth.js names its cookies `__Secure-…`: the app's public URL (or, without AUTH_URL, the request) is https. */
function secureCookies(requestHeaders: Headers, requestUrl?: string): boolean {
  const configured = env().AUTH_URL;
  if (configured) return configured.startsWith("https:");
  const proto = requestHeaders.get("x-forwarded-proto") ?? (requestUrl ? new URL(requestUrl).protocol.replace(":", "") : "http");
  return proto.split(",")[0]?.trim() === "https";
}

/**
 * Whether the session has not been ended (signed out, "sign out everywhere", removed from every workspace): one
 * statement. Inside a workspace the membership core checks this in its own statement instead (no extra query).
 */
export async function sessionIsLive(session: SessionPerson, client?: Db): Promise<boolean> {
  return withUser(session.id, (tx) => sessionIsLiveIn(tx, session), { client });
}

async function verified(session: SessionPerson | null, verify: boolean): Promise<SessionPerson | null> {
  if (!session || !verify) return session;
  return (await sessionIsLive(session)) ? session : null;
}

/**
 * The signed-in person of a request (route handlers), or null. `verify: false` only where the membership core
 * checks the session in its own statement (the workspace route wrapper).
 */
export async function sessionUserOf(req: Request, opts: { verify?: boolean } = {}): Promise<SessionUser | null> {
  const session = await readSessionCookie(req.headers.get("cookie"), {
    secret: env().AUTH_SECRET,
    secure: secureCookies(req.headers, req.url),
  });
  return verified(session, opts.verify ?? true);
}

/** The signed-in person of the current render or action (server components, server actions), or null. */
export async function currentUser(opts: { verify?: boolean } = {}): Promise<SessionUser | null> {
  const h = await headers();
  const session = await readSessionCookie(h.get("cookie"), { secret: env().AUTH_SECRET, secure: secureCookies(h) });
  return verified(session, opts.verify ?? true);
}
