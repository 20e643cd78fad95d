import { encode } from "next-auth/jwt";
import { HARNESS_AUTH_SECRET } from "./connect-harness";

/**
 * A real Auth.js session cookie (Auth.js's own `encode`: JWE with the key derived from the secret and the cookie
 * name), as the app sets it after sign-in. Tests send it to route handlers to act as a signed-in person.
 */
export async function sessionCookie(
  sub: string,
  opts: { secret?: string; maxAgeSeconds?: number; name?: string; secure?: boolean } = {},
): Promise<string> {
  const cookieName = `${opts.secure ? "__Secure-" : ""}authjs.session-token`;
  const value = await encode({
    token: { sub, name: opts.name ?? "Test Person" },
    secret: opts.secret ?? HARNESS_AUTH_SECRET,
    salt: cookieName,
    maxAge: opts.maxAgeSeconds ?? 3600,
  });
  return `${cookieName}=${value}`;
}
