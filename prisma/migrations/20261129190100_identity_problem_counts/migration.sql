-- The health banner in time proportional to identities, not tokens.
--
-- The banner says, per Facebook login, its worst problem and how many Pages it affects ("… (A, B, C and 1,995
-- more)"). It read the workspace's problem tokens (up to 2,000 rows; ~50 ms at 100,000 Pages) and counted them in
-- JavaScript. Now each identity carries the number of its active Page tokens per problem status, kept by the same
-- trigger as active_page_tokens (migration 20261129140000), in the writing statement's transaction, so they never
-- drift; lib/workspace/page-counts.integration.test.ts rebuilds them from scratch after every kind of write and
-- compares. The banner reads, per identity: these counters, its first five problem Pages (an index in id order), its
-- earliest data-access expiry (an index), and the few tokens whose time ran out since their last check (an index
-- on the expiry, read up to now): what lib/health/expiry-warnings.ts effectiveKind decides from the clock, not the
-- status. The partial index the old scan read (ad_tokens_warning_candidates) has no reader left and is dropped.

ALTER TABLE "social_identities"
  ADD COLUMN "revoked_page_tokens" INTEGER NOT NULL DEFAULT 0,
  ADD COLUMN "expired_page_tokens" INTEGER NOT NULL DEFAULT 0,
  ADD COLUMN "invalid_page_tokens" INTEGER NOT NULL DEFAULT 0,
  ADD COLUMN "data_access_expiring_page_tokens" INTEGER NOT NULL DEFAULT 0,
  ADD COLUMN "data_access_expired_page_tokens" INTEGER NOT NULL DEFAULT 0;

-- As in 20261129170000, with the identity's counters kept beside active_page_tokens. A status change of a Page token
-- (the sweep) now updates its identity's row too (under the workspace's write lock, like the Page's summary).
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
    UPDATE "social_identities" s SET "active_page_tokens" = s."active_page_tokens" + d.n,
        "revoked_page_tokens" = s."revoked_page_tokens" + d.revoked, "expired_page_tokens" = s."expired_page_tokens" + d.expired, "invalid_page_tokens" = s."invalid_page_tokens" + d.invalid,
        "data_access_expiring_page_tokens" = s."data_access_expiring_page_tokens" + d.data_access_expiring, "data_access_expired_page_tokens" = s."data_access_expired_page_tokens" + d.data_access_expired
      FROM (SELECT "social_identity_id" AS id, count(*)::int AS n,
                   count(*) FILTER (WHERE "status" = 'revoked')::int AS revoked, count(*) FILTER (WHERE "status" = 'expired')::int AS expired, count(*) FILTER (WHERE "status" = 'invalid')::int AS invalid,
                   count(*) FILTER (WHERE "status" = 'data_access_expiring')::int AS data_access_expiring, count(*) FILTER (WHERE "status" = 'data_access_expired')::int AS data_access_expired FROM new_rows
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
    UPDATE "social_identities" s SET "active_page_tokens" = s."active_page_tokens" + d.n,
        "revoked_page_tokens" = s."revoked_page_tokens" + d.revoked, "expired_page_tokens" = s."expired_page_tokens" + d.expired, "invalid_page_tokens" = s."invalid_page_tokens" + d.invalid,
        "data_access_expiring_page_tokens" = s."data_access_expiring_page_tokens" + d.data_access_expiring, "data_access_expired_page_tokens" = s."data_access_expired_page_tokens" + d.data_access_expired
      FROM (SELECT c.id, sum(c.sign)::int AS n,
                   COALESCE(sum(c.sign) FILTER (WHERE c."status" = 'revoked'), 0)::int AS revoked, COALESCE(sum(c.sign) FILTER (WHERE c."status" = 'expired'), 0)::int AS expired, COALESCE(sum(c.sign) FILTER (WHERE c."status" = 'invalid'), 0)::int AS invalid,
                   COALESCE(sum(c.sign) FILTER (WHERE c."status" = 'data_access_expiring'), 0)::int AS data_access_expiring, COALESCE(sum(c.sign) FILTER (WHERE c."status" = 'data_access_expired'), 0)::int AS data_access_expired FROM (
              SELECT "social_identity_id" AS id, 1 AS sign, "status" FROM new_rows WHERE "token_type" = 'page' AND "deleted_at" IS NULL
              UNION ALL
              SELECT "social_identity_id", -1, "status" FROM old_rows WHERE "token_type" = 'page' AND "deleted_at" IS NULL) c
            GROUP BY c.id) d
     WHERE s."id" = d.id AND (d.n, d.revoked, d.expired, d.invalid, d.data_access_expiring, d.data_access_expired) <> (0, 0, 0, 0, 0, 0);
  ELSE
    SELECT array_agg(DISTINCT o."facebook_page_id") INTO touched FROM old_rows o WHERE o."facebook_page_id" IS NOT NULL;
    UPDATE "social_identities" s SET "active_page_tokens" = s."active_page_tokens" - d.n,
        "revoked_page_tokens" = s."revoked_page_tokens" - d.revoked, "expired_page_tokens" = s."expired_page_tokens" - d.expired, "invalid_page_tokens" = s."invalid_page_tokens" - d.invalid,
        "data_access_expiring_page_tokens" = s."data_access_expiring_page_tokens" - d.data_access_expiring, "data_access_expired_page_tokens" = s."data_access_expired_page_tokens" - d.data_access_expired
      FROM (SELECT "social_identity_id" AS id, count(*)::int AS n,
                   count(*) FILTER (WHERE "status" = 'revoked')::int AS revoked, count(*) FILTER (WHERE "status" = 'expired')::int AS expired, count(*) FILTER (WHERE "status" = 'invalid')::int AS invalid,
                   count(*) FILTER (WHERE "status" = 'data_access_expiring')::int AS data_access_expiring, count(*) FILTER (WHERE "status" = 'data_access_expired')::int AS data_access_expired FROM old_rows
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
-- An identity's problem Page tokens in id order (the banner's first five names).
CREATE INDEX "ad_tokens_problem_page_tokens" ON "ad_tokens" ("social_identity_id", "id")
  WHERE "deleted_at" IS NULL AND "token_type" = 'page'
    AND "status" IN ('expired', 'revoked', 'invalid', 'data_access_expiring', 'data_access_expired');
-- Page tokens with an expiry and no final status: those whose expiry passed since their last check are expired.
CREATE INDEX "ad_tokens_page_expiry_unmarked" ON "ad_tokens" ("social_identity_id", "expires_at")
  WHERE "deleted_at" IS NULL AND "token_type" = 'page' AND "expires_at" IS NOT NULL
    AND "status" NOT IN ('expired', 'revoked', 'invalid');
-- Page tokens in the data-access statuses by their data-access expiry (the earliest; those past it).
CREATE INDEX "ad_tokens_page_data_access" ON "ad_tokens" ("social_identity_id", "data_access_expires_at")
  WHERE "deleted_at" IS NULL AND "token_type" = 'page' AND "status" IN ('data_access_expiring', 'data_access_expired');

-- Backfill (as in 20261129140000: FORCE lifted for the owner for this statement, inside this transaction).
ALTER TABLE "social_identities" NO FORCE ROW LEVEL SECURITY;
ALTER TABLE "ad_tokens" NO FORCE ROW LEVEL SECURITY;
UPDATE "social_identities" s SET "revoked_page_tokens" = c.revoked, "expired_page_tokens" = c.expired, "invalid_page_tokens" = c.invalid,
        "data_access_expiring_page_tokens" = c.data_access_expiring, "data_access_expired_page_tokens" = c.data_access_expired
  FROM (SELECT "social_identity_id" AS id, count(*) FILTER (WHERE "status" = 'revoked')::int AS revoked, count(*) FILTER (WHERE "status" = 'expired')::int AS expired, count(*) FILTER (WHERE "status" = 'invalid')::int AS invalid,
                   count(*) FILTER (WHERE "status" = 'data_access_expiring')::int AS data_access_expiring, count(*) FILTER (WHERE "status" = 'data_access_expired')::int AS data_access_expired
          FROM "ad_tokens" WHERE "deleted_at" IS NULL AND "token_type" = 'page' GROUP BY 1) c
 WHERE s."id" = c.id;
ALTER TABLE "social_identities" FORCE ROW LEVEL SECURITY;
ALTER TABLE "ad_tokens" FORCE ROW LEVEL SECURITY;
