-- Alerts on a real job engine (issue 11).
--
-- 1. pg-boss 10's schema "pgboss" (the SQL pg-boss itself would run, PgBoss.getConstructionPlans('pgboss') for
--    schema version 24, without its BEGIN/COMMIT and advisory lock: our applier wraps this file in one
--    transaction). The app never lets pg-boss migrate (migrate: false), so the app role needs no CREATE right.
CREATE SCHEMA IF NOT EXISTS pgboss
  ;

CREATE TYPE pgboss.job_state AS ENUM (
  'created',
  'retry',
  'active',
  'completed',
  'cancelled',
  'failed'
)
  ;

CREATE TABLE pgboss.version (
  version int primary key,
  maintained_on timestamp with time zone,
  cron_on timestamp with time zone,
  monitored_on timestamp with time zone
)
  ;

CREATE TABLE pgboss.queue (
  name text,
  policy text,
  retry_limit int,
  retry_delay int,
  retry_backoff bool,
  expire_seconds int,
  retention_minutes int,
  dead_letter text REFERENCES pgboss.queue (name),
  partition_name text,
  created_on timestamp with time zone not null default now(),
  updated_on timestamp with time zone not null default now(),
  PRIMARY KEY (name)
)
  ;

CREATE TABLE pgboss.schedule (
  name text REFERENCES pgboss.queue ON DELETE CASCADE,
  cron text not null,
  timezone text,
  data jsonb,
  options jsonb,
  created_on timestamp with time zone not null default now(),
  updated_on timestamp with time zone not null default now(),
  PRIMARY KEY (name)
)
  ;

CREATE TABLE pgboss.subscription (
  event text not null,
  name text not null REFERENCES pgboss.queue ON DELETE CASCADE,
  created_on timestamp with time zone not null default now(),
  updated_on timestamp with time zone not null default now(),
  PRIMARY KEY(event, name)
)
  ;

CREATE TABLE pgboss.job (
  id uuid not null default gen_random_uuid(),
  name text not null,
  priority integer not null default(0),
  data jsonb,
  state pgboss.job_state not null default('created'),
  retry_limit integer not null default(2),
  retry_count integer not null default(0),
  retry_delay integer not null default(0),
  retry_backoff boolean not null default false,
  start_after timestamp with time zone not null default now(),
  started_on timestamp with time zone,
  singleton_key text,
  singleton_on timestamp without time zone,
  expire_in interval not null default interval '15 minutes',
  created_on timestamp with time zone not null default now(),
  completed_on timestamp with time zone,
  keep_until timestamp with time zone NOT NULL default now() + interval '14 days',
  output jsonb,
  dead_letter text,
  policy text
) PARTITION BY LIST (name)
  ;
ALTER TABLE pgboss.job ADD PRIMARY KEY (name, id);
CREATE TABLE pgboss.archive (LIKE pgboss.job);
ALTER TABLE pgboss.archive ADD PRIMARY KEY (name, id);
ALTER TABLE pgboss.archive ADD archived_on timestamptz NOT NULL DEFAULT now();
CREATE INDEX archive_i1 ON pgboss.archive(archived_on);

CREATE FUNCTION pgboss.create_queue(queue_name text, options json)
RETURNS VOID AS
$$
DECLARE
  table_name varchar := 'j' || encode(sha224(queue_name::bytea), 'hex');
  queue_created_on timestamptz;
BEGIN

  WITH q as (
  INSERT INTO pgboss.queue (
    name,
    policy,
    retry_limit,
    retry_delay,
    retry_backoff,
    expire_seconds,
    retention_minutes,
    dead_letter,
    partition_name
  )
  VALUES (
    queue_name,
    options->>'policy',
    (options->>'retryLimit')::int,
    (options->>'retryDelay')::int,
    (options->>'retryBackoff')::bool,
    (options->>'expireInSeconds')::int,
    (options->>'retentionMinutes')::int,
    options->>'deadLetter',
    table_name
  )
  ON CONFLICT DO NOTHING
  RETURNING created_on
  )
  SELECT created_on into queue_created_on from q;

  IF queue_created_on IS NULL THEN
    RETURN;
  END IF;

  EXECUTE format('CREATE TABLE pgboss.%I (LIKE pgboss.job INCLUDING DEFAULTS)', table_name);

  EXECUTE format('ALTER TABLE pgboss.%1$I ADD PRIMARY KEY (name, id)', table_name);
  EXECUTE format('ALTER TABLE pgboss.%1$I ADD CONSTRAINT q_fkey FOREIGN KEY (name) REFERENCES pgboss.queue (name) ON DELETE RESTRICT DEFERRABLE INITIALLY DEFERRED', table_name);
  EXECUTE format('ALTER TABLE pgboss.%1$I ADD CONSTRAINT dlq_fkey FOREIGN KEY (dead_letter) REFERENCES pgboss.queue (name) ON DELETE RESTRICT DEFERRABLE INITIALLY DEFERRED', table_name);
  EXECUTE format('CREATE UNIQUE INDEX %1$s_i1 ON pgboss.%1$I (name, COALESCE(singleton_key, '''')) WHERE state = ''created'' AND policy = ''short''', table_name);
  EXECUTE format('CREATE UNIQUE INDEX %1$s_i2 ON pgboss.%1$I (name, COALESCE(singleton_key, '''')) WHERE state = ''active'' AND policy = ''singleton''', table_name);
  EXECUTE format('CREATE UNIQUE INDEX %1$s_i3 ON pgboss.%1$I (name, state, COALESCE(singleton_key, '''')) WHERE state <= ''active'' AND policy = ''stately''', table_name);
  EXECUTE format('CREATE UNIQUE INDEX %1$s_i4 ON pgboss.%1$I (name, singleton_on, COALESCE(singleton_key, '''')) WHERE state <> ''cancelled'' AND singleton_on IS NOT NULL', table_name);
  EXECUTE format('CREATE INDEX %1$s_i5 ON pgboss.%1$I (name, start_after) INCLUDE (priority, created_on, id) WHERE state < ''active''', table_name);

  EXECUTE format('ALTER TABLE pgboss.%I ADD CONSTRAINT cjc CHECK (name=%L)', table_name, queue_name);
  EXECUTE format('ALTER TABLE pgboss.job ATTACH PARTITION pgboss.%I FOR VALUES IN (%L)', table_name, queue_name);
END;
$$
LANGUAGE plpgsql;
  ;

CREATE FUNCTION pgboss.delete_queue(queue_name text)
RETURNS VOID AS
$$
DECLARE
  table_name varchar;
BEGIN
  WITH deleted as (
    DELETE FROM pgboss.queue
    WHERE name = queue_name
    RETURNING partition_name
  )
  SELECT partition_name from deleted INTO table_name;

  EXECUTE format('DROP TABLE IF EXISTS pgboss.%I', table_name);
END;
$$
LANGUAGE plpgsql;
  ;
INSERT INTO pgboss.version(version) VALUES ('24');

-- Our queues (names are code in lib/jobs/queues.ts). Delivery retries: 15 s × 2^n × (1..2) for 11 retries,
-- about a day in all; a job not finished within its expiry (a crashed worker) is retried.
SELECT pgboss.create_queue('health_sweep', '{"policy":"singleton","retryLimit":0,"retryDelay":0,"retryBackoff":false,"expireInSeconds":300}'::json);
SELECT pgboss.create_queue('webhook_deliver', '{"policy":"standard","retryLimit":11,"retryDelay":15,"retryBackoff":true,"expireInSeconds":60}'::json);
SELECT pgboss.create_queue('tiktok_refresh', '{"policy":"singleton","retryLimit":0,"retryDelay":0,"retryBackoff":false,"expireInSeconds":300}'::json);
SELECT pgboss.create_queue('alert_email', '{"policy":"standard","retryLimit":8,"retryDelay":30,"retryBackoff":true,"expireInSeconds":120}'::json);

-- The app role runs the jobs (so every handler reaches tenant rows only through withTenant). Job payloads hold ids
-- only, never a secret or tenant data. No CREATE on the schema, no right to the engine's functions: the app role
-- cannot define anything that would run with other rights.
GRANT USAGE ON SCHEMA pgboss TO social_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA pgboss TO social_app;
REVOKE ALL ON FUNCTION pgboss.create_queue(text, json), pgboss.delete_queue(text) FROM PUBLIC;

-- 2. The global health schedule: one row per active token, ids and times only (no secret, no name), so the sweep
--    finds what is due across every workspace with one indexed statement. Kept in step by a trigger on ad_tokens
--    (the writers never touch it); the app role may only read it and move a row's lease (the claim).
CREATE TABLE "token_check_schedule" (
    "token_id" UUID NOT NULL,
    "tenant_id" UUID NOT NULL,
    "next_check_at" TIMESTAMPTZ(3) NOT NULL,
    "lease_until" TIMESTAMPTZ(3),
    CONSTRAINT "token_check_schedule_pkey" PRIMARY KEY ("token_id")
);
CREATE INDEX "token_check_schedule_next_check_at_idx" ON "token_check_schedule"("next_check_at");
GRANT SELECT ON "token_check_schedule" TO social_app;
GRANT UPDATE ("lease_until", "next_check_at") ON "token_check_schedule" TO social_app;

CREATE FUNCTION sync_token_check_schedule() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
BEGIN
  -- Only Facebook tokens are checked with debug_token (other platforms' tokens are kept alive by their refresh).
  IF NEW.deleted_at IS NOT NULL OR NEW.platform <> 'facebook' THEN
    DELETE FROM token_check_schedule WHERE token_id = NEW.id;
  ELSE
    -- A leased token is not due before its lease ends: the schedule's next_check_at is the later of the two, so
    -- the claim's index scan never wades through tokens another sweep holds.
    INSERT INTO token_check_schedule (token_id, tenant_id, next_check_at, lease_until)
    VALUES (NEW.id, NEW.tenant_id, GREATEST(NEW.next_check_at, COALESCE(NEW.check_lease_until, NEW.next_check_at)), NEW.check_lease_until)
    ON CONFLICT (token_id) DO UPDATE
      SET next_check_at = EXCLUDED.next_check_at, lease_until = EXCLUDED.lease_until;
  END IF;
  RETURN NULL;
END $$;
REVOKE ALL ON FUNCTION sync_token_check_schedule() FROM PUBLIC;
CREATE TRIGGER "ad_tokens_sync_schedule"
  AFTER INSERT OR UPDATE OF next_check_at, check_lease_until, deleted_at ON "ad_tokens"
  FOR EACH ROW EXECUTE FUNCTION sync_token_check_schedule();

INSERT INTO token_check_schedule (token_id, tenant_id, next_check_at, lease_until)
SELECT id, tenant_id, GREATEST(next_check_at, COALESCE(check_lease_until, next_check_at)), check_lease_until
  FROM ad_tokens WHERE deleted_at IS NULL AND platform = 'facebook';

-- Leases the claimed tokens of many workspaces in ONE round trip, each workspace's statement under that workspace's
-- RLS context: SECURITY INVOKER (the app role's rights, row-level security enforced), setting app.tenant_id
-- (transaction-local) before each workspace's UPDATE and clearing it at the end.
CREATE FUNCTION lease_claimed_tokens(p_tenants uuid[], p_tokens uuid[], p_lease_seconds double precision)
RETURNS TABLE (id uuid, tenant_id uuid, token_type token_type, status token_status, ciphertext bytea, key_id text)
LANGUAGE plpgsql SECURITY INVOKER SET search_path = public AS $$
#variable_conflict use_column
DECLARE
  t uuid;
  ids uuid[];
BEGIN
  -- Ascending workspace ids: writers touching several workspaces take their per-workspace locks in one order.
  FOR t, ids IN SELECT c.tenant_id, array_agg(c.token_id) FROM unnest(p_tenants, p_tokens) AS c(tenant_id, token_id) GROUP BY 1 ORDER BY 1 LOOP
    PERFORM set_config('app.tenant_id', t::text, true);
    -- By primary key (ids of this workspace only); RLS applies on top.
    RETURN QUERY
      UPDATE ad_tokens a
         SET check_lease_until = now() + make_interval(secs => p_lease_seconds)
       WHERE a.id = ANY(ids) AND a.deleted_at IS NULL AND a.platform = 'facebook' AND a.next_check_at <= now()
      RETURNING a.id, a.tenant_id, a.token_type, a.status, a.ciphertext, a.key_id;
  END LOOP;
  PERFORM set_config('app.tenant_id', '', true);
END $$;
REVOKE ALL ON FUNCTION lease_claimed_tokens(uuid[], uuid[], double precision) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION lease_claimed_tokens(uuid[], uuid[], double precision) TO social_app;

-- 3. Meta's callbacks: the workspaces where one Facebook user has an identity, through an index, returning ids only.
--    The owner reads social_identities through a policy of its own (FORCE RLS applies to owners too); the app
--    role gets only EXECUTE on the narrow function.
CREATE INDEX "social_identities_platform_external_user_id_idx" ON "social_identities"("platform", "external_user_id");
DO $$ BEGIN
  EXECUTE format('CREATE POLICY "definer_lookup" ON "social_identities" FOR SELECT TO %I USING (true)', current_user);
END $$;
CREATE FUNCTION tenants_of_external_user(p_platform platform, p_external_user_id text)
RETURNS TABLE (tenant_id uuid)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS $$
  SELECT DISTINCT s.tenant_id FROM social_identities s
   WHERE s.platform = p_platform AND s.external_user_id = p_external_user_id
   ORDER BY 1
$$;
REVOKE ALL ON FUNCTION tenants_of_external_user(platform, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION tenants_of_external_user(platform, text) TO social_app;

-- 4. Webhooks (tenant-owned; RLS as every tenant table). The signing secret is encrypted with the token key ring
--    (associated data: tenant id + endpoint id) because we must sign with it; it is shown once, at creation.
CREATE TABLE "webhook_endpoints" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "tenant_id" UUID NOT NULL,
    "url" TEXT NOT NULL,
    "description" TEXT,
    "event_types" TEXT[] NOT NULL,
    "secret_ciphertext" BYTEA NOT NULL,
    "secret_key_id" TEXT NOT NULL,
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "disabled_reason" TEXT,
    "failing_since" TIMESTAMPTZ(3),
    "created_by" UUID,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "deleted_at" TIMESTAMPTZ(3),
    CONSTRAINT "webhook_endpoints_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "webhook_endpoints_tenant_id_idx" ON "webhook_endpoints"("tenant_id");

CREATE TABLE "webhook_deliveries" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "tenant_id" UUID NOT NULL,
    "endpoint_id" UUID NOT NULL,
    "message_id" TEXT NOT NULL,
    "event_type" TEXT NOT NULL,
    "payload" JSONB NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "last_status_code" INTEGER,
    "last_error" TEXT,
    "delivered_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "webhook_deliveries_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "webhook_deliveries_status_check" CHECK ("status" IN ('pending', 'succeeded', 'failed'))
);
CREATE INDEX "webhook_deliveries_tenant_id_endpoint_id_created_at_idx" ON "webhook_deliveries"("tenant_id", "endpoint_id", "created_at");
ALTER TABLE "webhook_deliveries" ADD CONSTRAINT "webhook_deliveries_endpoint_id_fkey" FOREIGN KEY ("endpoint_id") REFERENCES "webhook_endpoints"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- One row per HTTP attempt; (delivery, attempt) is unique, so two workers can never send the same attempt.
CREATE TABLE "webhook_delivery_attempts" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "tenant_id" UUID NOT NULL,
    "delivery_id" UUID NOT NULL,
    "attempt" INTEGER NOT NULL,
    "status_code" INTEGER,
    "latency_ms" INTEGER,
    "error" TEXT,
    "started_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finished_at" TIMESTAMPTZ(3),
    CONSTRAINT "webhook_delivery_attempts_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "webhook_delivery_attempts_delivery_id_attempt_key" ON "webhook_delivery_attempts"("delivery_id", "attempt");
CREATE INDEX "webhook_delivery_attempts_tenant_id_idx" ON "webhook_delivery_attempts"("tenant_id");
ALTER TABLE "webhook_delivery_attempts" ADD CONSTRAINT "webhook_delivery_attempts_delivery_id_fkey" FOREIGN KEY ("delivery_id") REFERENCES "webhook_deliveries"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- 5. Email alerts: each member's choice, and one row per (workspace, kind, day) sent (at most one email a day).
CREATE TABLE "notification_preferences" (
    "tenant_id" UUID NOT NULL,
    "user_id" UUID NOT NULL,
    "email_mode" TEXT NOT NULL DEFAULT 'immediate',
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "notification_preferences_pkey" PRIMARY KEY ("tenant_id", "user_id"),
    CONSTRAINT "notification_preferences_email_mode_check" CHECK ("email_mode" IN ('immediate', 'digest', 'off'))
);

CREATE TABLE "alert_emails" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "tenant_id" UUID NOT NULL,
    "kind" TEXT NOT NULL,
    "day" DATE NOT NULL,
    "token_ids" UUID[] NOT NULL,
    "sent_at" TIMESTAMPTZ(3),
    "immediate_count" INTEGER NOT NULL DEFAULT 0,
    "digest_sent_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "alert_emails_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "alert_emails_tenant_id_kind_day_key" ON "alert_emails"("tenant_id", "kind", "day");

ALTER TABLE "webhook_endpoints" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "webhook_endpoints" FORCE ROW LEVEL SECURITY;
CREATE POLICY "tenant_isolation" ON "webhook_endpoints"
  USING ("tenant_id" = NULLIF(current_setting('app.tenant_id', true), '')::uuid)
  WITH CHECK ("tenant_id" = NULLIF(current_setting('app.tenant_id', true), '')::uuid);

ALTER TABLE "webhook_deliveries" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "webhook_deliveries" FORCE ROW LEVEL SECURITY;
CREATE POLICY "tenant_isolation" ON "webhook_deliveries"
  USING ("tenant_id" = NULLIF(current_setting('app.tenant_id', true), '')::uuid)
  WITH CHECK ("tenant_id" = NULLIF(current_setting('app.tenant_id', true), '')::uuid);

ALTER TABLE "webhook_delivery_attempts" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "webhook_delivery_attempts" FORCE ROW LEVEL SECURITY;
CREATE POLICY "tenant_isolation" ON "webhook_delivery_attempts"
  USING ("tenant_id" = NULLIF(current_setting('app.tenant_id', true), '')::uuid)
  WITH CHECK ("tenant_id" = NULLIF(current_setting('app.tenant_id', true), '')::uuid);

ALTER TABLE "notification_preferences" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "notification_preferences" FORCE ROW LEVEL SECURITY;
CREATE POLICY "tenant_isolation" ON "notification_preferences"
  USING ("tenant_id" = NULLIF(current_setting('app.tenant_id', true), '')::uuid)
  WITH CHECK ("tenant_id" = NULLIF(current_setting('app.tenant_id', true), '')::uuid);

ALTER TABLE "alert_emails" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "alert_emails" FORCE ROW LEVEL SECURITY;
CREATE POLICY "tenant_isolation" ON "alert_emails"
  USING ("tenant_id" = NULLIF(current_setting('app.tenant_id', true), '')::uuid)
  WITH CHECK ("tenant_id" = NULLIF(current_setting('app.tenant_id', true), '')::uuid);

GRANT SELECT, INSERT, UPDATE ON "webhook_endpoints", "webhook_deliveries", "webhook_delivery_attempts", "notification_preferences", "alert_emails" TO social_app;
