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
 * with no active token, with its audit event, in one call of the disconnect_identity SQL function (migration
 * 20261130000500; Meta's callbacks use the same function through forget_external_user); then its webhook events.
 */
export async function disconnectIdentity(
  tx: Tx,
  tenantId: string,
  actorUserId: string | null,
  socialIdentityId: string,
  reason: "member" | "deauthorized" | "data_deletion" = "member",
): Promise<{ identities: number; tokens: number; pages: number }> {
  const [done] = await tx.$queryRaw<{ disconnected: boolean; tokens: number; pages: number }[]>`
    SELECT disconnected, tokens, pages FROM disconnect_identity(${socialIdentityId}::uuid, ${actorUserId}::uuid, ${reason})`;
  if (!done?.disconnected) return { identities: 0, tokens: done?.tokens ?? 0, pages: 0 };
  await emitWebhookEvents(tx, tenantId, disconnectedIdentityEvents(socialIdentityId, reason, done.tokens, done.pages));
  return { identities: 1, tokens: done.tokens, pages: done.pages };
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
 * Hides the given Pages that no longer have any active token (history stays), never one a concurrent connect is
 * giving a new token: the hide_pages_without_active_tokens SQL function, which disconnect_identity uses too.
 */
export async function hidePagesWithoutActiveTokens(tx: Tx, pageIds: string[]): Promise<number> {
  if (pageIds.length === 0) return 0;
  const [row] = await tx.$queryRaw<{ hidden: number }[]>`SELECT hide_pages_without_active_tokens(${pageIds}::uuid[]) AS hidden`;
  return row?.hidden ?? 0;
}
