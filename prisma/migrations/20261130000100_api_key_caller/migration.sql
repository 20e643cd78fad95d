-- The token API's per-request key re-read, in the request transaction's first statement (one round trip fewer on
-- every call). The function takes the workspace and key found by api_key_workspace (before any workspace was known)
-- and, as the app role itself (SECURITY INVOKER: it can read no more than the role can), puts the transaction in that
-- workspace's RLS context, writes the key's last_used_at at most once a minute, and returns the key's row only while
-- it is live (not revoked, not expired), with its hash for the caller's constant-time comparison. Setting the context
-- inside the function makes the result independent of the order in which the first statement's expressions run; a
-- transaction already in another workspace is refused, so a mistaken call can never move a transaction across
-- workspaces.
CREATE FUNCTION "api_key_caller"(p_tenant UUID, p_key UUID)
RETURNS TABLE ("name" TEXT, "prefix" TEXT, "key_hash" TEXT, "scopes" TEXT[], "page_ids" TEXT[], "slug" TEXT)
LANGUAGE plpgsql VOLATILE SECURITY INVOKER
SET search_path = pg_catalog, pg_temp
AS $$
#variable_conflict use_column
BEGIN
  IF coalesce(current_setting('app.tenant_id', true), '') NOT IN ('', p_tenant::text) THEN
    RAISE EXCEPTION 'api_key_caller: the transaction is already in another workspace';
  END IF;
  PERFORM set_config('app.tenant_id', p_tenant::text, true);
  UPDATE public.api_keys k SET last_used_at = now()
   WHERE k.id = p_key AND k.revoked_at IS NULL
     AND (k.last_used_at IS NULL OR k.last_used_at < now() - interval '60 seconds');
  RETURN QUERY
    SELECT k.name, k.prefix, encode(k.key_hash, 'base64'), k.scopes, k.page_ids::text[], t.slug
      FROM public.api_keys k JOIN public.tenants t ON t.id = k.tenant_id
     WHERE k.id = p_key AND k.revoked_at IS NULL AND (k.expires_at IS NULL OR k.expires_at > now());
END
$$;
REVOKE ALL ON FUNCTION "api_key_caller"(UUID, UUID) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION "api_key_caller"(UUID, UUID) TO social_app;
