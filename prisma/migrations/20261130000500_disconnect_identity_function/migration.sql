-- One definition of "disconnect a Facebook identity", used by a member's disconnect (lib/tokens/disconnect.ts) and by
-- Meta's deauthorize and data-deletion callbacks (forget_external_user, which repeated it since 20261129180100).
-- In the caller's transaction and RLS context (SECURITY INVOKER): soft-deletes the identity and its active tokens
-- (also any left active under an identity disconnected earlier: never leave one), then hides the Pages left with no
-- active token (hide_pages_without_active_tokens) and appends one audit event.
-- Pages and the audit event only when this call disconnected the identity. Webhook events are the caller's.
-- Hides the given Pages that no longer have any active token (history stays). The Pages are locked first, in their
-- own statement, so a concurrent connect that is giving one of them a new token finishes first and the check below
-- (a new statement, so a new snapshot under READ COMMITTED) sees that token: a Page is never hidden while it has an
-- active token. Used by disconnect_identity and by a connect for the Pages Facebook no longer returns.
CREATE FUNCTION hide_pages_without_active_tokens(p_pages uuid[]) RETURNS integer
LANGUAGE plpgsql SECURITY INVOKER SET search_path = public AS $$
DECLARE
  hidden integer;
BEGIN
  IF p_pages IS NULL OR cardinality(p_pages) = 0 THEN
    RETURN 0;
  END IF;
  PERFORM 1 FROM facebook_pages p WHERE p.id = ANY(p_pages) AND p.deleted_at IS NULL ORDER BY p.id FOR UPDATE;
  UPDATE facebook_pages fp SET deleted_at = now(), updated_at = now()
   WHERE fp.id = ANY(p_pages) AND fp.deleted_at IS NULL
     AND NOT EXISTS (SELECT 1 FROM ad_tokens a WHERE a.facebook_page_id = fp.id AND a.deleted_at IS NULL);
  GET DIAGNOSTICS hidden = ROW_COUNT;
  RETURN hidden;
END $$;
REVOKE ALL ON FUNCTION hide_pages_without_active_tokens(uuid[]) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION hide_pages_without_active_tokens(uuid[]) TO social_app;

CREATE FUNCTION disconnect_identity(p_identity uuid, p_actor uuid, p_reason text)
RETURNS TABLE (disconnected boolean, tokens integer, pages integer)
LANGUAGE plpgsql SECURITY INVOKER SET search_path = public AS $$
#variable_conflict use_column
DECLARE
  now_ts timestamptz := now();
BEGIN
  pages := 0;
  UPDATE social_identities s SET deleted_at = now_ts, updated_at = now_ts WHERE s.id = p_identity AND s.deleted_at IS NULL;
  disconnected := FOUND;
  UPDATE ad_tokens a SET deleted_at = now_ts, updated_at = now_ts WHERE a.social_identity_id = p_identity AND a.deleted_at IS NULL;
  GET DIAGNOSTICS tokens = ROW_COUNT;
  IF disconnected THEN
    pages := hide_pages_without_active_tokens(ARRAY(
      SELECT DISTINCT a.facebook_page_id FROM ad_tokens a WHERE a.social_identity_id = p_identity AND a.facebook_page_id IS NOT NULL));
    INSERT INTO audit_events (tenant_id, actor_user_id, action, target_type, target_id, details)
    SELECT s.tenant_id, p_actor, 'identity.disconnected', 'social_identity', p_identity::text,
           jsonb_build_object('reason', p_reason, 'tokensSoftDeleted', tokens, 'pagesHidden', pages)
      FROM social_identities s WHERE s.id = p_identity;
  END IF;
  RETURN NEXT;
END $$;
REVOKE ALL ON FUNCTION disconnect_identity(uuid, uuid, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION disconnect_identity(uuid, uuid, text) TO social_app;

CREATE OR REPLACE FUNCTION forget_external_user(p_tenants uuid[], p_external_user_id text, p_reason text, p_erase_details jsonb)
RETURNS TABLE (tenant_id uuid, identity_id uuid, disconnected boolean, tokens integer, pages integer, erased integer, notify boolean)
LANGUAGE plpgsql SECURITY INVOKER SET search_path = public AS $$
#variable_conflict use_column
DECLARE
  t uuid;
  ident uuid;
  now_ts timestamptz := now();
BEGIN
  FOR t IN SELECT DISTINCT x FROM unnest(p_tenants) AS x ORDER BY 1 LOOP
    PERFORM set_config('app.tenant_id', t::text, true);
    -- At most one identity per workspace and person (unique tenant_id, platform, external_user_id).
    SELECT s.id INTO ident FROM social_identities s WHERE s.platform = 'facebook' AND s.external_user_id = p_external_user_id;
    CONTINUE WHEN ident IS NULL;
    tenant_id := t;
    identity_id := ident;
    erased := 0;
    SELECT d.disconnected, d.tokens, d.pages INTO disconnected, tokens, pages FROM disconnect_identity(ident, NULL, p_reason) d;
    IF p_erase_details IS NOT NULL THEN
      UPDATE social_identities s SET name = NULL, picture_url = NULL, updated_at = now_ts WHERE s.id = ident;
      GET DIAGNOSTICS erased = ROW_COUNT;
      INSERT INTO audit_events (tenant_id, actor_user_id, action, target_type, target_id, details)
      VALUES (t, NULL, 'identity.personal_data_erased', 'social_identity', ident::text, p_erase_details);
    END IF;
    notify := disconnected AND EXISTS (
      SELECT 1 FROM webhook_endpoints e
       WHERE e.deleted_at IS NULL AND e.enabled AND e.event_types && ARRAY['facebook.deauthorized', 'connection.removed']);
    RETURN NEXT;
  END LOOP;
  PERFORM set_config('app.tenant_id', '', true);
END $$;
