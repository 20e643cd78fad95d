-- Instagram professional accounts linked to connected Pages (Graph: instagram_business_account). A child of its Page:
-- calls to it use the Page's token, so it holds no credential of its own. Tenant-owned: RLS forced, soft delete
-- (an account unlinked from its Page on the next connect is hidden, history stays), no DELETE for the app.
CREATE TABLE "instagram_accounts" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "tenant_id" UUID NOT NULL,
    "facebook_page_id" UUID NOT NULL,
    "ig_user_id" TEXT NOT NULL,
    "username" TEXT,
    "name" TEXT,
    "picture_url" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "deleted_at" TIMESTAMPTZ(3),
    CONSTRAINT "instagram_accounts_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "instagram_accounts_tenant_id_ig_user_id_key" ON "instagram_accounts"("tenant_id", "ig_user_id");
CREATE INDEX "instagram_accounts_facebook_page_id_idx" ON "instagram_accounts"("facebook_page_id");
ALTER TABLE "instagram_accounts" ADD CONSTRAINT "instagram_accounts_facebook_page_id_fkey"
  FOREIGN KEY ("facebook_page_id") REFERENCES "facebook_pages"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
-- The Page belongs to the account's tenant (RLS alone would not stop a cross-tenant id).
ALTER TABLE "instagram_accounts" ADD CONSTRAINT "instagram_accounts_page_same_tenant"
  FOREIGN KEY ("tenant_id", "facebook_page_id") REFERENCES "facebook_pages" ("tenant_id", "id");
ALTER TABLE "instagram_accounts" ADD CONSTRAINT "instagram_accounts_tenant_id_fkey"
  FOREIGN KEY ("tenant_id") REFERENCES "tenants" ("id");

GRANT SELECT, INSERT, UPDATE ON "instagram_accounts" TO social_app;

ALTER TABLE "instagram_accounts" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "instagram_accounts" FORCE ROW LEVEL SECURITY;
CREATE POLICY "tenant_isolation" ON "instagram_accounts"
  USING ("tenant_id" = NULLIF(current_setting('app.tenant_id', true), '')::uuid)
  WITH CHECK ("tenant_id" = NULLIF(current_setting('app.tenant_id', true), '')::uuid);
