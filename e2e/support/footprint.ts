import type pg from "pg";

/** Who a footprint is about: a Facebook test person made by newPerson (unique name, app-scoped id, Page ids). */
export interface PersonRef {
  id: string;
  name: string;
  pages: { id: string }[];
}

/**
 * Every row the app keeps about one Facebook person, read as the owner (bypasses RLS): the Auth.js user and account,
 * the person's tenants, identities, Pages and tokens. Security tests take one before and one after a refused flow and
 * compare them whole, so "nothing changed" covers counts, soft deletes and rotations (active token ids).
 */
export interface Footprint {
  users: number;
  accounts: number;
  memberships: number;
  socialIdentities: number;
  facebookPages: number;
  activeFacebookPages: number;
  adTokens: number;
  deletedAdTokens: number;
  /** Sorted ids of the active tokens: a rotation changes them even when the counts stay the same. */
  activeTokenIds: string[];
}

/** The footprint all zero: what a person the app has never seen leaves. */
export const NO_FOOTPRINT: Footprint = {
  users: 0,
  accounts: 0,
  memberships: 0,
  socialIdentities: 0,
  facebookPages: 0,
  activeFacebookPages: 0,
  adTokens: 0,
  deletedAdTokens: 0,
  activeTokenIds: [],
};

export async function footprint(sql: pg.Pool, person: PersonRef, opts: { userId?: string } = {}): Promise<Footprint> {
  const pageIds = person.pages.map((p) => p.id);
  const { rows } = await sql.query<{
    users: string;
    accounts: string;
    memberships: string;
    social_identities: string;
    facebook_pages: string;
    active_facebook_pages: string;
    ad_tokens: string;
    deleted_ad_tokens: string;
    active_token_ids: string[] | null;
  }>(
    `WITH u AS (
       SELECT id FROM users
        WHERE name = $2
           OR id IN (SELECT user_id FROM accounts WHERE provider = 'facebook' AND provider_account_id = $1)
           OR id = $4::uuid
     ),
     si AS (SELECT id FROM social_identities WHERE platform = 'facebook' AND external_user_id = $1),
     t AS (
       SELECT id, deleted_at FROM ad_tokens
        WHERE social_identity_id IN (SELECT id FROM si)
           OR facebook_page_id IN (SELECT id FROM facebook_pages WHERE page_id = ANY($3::text[]))
     )
     SELECT
       (SELECT count(*) FROM u) AS users,
       (SELECT count(*) FROM accounts WHERE provider = 'facebook' AND provider_account_id = $1) AS accounts,
       (SELECT count(*) FROM memberships WHERE user_id IN (SELECT id FROM u)) AS memberships,
       (SELECT count(*) FROM si) AS social_identities,
       (SELECT count(*) FROM facebook_pages WHERE page_id = ANY($3::text[])) AS facebook_pages,
       (SELECT count(*) FROM facebook_pages WHERE page_id = ANY($3::text[]) AND deleted_at IS NULL) AS active_facebook_pages,
       (SELECT count(*) FROM t) AS ad_tokens,
       (SELECT count(*) FROM t WHERE deleted_at IS NOT NULL) AS deleted_ad_tokens,
       (SELECT array_agg(id::text ORDER BY id) FROM t WHERE deleted_at IS NULL) AS active_token_ids`,
    [person.id, person.name, pageIds, opts.userId ?? null],
  );
  const r = rows[0];
  if (!r) throw new Error("footprint query returned no row");
  return {
    users: Number(r.users),
    accounts: Number(r.accounts),
    memberships: Number(r.memberships),
    socialIdentities: Number(r.social_identities),
    facebookPages: Number(r.facebook_pages),
    activeFacebookPages: Number(r.active_facebook_pages),
    adTokens: Number(r.ad_tokens),
    deletedAdTokens: Number(r.deleted_ad_tokens),
    activeTokenIds: r.active_token_ids ?? [],
  };
}

/** The app's user id for a Facebook person (the Auth.js account's user), or null when never signed in. */
export async function userIdOf(sql: pg.Pool, personId: string): Promise<string | null> {
  const { rows } = await sql.query<{ user_id: string }>(
    `SELECT user_id::text AS user_id FROM accounts WHERE provider = 'facebook' AND provider_account_id = $1`,
    [personId],
  );
  return rows[0]?.user_id ?? null;
}

export interface AttemptRow {
  outcome: "succeeded" | "failed";
  step: string | null;
  error_code: string | null;
  message: string;
  declined_scopes: string[];
}

/** Connect attempts recorded for a user, oldest first. */
export async function connectAttempts(sql: pg.Pool, userId: string): Promise<AttemptRow[]> {
  const { rows } = await sql.query<AttemptRow>(
    `SELECT outcome::text AS outcome, step, error_code, message, declined_scopes
       FROM connect_attempts WHERE user_id = $1::uuid ORDER BY created_at, id`,
    [userId],
  );
  return rows;
}

export interface TokenRow {
  id: string;
  token_type: "user" | "page";
  social_identity_id: string;
  facebook_page_id: string | null;
  deleted: boolean;
  ciphertext_hex: string;
}

/** Every token row (active and soft-deleted) the user holds in one tenant for Facebook. */
export async function tokenRows(sql: pg.Pool, where: { userId: string; tenantId?: string }): Promise<TokenRow[]> {
  const { rows } = await sql.query<TokenRow>(
    `SELECT id::text AS id, token_type::text AS token_type, social_identity_id::text AS social_identity_id,
            facebook_page_id::text AS facebook_page_id, deleted_at IS NOT NULL AS deleted,
            encode(ciphertext, 'hex') AS ciphertext_hex
       FROM ad_tokens
      WHERE user_id = $1::uuid AND platform = 'facebook' AND ($2::uuid IS NULL OR tenant_id = $2::uuid)
      ORDER BY created_at, id`,
    [where.userId, where.tenantId ?? null],
  );
  return rows;
}
