import { describe, expect, it } from "vitest";
import { EnvError, parseEnv } from "../env";
import { generateKeySpec } from "./key-ring";

/**
 * parseEnv names every missing or malformed variable at once (so a deploy is fixed in one go), says what to set, and
 * never echoes a secret value back. The token key ring is validated with the rest of the configuration.
 */

const VALID = {
  DATABASE_URL: "postgresql://social_app_login:pw@127.0.0.1:5432/app",
  AUTH_SECRET: "a-very-long-auth-secret-for-tests-0123456789",
  FACEBOOK_APP_ID: "1234567890",
  FACEBOOK_APP_SECRET: "app-secret-for-tests",
  TOKEN_ENCRYPTION_KEYS: `${generateKeySpec("k2")},${generateKeySpec("k1")}`,
} as const;

function envError(source: Record<string, string | undefined>): EnvError {
  try {
    parseEnv(source);
  } catch (err) {
    if (err instanceof EnvError) return err;
    throw err;
  }
  throw new Error("expected parseEnv to throw EnvError");
}

/** The variable names an EnvError lists, in order. */
function named(err: EnvError): string[] {
  return err.problems.map((p) => p.slice(0, p.indexOf(":")));
}

describe("parseEnv", () => {
  it("accepts a complete configuration and fills the defaults (real Facebook hosts, v24.0, appsecret_proof on)", () => {
    const env = parseEnv({ ...VALID });
    expect(env).toMatchObject({
      FACEBOOK_API_VERSION: "v24.0",
      FACEBOOK_GRAPH_URL: "https://graph.facebook.com",
      FACEBOOK_DIALOG_URL: "https://www.facebook.com",
      FACEBOOK_APPSECRET_PROOF: true,
      FACEBOOK_TIMEOUT_MS: 10_000,
      DATABASE_POOL_MAX: 5,
      LOG_LEVEL: "info",
      TOKEN_ENCRYPTION_KEYS: VALID.TOKEN_ENCRYPTION_KEYS,
    });
  });

  it("lists a missing AUTH_SECRET and a malformed TOKEN_ENCRYPTION_KEYS in one error", () => {
    const { AUTH_SECRET: _missing, ...rest } = VALID;
    const err = envError({ ...rest, TOKEN_ENCRYPTION_KEYS: "k1:tooshort" });

    expect(named(err).sort()).toEqual(["AUTH_SECRET", "TOKEN_ENCRYPTION_KEYS"]);
    expect(err.message).toMatch(/^Invalid configuration:\n/);
    expect(err.message).toMatch(/ {2}- AUTH_SECRET: set it to a random string of at least 32 characters/);
    expect(err.message).toMatch(/ {2}- TOKEN_ENCRYPTION_KEYS: must be a comma-separated list of id:base64key entries, each key 32 bytes/);
    expect(err.message).toMatch(/See \.env\.example/);
  });

  const required = ["DATABASE_URL", "AUTH_SECRET", "FACEBOOK_APP_ID", "FACEBOOK_APP_SECRET", "TOKEN_ENCRYPTION_KEYS"] as const;
  it.each(required)("names %s when it is missing", (name) => {
    const source: Record<string, string | undefined> = { ...VALID };
    delete source[name];
    const err = envError(source);
    expect(named(err)).toEqual([name]);
    expect(err.problems[0]).toMatch(new RegExp(`^${name}: set it to `));
  });

  it("names every required variable when the environment is empty", () => {
    expect(named(envError({})).sort()).toEqual([...required].sort());
  });

  const malformed: [string, string, RegExp][] = [
    ["DATABASE_URL", "mysql://root@localhost/app", /must be a postgresql:\/\/ URL/],
    ["AUTH_SECRET", "short-secret", /must be at least 32 characters/],
    ["FACEBOOK_APP_ID", "my-app", /must be the numeric App ID/],
    ["FACEBOOK_APP_SECRET", "abc", /looks too short/],
    ["FACEBOOK_API_VERSION", "24.0", /must look like v24\.0/],
    ["FACEBOOK_GRAPH_URL", "graph.facebook.com", /must be a URL/],
    ["FACEBOOK_TIMEOUT_MS", "fast", /.+/],
    ["FACEBOOK_APPSECRET_PROOF", "yes", /.+/],
    ["TOKEN_ENCRYPTION_KEYS", "just-a-key-without-id-0123456789abcdef0123456", /id:base64key/],
    ["TOKEN_ENCRYPTION_KEYS", `${generateKeySpec("k1")};${generateKeySpec("k2")}`, /comma-separated/],
    ["TOKEN_ENCRYPTION_KEYS", `k1:${"A".repeat(44)}`, /each key 32 bytes/], // decodes to 33 bytes
    ["TOKEN_ENCRYPTION_KEYS", `${generateKeySpec("k1")},${generateKeySpec("k1")}`, /ids unique/],
    ["LOG_LEVEL", "verbose", /.+/],
  ];
  it.each(malformed)("names a malformed %s (%s)", (name, value, message) => {
    const err = envError({ ...VALID, [name]: value });
    expect(named(err)).toEqual([name]);
    expect(err.problems[0]).toMatch(message);
    if (/SECRET|KEYS|DATABASE_URL/.test(name)) expect(err.message).not.toContain(value);
  });

  it("never echoes secret values, even when several are wrong", () => {
    const secrets = { AUTH_SECRET: "s3cr3t-but-short", FACEBOOK_APP_SECRET: "x1", TOKEN_ENCRYPTION_KEYS: "k1:QUJDREVGR0g=" };
    const err = envError({ ...VALID, ...secrets });
    expect(named(err).sort()).toEqual(["AUTH_SECRET", "FACEBOOK_APP_SECRET", "TOKEN_ENCRYPTION_KEYS"]);
    for (const v of Object.values(secrets)) expect(err.message).not.toContain(v);
  });

  it("TikTok is optional: neither key nor secret is fine (empty counts as unset); one without the other is refused", () => {
    expect(parseEnv({ ...VALID, TIKTOK_CLIENT_KEY: "", TIKTOK_CLIENT_SECRET: "" })).toMatchObject({
      TIKTOK_CLIENT_KEY: undefined,
      TIKTOK_AUTH_URL: "https://www.tiktok.com",
      TIKTOK_API_URL: "https://open.tiktokapis.com",
      TIKTOK_SCOPES: "user.info.basic,user.info.profile,video.upload,video.publish",
    });
    expect(named(envError({ ...VALID, TIKTOK_CLIENT_KEY: "abcd1234" }))).toEqual(["TIKTOK_CLIENT_SECRET"]);
    const err = envError({
      ...VALID,
      TIKTOK_CLIENT_KEY: "bad key!",
      TIKTOK_CLIENT_SECRET: "s3cret-value-xyz",
      TIKTOK_SCOPES: "video.upload",
    });
    expect(named(err)).toEqual(["TIKTOK_CLIENT_KEY", "TIKTOK_SCOPES"]);
    expect(err.message).not.toContain("s3cret-value-xyz");
  });
});
