import "server-only";
import { runCronRoute } from "../http/cron-route";
import { runTokenSweep, type SweepOptions } from "./sweep";
import { tiktokEnabled } from "../tiktok/config";
import { refreshDueTikTokTokens } from "../tiktok/refresh";

/**
 * The cron route's logic (app/api/cron/check-tokens/route.ts stays thin; the secret check and the answers are
 * lib/http/cron-route.ts). The sweep is bounded to fit one serverless invocation; whatever is left stays due for the
 * next one. The answer carries counts only.
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

export function handleCheckTokensCron(request: Request, opts: SweepOptions = {}): Promise<Response> {
  return runCronRoute(request, {
    event: "cron.check_tokens",
    route: "/api/cron/check-tokens",
    failure: "The token sweep failed",
    run: async () => {
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
      return tiktok ? { ...result, tiktok } : result;
    },
  });
}
