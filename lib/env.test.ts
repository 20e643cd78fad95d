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

describe("OpenTelemetry variables", () => {
  it("tracing is off by default; an endpoint must be an http(s) URL, said plainly", () => {
    const off = parseEnv(VALID);
    expect(off.OTEL_EXPORTER_OTLP_ENDPOINT).toBeUndefined();
    expect(off.OTEL_SERVICE_NAME).toBe("social-tokens");
    expect(parseEnv({ ...VALID, OTEL_EXPORTER_OTLP_ENDPOINT: "" }).OTEL_EXPORTER_OTLP_ENDPOINT).toBeUndefined();
    expect(parseEnv({ ...VALID, OTEL_EXPORTER_OTLP_ENDPOINT: "http://localhost:4318" }).OTEL_EXPORTER_OTLP_ENDPOINT).toBe(
      "http://localhost:4318",
    );
    const found = problems({ ...VALID, OTEL_EXPORTER_OTLP_ENDPOINT: "localhost:4318" });
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(
      /^OTEL_EXPORTER_OTLP_ENDPOINT: must be a URL starting with http:\/\/ or https:\/\/, such as http:\/\/localhost:4318/,
    );
  });

  it("refuses a protocol other than http/json, malformed headers and an odd service name, naming each", () => {
    const found = problems({
      ...VALID,
      OTEL_EXPORTER_OTLP_PROTOCOL: "grpc",
      OTEL_EXPORTER_OTLP_HEADERS: "api-key",
      OTEL_SERVICE_NAME: "my service",
    });
    expect(found.map((p) => p.split(":")[0]).sort()).toEqual([
      "OTEL_EXPORTER_OTLP_HEADERS",
      "OTEL_EXPORTER_OTLP_PROTOCOL",
      "OTEL_SERVICE_NAME",
    ]);
    expect(found.find((p) => p.startsWith("OTEL_EXPORTER_OTLP_PROTOCOL"))).toMatch(/leave it unset or set http\/json/);
    expect(
      parseEnv({ ...VALID, OTEL_EXPORTER_OTLP_PROTOCOL: "http/json", OTEL_EXPORTER_OTLP_HEADERS: "x-api-key=abc, x-team=ops" }),
    ).toMatchObject({
      OTEL_EXPORTER_OTLP_PROTOCOL: "http/json",
    });
  });
});
