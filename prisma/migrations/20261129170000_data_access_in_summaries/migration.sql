-- The data-access statuses (migration 20261129150000) in what the dashboard's summaries and the health banner read:
-- - a Page's worst_rank ranks "data access expiring" with "expiring" and "data access expired" with "expired";
-- - the banner's partial index of problem tokens includes them (its query names them, so the index must too).
-- workspace_page_counts has no columns for them: the status filter counts those two like a search. No backfill:
-- no token had these statuses before the previous migration added them.

CREATE OR REPLACE FUNCTION "ad_tokens_maintain_summaries"() RETURNS trigger
  LANGUAGE plpgsql
  SECURITY INVOKER
  SET search_path = pg_catalog, public
AS $$
DECLARE
  touched uuid[];
BEGIN
  IF TG_OP = 'INSERT' THEN
    SELECT array_agg(DISTINCT n."facebook_page_id") INTO touched FROM new_rows n WHERE n."facebook_page_id" IS NOT NULL;
    UPDATE "social_identities" s SET "active_page_tokens" = s."active_page_tokens" + d.n
      FROM (SELECT "social_identity_id" AS id, count(*)::int AS n FROM new_rows
             WHERE "token_type" = 'page' AND "deleted_at" IS NULL GROUP BY 1) d
     WHERE s."id" = d.id;
  ELSIF TG_OP = 'UPDATE' THEN
    -- Pages whose tokens changed in what the summary reads (liveness, status, expiry, last check, Page), found
    -- with set differences (hashing, linear) rather than a join of the two transition tables.
    SELECT array_agg(DISTINCT x.pid) INTO touched FROM (
      (SELECT "id", "facebook_page_id" AS pid, "deleted_at" IS NULL AS live, "status", "expires_at", "last_checked_at" FROM new_rows
       EXCEPT SELECT "id", "facebook_page_id", "deleted_at" IS NULL, "status", "expires_at", "last_checked_at" FROM old_rows)
      UNION ALL
      (SELECT "id", "facebook_page_id", "deleted_at" IS NULL, "status", "expires_at", "last_checked_at" FROM old_rows
       EXCEPT SELECT "id", "facebook_page_id", "deleted_at" IS NULL, "status", "expires_at", "last_checked_at" FROM new_rows)
    ) x WHERE x.pid IS NOT NULL;
    UPDATE "social_identities" s SET "active_page_tokens" = s."active_page_tokens" + d.n
      FROM (SELECT id, sum(n)::int AS n FROM (
              SELECT "social_identity_id" AS id, 1 AS n FROM new_rows WHERE "token_type" = 'page' AND "deleted_at" IS NULL
              UNION ALL
              SELECT "social_identity_id", -1 FROM old_rows WHERE "token_type" = 'page' AND "deleted_at" IS NULL) c
            GROUP BY id HAVING sum(n) <> 0) d
     WHERE s."id" = d.id;
  ELSE
    SELECT array_agg(DISTINCT o."facebook_page_id") INTO touched FROM old_rows o WHERE o."facebook_page_id" IS NOT NULL;
    UPDATE "social_identities" s SET "active_page_tokens" = s."active_page_tokens" - d.n
      FROM (SELECT "social_identity_id" AS id, count(*)::int AS n FROM old_rows
             WHERE "token_type" = 'page' AND "deleted_at" IS NULL GROUP BY 1) d
     WHERE s."id" = d.id;
  END IF;
  IF touched IS NOT NULL THEN
    UPDATE "facebook_pages" p
       SET "token_statuses" = a.statuses, "worst_rank" = a.worst, "soonest_expiry" = a.soonest, "oldest_check" = a.checked
      FROM (
        SELECT pid,
               COALESCE(array_agg(DISTINCT t."status" ORDER BY t."status") FILTER (WHERE t."id" IS NOT NULL),
                        ARRAY[]::"token_status"[]) AS statuses,
               COALESCE(max(CASE t."status" WHEN 'active' THEN 1 WHEN 'unchecked' THEN 2 WHEN 'expiring' THEN 3
                                WHEN 'expired' THEN 4 WHEN 'invalid' THEN 5 WHEN 'revoked' THEN 6
                                WHEN 'data_access_expiring' THEN 3 WHEN 'data_access_expired' THEN 4 END), 7) AS worst,
               min(t."expires_at") AS soonest,
               min(t."last_checked_at") AS checked
          FROM unnest(touched) AS pid
          LEFT JOIN "ad_tokens" t ON t."facebook_page_id" = pid AND t."deleted_at" IS NULL
         GROUP BY pid
      ) a
     WHERE p."id" = a.pid
       AND (p."token_statuses", p."worst_rank", p."soonest_expiry", p."oldest_check")
           IS DISTINCT FROM (a.statuses, a.worst, a.soonest, a.checked);
  END IF;
  RETURN NULL;
END
$$;

DROP INDEX "ad_tokens_warning_candidates";
CREATE INDEX "ad_tokens_warning_candidates" ON "ad_tokens" ("tenant_id", "social_identity_id", "id")
  WHERE "deleted_at" IS NULL
    AND ("status" IN ('expired', 'revoked', 'invalid', 'expiring', 'data_access_expiring', 'data_access_expired') OR "expires_at" IS NOT NULL);
