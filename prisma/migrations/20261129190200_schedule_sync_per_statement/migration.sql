-- The health sweep's schedule (token_check_schedule, migration 20261129120000) kept in step with ad_tokens by one
-- trigger call per STATEMENT instead of one per row: a connect of 1,000 Pages retires 1,001 tokens and inserts
-- 1,001 (2,002 row trigger calls, 60–120 ms of its transaction); now two statements over the transition tables.
-- Same rules as before, per row of the statement: a live Facebook token is upserted with next_check_at the later of
-- its own and its lease's end; a deleted or non-Facebook token leaves the schedule. Rows are written in token id
-- order, so two statements upserting the same tokens lock them in one order.
CREATE FUNCTION sync_token_check_schedule_rows() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
DECLARE
  ids uuid[];
  gone uuid[];
BEGIN
  IF TG_OP = 'INSERT' THEN
    SELECT array_agg(n.id) INTO ids FROM new_rows n;
  ELSE
    -- Only rows whose schedule inputs changed (the row trigger fired for UPDATE OF these columns; a column list is
    -- not allowed with transition tables).
    SELECT array_agg(n.id) INTO ids FROM new_rows n JOIN old_rows o ON o.id = n.id
     WHERE (n.next_check_at, n.check_lease_until, n.deleted_at, n.platform)
           IS DISTINCT FROM (o.next_check_at, o.check_lease_until, o.deleted_at, o.platform);
  END IF;
  IF ids IS NULL THEN
    RETURN NULL;
  END IF;
  -- By primary key (an array of ids, not a join the planner would answer by reading the whole schedule).
  SELECT array_agg(n.id) INTO gone FROM new_rows n JOIN unnest(ids) AS c(id) ON c.id = n.id
   WHERE n.deleted_at IS NOT NULL OR n.platform <> 'facebook';
  IF gone IS NOT NULL THEN
    DELETE FROM token_check_schedule WHERE token_id = ANY(gone);
  END IF;
  INSERT INTO token_check_schedule (token_id, tenant_id, next_check_at, lease_until)
  SELECT n.id, n.tenant_id, GREATEST(n.next_check_at, COALESCE(n.check_lease_until, n.next_check_at)), n.check_lease_until
    FROM new_rows n JOIN unnest(ids) AS c(id) ON c.id = n.id
   WHERE n.deleted_at IS NULL AND n.platform = 'facebook'
   ORDER BY n.id
  ON CONFLICT (token_id) DO UPDATE
    SET next_check_at = EXCLUDED.next_check_at, lease_until = EXCLUDED.lease_until;
  RETURN NULL;
END $$;
REVOKE ALL ON FUNCTION sync_token_check_schedule_rows() FROM PUBLIC;

DROP TRIGGER "ad_tokens_sync_schedule" ON "ad_tokens";
DROP FUNCTION sync_token_check_schedule();
CREATE TRIGGER "ad_tokens_sync_schedule_insert"
  AFTER INSERT ON "ad_tokens"
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION sync_token_check_schedule_rows();
CREATE TRIGGER "ad_tokens_sync_schedule_update"
  AFTER UPDATE ON "ad_tokens"
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION sync_token_check_schedule_rows();
