import "server-only";
import { createHash, timingSafeEqual } from "node:crypto";
import { env, EnvError } from "../env";
import { logger } from "../log/logger";
import { databaseUnavailableAnswer, errorResponse, jsonResponse } from "../http/respond";
import { runTokenSweep, type SweepOptions } from "./sweep";
import { tiktokEnabled } from "../tiktok/config";
import { refreshDueTikTokTokens } from "../tiktok/refresh";

/**
 * The cron route's logic (app/api/cron/check-tokens/route.ts stays thin). Vercel Cron calls the path with GET and
 * `Authorization: Bearer $CRON_SECRET`. The sweep is bounded to fit one serverless invocation; whatever is left
 * stays due for the next one. The answer carries counts only.
 */

/** Keep in step with `maxDuration` in the route (60 s): stop starting rounds well before it. */
export const CRON_TIME_BUDGET_MS = 45_000;
/** At most this many tokens per invocation (about 100 Graph batch requests). */
export const CRON_MAX_TOKENS = 5_000;
/**
 * The cron runs hourly (vercel.json): renew TikTok access tokens expiring before the next run plus 15 minutes, so a
 * 2-hour access token never lapses between two runs.
 */
export const CRON_TIKTOK_AHEAD_SECONDS = 75 * 60;

export type CronAuthorization = { ok: true } | { ok: false; status: 401 | 503; code: string; message: string };

function digest(s: string): Buffer {
  return createHash("sha256").update(s, "utf8").digest();
}

/** Constant-time check of `Authorization: Bearer <secret>` (hashing first makes lengths equal). */
export function authorizeCron(authorization: string | null, secret: string | undefined): CronAuthorization {
  if (!secret) {
    // The caller is anonymous: say only that the route is unavailable; the log says what to set.
    logger.error("cron.check_tokens.misconfigured", {
      problems: ["CRON_SECRET is not set: set it (16+ random characters) so Vercel Cron can call this route."],
    });
    return { ok: false, status: 503, code: "unavailable", message: "Unavailable." };
  }
  const presented = authorization ?? "";
  const ok = timingSafeEqual(digest(presented), digest(`Bearer ${secret}`));
  return ok ? { ok: true } : { ok: false, status: 401, code: "unauthorized", message: "Unauthorized." };
}

export async function handleCheckTokensCron(request: Request, opts: SweepOptions = {}): Promise<Response> {
  let secret: string | undefined;
  try {
    secret = env().CRON_SECRET;
  } catch (err) {
    if (!(err instanceof EnvError)) throw err;
    logger.error("cron.check_tokens.misconfigured", { problems: err.problems });
    return errorResponse(503, "unavailable", "Unavailable.");
  }
  const auth = authorizeCron(request.headers.get("authorization"), secret);
  if (!auth.ok) {
    if (auth.status === 401) logger.warn("cron.check_tokens.unauthorized");
    return errorResponse(auth.status, auth.code, auth.message);
  }
  try {
    const started = Date.now();
    const result = await runTokenSweep({ timeBudgetMs: CRON_TIME_BUDGET_MS, maxTokens: CRON_MAX_TOKENS, ...opts });
    // Then keep TikTok connections alive (when TikTok is configured), in what is left of the invocation.
    const tiktok = tiktokEnabled()
      ? await refreshDueTikTokTokens({
          client: opts.client,
          limit: CRON_MAX_TOKENS,
          aheadSeconds: CRON_TIKTOK_AHEAD_SECONDS,
          timeBudgetMs: Math.max(5_000, CRON_TIME_BUDGET_MS + 5_000 - (Date.now() - started)),
        })
      : null;
    return jsonResponse(tiktok ? { ...result, tiktok } : result);
  } catch (err) {
    const unavailable = databaseUnavailableAnswer(err, { route: "/api/cron/check-tokens", method: "GET" });
    if (unavailable) return unavailable;
    logger.error("cron.check_tokens.failed", { err });
    return errorResponse(500, "internal", "The token sweep failed; see the server logs.");
  }
}
