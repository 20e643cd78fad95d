-- The Pages list's "Last checked" order moves out of facebook_pages into a narrow table of its own, so that a
-- reconnect or a health check, which move a Page's last check and nothing else the list sorts by, no longer
-- rewrites the Page.
--
-- facebook_pages.oldest_check (the oldest last check of the Page's active tokens) was a column of facebook_pages with
-- an index of its own (facebook_pages_list_by_check). Any change to an indexed column makes PostgreSQL write a new
-- row version with an entry in every index of the table (nine here), so a reconnect of 1,000 Pages, whose new tokens
-- are all checked "now", rewrote 1,000 wide Page rows and 9,000 index entries (~22 ms, a third of the reconnect's
-- summary upkeep); the health sweep did the same for every Page it checked. Now page_check_order holds, per Page,
-- only what that order needs (the oldest check, the lower-cased name for ties, whether the Page is listed) with two
-- indexes, and facebook_pages is written only when its status summary (statuses, worst status, soonest expiry)
-- changes. A reconnect that keeps every status writes no Page row at all; it updates 1,000 narrow rows instead.
--
-- Kept exact like the other summaries, in the writing statement's transaction:
--  - ad_tokens_maintain_summaries (restated below, otherwise as in 20261129190100) writes the oldest check here;
--  - triggers on facebook_pages insert a Page's row and follow its name and listed state.
-- lib/workspace/page-counts.integration.test.ts rebuilds it from scratch after every kind of write and compares.

CREATE TABLE "page_check_order" (
    "facebook_page_id" UUID NOT NULL,
    "tenant_id" UUID NOT NULL,
    "oldest_check" TIMESTAMPTZ(3),
    "name_key" TEXT NOT NULL,
    "listed" BOOLEAN NOT NULL,
    CONSTRAINT "page_check_order_pkey" PRIMARY KEY ("facebook_page_id")
);
-- Derived data: it goes (and moves) with its Page (only the owner ever deletes Pages).
ALTER TABLE "page_check_order" ADD CONSTRAINT "page_check_order_page_same_tenant"
  FOREIGN KEY ("tenant_id", "facebook_page_id") REFERENCES "facebook_pages" ("tenant_id", "id") ON DELETE CASCADE ON UPDATE CASCADE;
-- Never checked first when ascending (as the list has always sorted); ties by name, then id. Descending reads it
-- backwards.
CREATE INDEX "page_check_order_list" ON "page_check_order" ("tenant_id", "oldest_check" NULLS FIRST, "name_key", "facebook_page_id")
  WHERE "listed";
GRANT SELECT, INSERT, UPDATE ON "page_check_order" TO social_app;
ALTER TABLE "page_check_order" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "page_check_order" FORCE ROW LEVEL SECURITY;
CREATE POLICY "tenant_isolation" ON "page_check_order"
  USING ("tenant_id" = NULLIF(current_setting('app.tenant_id', true), '')::uuid)
  WITH CHECK ("tenant_id" = NULLIF(current_setting('app.tenant_id', true), '')::uuid);

-- A new Page gets its row, never checked (no token can point at a Page before it exists; the token statement that
-- follows sets its oldest check): one statement for a connect's batch. A renamed, unlisted or listed-again Page's
-- row follows: a row trigger that fires only when an UPDATE sets name or deleted_at and one of them changed, so the
-- status summary rewrites never call it. SECURITY INVOKER: RLS applies, and the app role may write this table.
CREATE FUNCTION "facebook_pages_check_order_insert"() RETURNS trigger
  LANGUAGE plpgsql
  SECURITY INVOKER
  SET search_path = pg_catalog, public
AS $$
BEGIN
  INSERT INTO "page_check_order" ("facebook_page_id", "tenant_id", "oldest_check", "name_key", "listed")
  SELECT n."id", n."tenant_id", NULL, lower(n."name"), n."deleted_at" IS NULL FROM new_rows n ORDER BY n."id";
  RETURN NULL;
END
$$;
CREATE FUNCTION "facebook_pages_check_order_update"() RETURNS trigger
  LANGUAGE plpgsql
  SECURITY INVOKER
  SET search_path = pg_catalog, public
AS $$
BEGIN
  UPDATE "page_check_order" SET "name_key" = lower(NEW."name"), "listed" = NEW."deleted_at" IS NULL
   WHERE "facebook_page_id" = NEW."id";
  RETURN NULL;
END
$$;
REVOKE ALL ON FUNCTION "facebook_pages_check_order_insert"(), "facebook_pages_check_order_update"() FROM PUBLIC;
CREATE TRIGGER "facebook_pages_check_order_insert" AFTER INSERT ON "facebook_pages"
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "facebook_pages_check_order_insert"();
CREATE TRIGGER "facebook_pages_check_order_update" AFTER UPDATE OF "name", "deleted_at" ON "facebook_pages"
  FOR EACH ROW WHEN (OLD."name" IS DISTINCT FROM NEW."name" OR (OLD."deleted_at" IS NULL) <> (NEW."deleted_at" IS NULL))
  EXECUTE FUNCTION "facebook_pages_check_order_update"();

-- As in 20261129190100, except that the oldest check is written to page_check_order, and facebook_pages only when
-- its status summary changes.
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
    WITH a AS MATERIALIZED (
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
    ), pages AS (
      UPDATE "facebook_pages" p
         SET "token_statuses" = a.statuses, "worst_rank" = a.worst, "soonest_expiry" = a.soonest
        FROM a
       WHERE p."id" = a.pid
         AND (p."token_statuses", p."worst_rank", p."soonest_expiry") IS DISTINCT FROM (a.statuses, a.worst, a.soonest)
    )
    UPDATE "page_check_order" o SET "oldest_check" = a.checked
      FROM a
     WHERE o."facebook_page_id" = a.pid AND o."oldest_check" IS DISTINCT FROM a.checked;
  END IF;
  RETURN NULL;
END
$$;

-- Backfill (as in 20261129140000: FORCE lifted for the owner for this statement, inside this transaction), then the
-- column and its index go.
ALTER TABLE "page_check_order" NO FORCE ROW LEVEL SECURITY;
ALTER TABLE "facebook_pages" NO FORCE ROW LEVEL SECURITY;
INSERT INTO "page_check_order" ("facebook_page_id", "tenant_id", "oldest_check", "name_key", "listed")
SELECT "id", "tenant_id", "oldest_check", lower("name"), "deleted_at" IS NULL FROM "facebook_pages";
ALTER TABLE "page_check_order" FORCE ROW LEVEL SECURITY;
ALTER TABLE "facebook_pages" FORCE ROW LEVEL SECURITY;
DROP INDEX "facebook_pages_list_by_check";
ALTER TABLE "facebook_pages" DROP COLUMN "oldest_check";
