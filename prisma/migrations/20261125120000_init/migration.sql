-- Tables, enums, keys and indexes that Prisma's schema language can describe.
-- Row-level security, roles, partial unique indexes and CHECK constraints are in the next migration.

CREATE TYPE "platform" AS ENUM ('facebook', 'tiktok');
CREATE TYPE "token_type" AS ENUM ('user', 'page');
CREATE TYPE "token_status" AS ENUM ('unchecked', 'active', 'expiring', 'expired', 'revoked', 'invalid');
CREATE TYPE "member_role" AS ENUM ('owner', 'admin', 'member');
CREATE TYPE "connect_outcome" AS ENUM ('succeeded', 'failed');

-- Auth.js (global) ------------------------------------------------------------------------------------
CREATE TABLE "users" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "name" TEXT,
    "email" TEXT,
    "email_verified" TIMESTAMPTZ(3),
    "image" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "users_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "users_email_key" ON "users"("email");

CREATE TABLE "accounts" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "user_id" UUID NOT NULL,
    "type" TEXT NOT NULL,
    "provider" TEXT NOT NULL,
    "provider_account_id" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "accounts_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "accounts_provider_provider_account_id_key" ON "accounts"("provider", "provider_account_id");
CREATE INDEX "accounts_user_id_idx" ON "accounts"("user_id");
ALTER TABLE "accounts" ADD CONSTRAINT "accounts_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

CREATE TABLE "sessions" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "session_token" TEXT NOT NULL,
    "user_id" UUID NOT NULL,
    "expires" TIMESTAMPTZ(3) NOT NULL,
    CONSTRAINT "sessions_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "sessions_session_token_key" ON "sessions"("session_token");
CREATE INDEX "sessions_user_id_idx" ON "sessions"("user_id");
ALTER TABLE "sessions" ADD CONSTRAINT "sessions_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

CREATE TABLE "verification_tokens" (
    "identifier" TEXT NOT NULL,
    "token" TEXT NOT NULL,
    "expires" TIMESTAMPTZ(3) NOT NULL,
    CONSTRAINT "verification_tokens_pkey" PRIMARY KEY ("identifier", "token")
);

-- Tenancy --------------------------------------------------------------------------------------------
CREATE TABLE "tenants" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "slug" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "deleted_at" TIMESTAMPTZ(3),
    CONSTRAINT "tenants_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "tenants_slug_key" ON "tenants"("slug");

CREATE TABLE "memberships" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "tenant_id" UUID NOT NULL,
    "user_id" UUID NOT NULL,
    "role" "member_role" NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "deleted_at" TIMESTAMPTZ(3),
    CONSTRAINT "memberships_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "memberships_user_id_idx" ON "memberships"("user_id");
ALTER TABLE "memberships" ADD CONSTRAINT "memberships_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE "memberships" ADD CONSTRAINT "memberships_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- Social connections -----------------------------------------------------------------------------------
CREATE TABLE "social_identities" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "tenant_id" UUID NOT NULL,
    "user_id" UUID NOT NULL,
    "platform" "platform" NOT NULL,
    "external_user_id" TEXT NOT NULL,
    "name" TEXT,
    "picture_url" TEXT,
    "granted_scopes" TEXT[] NOT NULL DEFAULT ARRAY[]::TEXT[],
    "declined_scopes" TEXT[] NOT NULL DEFAULT ARRAY[]::TEXT[],
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "deleted_at" TIMESTAMPTZ(3),
    CONSTRAINT "social_identities_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "social_identities_tenant_id_platform_external_user_id_key" ON "social_identities"("tenant_id", "platform", "external_user_id");

CREATE TABLE "facebook_pages" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "tenant_id" UUID NOT NULL,
    "page_id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "category" TEXT,
    "picture_url" TEXT,
    "tasks" TEXT[] NOT NULL DEFAULT ARRAY[]::TEXT[],
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "deleted_at" TIMESTAMPTZ(3),
    CONSTRAINT "facebook_pages_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "facebook_pages_tenant_id_page_id_key" ON "facebook_pages"("tenant_id", "page_id");

CREATE TABLE "ad_tokens" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "tenant_id" UUID NOT NULL,
    "user_id" UUID NOT NULL,
    "platform" "platform" NOT NULL,
    "token_type" "token_type" NOT NULL,
    "social_identity_id" UUID NOT NULL,
    "facebook_page_id" UUID,
    "account_id" UUID,
    "ciphertext" BYTEA NOT NULL,
    "key_id" TEXT NOT NULL,
    "scopes" TEXT[] NOT NULL DEFAULT ARRAY[]::TEXT[],
    "expires_at" TIMESTAMPTZ(3),
    "data_access_expires_at" TIMESTAMPTZ(3),
    "status" "token_status" NOT NULL DEFAULT 'unchecked',
    "last_checked_at" TIMESTAMPTZ(3),
    "last_error" TEXT,
    "next_check_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "check_lease_until" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "deleted_at" TIMESTAMPTZ(3),
    CONSTRAINT "ad_tokens_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "ad_tokens_tenant_id_next_check_at_idx" ON "ad_tokens"("tenant_id", "next_check_at");
ALTER TABLE "ad_tokens" ADD CONSTRAINT "ad_tokens_social_identity_id_fkey" FOREIGN KEY ("social_identity_id") REFERENCES "social_identities"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE "ad_tokens" ADD CONSTRAINT "ad_tokens_facebook_page_id_fkey" FOREIGN KEY ("facebook_page_id") REFERENCES "facebook_pages"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

CREATE TABLE "connect_attempts" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "tenant_id" UUID NOT NULL,
    "user_id" UUID NOT NULL,
    "platform" "platform" NOT NULL,
    "outcome" "connect_outcome" NOT NULL,
    "step" TEXT,
    "error_code" TEXT,
    "message" TEXT NOT NULL,
    "external_user_id" TEXT,
    "pages_count" INTEGER NOT NULL DEFAULT 0,
    "declined_scopes" TEXT[] NOT NULL DEFAULT ARRAY[]::TEXT[],
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "connect_attempts_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "connect_attempts_tenant_id_user_id_created_at_idx" ON "connect_attempts"("tenant_id", "user_id", "created_at");

CREATE TABLE "audit_events" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "tenant_id" UUID NOT NULL,
    "actor_user_id" UUID,
    "action" TEXT NOT NULL,
    "target_type" TEXT NOT NULL,
    "target_id" TEXT,
    "details" JSONB NOT NULL DEFAULT '{}',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "audit_events_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "audit_events_tenant_id_created_at_idx" ON "audit_events"("tenant_id", "created_at");

CREATE TABLE "data_deletion_requests" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "confirmation_code" TEXT NOT NULL,
    "platform" "platform" NOT NULL,
    "external_user_id" TEXT NOT NULL,
    "tokens_deleted" INTEGER NOT NULL DEFAULT 0,
    "identities_erased" INTEGER NOT NULL DEFAULT 0,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "data_deletion_requests_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "data_deletion_requests_confirmation_code_key" ON "data_deletion_requests"("confirmation_code");
