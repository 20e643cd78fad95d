import "server-only";
import type { Db } from "../db/client";
import type { TokenStatus } from "../db/generated/enums";
import { withTenant } from "../db/tenant-transaction";
import { appendAudit } from "../audit/audit-log";
import { decryptToken } from "../tokens/encryption";
import { TikTokApiError, TikTokClient } from "./api-client";
import { refreshTikTokToken } from "./refresh";

export interface TikTokCheck {
  id: string;
  status: TokenStatus;
  lastError: string | null;
}

/**
 * "Check now" for a TikTok connection: renews the pair first if it is due, then calls /v2/user/info/ with the access
 * token and records the answer (status, last check, the account's name and picture). Returns null when the token is
 * not an active TikTok token of this workspace.
 */
export async function checkTikTokTokenNow(
  tenantId: string,
  actorUserId: string | null,
  tokenId: string,
  deps: { client?: Db; tiktok?: TikTokClient } = {},
): Promise<TikTokCheck | null> {
  const tiktok = deps.tiktok ?? new TikTokClient();
  await refreshTikTokToken(tenantId, tokenId, { client: deps.client, tiktok });
  const row = await withTenant(
    tenantId,
    (tx) =>
      tx.adToken.findFirst({
        where: { id: tokenId, platform: "tiktok", deletedAt: null },
        select: { ciphertext: true, keyId: true, status: true, socialIdentityId: true },
      }),
    { client: deps.client },
  );
  if (!row) return null;
  if (row.status === "revoked" || row.status === "expired") {
    return { id: tokenId, status: row.status, lastError: "Reconnect TikTok: this connection can no longer be renewed." };
  }
  let status: TokenStatus = "active";
  let lastError: string | null = null;
  let profile: { displayName: string | null; avatarUrl: string | null } | null = null;
  try {
    const user = await tiktok.userInfo(decryptToken(tenantId, row));
    profile = { displayName: user.displayName, avatarUrl: user.avatarUrl };
  } catch (err) {
    if (!(err instanceof TikTokApiError)) throw err;
    if (err.isInvalidToken) {
      status = "invalid";
      lastError = "TikTok refused the access token; it is renewed by the next refresh run, or reconnect TikTok.";
    } else {
      // Rate limit, 5xx, timeout: nothing learnt about the token; keep its status.
      return { id: tokenId, status: row.status, lastError: `TikTok could not be asked (${err.info.code}); try again in a minute.` };
    }
  }
  return withTenant(
    tenantId,
    async (tx) => {
      const [written] = await tx.$queryRaw<{ previous: TokenStatus }[]>`
        UPDATE ad_tokens t SET status = ${status}::token_status, last_error = ${lastError}, last_checked_at = now(), updated_at = now()
          FROM (SELECT id, status AS previous FROM ad_tokens WHERE id = ${tokenId}::uuid AND deleted_at IS NULL FOR UPDATE) p
         WHERE t.id = p.id
        RETURNING p.previous`;
      if (!written) return null;
      if (profile) {
        await tx.socialIdentity.update({
          where: { id: row.socialIdentityId },
          data: { name: profile.displayName, pictureUrl: profile.avatarUrl },
        });
      }
      if (written.previous !== status) {
        await appendAudit(tx, tenantId, actorUserId, [
          {
            action: "token.status_changed",
            targetType: "ad_token",
            targetId: tokenId,
            details: { from: written.previous, to: status, via: "check_now" },
          },
        ]);
      }
      return { id: tokenId, status, lastError };
    },
    { client: deps.client, userId: actorUserId ?? undefined },
  );
}

/** Revokes the app on TikTok for the account behind `accessToken`. Returns what to tell the person. */
export async function revokeOnTikTok(
  accessToken: string,
  deps: { tiktok?: TikTokClient } = {},
): Promise<{ revoke: "revoked" | "failed"; revokeMessage: string | null }> {
  try {
    await (deps.tiktok ?? new TikTokClient()).revoke(accessToken);
    return { revoke: "revoked", revokeMessage: null };
  } catch (err) {
    const why = err instanceof TikTokApiError ? err.message : "TikTok could not be reached.";
    return {
      revoke: "failed",
      revokeMessage: `Disconnected here, but TikTok did not confirm the revoke: ${why} To be sure, remove the app in TikTok → Settings → Security → Manage app permissions.`,
    };
  }
}
