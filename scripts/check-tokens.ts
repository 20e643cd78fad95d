/**
 * npm run tokens:check [-- --max-tokens=N --time-budget-seconds=S --concurrency=N]
 *
 * Runs the same health sweep as the cron route (/api/cron/check-tokens) from the command line: every active token
 * that is due is checked with debug_token (Graph batches of 50), statuses written, audit events for changes. Without
 * options it runs until nothing is due or Facebook asks it to stop (rate limits); the rest stays due for next time.
 * Uses DATABASE_URL (the app role; row-level security applies, tenant by tenant) and the FACEBOOK_* settings.
 * Prints counts only. Exit codes: 0 finished or stopped by a budget/rate limit (run again later), 1 failed,
 * 2 bad arguments, 4 Facebook refused the app's credentials (FACEBOOK_APP_ID / FACEBOOK_APP_SECRET), 5 the database
 * was unavailable or the connection dropped (nothing half-written; run it again).
 */
import { intArg } from "./cli-args";
import { runCli } from "./run-cli";
import { runTokenSweep } from "../lib/health/sweep";

const maxTokens = intArg("max-tokens");
const budgetSeconds = intArg("time-budget-seconds");
const concurrency = intArg("concurrency");

await runCli("Token check", async () => {
  let exitCode = 0;
  const result = await runTokenSweep({ maxTokens, timeBudgetMs: budgetSeconds ? budgetSeconds * 1000 : undefined, concurrency });
  console.log(
    `Checked ${result.checked} token${result.checked === 1 ? "" : "s"} (${result.changed} changed status) with ${result.graphRequests} Graph ` +
      `request${result.graphRequests === 1 ? "" : "s"} in ${(result.durationMs / 1000).toFixed(1)} s — stopped: ${result.stoppedReason}.`,
  );
  console.log(
    `  active ${result.active} · expiring ${result.expiring} · expired ${result.expired} · revoked ${result.revoked} · invalid ${result.invalid} · ` +
      `retry later ${result.retryLater} · given back unchecked ${result.released} · pauses ${result.pauses} · tenants ${result.tenants}`,
  );
  if (result.stoppedReason === "app_token_rejected") {
    console.error("Facebook refused the app's credentials: check FACEBOOK_APP_ID and FACEBOOK_APP_SECRET.");
    exitCode = 4;
  } else if (result.stoppedReason !== "done") {
    console.log("Tokens not checked this time stay due; run again later (or let the cron route continue).");
  }
  return exitCode;
});
