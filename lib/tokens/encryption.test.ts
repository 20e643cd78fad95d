import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resetEnvCache } from "../env";
import { decryptToken, encryptToken, keyRing } from "./encryption";
import { generateKeySpec, TokenDecryptionError } from "./key-ring";

/**
 * encryptToken / decryptToken: the key ring comes from TOKEN_ENCRYPTION_KEYS (validated with the rest of the env),
 * and follows the variable when it changes — which is how a key rotation is deployed.
 */

const TENANT = "33333333-3333-4333-8333-333333333333";
const TOKEN = "EAA" + "Tok3n".repeat(12);
const BASE_ENV = {
  DATABASE_URL: "postgresql://nobody@127.0.0.1:1/none",
  AUTH_SECRET: "encryption-test-auth-secret-0123456789",
  FACEBOOK_APP_ID: "1234567890",
  FACEBOOK_APP_SECRET: "encryption-test-secret",
};
const saved = new Map<string, string | undefined>();

function setEnv(vars: Record<string, string>): void {
  for (const [k, v] of Object.entries(vars)) {
    if (!saved.has(k)) saved.set(k, process.env[k]);
    process.env[k] = v;
  }
  resetEnvCache();
}

const k1 = generateKeySpec("k1");
const k2 = generateKeySpec("k2");

beforeAll(() => setEnv({ ...BASE_ENV, TOKEN_ENCRYPTION_KEYS: k1 }));

afterAll(() => {
  for (const [k, v] of saved) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  resetEnvCache();
});

describe("encryptToken / decryptToken", () => {
  it("round-trips under the current key from TOKEN_ENCRYPTION_KEYS", () => {
    setEnv({ TOKEN_ENCRYPTION_KEYS: k1 });
    const sealed = encryptToken(TENANT, TOKEN);
    expect(sealed.keyId).toBe("k1");
    expect(decryptToken(TENANT, sealed)).toBe(TOKEN);
    expect(encryptToken(TENANT, TOKEN).ciphertext).not.toEqual(sealed.ciphertext);
  });

  it("follows a changed TOKEN_ENCRYPTION_KEYS: new key first seals new values, the old key still reads old ones", () => {
    setEnv({ TOKEN_ENCRYPTION_KEYS: k1 });
    const old = encryptToken(TENANT, TOKEN);

    setEnv({ TOKEN_ENCRYPTION_KEYS: `${k2},${k1}` });
    expect(keyRing().currentKeyId).toBe("k2");
    const fresh = encryptToken(TENANT, TOKEN);
    expect(fresh.keyId).toBe("k2");
    expect([decryptToken(TENANT, old), decryptToken(TENANT, fresh)]).toEqual([TOKEN, TOKEN]);

    // Old key removed too early: values still under it fail loudly, naming the missing key.
    setEnv({ TOKEN_ENCRYPTION_KEYS: k2 });
    expect(() => decryptToken(TENANT, old)).toThrowError(
      new TokenDecryptionError(`No key "k1" in TOKEN_ENCRYPTION_KEYS; add the old key back (after the current one).`),
    );
    expect(decryptToken(TENANT, fresh)).toBe(TOKEN);
  });

  it("a stored key id that was never in the ring fails with TokenDecryptionError", () => {
    setEnv({ TOKEN_ENCRYPTION_KEYS: k1 });
    const sealed = encryptToken(TENANT, TOKEN);
    expect(() => decryptToken(TENANT, { ...sealed, keyId: "k9" })).toThrow(TokenDecryptionError);
    expect(() => decryptToken(TENANT, { ...sealed, keyId: "k9" })).toThrow(/No key "k9"/);
  });

  it("a different key under the same id (a mis-pasted key) fails authentication rather than returning garbage", () => {
    setEnv({ TOKEN_ENCRYPTION_KEYS: k1 });
    const sealed = encryptToken(TENANT, TOKEN);
    setEnv({ TOKEN_ENCRYPTION_KEYS: generateKeySpec("k1") });
    expect(() => decryptToken(TENANT, sealed)).toThrow(/failed authentication/);
  });

  it("a tampered ciphertext or another tenant's id fails with TokenDecryptionError", () => {
    setEnv({ TOKEN_ENCRYPTION_KEYS: k1 });
    const sealed = encryptToken(TENANT, TOKEN);
    const tampered = Uint8Array.from(sealed.ciphertext);
    tampered[20] = tampered[20]! ^ 0x80;
    expect(() => decryptToken(TENANT, { ...sealed, ciphertext: tampered })).toThrow(TokenDecryptionError);
    expect(() => decryptToken("44444444-4444-4444-8444-444444444444", sealed)).toThrow(TokenDecryptionError);
    expect(decryptToken(TENANT, sealed)).toBe(TOKEN);
  });

  it("an unusable TOKEN_ENCRYPTION_KEYS stops encryption with a configuration error, not a silent fallback", () => {
    setEnv({ TOKEN_ENCRYPTION_KEYS: "k1:not-a-key" });
    expect(() => encryptToken(TENANT, TOKEN)).toThrow(/TOKEN_ENCRYPTION_KEYS/);
    setEnv({ TOKEN_ENCRYPTION_KEYS: k1 });
    expect(decryptToken(TENANT, encryptToken(TENANT, TOKEN))).toBe(TOKEN);
  });
});
