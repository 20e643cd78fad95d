-- The dashboard's Pages list as plpgsql functions that reuse their plans, and a name search whose cost follows the
-- matches instead of the Pages sharing the pattern's trigrams.
--
-- 1. Search. The trigram index (20261129190000) answers name ILIKE '%q%' with every Page holding all of q's
--    trigrams, then rechecks each one on the heap: numbered franchise Pages ("<Agency> Page 000123") share nearly
--    every trigram, so "Page 0001" read ~1,100 candidates (and ~240 index pages) for 100 matches in a 100,000-Page
--    workspace. A substring is a prefix of a suffix: the index now holds each listed Page's lower-cased name
--    suffixes (cut to 16 characters) as the lexemes of a tsvector, and a search is a GIN prefix match on them
--    (tsquery 'q':*), so it reads the keys that start with q: the matches themselves. A needle longer than 16
--    characters matches its first and its last 16 exactly. Every result is rechecked with the same ILIKE as before
--    (%, _ and \ match themselves), so what matches does not change. The index keeps tenant_id as its first column
--    (btree_gin), as the trigram index did, and lives on a narrow table of the listed Pages' names
--    (facebook_page_names), so the Pages' summary rewrites no longer write a name index at all. The trigram index
--    and workspace_page_ids_matching go: nothing else read them (dashboard list, bulk actions and
--    GET /api/v1/pages?search= all call workspace_page_ids_containing now). Size: 63 MB for 112,000 bench Pages
--    built at once, 93 MB grown row by row (against 13 MB of trigrams); the names table itself 9 MB.
--
-- 2. Planning. The Pages list was planned on every render (~0.3–1 ms, a third of it). dashboard_pages_json holds one
--    static statement per sort order and direction (each walks its index, ascending forwards, descending
--    backwards), and one for a name search (the matches sorted in memory); plpgsql prepares each once per connection
--    and reuses a generic plan, as dashboard_identities_json does (20261130000700). The "has Instagram" and "this
--    login" filters stay dynamic SQL in lib/workspace/dashboard-data.ts (they scan the workspace anyway) and share
--    the shown rows' JSON through dashboard_page_rows_json.
--
-- All of it works on PGlite too (tsvector and GIN are core; btree_gin is loaded by the demo already).

-- The lexemes a Page name is found by: each suffix of lower(name), cut to 16 characters. IMMUTABLE (lower is), so it
-- can be indexed. An empty name has none. plpgsql: it runs for every new row version of facebook_pages (the summary
-- triggers' updates too), and a loop costs half what one SQL statement over generate_series does (~3.5 µs a name).
-- Every call is schema-qualified instead of a SET search_path (which costs a GUC switch per call).
CREATE FUNCTION page_name_suffixes(name text) RETURNS tsvector
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE
AS $$
DECLARE
  s text := pg_catalog.lower(name);
  lexemes text[] := '{}';
BEGIN
  FOR i IN 1 .. pg_catalog.char_length(s) LOOP
    lexemes := pg_catalog.array_append(lexemes, pg_catalog.substr(s, i, 16));
  END LOOP;
  RETURN pg_catalog.array_to_tsvector(lexemes);
END
$$;

-- The query for names containing needle (not empty): up to 16 characters, a prefix match; longer, an exact match of
-- its first and of its last 16 characters (both are suffix lexemes of such a name, cut to 16), to be rechecked.
-- Lexemes are quoted (a quote doubled, a backslash escaped), so nothing in needle is tsquery syntax.
CREATE FUNCTION page_name_tsquery(needle text) RETURNS tsquery
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
AS $$
  SELECT (CASE WHEN pg_catalog.char_length(n.s) <= 16
               THEN '''' || pg_catalog.replace(pg_catalog.replace(n.s, '\', '\\'), '''', '''''') || ''':*'
               ELSE '''' || pg_catalog.replace(pg_catalog.replace(pg_catalog."left"(n.s, 16), '\', '\\'), '''', '''''') || ''' & '''
                    || pg_catalog.replace(pg_catalog.replace(pg_catalog."right"(n.s, 16), '\', '\\'), '''', '''''') || '''' END)::pg_catalog.tsquery
    FROM (SELECT pg_catalog.lower(needle) AS s) n
$$;

-- The listed Pages' names, for the search alone. Not on facebook_pages itself: every summary rewrite of a Page (the
-- token triggers, a reconnect's ~1,000) is a non-HOT update that writes a new entry into every index of the table,
-- and ~25 mostly unique suffix keys a Page cost ~40 µs a row there (measured: 1,000 summary updates 82 ms with the
-- suffix index, 47 ms with the trigram index, 40 ms with neither). Here a row changes only when its Page is added,
-- renamed, unlisted or listed again. Kept by the triggers below in the writer's transaction; only the definer's
-- functions read or write it (the app role has no grant at all).
CREATE TABLE "facebook_page_names" (
    "page_id" UUID NOT NULL,
    "tenant_id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    CONSTRAINT "facebook_page_names_pkey" PRIMARY KEY ("page_id")
);
ALTER TABLE "facebook_page_names" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "facebook_page_names" FORCE ROW LEVEL SECURITY;
CREATE POLICY "tenant_isolation" ON "facebook_page_names"
  USING ("tenant_id" = NULLIF(current_setting('app.tenant_id', true), '')::uuid)
  WITH CHECK ("tenant_id" = NULLIF(current_setting('app.tenant_id', true), '')::uuid);
DO $$ BEGIN
  EXECUTE format('CREATE POLICY "definer_all" ON "facebook_page_names" FOR ALL TO %I USING (true) WITH CHECK (true)', current_user);
END $$;

-- New Pages (one statement for a connect's batch), renamed / unlisted / listed-again Pages (a row trigger that fires
-- only when an UPDATE sets name or deleted_at and one of them changed: the summary rewrites never call it), and
-- removed rows. SECURITY DEFINER: the app role writes facebook_pages, not this table.
CREATE FUNCTION "facebook_page_names_insert"() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, public
AS $$
BEGIN
  INSERT INTO facebook_page_names (page_id, tenant_id, name)
  SELECT n.id, n.tenant_id, n.name FROM new_rows n WHERE n.deleted_at IS NULL;
  RETURN NULL;
END
$$;
CREATE FUNCTION "facebook_page_names_update"() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, public
AS $$
BEGIN
  IF NEW.deleted_at IS NULL THEN
    INSERT INTO facebook_page_names (page_id, tenant_id, name) VALUES (NEW.id, NEW.tenant_id, NEW.name)
    ON CONFLICT (page_id) DO UPDATE SET tenant_id = EXCLUDED.tenant_id, name = EXCLUDED.name;
  ELSE
    DELETE FROM facebook_page_names WHERE page_id = NEW.id;
  END IF;
  RETURN NULL;
END
$$;
CREATE FUNCTION "facebook_page_names_delete"() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, public
AS $$
BEGIN
  DELETE FROM facebook_page_names f USING old_rows o WHERE f.page_id = o.id;
  RETURN NULL;
END
$$;
REVOKE ALL ON FUNCTION "facebook_page_names_insert"(), "facebook_page_names_update"(), "facebook_page_names_delete"() FROM PUBLIC;
CREATE TRIGGER "facebook_page_names_insert" AFTER INSERT ON "facebook_pages"
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "facebook_page_names_insert"();
CREATE TRIGGER "facebook_page_names_update" AFTER UPDATE OF "name", "deleted_at", "tenant_id" ON "facebook_pages"
  FOR EACH ROW WHEN (OLD."name" IS DISTINCT FROM NEW."name" OR (OLD."deleted_at" IS NULL) <> (NEW."deleted_at" IS NULL)
                     OR OLD."tenant_id" IS DISTINCT FROM NEW."tenant_id")
  EXECUTE FUNCTION "facebook_page_names_update"();
CREATE TRIGGER "facebook_page_names_delete" AFTER DELETE ON "facebook_pages"
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION "facebook_page_names_delete"();

INSERT INTO "facebook_page_names" ("page_id", "tenant_id", "name")
SELECT "id", "tenant_id", "name" FROM "facebook_pages" WHERE "deleted_at" IS NULL;

CREATE INDEX "facebook_page_names_search" ON "facebook_page_names" USING gin ("tenant_id", page_name_suffixes("name"));

-- The ids of the context workspace's listed Pages whose name contains needle (case-insensitive, as ILIKE '%needle%'
-- with %, _ and \ escaped). SECURITY DEFINER as workspace_page_ids_matching was (under row-level security the app
-- role's own @@ / ILIKE could not use an index ahead of the policy, and it cannot read facebook_page_names at all). It
-- applies the tenant condition itself from the same app.tenant_id the policies read: it returns nothing another
-- workspace holds, nothing without a context, and only ids.
CREATE FUNCTION workspace_page_ids_containing(needle text) RETURNS SETOF uuid
LANGUAGE plpgsql STABLE STRICT SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
SET plan_cache_mode = force_generic_plan
ROWS 100
AS $$
DECLARE
  pattern text := '%' || replace(replace(replace(needle, '\', '\\'), '%', '\%'), '_', '\_') || '%';
BEGIN
  IF needle = '' THEN
    RETURN QUERY SELECT n.page_id FROM public.facebook_page_names n
                  WHERE n.tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid;
    RETURN;
  END IF;
  RETURN QUERY
    SELECT n.page_id FROM public.facebook_page_names n
     WHERE n.tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid
       AND public.page_name_suffixes(n.name) @@ public.page_name_tsquery(needle)
       AND n.name ILIKE pattern;
END
$$;
REVOKE ALL ON FUNCTION workspace_page_ids_containing(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION workspace_page_ids_containing(text) TO social_app;

DROP FUNCTION "workspace_page_ids_matching"(TEXT);
DROP INDEX "facebook_pages_name_search";
-- The definer read facebook_pages through this policy for the old search and the backfill above; nothing does now.
DROP POLICY "definer_name_search" ON "facebook_pages";

-- The shown Pages' JSON, in the order of p_ids: each Page with its active tokens (oldest first; the Facebook person
-- and the member who connected it) and its Instagram accounts. The same JSON the list statement built per Page with
-- two subqueries; here the shown Pages' tokens and accounts are read and grouped once (~15% less). SECURITY
-- INVOKER: RLS applies.
CREATE FUNCTION dashboard_page_rows_json(p_ids uuid[]) RETURNS json
LANGUAGE plpgsql STABLE SECURITY INVOKER
SET search_path = public
SET plan_cache_mode = force_generic_plan
AS $$
BEGIN
  RETURN COALESCE((
    SELECT json_agg(json_build_object(
             'id', p.id, 'name', p.name, 'category', p.category, 'pictureUrl', p.picture_url, 'tasks', p.tasks,
             'tokens', COALESCE(tk.list, '[]'::json), 'instagram', COALESCE(ig.list, '[]'::json)) ORDER BY o.ord)
      FROM unnest(p_ids) WITH ORDINALITY AS o(id, ord)
      JOIN facebook_pages p ON p.id = o.id
      LEFT JOIN (
        SELECT t.facebook_page_id AS page_id,
               json_agg(json_build_object(
                 'id', t.id, 'status', t.status, 'expiresAt', t.expires_at,
                 'dataAccessExpiresAt', t.data_access_expires_at, 'lastCheckedAt', t.last_checked_at,
                 'lastError', t.last_error, 'identityName', s.name, 'ownerName', u.name,
                 'socialIdentityId', t.social_identity_id, 'scopes', t.scopes, 'declinedScopes', s.declined_scopes
               ) ORDER BY t.created_at) AS list
          FROM ad_tokens t
          JOIN social_identities s ON s.id = t.social_identity_id
          LEFT JOIN users u ON u.id = t.user_id
         WHERE t.facebook_page_id = ANY (p_ids) AND t.deleted_at IS NULL
         GROUP BY t.facebook_page_id
      ) tk ON tk.page_id = p.id
      LEFT JOIN (
        SELECT i.facebook_page_id AS page_id,
               json_agg(json_build_object('id', i.id, 'igUserId', i.ig_user_id, 'username', i.username,
                                          'name', i.name, 'pictureUrl', i.picture_url) ORDER BY i.ig_user_id) AS list
          FROM instagram_accounts i
         WHERE i.facebook_page_id = ANY (p_ids) AND i.deleted_at IS NULL
         GROUP BY i.facebook_page_id
      ) ig ON ig.page_id = p.id
  ), '[]'::json);
END
$$;
REVOKE ALL ON FUNCTION dashboard_page_rows_json(uuid[]) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION dashboard_page_rows_json(uuid[]) TO social_app;

-- The Pages list without the "has Instagram" / "this login" filters (lib/workspace/dashboard-data.ts listPagesPage):
-- {summary, rows}, the same JSON as the dynamic statement it replaces. p_sort: name | status | expires | checked |
-- category; p_status: a token status, a data-access status, 'none' or NULL; p_needle: the name search or NULL.
-- Without a search the shown page is read through the sort order's index (LIMIT/OFFSET) and the counts from the
-- workspace's summary row (a data-access status filter counts the workspace: the summary has no columns for them);
-- with one, the matches come from workspace_page_ids_containing and are counted and sorted in memory.
CREATE FUNCTION dashboard_pages_json(p_sort text, p_desc boolean, p_status text, p_needle text, p_limit integer, p_offset integer)
RETURNS json
LANGUAGE plpgsql STABLE SECURITY INVOKER
SET search_path = public
SET plan_cache_mode = force_generic_plan
AS $$
DECLARE
  v_all boolean := p_status IS NULL;
  v_none boolean := p_status = 'none';
  v_status token_status := CASE WHEN p_status IS NULL OR p_status = 'none' THEN NULL ELSE p_status::token_status END;
  v_matched uuid[];
  v_ids uuid[];
  v_summary json;
BEGIN
  IF p_sort IS NULL OR p_sort NOT IN ('name', 'status', 'expires', 'checked', 'category') THEN
    RAISE EXCEPTION 'dashboard_pages_json: unknown sort %', p_sort USING ERRCODE = '22023';
  END IF;

  IF p_needle IS NOT NULL THEN
    v_matched := ARRAY(SELECT workspace_page_ids_containing(p_needle));
    -- One read of the matches: their counts, and the shown page in the same orders as the indexes below (as sort
    -- keys: a key that is not the chosen sort is NULL for every row).
    WITH m AS MATERIALIZED (
      SELECT p.id, p.name, p.category, p.token_statuses, p.worst_rank, p.soonest_expiry, o.oldest_check
        FROM facebook_pages p LEFT JOIN page_check_order o ON o.facebook_page_id = p.id
       WHERE p.id = ANY (v_matched) AND p.deleted_at IS NULL
    )
    SELECT (
      SELECT json_build_object(
        'tenantTotal', (SELECT c.pages FROM workspace_page_counts c), 'searchedTotal', count(*),
        'counts', json_build_object(
          'active', count(*) FILTER (WHERE m.token_statuses @> ARRAY['active'::token_status]),
          'expiring', count(*) FILTER (WHERE m.token_statuses @> ARRAY['expiring'::token_status]),
          'expired', count(*) FILTER (WHERE m.token_statuses @> ARRAY['expired'::token_status]),
          'revoked', count(*) FILTER (WHERE m.token_statuses @> ARRAY['revoked'::token_status]),
          'invalid', count(*) FILTER (WHERE m.token_statuses @> ARRAY['invalid'::token_status]),
          'unchecked', count(*) FILTER (WHERE m.token_statuses @> ARRAY['unchecked'::token_status]),
          'data_access_expiring', count(*) FILTER (WHERE m.token_statuses @> ARRAY['data_access_expiring'::token_status]),
          'data_access_expired', count(*) FILTER (WHERE m.token_statuses @> ARRAY['data_access_expired'::token_status]),
          'none', count(*) FILTER (WHERE cardinality(m.token_statuses) = 0)))
      FROM m),
      ARRAY(
      SELECT m.id FROM m
       WHERE v_all OR (v_none AND cardinality(m.token_statuses) = 0) OR m.token_statuses @> ARRAY[v_status]
       ORDER BY CASE WHEN p_sort = 'status' AND NOT p_desc THEN m.worst_rank END DESC,
                CASE WHEN p_sort = 'status' AND p_desc THEN m.worst_rank END ASC,
                CASE WHEN p_sort = 'expires' AND NOT p_desc THEN m.soonest_expiry END ASC NULLS LAST,
                CASE WHEN p_sort = 'expires' AND p_desc THEN m.soonest_expiry END DESC NULLS FIRST,
                CASE WHEN p_sort = 'checked' AND NOT p_desc THEN m.oldest_check END ASC NULLS FIRST,
                CASE WHEN p_sort = 'checked' AND p_desc THEN m.oldest_check END DESC NULLS LAST,
                CASE WHEN p_sort = 'category' AND NOT p_desc THEN lower(m.category) END ASC NULLS LAST,
                CASE WHEN p_sort = 'category' AND p_desc THEN lower(m.category) END DESC NULLS FIRST,
                CASE WHEN NOT p_desc THEN lower(m.name) END ASC,
                CASE WHEN NOT p_desc THEN m.id END ASC,
                CASE WHEN p_desc THEN lower(m.name) END DESC,
                CASE WHEN p_desc THEN m.id END DESC
       LIMIT p_limit OFFSET p_offset)
      INTO v_summary, v_ids;
    RETURN json_build_object('summary', v_summary, 'rows', dashboard_page_rows_json(v_ids));
  END IF;

  IF p_status IN ('data_access_expiring', 'data_access_expired') THEN
    v_summary := (
      SELECT json_build_object(
        'tenantTotal', (SELECT c.pages FROM workspace_page_counts c), 'searchedTotal', count(*),
        'counts', json_build_object(
          'active', count(*) FILTER (WHERE p.token_statuses @> ARRAY['active'::token_status]),
          'expiring', count(*) FILTER (WHERE p.token_statuses @> ARRAY['expiring'::token_status]),
          'expired', count(*) FILTER (WHERE p.token_statuses @> ARRAY['expired'::token_status]),
          'revoked', count(*) FILTER (WHERE p.token_statuses @> ARRAY['revoked'::token_status]),
          'invalid', count(*) FILTER (WHERE p.token_statuses @> ARRAY['invalid'::token_status]),
          'unchecked', count(*) FILTER (WHERE p.token_statuses @> ARRAY['unchecked'::token_status]),
          'data_access_expiring', count(*) FILTER (WHERE p.token_statuses @> ARRAY['data_access_expiring'::token_status]),
          'data_access_expired', count(*) FILTER (WHERE p.token_statuses @> ARRAY['data_access_expired'::token_status]),
          'none', count(*) FILTER (WHERE cardinality(p.token_statuses) = 0)))
      FROM facebook_pages p WHERE p.deleted_at IS NULL);
  ELSE
    v_summary := (
      SELECT json_build_object(
        'tenantTotal', c.pages, 'searchedTotal', c.pages,
        'counts', json_build_object('active', c.active, 'expiring', c.expiring, 'expired', c.expired, 'revoked', c.revoked,
                                    'invalid', c.invalid, 'unchecked', c.unchecked, 'none', c.none))
      FROM workspace_page_counts c);
  END IF;

  -- One statement per order: each reads facebook_pages_list_by_<key> (20261129140000; "checked": page_check_order_list,
  -- 20261130000800), descending backwards.
  IF p_sort = 'name' AND NOT p_desc THEN
    v_ids := ARRAY(SELECT p.id FROM facebook_pages p WHERE p.deleted_at IS NULL
                     AND (v_all OR (v_none AND cardinality(p.token_statuses) = 0) OR p.token_statuses @> ARRAY[v_status])
                   ORDER BY lower(p.name), p.id LIMIT p_limit OFFSET p_offset);
  ELSIF p_sort = 'name' THEN
    v_ids := ARRAY(SELECT p.id FROM facebook_pages p WHERE p.deleted_at IS NULL
                     AND (v_all OR (v_none AND cardinality(p.token_statuses) = 0) OR p.token_statuses @> ARRAY[v_status])
                   ORDER BY lower(p.name) DESC, p.id DESC LIMIT p_limit OFFSET p_offset);
  ELSIF p_sort = 'status' AND NOT p_desc THEN
    v_ids := ARRAY(SELECT p.id FROM facebook_pages p WHERE p.deleted_at IS NULL
                     AND (v_all OR (v_none AND cardinality(p.token_statuses) = 0) OR p.token_statuses @> ARRAY[v_status])
                   ORDER BY p.worst_rank DESC, lower(p.name), p.id LIMIT p_limit OFFSET p_offset);
  ELSIF p_sort = 'status' THEN
    v_ids := ARRAY(SELECT p.id FROM facebook_pages p WHERE p.deleted_at IS NULL
                     AND (v_all OR (v_none AND cardinality(p.token_statuses) = 0) OR p.token_statuses @> ARRAY[v_status])
                   ORDER BY p.worst_rank ASC, lower(p.name) DESC, p.id DESC LIMIT p_limit OFFSET p_offset);
  ELSIF p_sort = 'expires' AND NOT p_desc THEN
    v_ids := ARRAY(SELECT p.id FROM facebook_pages p WHERE p.deleted_at IS NULL
                     AND (v_all OR (v_none AND cardinality(p.token_statuses) = 0) OR p.token_statuses @> ARRAY[v_status])
                   ORDER BY p.soonest_expiry ASC NULLS LAST, lower(p.name), p.id LIMIT p_limit OFFSET p_offset);
  ELSIF p_sort = 'expires' THEN
    v_ids := ARRAY(SELECT p.id FROM facebook_pages p WHERE p.deleted_at IS NULL
                     AND (v_all OR (v_none AND cardinality(p.token_statuses) = 0) OR p.token_statuses @> ARRAY[v_status])
                   ORDER BY p.soonest_expiry DESC NULLS FIRST, lower(p.name) DESC, p.id DESC LIMIT p_limit OFFSET p_offset);
  ELSIF p_sort = 'checked' AND NOT p_desc THEN
    -- The check order's own table (20261130000800), walked by page_check_order_list; the Page row for the filter.
    v_ids := ARRAY(SELECT o.facebook_page_id FROM page_check_order o JOIN facebook_pages p ON p.id = o.facebook_page_id
                    WHERE o.listed AND p.deleted_at IS NULL
                      AND (v_all OR (v_none AND cardinality(p.token_statuses) = 0) OR p.token_statuses @> ARRAY[v_status])
                    ORDER BY o.oldest_check ASC NULLS FIRST, o.name_key, o.facebook_page_id LIMIT p_limit OFFSET p_offset);
  ELSIF p_sort = 'checked' THEN
    v_ids := ARRAY(SELECT o.facebook_page_id FROM page_check_order o JOIN facebook_pages p ON p.id = o.facebook_page_id
                    WHERE o.listed AND p.deleted_at IS NULL
                      AND (v_all OR (v_none AND cardinality(p.token_statuses) = 0) OR p.token_statuses @> ARRAY[v_status])
                    ORDER BY o.oldest_check DESC NULLS LAST, o.name_key DESC, o.facebook_page_id DESC LIMIT p_limit OFFSET p_offset);
  ELSIF NOT p_desc THEN
    v_ids := ARRAY(SELECT p.id FROM facebook_pages p WHERE p.deleted_at IS NULL
                     AND (v_all OR (v_none AND cardinality(p.token_statuses) = 0) OR p.token_statuses @> ARRAY[v_status])
                   ORDER BY lower(p.category) ASC NULLS LAST, lower(p.name), p.id LIMIT p_limit OFFSET p_offset);
  ELSE
    v_ids := ARRAY(SELECT p.id FROM facebook_pages p WHERE p.deleted_at IS NULL
                     AND (v_all OR (v_none AND cardinality(p.token_statuses) = 0) OR p.token_statuses @> ARRAY[v_status])
                   ORDER BY lower(p.category) DESC NULLS FIRST, lower(p.name) DESC, p.id DESC LIMIT p_limit OFFSET p_offset);
  END IF;
  RETURN json_build_object('summary', v_summary, 'rows', dashboard_page_rows_json(v_ids));
END
$$;
REVOKE ALL ON FUNCTION dashboard_pages_json(text, boolean, text, text, integer, integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION dashboard_pages_json(text, boolean, text, text, integer, integer) TO social_app;
