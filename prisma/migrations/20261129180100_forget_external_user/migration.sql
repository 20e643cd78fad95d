-- Meta's deauthorize and data-deletion callbacks: the work in each affected workspace in ONE round trip for many
-- workspaces (it was about eight statements per workspace). SECURITY INVOKER: the app role's rights, row-level
-- security enforced; app.tenant_id is set (transaction-local) before each workspace's statements and cleared at the
-- end, as lease_claimed_tokens does. The workspaces come from tenants_of_external_user (the narrow SECURITY DEFINER
-- lookup through an index, ids only). Per workspace it does what disconnectIdentity (lib/tokens/disconnect.ts) does
-- for a member's disconnect: the identity, its active tokens, the Pages left with no active token (locked first, then
-- checked in a new statement), one audit event; and, when asked, erases the person's name and picture (audited).
-- Webhook events are left to the caller (the job engine's insert): `notify` says the workspace has an endpoint for them.
CREATE FUNCTION forget_external_user(p_tenants uuid[], p_external_user_id text, p_reason text, p_erase_details jsonb)
RETURNS TABLE (tenant_id uuid, identity_id uuid, disconnected boolean, tokens integer, pages integer, erased integer, notify boolean)
LANGUAGE plpgsql SECURITY INVOKER SET search_path = public AS $$
#variable_conflict use_column
DECLARE
  t uuid;
  ident uuid;
  now_ts timestamptz := now();
  page_ids uuid[];
BEGIN
  FOR t IN SELECT DISTINCT x FROM unnest(p_tenants) AS x ORDER BY 1 LOOP
    PERFORM set_config('app.tenant_id', t::text, true);
    -- At most one identity per workspace and person (unique tenant_id, platform, external_user_id).
    SELECT s.id INTO ident FROM social_identities s WHERE s.platform = 'facebook' AND s.external_user_id = p_external_user_id;
    CONTINUE WHEN ident IS NULL;
    tenant_id := t;
    identity_id := ident;
    pages := 0;
    erased := 0;
    UPDATE social_identities s SET deleted_at = now_ts, updated_at = now_ts WHERE s.id = ident AND s.deleted_at IS NULL;
    disconnected := FOUND;
    -- Its active tokens (also any left active under an identity disconnected earlier: never leave one).
    UPDATE ad_tokens a SET deleted_at = now_ts, updated_at = now_ts WHERE a.social_identity_id = ident AND a.deleted_at IS NULL;
    GET DIAGNOSTICS tokens = ROW_COUNT;
    IF disconnected THEN
      SELECT array_agg(DISTINCT a.facebook_page_id) INTO page_ids
        FROM ad_tokens a WHERE a.social_identity_id = ident AND a.facebook_page_id IS NOT NULL;
      IF page_ids IS NOT NULL THEN
        PERFORM 1 FROM facebook_pages p WHERE p.id = ANY(page_ids) AND p.deleted_at IS NULL ORDER BY p.id FOR UPDATE;
        UPDATE facebook_pages fp SET deleted_at = now(), updated_at = now()
         WHERE fp.id = ANY(page_ids) AND fp.deleted_at IS NULL
           AND NOT EXISTS (SELECT 1 FROM ad_tokens a WHERE a.facebook_page_id = fp.id AND a.deleted_at IS NULL);
        GET DIAGNOSTICS pages = ROW_COUNT;
      END IF;
      INSERT INTO audit_events (tenant_id, actor_user_id, action, target_type, target_id, details)
      VALUES (t, NULL, 'identity.disconnected', 'social_identity', ident::text,
              jsonb_build_object('reason', p_reason, 'tokensSoftDeleted', tokens, 'pagesHidden', pages));
    END IF;
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
REVOKE ALL ON FUNCTION forget_external_user(uuid[], text, text, jsonb) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION forget_external_user(uuid[], text, text, jsonb) TO social_app;
