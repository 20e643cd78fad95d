import { describe, expect, it } from "vitest";
import { EnvError, parseEnv } from "./env";
import { generateKeySpec } from "./tokens/key-ring";

/**
 * URLs that sign-in builds redirects and calls from must be absolute http(s) URLs: "localhost:3700" (no scheme),
 * "javascript:…" and "ftp://…" used to pass validation and break sign-in at the first click. Statement bounds
 * default to 5 s for request paths and 120 s for the CLIs.
 */

const VALID = {
  DATABASE_URL: "postgresql://social_app_login:pw@127.0.0.1:5432/app",
  AUTH_SECRET: "a-very-long-auth-secret-for-tests-0123456789",
  FACEBOOK_APP_ID: "1234567890",
  FACEBOOK_APP_SECRET: "app-secret-for-tests",
  TOKEN_ENCRYPTION_KEYS: generateKeySpec("k1"),
};

function problems(source: Record<string, string>): string[] {
  try {
    parseEnv(source);
  } catch (err) {
    if (err instanceof EnvError) return err.problems;
    throw err;
  }
  return [];
}

describe("URL variables", () => {
  const names = ["AUTH_URL", "FACEBOOK_GRAPH_URL", "FACEBOOK_DIALOG_URL"] as const;
  const bad = ["localhost:3700", "javascript:alert(1)", "ftp://graph.example.com", "//graph.example.com", "http//missing-colon"];

  for (const name of names)
    it.each(bad)(`${name}=%s is refused with a message saying http(s)`, (value) => {
      const found = problems({ ...VALID, [name]: value });
      expect(found).toHaveLength(1);
      expect(found[0]).toMatch(new RegExp(`^${name}: must be a URL starting with http:// or https://`));
    });

  it.each(["http://localhost:3700", "https://graph.facebook.com", "http://127.0.0.1:4010/"])("%s is accepted everywhere", (value) => {
    const env = parseEnv({ ...VALID, AUTH_URL: value, FACEBOOK_GRAPH_URL: value, FACEBOOK_DIALOG_URL: value });
    expect(env.AUTH_URL).toBe(value);
  });
});

describe("statement bounds", () => {
  it("default to 5 s for request paths and 120 s for jobs; out-of-range values are refused", () => {
    expect(parseEnv(VALID)).toMatchObject({ DATABASE_STATEMENT_TIMEOUT_MS: 5000, DATABASE_JOB_STATEMENT_TIMEOUT_MS: 120_000 });
    expect(problems({ ...VALID, DATABASE_STATEMENT_TIMEOUT_MS: "0" }).map((p) => p.split(":")[0])).toEqual([
      "DATABASE_STATEMENT_TIMEOUT_MS",
    ]);
  });
});
