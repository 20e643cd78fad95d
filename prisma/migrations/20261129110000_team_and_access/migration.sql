-- Team and access: invitations with consent, sessions that can end, single-use connect intents, Meta signed_request
-- replay protection.

-- Invitations (tenant-owned) -------------------------------------------------------------------------
-- Only a SHA-256 hash of the link's token is stored: the token itself exists only in the email. An invitation is
-- pending while accepted_at, declined_at and revoked_at are all NULL and expires_at is in the future.
CREATE TABLE "invitations" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "tenant_id" UUID NOT NULL,
    "email" TEXT NOT NULL,
    "role" "member_role" NOT NULL,
    "token_hash" BYTEA NOT NULL,
    "invited_by" UUID NOT NULL,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    "sent_count" INTEGER NOT NULL DEFAULT 1,
    "last_sent_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "accepted_at" TIMESTAMPTZ(3),
    "accepted_by" UUID,
    "declined_at" TIMESTAMPTZ(3),
    "revoked_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "deleted_at" TIMESTAMPTZ(3),
    CONSTRAINT "invitations_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "invitations_token_hash_key" ON "invitations"("token_hash");
CREATE INDEX "invitations_tenant_id_created_at_idx" ON "invitations"("tenant_id", "created_at");
-- One open invitation per (workspace, email): re-inviting resends the open one.
CREATE UNIQUE INDEX "invitations_one_open_per_email" ON "invitations" ("tenant_id", lower("email"))
  WHERE "accepted_at" IS NULL AND "declined_at" IS NULL AND "revoked_at" IS NULL AND "deleted_at" IS NULL;
ALTER TABLE "invitations" ADD CONSTRAINT "invitations_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id");
ALTER TABLE "invitations" ADD CONSTRAINT "invitations_invited_by_fkey" FOREIGN KEY ("invited_by") REFERENCES "users"("id");
ALTER TABLE "invitations" ADD CONSTRAINT "invitations_accepted_by_fkey" FOREIGN KEY ("accepted_by") REFERENCES "users"("id");
ALTER TABLE "invitations" ADD CONSTRAINT "invitations_one_outcome"
  CHECK (num_nonnulls("accepted_at", "declined_at", "revoked_at") <= 1);

GRANT SELECT, INSERT, UPDATE ON "invitations" TO social_app;
ALTER TABLE "invitations" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "invitations" FORCE ROW LEVEL SECURITY;
CREATE POLICY "tenant_isolation" ON "invitations"
  USING ("tenant_id" = NULLIF(current_setting('app.tenant_id', true), '')::uuid)
  WITH CHECK ("tenant_id" = NULLIF(current_setting('app.tenant_id', true), '')::uuid);

-- The invitee holds only the link's token, not the workspace: with the token's hash in app.invitation_token_hash
-- (set by the app from the link, transaction-local), that one invitation is readable, nothing else. Accepting or
-- declining then runs in the invitation's workspace context.
CREATE POLICY "invitee_lookup" ON "invitations" FOR SELECT
  USING ("token_hash" = decode(NULLIF(current_setting('app.invitation_token_hash', true), ''), 'hex'));

-- Sessions that can end ------------------------------------------------------------------------------
-- The session cookie (a JWT) carries the person's session generation and a session id. "Sign out everywhere" and
-- removal from every workspace bump the generation (every older cookie is refused); signing out records the one
-- session id as ended until the cookie would have expired anyway.
ALTER TABLE "users" ADD COLUMN "session_generation" INTEGER NOT NULL DEFAULT 0;

CREATE TABLE "ended_sessions" (
    "session_id" UUID NOT NULL,
    "user_id" UUID NOT NULL,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "ended_sessions_pkey" PRIMARY KEY ("session_id")
);
CREATE INDEX "ended_sessions_expires_at_idx" ON "ended_sessions"("expires_at");
ALTER TABLE "ended_sessions" ADD CONSTRAINT "ended_sessions_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE;
GRANT SELECT, INSERT, DELETE ON "ended_sessions" TO social_app;

-- Single-use connect intents -------------------------------------------------------------------------
-- The connect-intent cookie names a random id; the callback records it here before writing anything, so a
-- replayed cookie finds its id taken and connects nothing.
CREATE TABLE "used_connect_intents" (
    "intent_id" UUID NOT NULL,
    "user_id" UUID NOT NULL,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    "used_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "used_connect_intents_pkey" PRIMARY KEY ("intent_id")
);
GRANT SELECT, INSERT, DELETE ON "used_connect_intents" TO social_app;

-- Meta signed_request replay -------------------------------------------------------------------------
-- Each processed deauthorize / data-deletion request, by the SHA-256 of its signed_request, for the accepted age
-- window: a replay is answered as the first (same confirmation code) and changes nothing.
CREATE TABLE "processed_signed_requests" (
    "request_hash" BYTEA NOT NULL,
    "kind" TEXT NOT NULL,
    "confirmation_code" TEXT,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "processed_signed_requests_pkey" PRIMARY KEY ("request_hash")
);
GRANT SELECT, INSERT, DELETE ON "processed_signed_requests" TO social_app;

-- Removing a person from their last workspace ends their sessions. The remover works in one workspace's RLS context
-- and cannot see the person's other memberships: this function (owner's rights) checks them and bumps the
-- generation only when none is left. It answers whether it did.
CREATE FUNCTION "end_sessions_if_no_workspace"(p_user_id UUID) RETURNS BOOLEAN
  LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  saved_tenant TEXT := current_setting('app.tenant_id', true);
  saved_user TEXT := current_setting('app.user_id', true);
  remaining BOOLEAN;
BEGIN
  -- The person's own context (no workspace): RLS then shows exactly their memberships, even to a non-superuser owner.
  PERFORM set_config('app.tenant_id', '', true), set_config('app.user_id', p_user_id::text, true);
  SELECT EXISTS (SELECT 1 FROM "memberships" m JOIN "tenants" t ON t."id" = m."tenant_id"
                 WHERE m."user_id" = p_user_id AND m."deleted_at" IS NULL AND t."deleted_at" IS NULL) INTO remaining;
  PERFORM set_config('app.tenant_id', coalesce(saved_tenant, ''), true), set_config('app.user_id', coalesce(saved_user, ''), true);
  IF remaining THEN
    RETURN false;
  END IF;
  UPDATE "users" SET "session_generation" = "session_generation" + 1 WHERE "id" = p_user_id;
  RETURN true;
END
$$;
REVOKE ALL ON FUNCTION "end_sessions_if_no_workspace"(UUID) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION "end_sessions_if_no_workspace"(UUID) TO social_app;

-- Workspaces a person created (the cap MAX_WORKSPACES_PER_PERSON counts these). Unknown for older workspaces.
ALTER TABLE "tenants" ADD COLUMN "created_by" UUID;
ALTER TABLE "tenants" ADD CONSTRAINT "tenants_created_by_fkey" FOREIGN KEY ("created_by") REFERENCES "users"("id");
CREATE INDEX "tenants_created_by_idx" ON "tenants"("created_by");

-- Auth.js tables ---------------------------------------------------------------------------------------
-- The app role no longer reads every person's email with no context. It sees a person's own rows (app.user_id) and,
-- in a workspace's context, the people who are (or were) its members. Not FORCEd: the owner (migrations and the
-- SECURITY DEFINER functions below) is not subject. Sign-in's lookups before anyone is known go through those
-- functions, which answer one person each.
ALTER TABLE "users" ENABLE ROW LEVEL SECURITY;
CREATE POLICY "self" ON "users"
  USING ("id" = NULLIF(current_setting('app.user_id', true), '')::uuid)
  WITH CHECK ("id" = NULLIF(current_setting('app.user_id', true), '')::uuid);
-- memberships' own RLS decides which memberships this sees: the workspace's in a tenant context, the person's own
-- without one.
CREATE POLICY "fellow_members_read" ON "users" FOR SELECT
  USING (EXISTS (SELECT 1 FROM "memberships" m WHERE m."user_id" = "users"."id"));

ALTER TABLE "accounts" ENABLE ROW LEVEL SECURITY;
CREATE POLICY "self" ON "accounts"
  USING ("user_id" = NULLIF(current_setting('app.user_id', true), '')::uuid)
  WITH CHECK ("user_id" = NULLIF(current_setting('app.user_id', true), '')::uuid);

ALTER TABLE "sessions" ENABLE ROW LEVEL SECURITY;
CREATE POLICY "self" ON "sessions"
  USING ("user_id" = NULLIF(current_setting('app.user_id', true), '')::uuid)
  WITH CHECK ("user_id" = NULLIF(current_setting('app.user_id', true), '')::uuid);

-- Sessions are JWTs and there is no email sign-in: the app never uses verification tokens (no policy: no rows).
ALTER TABLE "verification_tokens" ENABLE ROW LEVEL SECURITY;

-- Auth.js's sign-in lookups (lib/auth/adapter.ts), before the app knows who is signing in.
CREATE FUNCTION "auth_user_by_account"(p_provider TEXT, p_provider_account_id TEXT) RETURNS SETOF "users"
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
    SELECT u.* FROM "users" u JOIN "accounts" a ON a."user_id" = u."id"
    WHERE a."provider" = p_provider AND a."provider_account_id" = p_provider_account_id
$$;
CREATE FUNCTION "auth_user_by_email"(p_email TEXT) RETURNS SETOF "users"
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
    SELECT * FROM "users" WHERE "email" = p_email
$$;
-- Meta's data deletion: unlink the Facebook login and erase its profile (name, email, picture) unless another
-- sign-in method is still linked. Answers how many links were removed.
CREATE FUNCTION "forget_facebook_login"(p_provider_account_id TEXT) RETURNS INTEGER
  LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  uids UUID[];
  uid UUID;
BEGIN
  WITH gone AS (
    DELETE FROM "accounts" WHERE "provider" = 'facebook' AND "provider_account_id" = p_provider_account_id RETURNING "user_id"
  )
  SELECT coalesce(array_agg("user_id"), '{}') INTO uids FROM gone;
  FOREACH uid IN ARRAY uids LOOP
    IF NOT EXISTS (SELECT 1 FROM "accounts" WHERE "user_id" = uid) THEN
      UPDATE "users" SET "name" = NULL, "email" = NULL, "image" = NULL WHERE "id" = uid;
    END IF;
  END LOOP;
  RETURN cardinality(uids);
END
$$;
REVOKE ALL ON FUNCTION "auth_user_by_account"(TEXT, TEXT) FROM PUBLIC;
REVOKE ALL ON FUNCTION "auth_user_by_email"(TEXT) FROM PUBLIC;
REVOKE ALL ON FUNCTION "forget_facebook_login"(TEXT) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION "auth_user_by_account"(TEXT, TEXT) TO social_app;
GRANT EXECUTE ON FUNCTION "auth_user_by_email"(TEXT) TO social_app;
GRANT EXECUTE ON FUNCTION "forget_facebook_login"(TEXT) TO social_app;
