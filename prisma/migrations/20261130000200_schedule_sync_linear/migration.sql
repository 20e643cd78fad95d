-- The schedule trigger of 20261129190200, linear in the statement's rows. It found the changed rows with a join of
-- the two transition tables (and then joined them again with an array of ids); the planner estimates one row for a
-- transition table, so each join ran as a nested loop: a reconnect of 1,000 Pages compared 1,001 × 1,001 rows,
-- three times. Now the changed rows are a set difference (EXCEPT: hashed or sorted, linear), read once, and both
-- writes come from it in one statement, the same for an INSERT (every new row) and an UPDATE. Same rules: a live
-- Facebook token is upserted with next_check_at the later of its own and its lease's end; a deleted or non-Facebook
-- token leaves the schedule; rows in token id order.
CREATE OR REPLACE FUNCTION sync_token_check_schedule_rows() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
DECLARE
  changed text;
BEGIN
  -- Transition tables exist only for their own event, so the changed rows' source is chosen per event: every
  -- inserted row; for an UPDATE only rows whose schedule inputs changed (a column list is not allowed with
  -- transition tables).
  changed := CASE TG_OP
    WHEN 'INSERT' THEN 'SELECT id, tenant_id, next_check_at, check_lease_until, deleted_at, platform FROM new_rows'
    ELSE 'SELECT id, tenant_id, next_check_at, check_lease_until, deleted_at, platform FROM new_rows
          EXCEPT SELECT id, tenant_id, next_check_at, check_lease_until, deleted_at, platform FROM old_rows'
  END;
  EXECUTE format($q$
    WITH changed AS MATERIALIZED (%s),
    gone AS (
      -- By primary key (an array of ids, not a join the planner would answer by reading the whole schedule).
      DELETE FROM token_check_schedule
       WHERE token_id = ANY (ARRAY(SELECT c.id FROM changed c WHERE c.deleted_at IS NOT NULL OR c.platform <> 'facebook'))
    )
    INSERT INTO token_check_schedule (token_id, tenant_id, next_check_at, lease_until)
    SELECT c.id, c.tenant_id, GREATEST(c.next_check_at, COALESCE(c.check_lease_until, c.next_check_at)), c.check_lease_until
      FROM changed c
     WHERE c.deleted_at IS NULL AND c.platform = 'facebook'
     ORDER BY c.id
    ON CONFLICT (token_id) DO UPDATE
      SET next_check_at = EXCLUDED.next_check_at, lease_until = EXCLUDED.lease_until
  $q$, changed);
  RETURN NULL;
END $$;
REVOKE ALL ON FUNCTION sync_token_check_schedule_rows() FROM PUBLIC;
