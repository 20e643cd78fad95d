-- API keys: automations reach the token API (/api/v1) with a per-workspace key. Only a SHA-256 hash of the key is
-- stored (keys are 256-bit random strings, so a fast hash is enough), plus a display prefix (`stk_live_` and a few
-- characters) that is never enough to use the key. Revoking sets revoked_at (the soft delete of this table).
CREATE TABLE "api_keys" (
  "id" UUID NOT NULL DEFAULT gen_random_uuid(),
  "tenant_id" UUID NOT NULL,
  "name" TEXT NOT NULL,
  "prefix" TEXT NOT NULL,
  "key_hash" BYTEA NOT NULL,
  "scopes" TEXT[] NOT NULL DEFAULT ARRAY[]::TEXT[],
  -- Our facebook_pages ids this key may reach; empty = every Page of the workspace.
  "page_ids" UUID[] NOT NULL DEFAULT ARRAY[]::UUID[],
  "expires_at" TIMESTAMPTZ(3),
  "last_used_at" TIMESTAMPTZ(3),
  "created_by" UUID NOT NULL,
  "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
  "revoked_at" TIMESTAMPTZ(3),
  CONSTRAINT "api_keys_pkey" PRIMARY KEY ("id"),
  CONSTRAINT "api_keys_key_hash_is_sha256" CHECK (octet_length("key_hash") = 32),
  CONSTRAINT "api_keys_scopes_known" CHECK ("scopes" <@ ARRAY['pages:read', 'tokens:read']::TEXT[] AND cardinality("scopes") > 0)
);

CREATE UNIQUE INDEX "api_keys_key_hash_key" ON "api_keys" ("key_hash");
CREATE INDEX "api_keys_tenant_id_created_at_idx" ON "api_keys" ("tenant_id", "created_at");
ALTER TABLE "api_keys" ADD CONSTRAINT "api_keys_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants" ("id");
ALTER TABLE "api_keys" ADD CONSTRAINT "api_keys_created_by_fkey" FOREIGN KEY ("created_by") REFERENCES "users" ("id");

-- No DELETE: a revoked key stays as history (who made it, when it was last used).
GRANT SELECT, INSERT, UPDATE ON "api_keys" TO social_app;

ALTER TABLE "api_keys" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "api_keys" FORCE ROW LEVEL SECURITY;
CREATE POLICY "tenant_isolation" ON "api_keys"
  USING ("tenant_id" = NULLIF(current_setting('app.tenant_id', true), '')::uuid)
  WITH CHECK ("tenant_id" = NULLIF(current_setting('app.tenant_id', true), '')::uuid);
-- The owner (who runs migrations, and so owns the lookup function below) may read keys to find one by hash. FORCE
-- applies RLS to the owner too, so without this policy a non-superuser owner's SECURITY DEFINER function would see
-- nothing. The app role is not the owner: this policy never applies to it.
CREATE POLICY "key_lookup_by_owner" ON "api_keys" FOR SELECT TO CURRENT_USER USING (true);

-- Finding the workspace of a presented key, before any workspace is known. The app role cannot read api_keys
-- without a tenant context; this function is the one narrow door: a 32-byte hash in, at most one (workspace id,
-- key id) out, only for a live key (not revoked, not expired). Fixed search_path, no dynamic SQL.
CREATE FUNCTION "api_key_workspace"(key_hash BYTEA)
RETURNS TABLE ("tenant_id" UUID, "key_id" UUID)
LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
  SELECT k.tenant_id, k.id
    FROM public.api_keys k
   WHERE octet_length(api_key_workspace.key_hash) = 32
     AND k.key_hash = api_key_workspace.key_hash
     AND k.revoked_at IS NULL
     AND (k.expires_at IS NULL OR k.expires_at > now())
   LIMIT 1
$$;
REVOKE ALL ON FUNCTION "api_key_workspace"(BYTEA) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION "api_key_workspace"(BYTEA) TO social_app;
