import "server-only";
import { randomUUID } from "node:crypto";
import type pg from "pg";

/** Owner-side inserts for tests: a user, a tenant with that user as owner. Returns their ids. */
export async function seedTenant(owner: pg.Pool, opts: { slug?: string; role?: "owner" | "admin" | "member"; userId?: string } = {}) {
  const userId = opts.userId ?? randomUUID();
  const tenantId = randomUUID();
  const slug = opts.slug ?? `t-${tenantId.slice(0, 8)}`;
  if (!opts.userId) await owner.query(`INSERT INTO users (id, name) VALUES ($1, $2)`, [userId, `User ${slug}`]);
  await owner.query(`INSERT INTO tenants (id, slug, name) VALUES ($1, $2, $3)`, [tenantId, slug, `Tenant ${slug}`]);
  // The owner is subject to FORCE ROW LEVEL SECURITY too, unless it is a superuser (as in tests).
  await owner.query(`INSERT INTO memberships (tenant_id, user_id, role) VALUES ($1, $2, $3)`, [tenantId, userId, opts.role ?? "owner"]);
  return { userId, tenantId, slug };
}

/** Inserts an identity, a page and a user token + page token (ciphertext is arbitrary bytes here). */
export async function seedTokens(owner: pg.Pool, t: { tenantId: string; userId: string }, n = 1) {
  const identityId = randomUUID();
  await owner.query(
    `INSERT INTO social_identities (id, tenant_id, user_id, platform, external_user_id, name) VALUES ($1, $2, $3, 'facebook', $4, 'Someone')`,
    [identityId, t.tenantId, t.userId, `ext-${identityId.slice(0, 8)}`],
  );
  const userTokenId = randomUUID();
  await owner.query(
    `INSERT INTO ad_tokens (id, tenant_id, user_id, platform, token_type, social_identity_id, ciphertext, key_id)
     VALUES ($1, $2, $3, 'facebook', 'user', $4, '\\x00', 'k1')`,
    [userTokenId, t.tenantId, t.userId, identityId],
  );
  const pageIds: string[] = [];
  const pageTokenIds: string[] = [];
  for (let i = 0; i < n; i++) {
    const pageId = randomUUID();
    pageIds.push(pageId);
    await owner.query(
      `INSERT INTO facebook_pages (id, tenant_id, page_id, name, tasks) VALUES ($1, $2, $3, $4, ARRAY['ANALYZE','MODERATE'])`,
      [pageId, t.tenantId, `fb-${pageId.slice(0, 8)}`, `Page ${i}`],
    );
    const tokenId = randomUUID();
    pageTokenIds.push(tokenId);
    await owner.query(
      `INSERT INTO ad_tokens (id, tenant_id, user_id, platform, token_type, social_identity_id, facebook_page_id, ciphertext, key_id)
       VALUES ($1, $2, $3, 'facebook', 'page', $4, $5, '\\x00', 'k1')`,
      [tokenId, t.tenantId, t.userId, identityId, pageId],
    );
  }
  await owner.query(`INSERT INTO audit_events (tenant_id, action, target_type) VALUES ($1, 'seeded', 'tenant')`, [t.tenantId]);
  await owner.query(
    `INSERT INTO connect_attempts (tenant_id, user_id, platform, outcome, message) VALUES ($1, $2, 'facebook', 'succeeded', 'seeded')`,
    [t.tenantId, t.userId],
  );
  return { identityId, userTokenId, pageIds, pageTokenIds };
}
