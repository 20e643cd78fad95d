/**
 * npm run tiktok:refresh [-- --limit=N --time-budget-seconds=S --concurrency=N --ahead-seconds=S --min-interval-seconds=S]
 *
 * Renews every TikTok connection that is due (access token expiring within --ahead-seconds, default 900, or not
 * renewed for a day), the same run the cron route does after the health sweep. Each refresh spends the connection's
 * refresh token under a row lock and stores the new pair in the same transaction. Uses DATABASE_URL (the app role)
 * and the TIKTOK_* settings. Prints counts only. Exit codes: 0 done (or stopped by a budget or TikTok's rate limit:
 * run again later), 1 failed, 2 bad arguments, 3 TikTok is not configured.
 */
import { intArg } from "./cli-args";
import { runCli } from "./run-cli";
import { tiktokEnabled } from "../lib/tiktok/config";
import { refreshDueTikTokTokens } from "../lib/tiktok/refresh";

const limit = intArg("limit");
const budgetSeconds = intArg("time-budget-seconds");
const concurrency = intArg("concurrency");
const aheadSeconds = intArg("ahead-seconds");
const minIntervalSeconds = intArg("min-interval-seconds");

await runCli("TikTok refresh", async () => {
  if (!tiktokEnabled()) {
    console.error("TikTok is not configured: set TIKTOK_CLIENT_KEY and TIKTOK_CLIENT_SECRET.");
    return 3;
  }
  const r = await refreshDueTikTokTokens({
    limit,
    timeBudgetMs: budgetSeconds ? budgetSeconds * 1000 : undefined,
    concurrency,
    aheadSeconds,
    minIntervalSeconds,
  });
  console.log(
    `Refreshed ${r.refreshed} TikTok connection${r.refreshed === 1 ? "" : "s"} with ${r.tiktokRequests} TikTok request${r.tiktokRequests === 1 ? "" : "s"} ` +
      `in ${(r.durationMs / 1000).toFixed(1)} s — stopped: ${r.stoppedReason}.`,
  );
  console.log(
    `  claimed ${r.claimed} · already fresh ${r.fresh} · marked for reconnect ${r.dead} · retry later ${r.retryLater} · gone ${r.gone}`,
  );
  return 0;
});
