-- Invariants Prisma's schema language cannot say, and tenant isolation.
--
-- Roles: "social_app" is a NOLOGIN group role holding the app's privileges. The login role the app uses
-- (DATABASE_URL) is made a member of it by whoever provisions the database (scripts/provision-app-role.ts does
-- it for the demo and the tests). It is neither owner, superuser nor BYPASSRLS, so row-level security applies.

DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'social_app') THEN
    CREATE ROLE social_app NOLOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE;
  END IF;
EXCEPTION WHEN duplicate_object OR unique_violation THEN
  NULL; -- created concurrently by another database's migration: same role, nothing to do
END
$$;

-- ad_tokens: a page token has a page, a user token has none --------------------------------------------
ALTER TABLE "ad_tokens" ADD CONSTRAINT "ad_tokens_page_token_has_page"
  CHECK (("token_type" = 'page') = ("facebook_page_id" IS NOT NULL));

-- One active user token per tenant/user/platform; one active page token per tenant/user/page.
CREATE UNIQUE INDEX "ad_tokens_one_active_user_token" ON "ad_tokens" ("tenant_id", "user_id", "platform")
  WHERE "deleted_at" IS NULL AND "token_type" = 'user';
CREATE UNIQUE INDEX "ad_tokens_one_active_page_token" ON "ad_tokens" ("tenant_id", "user_id", "facebook_page_id")
  WHERE "deleted_at" IS NULL AND "token_type" = 'page';
-- The health sweep looks for active tokens due for a check.
CREATE INDEX "ad_tokens_due_for_check" ON "ad_tokens" ("next_check_at") WHERE "deleted_at" IS NULL;

-- A token's page and identity belong to the token's tenant (RLS alone would not stop a cross-tenant id).
ALTER TABLE "facebook_pages" ADD CONSTRAINT "facebook_pages_tenant_id_id_key" UNIQUE ("tenant_id", "id");
ALTER TABLE "social_identities" ADD CONSTRAINT "social_identities_tenant_id_id_key" UNIQUE ("tenant_id", "id");
ALTER TABLE "ad_tokens" ADD CONSTRAINT "ad_tokens_page_same_tenant"
  FOREIGN KEY ("tenant_id", "facebook_page_id") REFERENCES "facebook_pages" ("tenant_id", "id");
ALTER TABLE "ad_tokens" ADD CONSTRAINT "ad_tokens_identity_same_tenant"
  FOREIGN KEY ("tenant_id", "social_identity_id") REFERENCES "social_identities" ("tenant_id", "id");
ALTER TABLE "ad_tokens" ADD CONSTRAINT "ad_tokens_tenant_id_fkey"
  FOREIGN KEY ("tenant_id") REFERENCES "tenants" ("id");
ALTER TABLE "ad_tokens" ADD CONSTRAINT "ad_tokens_user_id_fkey"
  FOREIGN KEY ("user_id") REFERENCES "users" ("id");
ALTER TABLE "social_identities" ADD CONSTRAINT "social_identities_tenant_id_fkey"
  FOREIGN KEY ("tenant_id") REFERENCES "tenants" ("id");
ALTER TABLE "social_identities" ADD CONSTRAINT "social_identities_user_id_fkey"
  FOREIGN KEY ("user_id") REFERENCES "users" ("id");
ALTER TABLE "facebook_pages" ADD CONSTRAINT "facebook_pages_tenant_id_fkey"
  FOREIGN KEY ("tenant_id") REFERENCES "tenants" ("id");
ALTER TABLE "connect_attempts" ADD CONSTRAINT "connect_attempts_tenant_id_fkey"
  FOREIGN KEY ("tenant_id") REFERENCES "tenants" ("id");
ALTER TABLE "audit_events" ADD CONSTRAINT "audit_events_tenant_id_fkey"
  FOREIGN KEY ("tenant_id") REFERENCES "tenants" ("id");

-- Nobody but the owner creates objects in public (PUBLIC had CREATE before PostgreSQL 15).
REVOKE CREATE ON SCHEMA public FROM PUBLIC;

-- Privileges -----------------------------------------------------------------------------------------
-- Tenant-owned tables get no DELETE: history is kept, rows are soft-deleted (deleted_at).
-- Audit events and connect attempts are append-only.
GRANT USAGE ON SCHEMA public TO social_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON "users", "accounts", "sessions", "verification_tokens" TO social_app;
GRANT SELECT, INSERT, UPDATE ON "tenants", "memberships", "social_identities", "facebook_pages", "ad_tokens" TO social_app;
GRANT SELECT, INSERT ON "audit_events", "connect_attempts", "data_deletion_requests" TO social_app;

-- Row-level security on every tenant-owned table ------------------------------------------------------
-- The tenant context is set per transaction with set_config('app.tenant_id', $1, true) (lib/db/tenant-transaction.ts).
-- No context: NULLIF(...) is NULL, tenant_id = NULL is never true, so zero rows and every write refused.
ALTER TABLE "memberships" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "memberships" FORCE ROW LEVEL SECURITY;
CREATE POLICY "tenant_isolation" ON "memberships"
  USING ("tenant_id" = NULLIF(current_setting('app.tenant_id', true), '')::uuid)
  WITH CHECK ("tenant_id" = NULLIF(current_setting('app.tenant_id', true), '')::uuid);
-- A person may list their own memberships across tenants (tenant switcher, resolving /t/<slug>): read-only,
-- and only while no tenant is selected, so a tenant context never widens to other tenants' rows.
CREATE POLICY "own_memberships_read" ON "memberships" FOR SELECT
  USING (NULLIF(current_setting('app.tenant_id', true), '') IS NULL
         AND "user_id" = NULLIF(current_setting('app.user_id', true), '')::uuid);

-- The tenant directory is readable by everyone (slug → id, names; nothing secret) but only the tenant in
-- context can be created or changed.
ALTER TABLE "tenants" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "tenants" FORCE ROW LEVEL SECURITY;
CREATE POLICY "directory_read" ON "tenants" FOR SELECT USING (true);
CREATE POLICY "tenant_insert" ON "tenants" FOR INSERT
  WITH CHECK ("id" = NULLIF(current_setting('app.tenant_id', true), '')::uuid);
CREATE POLICY "tenant_update" ON "tenants" FOR UPDATE
  USING ("id" = NULLIF(current_setting('app.tenant_id', true), '')::uuid)
  WITH CHECK ("id" = NULLIF(current_setting('app.tenant_id', true), '')::uuid);

ALTER TABLE "social_identities" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "social_identities" FORCE ROW LEVEL SECURITY;
CREATE POLICY "tenant_isolation" ON "social_identities"
  USING ("tenant_id" = NULLIF(current_setting('app.tenant_id', true), '')::uuid)
  WITH CHECK ("tenant_id" = NULLIF(current_setting('app.tenant_id', true), '')::uuid);

ALTER TABLE "facebook_pages" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "facebook_pages" FORCE ROW LEVEL SECURITY;
CREATE POLICY "tenant_isolation" ON "facebook_pages"
  USING ("tenant_id" = NULLIF(current_setting('app.tenant_id', true), '')::uuid)
  WITH CHECK ("tenant_id" = NULLIF(current_setting('app.tenant_id', true), '')::uuid);

ALTER TABLE "ad_tokens" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "ad_tokens" FORCE ROW LEVEL SECURITY;
CREATE POLICY "tenant_isolation" ON "ad_tokens"
  USING ("tenant_id" = NULLIF(current_setting('app.tenant_id', true), '')::uuid)
  WITH CHECK ("tenant_id" = NULLIF(current_setting('app.tenant_id', true), '')::uuid);

ALTER TABLE "connect_attempts" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "connect_attempts" FORCE ROW LEVEL SECURITY;
CREATE POLICY "tenant_isolation" ON "connect_attempts"
  USING ("tenant_id" = NULLIF(current_setting('app.tenant_id', true), '')::uuid)
  WITH CHECK ("tenant_id" = NULLIF(current_setting('app.tenant_id', true), '')::uuid);

ALTER TABLE "audit_events" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "audit_events" FORCE ROW LEVEL SECURITY;
CREATE POLICY "tenant_isolation" ON "audit_events"
  USING ("tenant_id" = NULLIF(current_setting('app.tenant_id', true), '')::uuid)
  WITH CHECK ("tenant_id" = NULLIF(current_setting('app.tenant_id', true), '')::uuid);
