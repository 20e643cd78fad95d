import { test, expect } from "../support/fixtures";
import { spawnApp } from "../support/own-app";
import { E2E } from "../support/ports";

/** Starts the production build with the given environment and collects what it prints until it exits. */
function startApp(env: Record<string, string>, port: number): Promise<{ code: number | null; output: string }> {
  const { child, output } = spawnApp(port, env);
  return new Promise((resolve) => {
    // A server that keeps running past 30 s did not refuse: stop it and report that.
    const timer = setTimeout(() => child.kill("SIGKILL"), 30_000);
    child.on("exit", (code) => {
      clearTimeout(timer);
      resolve({ code, output: output() });
    });
  });
}

const base = {
  AUTH_SECRET: "startup-test-secret-that-is-long-enough-1234",
  FACEBOOK_APP_ID: E2E.appId,
  FACEBOOK_APP_SECRET: E2E.appSecret,
  TOKEN_ENCRYPTION_KEYS: `k1:${Buffer.alloc(32, 7).toString("base64")}`,
};

test("the server refuses to start when its database role could bypass row-level security", async ({ stack }) => {
  // The owner URL: a superuser in tests.
  const { code, output } = await startApp({ ...base, DATABASE_URL: stack.ownerUrl }, E2E.spareAppPort(0));
  expect(code).toBe(1);
  expect(output).toContain("Refusing to run");
  expect(output).toMatch(/is a superuser/);
  expect(output).toContain("DATABASE_URL");
});

test("the server refuses to start with a missing or malformed configuration, naming each variable", async () => {
  const { code, output } = await startApp({ DATABASE_URL: "mysql://nope", FACEBOOK_APP_ID: "not-numeric" }, E2E.spareAppPort(1));
  expect(code).toBe(1);
  for (const name of ["DATABASE_URL", "AUTH_SECRET", "FACEBOOK_APP_ID", "FACEBOOK_APP_SECRET", "TOKEN_ENCRYPTION_KEYS"])
    expect(output).toContain(name);
  expect(output).toContain("See .env.example");
});

test("the server refuses to start with a malformed OpenTelemetry endpoint, saying what to set", async ({ stack }) => {
  const { code, output } = await startApp(
    { ...base, DATABASE_URL: stack.appDbUrl, OTEL_EXPORTER_OTLP_ENDPOINT: "localhost:4318", OTEL_EXPORTER_OTLP_PROTOCOL: "grpc" },
    E2E.spareAppPort(2),
  );
  expect(code).toBe(1);
  expect(output).toContain("OTEL_EXPORTER_OTLP_ENDPOINT: must be a URL starting with http:// or https://, such as http://localhost:4318");
  expect(output).toContain("OTEL_EXPORTER_OTLP_PROTOCOL: this app exports OTLP over HTTP as JSON");
});
