import "server-only";
import { z } from "zod";
import { parseKeyRing } from "./tokens/key-ring";

/**
 * The one place that reads process.env. Every variable is validated once, on first use, and a bad
 * configuration fails with a message naming each variable and what to set it to.
 */

function parsesAsKeyRing(spec: string): boolean {
  try {
    parseKeyRing(spec);
    return true;
  } catch {
    return false;
  }
}

/** An empty value (`TIKTOK_CLIENT_KEY=` in a .env file) means "not set". */
const emptyAsUnset = (v: unknown) => (v === "" ? undefined : v);

const keyRingEntry = /^[A-Za-z0-9_-]{1,32}:[A-Za-z0-9+/=_-]{43,44}$/;

/** An absolute http(s) URL: "localhost:3700" (no scheme), "javascript:…" or "ftp://…" break sign-in, so they are refused. */
const httpUrl = (example: string) =>
  z.url({ protocol: /^https?$/, error: `must be a URL starting with http:// or https://, such as ${example}` });

const schema = z
  .object({
    DATABASE_URL: z
      .string({ error: "set it to the app role's PostgreSQL URL, e.g. postgresql://social_app_login:pw@host/db" })
      .regex(/^postgres(ql)?:\/\//, "must be a postgresql:// URL"),
    DATABASE_POOL_MAX: z.coerce.number().int().min(1).max(100).default(5),
    // No statement may run forever: request paths (pages, routes, sign-in) get a short bound, the CLIs and jobs a
    // longer one. A statement past its bound is cancelled by PostgreSQL and the request answers 503.
    DATABASE_STATEMENT_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(5_000),
    DATABASE_JOB_STATEMENT_TIMEOUT_MS: z.coerce.number().int().min(100).max(3_600_000).default(120_000),
    // Embedded PGlite accepts any login as its superuser; the demo sets this so each connection then runs
    // SET ROLE to the non-owner app role and row-level security applies exactly as on a server.
    DATABASE_SET_ROLE: z
      .string()
      .regex(/^[a-z_][a-z0-9_]*$/, "must be a plain role name")
      .optional(),
    AUTH_SECRET: z
      .string({ error: "set it to a random string of at least 32 characters (openssl rand -base64 33)" })
      .min(32, "must be at least 32 characters (openssl rand -base64 33)"),
    FACEBOOK_APP_ID: z.string({ error: "set it to your Facebook app's App ID" }).regex(/^\d+$/, "must be the numeric App ID"),
    FACEBOOK_APP_SECRET: z.string({ error: "set it to your Facebook app's App Secret" }).min(8, "looks too short to be an App Secret"),
    FACEBOOK_API_VERSION: z
      .string()
      .regex(/^v\d+\.\d+$/, "must look like v24.0")
      .default("v24.0"),
    FACEBOOK_GRAPH_URL: httpUrl("https://graph.facebook.com").default("https://graph.facebook.com"),
    FACEBOOK_DIALOG_URL: httpUrl("https://www.facebook.com").default("https://www.facebook.com"),
    FACEBOOK_APPSECRET_PROOF: z
      .enum(["true", "false"])
      .default("true")
      .transform((v) => v === "true"),
    FACEBOOK_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(10_000),
    // TikTok is optional: without TIKTOK_CLIENT_KEY and TIKTOK_CLIENT_SECRET the app runs with Facebook only.
    TIKTOK_CLIENT_KEY: z.preprocess(
      emptyAsUnset,
      z
        .string()
        .regex(/^[A-Za-z0-9]{4,64}$/, "must be the Client key from your TikTok app's page (letters and digits)")
        .optional(),
    ),
    TIKTOK_CLIENT_SECRET: z.preprocess(emptyAsUnset, z.string().min(8, "looks too short to be a TikTok Client secret").optional()),
    TIKTOK_AUTH_URL: httpUrl("https://www.tiktok.com").default("https://www.tiktok.com"),
    TIKTOK_API_URL: httpUrl("https://open.tiktokapis.com").default("https://open.tiktokapis.com"),
    TIKTOK_SCOPES: z
      .string()
      .regex(/^[a-z0-9_.]+(,[a-z0-9_.]+)*$/, "must be comma-separated TikTok scopes, e.g. user.info.basic,video.upload")
      .refine((v) => v.split(",").includes("user.info.basic"), "must include user.info.basic")
      .default("user.info.basic,user.info.profile,video.upload,video.publish"),
    TIKTOK_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(10_000),
    TOKEN_ENCRYPTION_KEYS: z
      .string({ error: "set it to id:base64key[,id:base64key…] (current key first); make one with: npm run tokens:new-key" })
      .refine(
        (v) => v.split(",").every((e) => keyRingEntry.test(e.trim())) && parsesAsKeyRing(v),
        "must be a comma-separated list of id:base64key entries, each key 32 bytes, ids unique (current key first)",
      ),
    TOKEN_EXPIRY_WARNING_DAYS: z.coerce.number().int().min(1).max(60).default(7),
    TOKEN_CHECK_INTERVAL_HOURS: z.coerce
      .number()
      .min(0.01)
      .max(24 * 30)
      .default(24),
    CRON_SECRET: z.string().min(16, "must be at least 16 characters").optional(),
    NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
    // Auth.js reads AUTH_URL itself; we read it only to know whether cookies can be Secure (http:// in local runs).
    AUTH_URL: httpUrl("https://app.example.com (the app's public URL)").optional(),
    LOG_LEVEL: z.enum(["debug", "info", "warn", "error", "silent"]).default("info"),
    // Outgoing email (invitations, alerts). Without it nothing is sent and the log says so.
    SMTP_URL: z
      .string()
      .regex(/^smtps?:\/\/[^\s]+$/, "must be an smtp:// or smtps:// URL, e.g. smtps://user:password@smtp.example.com:465")
      .optional(),
    // Webhooks (lib/webhooks). http:// and loopback targets only for local development and tests.
    WEBHOOK_ALLOW_INSECURE_URLS: z
      .enum(["true", "false"], { error: "must be true or false (true only for local development and tests)" })
      .default("false")
      .transform((v) => v === "true"),
    WEBHOOK_TIMEOUT_MS: z.coerce.number().int().min(1_000).max(30_000).default(10_000),
    WEBHOOK_RETRY_DELAY_SECONDS: z.coerce.number().int().min(1).max(3_600).default(15),
    // The demo (and a single-process deployment) runs due jobs inside the web server; see README "Alerts".
    JOBS_IN_PROCESS: z
      .enum(["true", "false"])
      .default("false")
      .transform((v) => v === "true"),
    MAIL_FROM: z
      .string()
      .regex(/^[^\r\n]+<[^@\s<>]+@[^@\s<>]+>$|^[^@\s<>]+@[^@\s<>]+$/, "must be an address, e.g. Social Tokens <alerts@example.com>")
      .default("Social Tokens <no-reply@localhost>"),
    // Token API (/api/v1): requests per API key per window, shared by every server instance.
    API_RATE_LIMIT_POINTS: z.coerce.number().int().min(1, "must be at least 1 request").max(1_000_000).default(120),
    API_RATE_LIMIT_WINDOW_SECONDS: z.coerce.number().int().min(1, "must be at least 1 second").max(86_400).default(60),
    // Only `npm run bench` sets this: it enables /api/v1/bench-floor (one transaction, one trivial statement).
    BENCH_ROUTES: z
      .enum(["true", "false"], { error: "must be true or false (only the benchmark sets it)" })
      .default("false")
      .transform((v) => v === "true"),
    // How many workspaces one person may create (their personal one included).
    MAX_WORKSPACES_PER_PERSON: z.coerce
      .number({ error: "must be a whole number such as 20" })
      .int("must be a whole number such as 20")
      .min(1, "must be at least 1")
      .max(10_000)
      .default(20),
    // OpenTelemetry traces (lib/telemetry): exported over OTLP/HTTP as JSON when an endpoint is set; unset, tracing is off
    // and costs nothing (no SDK loaded). The endpoint is the collector's base URL (spans go to <endpoint>/v1/traces).
    OTEL_EXPORTER_OTLP_ENDPOINT: z.preprocess(
      emptyAsUnset,
      httpUrl("http://localhost:4318 (an OpenTelemetry collector's OTLP/HTTP port)").optional(),
    ),
    OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: z.preprocess(
      emptyAsUnset,
      httpUrl("http://localhost:4318/v1/traces (the full traces URL)").optional(),
    ),
    OTEL_EXPORTER_OTLP_PROTOCOL: z.preprocess(
      emptyAsUnset,
      z
        .enum(["http/json"], {
          error: "this app exports OTLP over HTTP as JSON (a collector's port 4318): leave it unset or set http/json",
        })
        .optional(),
    ),
    // Read by the exporter itself (e.g. an API key of a hosted collector); checked here so a typo fails at start-up.
    OTEL_EXPORTER_OTLP_HEADERS: z.preprocess(
      emptyAsUnset,
      z
        .string()
        .regex(/^\s*[^\s=,]+\s*=[^,]*(,\s*[^\s=,]+\s*=[^,]*)*$/, "must be comma-separated key=value pairs, e.g. x-api-key=abc123")
        .optional(),
    ),
    OTEL_SERVICE_NAME: z.preprocess(
      emptyAsUnset,
      z
        .string()
        .regex(/^[A-Za-z0-9._-]{1,64}$/, "must be a short name (letters, digits, . _ -), e.g. social-tokens")
        .default("social-tokens"),
    ),
    // Only `npm run bench` sets it: the JSON file of dashboard props /bench/floor renders; unset, that route is a 404.
    BENCH_FLOOR_DATA: z
      .string()
      .min(1, "must be the path of the benchmark's floor data file (leave it unset outside the bench)")
      .optional(),
  })
  .superRefine((e, ctx) => {
    if ((e.TIKTOK_CLIENT_KEY === undefined) !== (e.TIKTOK_CLIENT_SECRET === undefined)) {
      ctx.addIssue({
        code: "custom",
        path: [e.TIKTOK_CLIENT_KEY === undefined ? "TIKTOK_CLIENT_KEY" : "TIKTOK_CLIENT_SECRET"],
        message: "set both TIKTOK_CLIENT_KEY and TIKTOK_CLIENT_SECRET (from your TikTok app's page) to enable TikTok, or neither",
      });
    }
  });

export type Env = z.infer<typeof schema>;

let cached: Env | undefined;

export class EnvError extends Error {
  constructor(public readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join("\n")}\nSee .env.example and README.md#configuration.`);
    this.name = "EnvError";
  }
}

export function parseEnv(source: Record<string, string | undefined>): Env {
  const result = schema.safeParse(source);
  if (!result.success) {
    throw new EnvError(result.error.issues.map((i) => `${i.path.join(".") || "(env)"}: ${i.message}`));
  }
  return result.data;
}

/** The validated environment. Throws EnvError naming every missing or malformed variable. */
export function env(): Env {
  cached ??= parseEnv(process.env);
  return cached;
}

/** Tests and scripts that change process.env call this so the next env() re-reads it. */
export function resetEnvCache(): void {
  cached = undefined;
}
