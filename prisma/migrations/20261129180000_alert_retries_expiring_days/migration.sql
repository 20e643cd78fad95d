-- Alert emails are retried by the job engine when SMTP fails: who already got this alert's immediate email and its
-- digest (user ids), so a retry mails only those still missing.
ALTER TABLE "alert_emails" ADD COLUMN "sent_to" UUID[] NOT NULL DEFAULT '{}';
ALTER TABLE "alert_emails" ADD COLUMN "digest_sent_to" UUID[] NOT NULL DEFAULT '{}';

-- token.expiring, per endpoint: how many days before a token expires the endpoint hears of it (1 to 60, default 7).
ALTER TABLE "webhook_endpoints" ADD COLUMN "expiring_days" INTEGER NOT NULL DEFAULT 7;
ALTER TABLE "webhook_endpoints" ADD CONSTRAINT "webhook_endpoints_expiring_days_check" CHECK ("expiring_days" BETWEEN 1 AND 60);
