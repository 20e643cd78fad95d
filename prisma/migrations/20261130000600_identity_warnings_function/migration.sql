-- The health banner's per-identity figures (lib/health/expiry-warnings.ts), moved from a statement the app built
-- into a function, for its plan: the statement reads ad_tokens nine times, each through one of its partial indexes,
-- and PostgreSQL spent ~3.5 ms PLANNING it (weighing ten partial indexes nine times) against <1 ms running it, on
-- every dashboard render. A plpgsql function prepares its statement once per connection and, with
-- plan_cache_mode = force_generic_plan, reuses that plan: the conditions on p_now and p_horizon are range checks
-- that do not change which index fits, and every path is per identity through an index. SECURITY INVOKER: the
-- caller's rights and RLS context (the policies read app.tenant_id when the plan runs, not when it was made).
-- Same SQL as before, word for word; p_names is how many problem Pages are named.
CREATE FUNCTION identity_warnings_json(p_now timestamptz, p_horizon timestamptz, p_names integer) RETURNS json
LANGUAGE plpgsql STABLE SECURITY INVOKER
SET search_path = public
SET plan_cache_mode = force_generic_plan
AS $$
BEGIN
  RETURN COALESCE((
    SELECT json_agg(json_build_object(
             'socialIdentityId', s.id, 'identityName', s.name,
             'userTokens', COALESCE((
               SELECT json_agg(json_build_object('status', u.status, 'expiresAt', u.expires_at, 'dataAccessExpiresAt', u.data_access_expires_at))
               FROM (
                 -- A TikTok connection lives as long as its refresh token (its access token is renewed every ~2 hours).
                 SELECT t.status, CASE WHEN t.platform = 'tiktok' THEN t.refresh_expires_at ELSE t.expires_at END AS expires_at,
                        t.data_access_expires_at
                 FROM ad_tokens t
                 WHERE t.social_identity_id = s.id AND t.deleted_at IS NULL AND t.token_type = 'user'
               ) u
               WHERE u.status IN ('expired', 'revoked', 'invalid', 'expiring', 'data_access_expiring', 'data_access_expired')
                  OR u.expires_at <= p_horizon), '[]'::json),
             'counts', json_build_object('revoked', s.revoked_page_tokens, 'expired', s.expired_page_tokens, 'invalid', s.invalid_page_tokens,
                                         'dataAccessExpiring', s.data_access_expiring_page_tokens,
                                         'dataAccessExpired', s.data_access_expired_page_tokens),
             'timeExpired', (
               SELECT json_build_object('total', count(*), 'dataAccessExpiring', count(*) FILTER (WHERE t.status = 'data_access_expiring'),
                                        'dataAccessExpired', count(*) FILTER (WHERE t.status = 'data_access_expired'))
               FROM ad_tokens t
               WHERE t.social_identity_id = s.id AND t.deleted_at IS NULL AND t.token_type = 'page' AND t.expires_at IS NOT NULL
                 AND t.status NOT IN ('expired', 'revoked', 'invalid') AND t.expires_at <= p_now),
             'dataAccessLapsed', (
               SELECT count(*) FROM ad_tokens t
               WHERE t.social_identity_id = s.id AND t.deleted_at IS NULL AND t.token_type = 'page' AND t.status = 'data_access_expiring'
                 AND t.data_access_expires_at <= p_now AND NOT (t.expires_at IS NOT NULL AND t.expires_at <= p_now)),
             'pagesDataAccessExpiresAt', (
               SELECT t.data_access_expires_at FROM ad_tokens t
               WHERE t.social_identity_id = s.id AND t.deleted_at IS NULL AND t.token_type = 'page'
                 AND t.status IN ('data_access_expiring', 'data_access_expired') AND t.data_access_expires_at IS NOT NULL
                 AND NOT (t.expires_at IS NOT NULL AND t.expires_at <= p_now)
               ORDER BY t.data_access_expires_at LIMIT 1),
             'pageNames', COALESCE((
               SELECT array_agg(p.name ORDER BY f.id)
               FROM (
                 SELECT x.id, x.facebook_page_id FROM (
                   (SELECT t.id, t.facebook_page_id FROM ad_tokens t
                    WHERE t.social_identity_id = s.id AND t.deleted_at IS NULL AND t.token_type = 'page'
                      AND t.status IN ('expired', 'revoked', 'invalid', 'data_access_expiring', 'data_access_expired')
                    ORDER BY t.id LIMIT p_names)
                   UNION
                   -- OFFSET 0: read them through their expiry index (few), never the primary key in id order.
                   (SELECT y.id, y.facebook_page_id FROM (
                      SELECT t.id, t.facebook_page_id FROM ad_tokens t
                       WHERE t.social_identity_id = s.id AND t.deleted_at IS NULL AND t.token_type = 'page' AND t.expires_at IS NOT NULL
                         AND t.status NOT IN ('expired', 'revoked', 'invalid') AND t.expires_at <= p_now
                      OFFSET 0) y
                    ORDER BY y.id LIMIT p_names)
                 ) x ORDER BY x.id LIMIT p_names
               ) f
               JOIN facebook_pages p ON p.id = f.facebook_page_id), ARRAY[]::text[])
           ) ORDER BY s.id)
    FROM social_identities s
  ), '[]'::json);
END
$$;
REVOKE ALL ON FUNCTION identity_warnings_json(timestamptz, timestamptz, integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION identity_warnings_json(timestamptz, timestamptz, integer) TO social_app;
