import { randomUUID } from "node:crypto";
import { encode } from "next-auth/jwt";
import { HARNESS_AUTH_SECRET } from "./connect-harness";

/**
 * A real Auth.js session cookie (Auth.js's own `encode`: JWE with the key derived from the secret and the cookie
 * name), as the app sets it after sign-in. Tests send it to route handlers to act as a signed-in person.
 */
export async function sessionCookie(
  sub: string,
  opts: { secret?: string; maxAgeSeconds?: number; name?: string; secure?: boolean; sid?: string; gen?: number } = {},
): Promise<string> {
  const cookieName = `${opts.secure ? "__Secure-" : ""}authjs.session-token`;
  const value = await encode({
    // sid and gen as Auth.js's jwt callback (lib/auth/auth.ts) puts them at sign-in.
    token: { sub, name: opts.name ?? "Test Person", sid: opts.sid ?? randomUUID(), gen: opts.gen ?? 0 },
    secret: opts.secret ?? HARNESS_AUTH_SECRET,
    salt: cookieName,
    maxAge: opts.maxAgeSeconds ?? 3600,
  });
  return `${cookieName}=${value}`;
}
