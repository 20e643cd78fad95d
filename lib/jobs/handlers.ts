import "server-only";
import { runTokenSweep } from "../health/sweep";
import { deliverWebhook } from "../webhooks/deliver";
import { sendAlertEmail } from "../alerts/alert-email";
import { tiktokEnabled } from "../tiktok/config";
import { refreshDueTikTokTokens } from "../tiktok/refresh";
import type { JobHandlers } from "./run-due";

/** What each queue's job does. The sweep is bounded so one job fits a serverless invocation. */
export const SWEEP_JOB_TIME_BUDGET_MS = 40_000;

export const jobHandlers: JobHandlers = {
  health_sweep: async (_data, _meta, client) => {
    await runTokenSweep({ client, timeBudgetMs: SWEEP_JOB_TIME_BUDGET_MS, maxTokens: 5_000 });
  },
  webhook_deliver: (data, meta, client) => deliverWebhook(data, meta, client),
  alert_email: async (data, meta, client) => {
    await sendAlertEmail(data, client, meta);
  },
  // TikTok access tokens last about 2 hours: renew the due ones (rotating refresh tokens, one per-connection lock each).
  tiktok_refresh: async (_data, _meta, client) => {
    if (tiktokEnabled()) await refreshDueTikTokTokens({ client, timeBudgetMs: SWEEP_JOB_TIME_BUDGET_MS });
  },
};
