-- The dashboard's identities statement (lib/workspace/dashboard-data.ts listIdentitiesAndAttempt) as a function, for
-- the same reason as identity_warnings_json (20261130000600): it was planned on every render (~1.3 ms, against
-- ~0.8 ms to run it); a plpgsql function prepares it once per connection and reuses a generic plan (every path is
-- per identity through an index, or the person's latest attempt through theirs). SECURITY INVOKER, so the caller's
-- rights and RLS context apply when it runs. Same SQL as the statement it replaces.
CREATE FUNCTION dashboard_identities_json(p_user uuid, p_now timestamptz, p_horizon timestamptz, p_names integer) RETURNS json
LANGUAGE plpgsql STABLE SECURITY INVOKER
SET search_path = public
SET plan_cache_mode = force_generic_plan
AS $$
BEGIN
  RETURN (
    SELECT json_build_object(
      'warningIdentities', identity_warnings_json(p_now, p_horizon, p_names),
      'identities', COALESCE((
        SELECT json_agg(json_build_object(
                 'id', s.id, 'platform', s.platform, 'name', s.name, 'pictureUrl', s.picture_url, 'externalUserId', s.external_user_id,
                 'connectedById', s.user_id, 'connectedByName', u.name,
                 'connectedByFormerMember', NOT EXISTS (SELECT 1 FROM memberships cm WHERE cm.user_id = s.user_id AND cm.deleted_at IS NULL),
                 'connectedAt', COALESCE(ut.created_at, s.created_at), 'declinedScopes', s.declined_scopes,
                 'pageCount', s.active_page_tokens,
                 'userToken', CASE WHEN ut.id IS NULL THEN NULL ELSE json_build_object(
                   'id', ut.id, 'status', ut.status, 'expiresAt', ut.expires_at,
                   'dataAccessExpiresAt', ut.data_access_expires_at, 'lastCheckedAt', ut.last_checked_at,
                   'lastError', ut.last_error, 'refreshExpiresAt', ut.refresh_expires_at,
                   'lastRefreshedAt', ut.last_refreshed_at) END,
                 'replacedBy', CASE WHEN ut.id IS NULL THEN (
                   SELECT json_build_object('id', s2.id, 'name', s2.name) FROM ad_tokens ot
                   JOIN social_identities s2 ON s2.id = ot.social_identity_id
                   WHERE ot.user_id = s.user_id AND ot.token_type = 'user' AND ot.deleted_at IS NULL
                     AND ot.social_identity_id <> s.id AND s2.deleted_at IS NULL
                   ORDER BY ot.created_at DESC LIMIT 1) END
               ) ORDER BY s.created_at, s.id)
        FROM social_identities s
        LEFT JOIN users u ON u.id = s.user_id
        LEFT JOIN LATERAL (
          SELECT t.id, t.status, t.expires_at, t.data_access_expires_at, t.last_checked_at, t.last_error, t.created_at,
                 t.refresh_expires_at, t.last_refreshed_at FROM ad_tokens t
          WHERE t.social_identity_id = s.id AND t.deleted_at IS NULL AND t.token_type = 'user'
          ORDER BY t.created_at DESC LIMIT 1
        ) ut ON TRUE
        WHERE s.deleted_at IS NULL
      ), '[]'::json),
      'attempt', (
        SELECT json_build_object('id', a.id, 'platform', a.platform, 'outcome', a.outcome, 'message', a.message, 'step', a.step,
                                 'createdAt', a.created_at, 'declinedScopes', a.declined_scopes,
                                 'identityName', (SELECT si.name FROM social_identities si
                                                  WHERE si.external_user_id = a.external_user_id AND si.platform = a.platform
                                                    AND si.deleted_at IS NULL LIMIT 1))
        FROM connect_attempts a WHERE a.user_id = p_user
        ORDER BY a.created_at DESC LIMIT 1
      )
    )
  );
END
$$;
REVOKE ALL ON FUNCTION dashboard_identities_json(uuid, timestamptz, timestamptz, integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION dashboard_identities_json(uuid, timestamptz, timestamptz, integer) TO social_app;
