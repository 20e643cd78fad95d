import { randomUUID } from "node:crypto";
import { decode, encode } from "next-auth/jwt";
import { describe, expect, it } from "vitest";
import { readSessionCookie } from "./session-cookie";

/**
 * readSessionCookie decrypts Auth.js's session cookie with keys derived once per process. Cookies are made by Auth.js's
 * own `encode`, and every refusal is checked against Auth.js's own `decode` too, so the two never disagree.
 */

const SECRET = "unit-test-auth-secret-0123456789abcdef";
const NAME = "authjs.session-token";
const opts = { secret: SECRET, secure: false };

async function token(claims: Record<string, unknown>, o: { secret?: string; maxAge?: number; salt?: string } = {}): Promise<string> {
  // What the app's jwt callback puts in every session: a session id and the person's session generation.
  return encode({
    token: { sid: randomUUID(), gen: 0, ...claims },
    secret: o.secret ?? SECRET,
    salt: o.salt ?? NAME,
    maxAge: o.maxAge ?? 3600,
  });
}

/** What Auth.js itself makes of the cookie value: the payload, or null when it refuses. */
async function authJsDecode(value: string, salt = NAME): Promise<Record<string, unknown> | null> {
  try {
    return (await decode({ token: value, secret: SECRET, salt })) as Record<string, unknown> | null;
  } catch {
    return null;
  }
}

describe("readSessionCookie", () => {
  it("reads the person from a cookie Auth.js issued (twice: the second read uses the cached key)", async () => {
    const sub = randomUUID();
    const value = await token({ sub, name: "Ada", picture: "https://example.test/a.png" });
    const expected = { id: sub, name: "Ada", image: "https://example.test/a.png" };
    expect(await readSessionCookie(`${NAME}=${value}`, opts)).toMatchObject(expected);
    expect(await readSessionCookie(`other=1; ${NAME}=${value}`, opts)).toMatchObject(expected);
    // A cookie issued before sessions could end (no session id or generation) cannot be ended: refused.
    const old = await encode({ token: { sub, name: "Ada" }, secret: SECRET, salt: NAME, maxAge: 3600 });
    expect(await readSessionCookie(`${NAME}=${old}`, opts)).toBeNull();
    // The https name (`__Secure-…`) is a different salt, hence a different key.
    const secureValue = await token({ sub }, { salt: `__Secure-${NAME}` });
    expect(await readSessionCookie(`__Secure-${NAME}=${secureValue}`, { secret: SECRET, secure: true })).toMatchObject({ id: sub });
    expect(await readSessionCookie(`${NAME}=${secureValue}`, opts)).toBeNull();
  });

  it("joins a cookie Auth.js split into chunks", async () => {
    const sub = randomUUID();
    const value = await token({ sub });
    const cut = Math.floor(value.length / 2);
    expect(await readSessionCookie(`${NAME}.0=${value.slice(0, cut)}; ${NAME}.1=${value.slice(cut)}`, opts)).toMatchObject({ id: sub });
  });

  it("refuses a tampered cookie (one character of the ciphertext changed), as Auth.js does", async () => {
    const value = await token({ sub: randomUUID() });
    const parts = value.split(".");
    const body = parts[3] as string;
    parts[3] = (body[0] === "A" ? "B" : "A") + body.slice(1);
    const tampered = parts.join(".");
    expect(tampered).not.toBe(value);
    expect(await authJsDecode(tampered)).toBeNull();
    expect(await readSessionCookie(`${NAME}=${tampered}`, opts)).toBeNull();
  });

  it("refuses an expired cookie (past Auth.js's 15 s tolerance), as Auth.js does", async () => {
    const value = await token({ sub: randomUUID() }, { maxAge: -60 });
    expect(await authJsDecode(value)).toBeNull();
    expect(await readSessionCookie(`${NAME}=${value}`, opts)).toBeNull();
  });

  it("refuses a cookie made with another secret, as Auth.js does", async () => {
    const value = await token({ sub: randomUUID() }, { secret: "another-secret-0123456789abcdef0123456789" });
    expect(await authJsDecode(value)).toBeNull();
    expect(await readSessionCookie(`${NAME}=${value}`, opts)).toBeNull();
  });

  it("treats a session whose subject is not a UUID (or missing) as signed out", async () => {
    for (const claims of [{ sub: "1234" }, { sub: "not-a-uuid'; DROP TABLE users;--" }, { name: "No Sub" }, { sub: 42 }]) {
      const value = await token(claims);
      expect(await authJsDecode(value)).not.toBeNull(); // a valid Auth.js token…
      expect(await readSessionCookie(`${NAME}=${value}`, opts)).toBeNull(); // …that names none of our users
    }
  });

  it("answers null without a cookie, with an empty or undecodable one", async () => {
    expect(await readSessionCookie(null, opts)).toBeNull();
    expect(await readSessionCookie("other=1", opts)).toBeNull();
    expect(await readSessionCookie(`${NAME}=`, opts)).toBeNull();
    expect(await readSessionCookie(`${NAME}=%E0%A4%A`, opts)).toBeNull();
    expect(await readSessionCookie(`${NAME}=not.a.jwe.at.all`, opts)).toBeNull();
  });
});
