import "server-only";
import { randomUUID } from "node:crypto";
import type pg from "pg";
import { encryptToken } from "../../lib/tokens/encryption";

/**
 * Owner-side bulk seeding of real, encrypted tokens for the health tests and the sweep benchmark (a few statements
 * for any number of tokens). Page tokens each get their own Page under one identity; user tokens each get their own
 * user and identity (one active user token per tenant/user is a database invariant).
 */

export interface SeedToken {
  token: string;
  type: "user" | "page";
  /** Stored expires_at (default null). */
  expiresAt?: Date | null;
}

export interface SeededTokens {
  /** ad_tokens ids, in the order given. */
  ids: string[];
  /** social_identities id of each token, in the order given. */
  identityIds: string[];
}

export async function seedEncryptedTokens(
  owner: pg.Pool,
  t: { tenantId: string; userId: string; externalUserId?: string; identityName?: string },
  tokens: readonly SeedToken[],
): Promise<SeededTokens> {
  const ids = tokens.map(() => randomUUID());
  const identityIds: string[] = [];
  const pageIdentity = randomUUID();
  const userRows: { userId: string; identityId: string }[] = [];
  const pages: string[] = [];
  const tokenUsers: string[] = [];
  const tokenPages: (string | null)[] = [];
  for (const tok of tokens) {
    if (tok.type === "page") {
      const pageId = randomUUID();
      pages.push(pageId);
      tokenPages.push(pageId);
      tokenUsers.push(t.userId);
      identityIds.push(pageIdentity);
    } else {
      const row = { userId: randomUUID(), identityId: randomUUID() };
      userRows.push(row);
      tokenPages.push(null);
      tokenUsers.push(row.userId);
      identityIds.push(row.identityId);
    }
  }
  await owner.query(
    `INSERT INTO social_identities (id, tenant_id, user_id, platform, external_user_id, name)
     VALUES ($1, $2, $3, 'facebook', $4, $5)`,
    [pageIdentity, t.tenantId, t.userId, t.externalUserId ?? `ext-${pageIdentity.slice(0, 12)}`, t.identityName ?? "Page Owner"],
  );
  if (userRows.length > 0) {
    await owner.query(`INSERT INTO users (id, name) SELECT u, 'Seeded user' FROM unnest($1::uuid[]) AS u`, [userRows.map((r) => r.userId)]);
    await owner.query(
      `INSERT INTO social_identities (id, tenant_id, user_id, platform, external_user_id, name)
       SELECT i, $2, u, 'facebook', 'ext-' || left(i::text, 12), 'Seeded person ' || left(i::text, 4)
         FROM unnest($1::uuid[], $3::uuid[]) AS x(i, u)`,
      [userRows.map((r) => r.identityId), t.tenantId, userRows.map((r) => r.userId)],
    );
  }
  if (pages.length > 0) {
    await owner.query(
      `INSERT INTO facebook_pages (id, tenant_id, page_id, name)
       SELECT p, $2, 'fb-' || p::text, 'Page ' || left(p::text, 8) FROM unnest($1::uuid[]) AS p`,
      [pages, t.tenantId],
    );
  }
  const sealed = tokens.map((tok) => encryptToken(t.tenantId, tok.token));
  await owner.query(
    `INSERT INTO ad_tokens (id, tenant_id, user_id, platform, token_type, social_identity_id, facebook_page_id, ciphertext, key_id, expires_at)
     SELECT x.id, $2, x.user_id, 'facebook', x.token_type::token_type, x.identity_id, x.page_id, x.ciphertext, x.key_id, x.expires_at
       FROM unnest($1::uuid[], $3::uuid[], $4::text[], $5::uuid[], $6::uuid[], $7::bytea[], $8::text[], $9::timestamptz[])
            AS x(id, user_id, token_type, identity_id, page_id, ciphertext, key_id, expires_at)`,
    [
      ids,
      t.tenantId,
      tokenUsers,
      tokens.map((tok) => tok.type),
      identityIds,
      tokenPages,
      sealed.map((s) => Buffer.from(s.ciphertext)),
      sealed.map((s) => s.keyId),
      tokens.map((tok) => tok.expiresAt ?? null),
    ],
  );
  return { ids, identityIds };
}
