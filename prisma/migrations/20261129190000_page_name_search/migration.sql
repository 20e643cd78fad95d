-- Page name search (name ILIKE '%…%') through a trigram index, for the app role too.
--
-- Under row-level security PostgreSQL evaluates the policy (tenant_id = the context's tenant) before any condition
-- of the query that is not LEAKPROOF, and ILIKE is not: so for social_app an index can never answer the ILIKE, and
-- the search scanned the whole workspace (2–3 µs a Page; ~250 ms at 100,000 Pages). Marking ILIKE leakproof needs a
-- superuser. Instead the search runs in one narrow SECURITY DEFINER function owned by the migrating role, which
-- reads facebook_pages through a policy of its own (as api_key_workspace and tenants_of_external_user do: FORCE RLS
-- applies to a non-superuser owner too) and applies the tenant condition itself, from the same app.tenant_id the
-- policy reads: it returns the ids of the context workspace's listed Pages whose name matches, nothing else. The
-- app role can set app.tenant_id in its transaction anyway (that is how withTenant works), so the function lets it
-- see no more than the policy already does.
--
-- The index leads on tenant_id (btree_gin), so a search costs what the workspace's matching trigrams cost, not what
-- other workspaces hold. Both extensions are "trusted" (a database owner may create them) and PGlite ships them
-- (the demo loads them, lib/db/embedded.ts). Patterns without a trigram (one or two characters, or only
-- punctuation) read the workspace's index entries and recheck every name: still correct, as the ILIKE decides.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE EXTENSION IF NOT EXISTS btree_gin;

CREATE INDEX "facebook_pages_name_search" ON "facebook_pages" USING gin ("tenant_id", "name" gin_trgm_ops) WHERE "deleted_at" IS NULL;

DO $$ BEGIN
  EXECUTE format('CREATE POLICY "definer_name_search" ON "facebook_pages" FOR SELECT TO %I USING (true)', current_user);
END $$;

-- pattern: an ILIKE pattern with backslash as the escape character (lib/workspace/page-filter.ts likePattern).
CREATE FUNCTION "workspace_page_ids_matching"(pattern TEXT)
RETURNS SETOF UUID
LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
ROWS 100
AS $$
  SELECT p.id
    FROM public.facebook_pages p
   WHERE p.tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid
     AND p.deleted_at IS NULL
     AND p.name ILIKE workspace_page_ids_matching.pattern
$$;
REVOKE ALL ON FUNCTION "workspace_page_ids_matching"(TEXT) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION "workspace_page_ids_matching"(TEXT) TO social_app;
