import "server-only";
import { db, type Db } from "../db/client";
import type { Tx } from "../db/tenant-transaction";
import { appendAudit } from "../audit/audit-log";
import { env } from "../env";
import { logger } from "../log/logger";
import { withMembership } from "../tenancy/membership";
import { TikTokApiError, type TikTokTokenPair, type TikTokUser } from "../tiktok/api-client";
import { encryptToken } from "../tokens/encryption";
import { deriveStatus } from "../tokens/status";
import { ConnectError } from "./connect-error";
import { recordFailedAttempt } from "./connect-facebook";

export interface SavedTikTokConnection {
  socialIdentityId: string;
  userTokenId: string;
  tokenReplaced: boolean;
}

export type TikTokConnectResult = { ok: true; saved: SavedTikTokConnection } | { ok: false; error: ConnectError };

export interface TikTokConnectInput {
  tenantId: string;
  userId: string;
  /** From the OAuth callback (Auth.js exchanged the code): the pair with both expiries from TikTok's answer. */
  pair: TikTokTokenPair;
  profile: TikTokUser;
  accountId: string | null;
  client?: Db;
}

/**
 * Seals a TikTok access + refresh token pair for a row: both under the current key (one key id per row, so key
 * rotation re-encrypts both together), tenant id as associated data.
 */
export function sealPair(tenantId: string, pair: Pick<TikTokTokenPair, "accessToken" | "refreshToken">) {
  const access = encryptToken(tenantId, pair.accessToken);
  const refresh = encryptToken(tenantId, pair.refreshToken);
  if (access.keyId !== refresh.keyId) throw new Error("The key ring changed while sealing a token pair; try again.");
  return { ciphertext: access.ciphertext, refreshCiphertext: refresh.ciphertext, keyId: access.keyId };
}

/**
 * Writes a TikTok connection in the caller's tenant transaction: identity upsert → soft-delete the token it replaces
 * → insert the `user` token carrying the access AND the refresh token (both encrypted) with both expiries from
 * TikTok's answer → audit. A per-(tenant, user, platform) advisory lock serialises concurrent callbacks.
 */
export async function saveTikTokConnection(
  tx: Tx,
  ctx: { tenantId: string; userId: string; accountId: string | null },
  input: { pair: TikTokTokenPair; profile: TikTokUser },
  now = new Date(),
): Promise<SavedTikTokConnection> {
  const { tenantId, userId } = ctx;
  const { pair, profile } = input;
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`${tenantId}:${userId}:tiktok`}))`;
  const identity = await tx.socialIdentity.upsert({
    where: { tenantId_platform_externalUserId: { tenantId, platform: "tiktok", externalUserId: pair.openId } },
    create: {
      tenantId,
      userId,
      platform: "tiktok",
      externalUserId: pair.openId,
      name: profile.displayName,
      pictureUrl: profile.avatarUrl,
      grantedScopes: pair.scopes,
    },
    update: { userId, name: profile.displayName, pictureUrl: profile.avatarUrl, grantedScopes: pair.scopes, deletedAt: null },
    select: { id: true },
  });
  // The person's active TikTok token in this workspace, and any other member's token for this same TikTok account.
  const replaced = await tx.$executeRaw`
    UPDATE ad_tokens SET deleted_at = now(), updated_at = now()
     WHERE tenant_id = ${tenantId}::uuid AND platform = 'tiktok' AND deleted_at IS NULL
       AND (user_id = ${userId}::uuid OR social_identity_id = ${identity.id}::uuid)`;
  const sealed = sealPair(tenantId, pair);
  const token = await tx.adToken.create({
    data: {
      tenantId,
      userId,
      platform: "tiktok",
      tokenType: "user",
      socialIdentityId: identity.id,
      accountId: ctx.accountId,
      ciphertext: sealed.ciphertext,
      refreshCiphertext: sealed.refreshCiphertext,
      keyId: sealed.keyId,
      scopes: pair.scopes,
      expiresAt: pair.accessExpiresAt,
      refreshExpiresAt: pair.refreshExpiresAt,
      lastRefreshedAt: now,
      // The connection lives as long as its refresh token does.
      status: deriveStatus({ isValid: true, expiresAt: pair.refreshExpiresAt, now, warningDays: env().TOKEN_EXPIRY_WARNING_DAYS }),
      lastCheckedAt: now,
    },
    select: { id: true },
  });
  await appendAudit(tx, tenantId, userId, [
    {
      action: "tiktok.connected",
      targetType: "social_identity",
      targetId: identity.id,
      details: { scopes: pair.scopes, tokenReplaced: replaced > 0 },
    },
  ]);
  return { socialIdentityId: identity.id, userTokenId: token.id, tokenReplaced: replaced > 0 };
}

/** The whole TikTok connect in ONE tenant transaction, after the membership check. Never throws. */
export async function connectTikTok(input: TikTokConnectInput): Promise<TikTokConnectResult> {
  const client = input.client ?? db();
  try {
    const entered = await withMembership(
      input.userId,
      { tenantId: input.tenantId },
      "connections.manage",
      async (tx) => {
        const saved = await saveTikTokConnection(
          tx,
          { tenantId: input.tenantId, userId: input.userId, accountId: input.accountId },
          { pair: input.pair, profile: input.profile },
        );
        await tx.connectAttempt.create({
          data: {
            tenantId: input.tenantId,
            userId: input.userId,
            platform: "tiktok",
            outcome: "succeeded",
            externalUserId: input.pair.openId,
            message: "Connected your TikTok account.",
          },
        });
        return saved;
      },
      { client },
    );
    if (!entered.ok) {
      throw new ConnectError(
        "save",
        "not_allowed",
        "Only owners and admins of this workspace can connect TikTok. Ask an owner to connect, or to make you an admin.",
      );
    }
    logger.info("tiktok.connect.succeeded", { tenantId: input.tenantId, userId: input.userId });
    return { ok: true, saved: entered.value };
  } catch (err) {
    const error =
      err instanceof ConnectError
        ? err
        : err instanceof TikTokApiError
          ? new ConnectError("profile", `tiktok_${err.info.code}`, "Connecting TikTok failed while reading your TikTok profile. Try again.")
          : new ConnectError(
              "save",
              "database",
              "Connecting TikTok failed while saving the connection; nothing was saved. Try again in a minute.",
            );
    logger.warn("tiktok.connect.failed", { tenantId: input.tenantId, userId: input.userId, errorCode: error.code });
    await recordFailedAttempt(client, input, error, input.pair.openId, "tiktok");
    return { ok: false, error };
  }
}
