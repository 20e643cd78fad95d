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

const schema = z
  .object({
    DATABASE_URL: z
      .string({ error: "set it to the app role's PostgreSQL URL, e.g. postgresql://social_app_login:pw@host/db" })
      .regex(/^postgres(ql)?:\/\//, "must be a postgresql:// URL"),
    DATABASE_POOL_MAX: z.coerce.number().int().min(1).max(100).default(5),
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
    FACEBOOK_GRAPH_URL: z.url({ error: "must be a URL such as https://graph.facebook.com" }).default("https://graph.facebook.com"),
    FACEBOOK_DIALOG_URL: z.url({ error: "must be a URL such as https://www.facebook.com" }).default("https://www.facebook.com"),
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
    TIKTOK_AUTH_URL: z.url({ error: "must be a URL such as https://www.tiktok.com" }).default("https://www.tiktok.com"),
    TIKTOK_API_URL: z.url({ error: "must be a URL such as https://open.tiktokapis.com" }).default("https://open.tiktokapis.com"),
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
    AUTH_URL: z.url({ error: "must be the app's public URL, e.g. https://app.example.com" }).optional(),
    LOG_LEVEL: z.enum(["debug", "info", "warn", "error", "silent"]).default("info"),
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
