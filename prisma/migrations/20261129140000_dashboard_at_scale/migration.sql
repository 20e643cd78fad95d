-- The dashboard at any workspace size: every figure it shows is read through an index or from a summary that the
-- writers keep exact in their own transaction (statement-level triggers), never by scanning the workspace.
--
-- - facebook_pages gets its active page tokens' summary (distinct statuses, worst status rank, soonest expiry,
--   oldest check): the Pages list sorts and filters on these through one index per sort order.
-- - social_identities gets the number of its active page tokens (the identities list's "N Pages").
-- - workspace_page_counts holds, per workspace, the number of listed Pages and how many have a token in each
--   status (or none): the status filter counts without a search.
-- All three are maintained by triggers on ad_tokens and facebook_pages in the writing statement's transaction, so
-- they commit or roll back with the write and never drift; lib/workspace/page-counts.integration.test.ts rebuilds
-- them from scratch after every kind of write, concurrent ones included, and compares.

-- Search (name ILIKE '%…%') has no index: a trigram index (pg_trgm) was measured unused, because under row-level
-- security PostgreSQL may not evaluate a non-leakproof operator such as ILIKE inside an index scan ahead of the policy,
-- and it made every Page write slower. Search stays correct; its cost follows the workspace (see README, Benchmark).

-- Per-Page token summary ---------------------------------------------------------------------------------------
-- worst_rank: 1 active, 2 unchecked, 3 expiring, 4 expired, 5 invalid, 6 revoked, 7 no active token.
ALTER TABLE "facebook_pages"
  ADD COLUMN "token_statuses" "token_status"[] NOT NULL DEFAULT ARRAY[]::"token_status"[],
  ADD COLUMN "worst_rank" INTEGER NOT NULL DEFAULT 7,
  ADD COLUMN "soonest_expiry" TIMESTAMPTZ(3),
  ADD COLUMN "oldest_check" TIMESTAMPTZ(3);

ALTER TABLE "social_identities" ADD COLUMN "active_page_tokens" INTEGER NOT NULL DEFAULT 0;

-- Per-workspace counts (derived data, not history: no deleted_at; the app role has no DELETE on it).
CREATE TABLE "workspace_page_counts" (
    "tenant_id" UUID NOT NULL,
    "pages" INTEGER NOT NULL DEFAULT 0,
    "active" INTEGER NOT NULL DEFAULT 0,
    "expiring" INTEGER NOT NULL DEFAULT 0,
    "expired" INTEGER NOT NULL DEFAULT 0,
    "revoked" INTEGER NOT NULL DEFAULT 0,
    "invalid" INTEGER NOT NULL DEFAULT 0,
    "unchecked" INTEGER NOT NULL DEFAULT 0,
    "none" INTEGER NOT NULL DEFAULT 0,
    CONSTRAINT "workspace_page_counts_pkey" PRIMARY KEY ("tenant_id")
);
ALTER TABLE "workspace_page_counts" ADD CONSTRAINT "workspace_page_counts_tenant_id_fkey"
  FOREIGN KEY ("tenant_id") REFERENCES "tenants" ("id");
GRANT SELECT, INSERT, UPDATE ON "workspace_page_counts" TO social_app;
ALTER TABLE "workspace_page_counts" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "workspace_page_counts" FORCE ROW LEVEL SECURITY;
CREATE POLICY "tenant_isolation" ON "workspace_page_counts"
  USING ("tenant_id" = NULLIF(current_setting('app.tenant_id', true), '')::uuid)
  WITH CHECK ("tenant_id" = NULLIF(current_setting('app.tenant_id', true), '')::uuid);

-- Indexes --------------------------------------------------------------------------------------------------------
-- One per sort order of the Pages list (descending reads the same index backwards).
CREATE INDEX "facebook_pages_list_by_name" ON "facebook_pages" ("tenant_id", lower("name"), "id") WHERE "deleted_at" IS NULL;
CREATE INDEX "facebook_pages_list_by_status" ON "facebook_pages" ("tenant_id", "worst_rank" DESC, lower("name"), "id") WHERE "deleted_at" IS NULL;
CREATE INDEX "facebook_pages_list_by_expiry" ON "facebook_pages" ("tenant_id", "soonest_expiry", lower("name"), "id") WHERE "deleted_at" IS NULL;
CREATE INDEX "facebook_pages_list_by_check" ON "facebook_pages" ("tenant_id", "oldest_check" NULLS FIRST, lower("name"), "id") WHERE "deleted_at" IS NULL;
CREATE INDEX "facebook_pages_list_by_category" ON "facebook_pages" ("tenant_id", lower("category"), lower("name"), "id") WHERE "deleted_at" IS NULL;
-- A Page's active tokens (the shown rows' tokens, the per-Page summary).
CREATE INDEX "ad_tokens_active_by_page" ON "ad_tokens" ("facebook_page_id") WHERE "deleted_at" IS NULL;
-- An identity's active user token.
CREATE INDEX "ad_tokens_active_user_token_by_identity" ON "ad_tokens" ("social_identity_id", "created_at")
  WHERE "deleted_at" IS NULL AND "token_type" = 'user';
-- Tokens the health banner may warn about (problem statuses, or an expiry at all: user tokens, rare Page tokens).
CREATE INDEX "ad_tokens_warning_candidates" ON "ad_tokens" ("tenant_id", "social_identity_id", "id")
  WHERE "deleted_at" IS NULL AND ("status" IN ('expired', 'revoked', 'invalid', 'expiring') OR "expires_at" IS NOT NULL);

-- The health sweep's claim: a tenant's due tokens in (next_check_at, id) order, so a claim can start after the
-- previous one's last row (lib/health/token-store.ts claimDueTokens) instead of re-walking what it already checked.
CREATE INDEX "ad_tokens_due_by_tenant" ON "ad_tokens" ("tenant_id", "next_check_at", "id") WHERE "deleted_at" IS NULL;

-- Maintenance -----------------------------------------------------------------------------------------------------
-- ad_tokens statement → the touched Pages' summaries are recomputed from their active tokens (through
-- ad_tokens_active_by_page) and the identities' active page token counts adjusted; the Pages' UPDATE in turn fires
-- the facebook_pages trigger below. Both run as the invoker, inside the writer's RLS context.
CREATE FUNCTION "ad_tokens_maintain_summaries"() RETURNS trigger
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
                                WHEN 'expired' THEN 4 WHEN 'invalid' THEN 5 WHEN 'revoked' THEN 6 END), 7) AS worst,
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

-- facebook_pages statement → the workspaces' counts change by (new listed rows) − (old listed rows). A statement
-- that changes no count (a connect renaming Pages, a check that keeps every status) leaves the row alone (no lock).
CREATE FUNCTION "facebook_pages_maintain_counts"() RETURNS trigger
  LANGUAGE plpgsql
  SECURITY INVOKER
  SET search_path = pg_catalog, public
AS $$
DECLARE
  delta text;
BEGIN
  -- Transition tables exist only for their own event, so the delta's source is chosen per event.
  delta := CASE TG_OP
    WHEN 'INSERT' THEN 'SELECT "tenant_id", 1 AS sign, "token_statuses" AS st FROM new_rows WHERE "deleted_at" IS NULL'
    WHEN 'DELETE' THEN 'SELECT "tenant_id", -1 AS sign, "token_statuses" AS st FROM old_rows WHERE "deleted_at" IS NULL'
    ELSE 'SELECT "tenant_id", 1 AS sign, "token_statuses" AS st FROM new_rows WHERE "deleted_at" IS NULL
          UNION ALL SELECT "tenant_id", -1, "token_statuses" FROM old_rows WHERE "deleted_at" IS NULL'
  END;
  EXECUTE format($q$
    INSERT INTO "workspace_page_counts" AS w ("tenant_id", "pages", "active", "expiring", "expired", "revoked", "invalid", "unchecked", "none")
    SELECT * FROM (
      SELECT d."tenant_id", sum(d.sign)::int AS pages,
             COALESCE(sum(d.sign) FILTER (WHERE 'active' = ANY(d.st)), 0)::int AS active,
             COALESCE(sum(d.sign) FILTER (WHERE 'expiring' = ANY(d.st)), 0)::int AS expiring,
             COALESCE(sum(d.sign) FILTER (WHERE 'expired' = ANY(d.st)), 0)::int AS expired,
             COALESCE(sum(d.sign) FILTER (WHERE 'revoked' = ANY(d.st)), 0)::int AS revoked,
             COALESCE(sum(d.sign) FILTER (WHERE 'invalid' = ANY(d.st)), 0)::int AS invalid,
             COALESCE(sum(d.sign) FILTER (WHERE 'unchecked' = ANY(d.st)), 0)::int AS unchecked,
             COALESCE(sum(d.sign) FILTER (WHERE cardinality(d.st) = 0), 0)::int AS none
        FROM (%s) d
       GROUP BY d."tenant_id"
    ) c
    WHERE (c.pages, c.active, c.expiring, c.expired, c.revoked, c.invalid, c.unchecked, c.none) <> (0, 0, 0, 0, 0, 0, 0, 0)
    ORDER BY c."tenant_id"
    ON CONFLICT ("tenant_id") DO UPDATE SET
      "pages" = w."pages" + EXCLUDED."pages", "active" = w."active" + EXCLUDED."active",
      "expiring" = w."expiring" + EXCLUDED."expiring", "expired" = w."expired" + EXCLUDED."expired",
      "revoked" = w."revoked" + EXCLUDED."revoked", "invalid" = w."invalid" + EXCLUDED."invalid",
      "unchecked" = w."unchecked" + EXCLUDED."unchecked", "none" = w."none" + EXCLUDED."none"
  $q$, delta);
  RETURN NULL;
END
$$;

-- Writers of one workspace's identities, Pages and tokens take turns. The summaries make writes that used to touch
-- disjoint rows meet (a sweep's token UPDATE now updates its Pages; a Page disconnect updates an identity's count;
-- every count change updates the workspace's one counts row), and two transactions taking those row locks in
-- different orders would deadlock. So the first statement of a transaction that writes any of these tables in a
-- tenant context takes a transaction-level advisory lock for that tenant before it locks any row (a BEFORE
-- STATEMENT trigger), and every row lock of these tables is then taken under it: no cycle within a workspace.
-- Transactions that walk several workspaces (the sweep, Meta's callbacks) walk them in ascending id order.
-- Owner-side writes without a tenant context (migrations, tests' fixtures) take no lock.
CREATE FUNCTION "serialize_workspace_writes"() RETURNS trigger
  LANGUAGE plpgsql
  SECURITY INVOKER
  SET search_path = pg_catalog, public
AS $$
DECLARE
  tenant text := NULLIF(current_setting('app.tenant_id', true), '');
BEGIN
  IF tenant IS NOT NULL THEN
    PERFORM pg_advisory_xact_lock(20261129, hashtext(tenant));
  END IF;
  RETURN NULL;
END
$$;
CREATE TRIGGER "ad_tokens_serialize_writes" BEFORE INSERT OR UPDATE OR DELETE ON "ad_tokens"
  FOR EACH STATEMENT EXECUTE FUNCTION "serialize_workspace_writes"();
CREATE TRIGGER "facebook_pages_serialize_writes" BEFORE INSERT OR UPDATE OR DELETE ON "facebook_pages"
  FOR EACH STATEMENT EXECUTE FUNCTION "serialize_workspace_writes"();
CREATE TRIGGER "social_identities_serialize_writes" BEFORE INSERT OR UPDATE OR DELETE ON "social_identities"
  FOR EACH STATEMENT EXECUTE FUNCTION "serialize_workspace_writes"();
REVOKE ALL ON FUNCTION "serialize_workspace_writes"() FROM PUBLIC;

CREATE TRIGGER "ad_tokens_summaries_insert" AFTER INSERT ON "ad_tokens"
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "ad_tokens_maintain_summaries"();
CREATE TRIGGER "ad_tokens_summaries_update" AFTER UPDATE ON "ad_tokens"
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "ad_tokens_maintain_summaries"();
CREATE TRIGGER "ad_tokens_summaries_delete" AFTER DELETE ON "ad_tokens"
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION "ad_tokens_maintain_summaries"();
CREATE TRIGGER "facebook_pages_counts_insert" AFTER INSERT ON "facebook_pages"
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "facebook_pages_maintain_counts"();
CREATE TRIGGER "facebook_pages_counts_update" AFTER UPDATE ON "facebook_pages"
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "facebook_pages_maintain_counts"();
CREATE TRIGGER "facebook_pages_counts_delete" AFTER DELETE ON "facebook_pages"
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION "facebook_pages_maintain_counts"();
REVOKE ALL ON FUNCTION "ad_tokens_maintain_summaries"() FROM PUBLIC;
REVOKE ALL ON FUNCTION "facebook_pages_maintain_counts"() FROM PUBLIC;

-- Backfill from scratch, every tenant. As in 20261125140000, FORCE is lifted for the owner for these statements
-- (a non-superuser owner would otherwise see no rows); this transaction holds ACCESS EXCLUSIVE locks until COMMIT.
ALTER TABLE "facebook_pages" NO FORCE ROW LEVEL SECURITY;
ALTER TABLE "ad_tokens" NO FORCE ROW LEVEL SECURITY;
ALTER TABLE "social_identities" NO FORCE ROW LEVEL SECURITY;
ALTER TABLE "workspace_page_counts" NO FORCE ROW LEVEL SECURITY;
ALTER TABLE "facebook_pages" DISABLE TRIGGER "facebook_pages_counts_update";
UPDATE "facebook_pages" p
   SET "token_statuses" = a.statuses, "worst_rank" = a.worst, "soonest_expiry" = a.soonest, "oldest_check" = a.checked
  FROM (
    SELECT t."facebook_page_id" AS pid,
           array_agg(DISTINCT t."status" ORDER BY t."status") AS statuses,
           max(CASE t."status" WHEN 'active' THEN 1 WHEN 'unchecked' THEN 2 WHEN 'expiring' THEN 3
                   WHEN 'expired' THEN 4 WHEN 'invalid' THEN 5 WHEN 'revoked' THEN 6 END) AS worst,
           min(t."expires_at") AS soonest, min(t."last_checked_at") AS checked
      FROM "ad_tokens" t WHERE t."deleted_at" IS NULL AND t."facebook_page_id" IS NOT NULL
     GROUP BY t."facebook_page_id"
  ) a
 WHERE p."id" = a.pid;
ALTER TABLE "facebook_pages" ENABLE TRIGGER "facebook_pages_counts_update";
UPDATE "social_identities" s SET "active_page_tokens" = c.n
  FROM (SELECT "social_identity_id" AS id, count(*)::int AS n FROM "ad_tokens"
         WHERE "deleted_at" IS NULL AND "token_type" = 'page' GROUP BY 1) c
 WHERE s."id" = c.id;
INSERT INTO "workspace_page_counts" ("tenant_id", "pages", "active", "expiring", "expired", "revoked", "invalid", "unchecked", "none")
SELECT "tenant_id", count(*),
       count(*) FILTER (WHERE 'active' = ANY("token_statuses")), count(*) FILTER (WHERE 'expiring' = ANY("token_statuses")),
       count(*) FILTER (WHERE 'expired' = ANY("token_statuses")), count(*) FILTER (WHERE 'revoked' = ANY("token_statuses")),
       count(*) FILTER (WHERE 'invalid' = ANY("token_statuses")), count(*) FILTER (WHERE 'unchecked' = ANY("token_statuses")),
       count(*) FILTER (WHERE cardinality("token_statuses") = 0)
  FROM "facebook_pages" WHERE "deleted_at" IS NULL GROUP BY "tenant_id";
ALTER TABLE "facebook_pages" FORCE ROW LEVEL SECURITY;
ALTER TABLE "ad_tokens" FORCE ROW LEVEL SECURITY;
ALTER TABLE "social_identities" FORCE ROW LEVEL SECURITY;
ALTER TABLE "workspace_page_counts" FORCE ROW LEVEL SECURITY;
