-- Soft-deleted tokens keep their metadata, never their secret.
--
-- A soft-deleted ad_tokens row (disconnected, replaced by a reconnect, deauthorized, data deletion) is history: who,
-- which Page, when, which status. Its ciphertext is not needed for that, and a Page token never expires on Facebook,
-- so a kept ciphertext would stay a live credential for as long as the encryption key exists. From now on:
--
-- - the statement that soft-deletes a row (deleted_at NULL → NOT NULL) also erases its token, in the database,
--   whoever wrote the UPDATE: ciphertext becomes empty ('\x') and key_id becomes 'erased' (ERASED_KEY_ID in
--   lib/tokens/key-ring.ts; the key ring refuses that id for a real key);
-- - a row inserted already soft-deleted is erased the same way;
-- - soft-deleted history is final: un-deleting a row (deleted_at NOT NULL → NULL), or putting a ciphertext or a key id
--   back on an erased row, is refused (SQLSTATE 23514, constraint "ad_tokens_soft_delete_is_final"). Reconnecting
--   inserts a new row instead. Other columns of a soft-deleted row (status, last_error, …) stay writable.
-- - the rows soft-deleted before this migration are erased below.

CREATE FUNCTION "ad_tokens_erase_on_soft_delete"() RETURNS trigger
  LANGUAGE plpgsql
  SECURITY INVOKER
  SET search_path = pg_catalog, public
AS $$
BEGIN
  IF TG_OP = 'UPDATE' AND OLD."deleted_at" IS NOT NULL THEN
    IF NEW."deleted_at" IS NULL THEN
      RAISE EXCEPTION 'ad_tokens row % is soft-deleted and cannot be restored: its token was erased when it was disconnected (connect again instead)', OLD."id"
        USING ERRCODE = 'check_violation', CONSTRAINT = 'ad_tokens_soft_delete_is_final', TABLE = TG_TABLE_NAME, SCHEMA = TG_TABLE_SCHEMA;
    END IF;
    IF (octet_length(NEW."ciphertext") > 0 AND NEW."ciphertext" IS DISTINCT FROM OLD."ciphertext")
       OR (NEW."key_id" IS DISTINCT FROM OLD."key_id" AND NEW."key_id" <> 'erased') THEN
      RAISE EXCEPTION 'ad_tokens row % is soft-deleted: its token was erased and no ciphertext or key can be stored on it', OLD."id"
        USING ERRCODE = 'check_violation', CONSTRAINT = 'ad_tokens_soft_delete_is_final', TABLE = TG_TABLE_NAME, SCHEMA = TG_TABLE_SCHEMA;
    END IF;
  END IF;
  IF NEW."deleted_at" IS NOT NULL THEN
    -- Soft-deleted now, or already (then this is a no-op, or it erases a row the backfill below could not reach).
    NEW."ciphertext" := '\x'::bytea;
    NEW."key_id" := 'erased';
  END IF;
  RETURN NEW;
END
$$;

-- Only rows that are or become soft-deleted fire it: updates of active rows (health sweep, key rotation) skip it.
CREATE TRIGGER "ad_tokens_erase_on_soft_delete_update"
  BEFORE UPDATE ON "ad_tokens"
  FOR EACH ROW
  WHEN (OLD."deleted_at" IS NOT NULL OR NEW."deleted_at" IS NOT NULL)
  EXECUTE FUNCTION "ad_tokens_erase_on_soft_delete"();

CREATE TRIGGER "ad_tokens_erase_on_soft_delete_insert"
  BEFORE INSERT ON "ad_tokens"
  FOR EACH ROW
  WHEN (NEW."deleted_at" IS NOT NULL)
  EXECUTE FUNCTION "ad_tokens_erase_on_soft_delete"();

-- The app role cannot call it directly (it is a trigger function; revoking keeps it that way).
REVOKE ALL ON FUNCTION "ad_tokens_erase_on_soft_delete"() FROM PUBLIC;

-- Backfill: erase every row soft-deleted before this migration, in every tenant.
-- ad_tokens has FORCE ROW LEVEL SECURITY, which applies to its owner too unless the owner is a superuser (as in the
-- tests and the demo). On a hosted database whose migration owner is not a superuser, this UPDATE would see no
-- tenant context, match zero rows and silently erase nothing. So RLS is lifted for the owner (NO FORCE) for this one
-- statement and forced again right after. Both ALTERs run in this migration's transaction (lib/db/migrate.ts applies
-- each file in one), which holds an ACCESS EXCLUSIVE lock on ad_tokens until COMMIT: no other session ever sees the
-- table unforced, and a failure rolls the ALTERs back with everything else. The app role is not the owner, so RLS
-- keeps applying to it throughout (ENABLE stays on).
ALTER TABLE "ad_tokens" NO FORCE ROW LEVEL SECURITY;
UPDATE "ad_tokens" SET "ciphertext" = '\x'::bytea, "key_id" = 'erased'
  WHERE "deleted_at" IS NOT NULL AND ("key_id" <> 'erased' OR octet_length("ciphertext") > 0);
ALTER TABLE "ad_tokens" FORCE ROW LEVEL SECURITY;
