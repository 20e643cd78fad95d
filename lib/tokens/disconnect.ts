import "server-only";
import type { Tx } from "../db/tenant-transaction";
import { appendAudit } from "../audit/audit-log";
import { emitWebhookEvents, type WebhookEvent } from "../webhooks/events";
import { decryptToken } from "./encryption";

/**
 * Soft deletes (deleted_at) in the caller's tenant transaction: history stays, reconnecting works after.
 * Each returns what it changed; 0 means nothing matched in this tenant (callers answer 404).
 */

/** Disconnects a Page: soft-deletes its active tokens and hides the Page from the list. */
export async function disconnectPage(
  tx: Tx,
  tenantId: string,
  actorUserId: string | null,
  facebookPageId: string,
): Promise<{ pages: number; tokens: number }> {
  const page = await tx.facebookPage.updateMany({ where: { id: facebookPageId, deletedAt: null }, data: { deletedAt: new Date() } });
  if (page.count === 0) return { pages: 0, tokens: 0 };
  const tokens = await tx.adToken.updateMany({ where: { facebookPageId, deletedAt: null }, data: { deletedAt: new Date() } });
  await appendAudit(tx, tenantId, actorUserId, [
    { action: "page.disconnected", targetType: "facebook_page", targetId: facebookPageId, details: { tokensSoftDeleted: tokens.count } },
  ]);
  await emitWebhookEvents(tx, tenantId, [
    { type: "connection.removed", data: { facebookPageId, scope: "page", reason: "member", tokensRemoved: tokens.count } },
  ]);
  return { pages: page.count, tokens: tokens.count };
}

/**
 * Disconnects a Facebook identity: soft-deletes all its tokens (user and page), the identity, and the Pages left
 * with no active token.
 */
export async function disconnectIdentity(
  tx: Tx,
  tenantId: string,
  actorUserId: string | null,
  socialIdentityId: string,
  reason: "member" | "deauthorized" | "data_deletion" = "member",
): Promise<{ identities: number; tokens: number; pages: number }> {
  const now = new Date();
  const identity = await tx.socialIdentity.updateMany({ where: { id: socialIdentityId, deletedAt: null }, data: { deletedAt: now } });
  if (identity.count === 0) return { identities: 0, tokens: 0, pages: 0 };
  const tokens = await tx.adToken.updateMany({ where: { socialIdentityId, deletedAt: null }, data: { deletedAt: now } });
  const candidates = await tx.$queryRaw<{ id: string }[]>`
    SELECT DISTINCT facebook_page_id AS id FROM ad_tokens
    WHERE social_identity_id = ${socialIdentityId}::uuid AND facebook_page_id IS NOT NULL`;
  const pages = await hidePagesWithoutActiveTokens(
    tx,
    candidates.map((c) => c.id),
  );
  await appendAudit(tx, tenantId, actorUserId, [
    {
      action: "identity.disconnected",
      targetType: "social_identity",
      targetId: socialIdentityId,
      details: { reason, tokensSoftDeleted: tokens.count, pagesHidden: pages },
    },
  ]);
  await emitWebhookEvents(tx, tenantId, disconnectedIdentityEvents(socialIdentityId, reason, tokens.count, pages));
  return { identities: identity.count, tokens: tokens.count, pages };
}

/** The webhook events of an identity's disconnect (by a member, or by Meta's callbacks: lib/meta/forget-facebook-user.ts). */
export function disconnectedIdentityEvents(
  socialIdentityId: string,
  reason: "member" | "deauthorized" | "data_deletion",
  tokensRemoved: number,
  pagesHidden: number,
): WebhookEvent[] {
  return [
    ...(reason === "member" ? [] : [{ type: "facebook.deauthorized" as const, data: { socialIdentityId, reason } }]),
    { type: "connection.removed", data: { socialIdentityId, scope: "identity", reason, tokensRemoved, pagesHidden } },
  ];
}

/**
 * The identity's active user token, decrypted, for revoking the app on Facebook when it is disconnected. Read in the
 * caller's tenant transaction; the plaintext stays in server memory for the one Graph call and is never returned
 * to a client, logged or stored.
 */
export async function activeUserTokenForRevoke(tx: Tx, tenantId: string, socialIdentityId: string): Promise<string | null> {
  const row = await tx.adToken.findFirst({
    where: { socialIdentityId, tokenType: "user", deletedAt: null },
    orderBy: { createdAt: "desc" },
    select: { ciphertext: true, keyId: true },
  });
  if (!row) return null;
  return decryptToken(tenantId, { ciphertext: row.ciphertext, keyId: row.keyId });
}

/**
 * Hides the given Pages that no longer have any active token (history stays). The Pages are locked first, in their
 * own statement, so a concurrent connect that is giving one of them a new token finishes first and the check below
 * (a new statement, so a new snapshot under READ COMMITTED) sees that token: a Page is never hidden while it has
 * an active token.
 */
export async function hidePagesWithoutActiveTokens(tx: Tx, pageIds: string[]): Promise<number> {
  if (pageIds.length === 0) return 0;
  await tx.$queryRaw`SELECT id FROM facebook_pages WHERE id = ANY(${pageIds}::uuid[]) AND deleted_at IS NULL ORDER BY id FOR UPDATE`;
  return tx.$executeRaw`
    UPDATE facebook_pages fp SET deleted_at = now(), updated_at = now()
    WHERE fp.id = ANY(${pageIds}::uuid[]) AND fp.deleted_at IS NULL
      AND NOT EXISTS (SELECT 1 FROM ad_tokens t WHERE t.facebook_page_id = fp.id AND t.deleted_at IS NULL)`;
}
