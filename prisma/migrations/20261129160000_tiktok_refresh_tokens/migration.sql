-- TikTok: a user token that carries a rotating refresh token.
--
-- TikTok's access tokens are short-lived (2 hours in the 2026 documentation) and every refresh returns a NEW refresh
-- token while the previous one stops working. So a TikTok user token row holds both, and both change together:
--
-- - "refresh_ciphertext": the refresh token, AES-256-GCM under the same key as "ciphertext" (the row's "key_id",
--   tenant id as associated data), so key rotation re-encrypts both in one statement. NULL for Facebook tokens.
-- - "refresh_expires_at": when the refresh token stops working (from "refresh_expires_in" of each TikTok answer,
--   never a constant). "expires_at" (existing) is the access token's expiry.
-- - "last_refreshed_at": when the pair was last renewed.
-- - "refresh_lease_until": a refresh run's claim (like "check_lease_until" of the health sweep): committed before
--   TikTok is called, so two runs never pick the same connection; the spend itself happens under a row lock.
ALTER TABLE "ad_tokens" ADD COLUMN "refresh_ciphertext" BYTEA;
ALTER TABLE "ad_tokens" ADD COLUMN "refresh_expires_at" TIMESTAMPTZ(3);
ALTER TABLE "ad_tokens" ADD COLUMN "last_refreshed_at" TIMESTAMPTZ(3);
ALTER TABLE "ad_tokens" ADD COLUMN "refresh_lease_until" TIMESTAMPTZ(3);

-- Only a user token can carry a refresh token.
ALTER TABLE "ad_tokens" ADD CONSTRAINT "ad_tokens_refresh_only_on_user_tokens"
  CHECK ("refresh_ciphertext" IS NULL OR "token_type" = 'user');

-- The refresh run looks for active TikTok tokens whose access token expires soon (or that were not renewed lately).
CREATE INDEX "ad_tokens_tiktok_refresh_due" ON "ad_tokens" ("expires_at")
  WHERE "deleted_at" IS NULL AND "platform" = 'tiktok' AND "refresh_ciphertext" IS NOT NULL;

-- Soft delete erases the refresh token too (same rules as the access token: erased in the statement that
-- soft-deletes, never put back).
CREATE OR REPLACE FUNCTION "ad_tokens_erase_on_soft_delete"() RETURNS trigger
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
       OR (NEW."key_id" IS DISTINCT FROM OLD."key_id" AND NEW."key_id" <> 'erased')
       OR (NEW."refresh_ciphertext" IS NOT NULL AND NEW."refresh_ciphertext" IS DISTINCT FROM OLD."refresh_ciphertext") THEN
      RAISE EXCEPTION 'ad_tokens row % is soft-deleted: its token was erased and no ciphertext or key can be stored on it', OLD."id"
        USING ERRCODE = 'check_violation', CONSTRAINT = 'ad_tokens_soft_delete_is_final', TABLE = TG_TABLE_NAME, SCHEMA = TG_TABLE_SCHEMA;
    END IF;
  END IF;
  IF NEW."deleted_at" IS NOT NULL THEN
    NEW."ciphertext" := '\x'::bytea;
    NEW."key_id" := 'erased';
    NEW."refresh_ciphertext" := NULL;
  END IF;
  RETURN NEW;
END
$$;
REVOKE ALL ON FUNCTION "ad_tokens_erase_on_soft_delete"() FROM PUBLIC;
