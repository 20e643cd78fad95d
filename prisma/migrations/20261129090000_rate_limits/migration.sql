-- Rate-limit counters shared by every server instance (rate-limiter-flexible's PostgreSQL store, table layout as
-- that library creates it; we create it here because the app role may not create tables). Not tenant data: keys
-- name a bucket and a subject (an API key id, a person, a workspace), never a secret.
CREATE TABLE "rate_limits" (
  "key" VARCHAR(255) NOT NULL,
  "points" INTEGER NOT NULL DEFAULT 0,
  "expire" BIGINT,
  CONSTRAINT "rate_limits_pkey" PRIMARY KEY ("key")
);

-- The library deletes expired counters now and then.
GRANT SELECT, INSERT, UPDATE, DELETE ON "rate_limits" TO social_app;
