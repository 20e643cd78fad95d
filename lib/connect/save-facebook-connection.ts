import "server-only";
import { Prisma } from "../db/generated/client";
import type { Tx } from "../db/tenant-transaction";
import { appendAudit } from "../audit/audit-log";
import { encryptToken } from "../tokens/encryption";
import { hidePagesWithoutActiveTokens } from "../tokens/disconnect";
import { DATA_ACCESS_DAYS, DAY_MS, deriveStatus } from "../tokens/status";
import { env } from "../env";
import type { FacebookConnection } from "./fetch-facebook-connection";
import { saveInstagramAccounts } from "../instagram/save-instagram-accounts";
import { recordReplacedLogins } from "./second-login";

export interface SavedConnection {
  socialIdentityId: string;
  userTokenId: string;
  pagesConnected: number;
  pagesRemoved: number;
  tokensRotated: number;
  /** Instagram accounts linked to the connected Pages, and those no longer linked (hidden). */
  instagramLinked: number;
  instagramUnlinked: number;
  /** Other Facebook logins of this member whose user token this connect replaced (their Page tokens stay). */
  replacedLogins: number;
}

/**
 * Writes a fetched connection inside the caller's tenant transaction:
 * identity upsert → Pages upsert (tasks as text[]) → soft-delete the tokens being replaced → insert the new typed
 * tokens → audit. A per-(tenant, user, platform) advisory lock serialises concurrent callbacks; the partial unique
 * indexes would refuse a second active token anyway.
 */
export async function saveFacebookConnection(
  tx: Tx,
  ctx: { tenantId: string; userId: string; accountId: string | null },
  conn: FacebookConnection,
  now = new Date(),
): Promise<SavedConnection> {
  const { tenantId, userId } = ctx;
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`${tenantId}:${userId}:facebook`}))`;

  const identity = await tx.socialIdentity.upsert({
    where: { tenantId_platform_externalUserId: { tenantId, platform: "facebook", externalUserId: conn.profile.id } },
    create: {
      tenantId,
      userId,
      platform: "facebook",
      externalUserId: conn.profile.id,
      name: conn.profile.name,
      pictureUrl: conn.profile.pictureUrl,
      grantedScopes: conn.permissions.granted,
      declinedScopes: conn.permissions.declined,
    },
    update: {
      userId,
      name: conn.profile.name,
      pictureUrl: conn.profile.pictureUrl,
      grantedScopes: conn.permissions.granted,
      declinedScopes: conn.permissions.declined,
      deletedAt: null,
    },
    select: { id: true },
  });

  // One statement for every Page (250 Pages = 1 round trip), reviving soft-deleted ones.
  const pages = conn.pages;
  const pageRows = await tx.$queryRaw<{ id: string; page_id: string }[]>`
    INSERT INTO facebook_pages (tenant_id, page_id, name, category, picture_url, tasks)
    SELECT ${tenantId}::uuid, p.page_id, p.name, p.category, p.picture_url,
           COALESCE((SELECT array_agg(t) FROM jsonb_array_elements_text(p.tasks) t), ARRAY[]::text[])
    FROM jsonb_to_recordset(${JSON.stringify(
      pages.map((p) => ({ page_id: p.pageId, name: p.name, category: p.category, picture_url: p.pictureUrl, tasks: p.tasks })),
    )}::jsonb) AS p(page_id text, name text, category text, picture_url text, tasks jsonb)
    ON CONFLICT (tenant_id, page_id) DO UPDATE
      SET name = EXCLUDED.name, category = EXCLUDED.category, picture_url = EXCLUDED.picture_url,
          tasks = EXCLUDED.tasks, deleted_at = NULL, updated_at = now()
    RETURNING id, page_id`;
  const pageUuidByFbId = new Map(pageRows.map((r) => [r.page_id, r.id]));
  const returnedPageUuids = pageRows.map((r) => r.id);
  const instagram = await saveInstagramAccounts(tx, tenantId, pages, pageUuidByFbId);

  // Replace: the person's active user token (whichever identity), page tokens for returned Pages, and this
  // identity's page tokens for Pages Facebook no longer returns.
  const replaced = await tx.$queryRaw<
    { id: string; token_type: "user" | "page"; facebook_page_id: string | null; social_identity_id: string }[]
  >`
    UPDATE ad_tokens SET deleted_at = now(), updated_at = now()
    WHERE tenant_id = ${tenantId}::uuid AND user_id = ${userId}::uuid AND platform = 'facebook' AND deleted_at IS NULL
      AND (token_type = 'user'
           OR facebook_page_id = ANY(${returnedPageUuids}::uuid[])
           OR social_identity_id = ${identity.id}::uuid)
    RETURNING id, token_type, facebook_page_id, social_identity_id`;
  const removedPageUuids = replaced
    .filter((r) => r.token_type === "page" && r.facebook_page_id && !returnedPageUuids.includes(r.facebook_page_id))
    .map((r) => r.facebook_page_id as string);

  const warningDays = env().TOKEN_EXPIRY_WARNING_DAYS;
  const checkedAt = now;
  const nextCheckAt = new Date(now.getTime() + env().TOKEN_CHECK_INTERVAL_HOURS * 3_600_000);
  // Approving the app at the dialog starts a new 90-day data-access window (debug_token's data_access_expires_at).
  const dataAccessExpiresAt = new Date(now.getTime() + DATA_ACCESS_DAYS * DAY_MS);
  const userSealed = encryptToken(tenantId, conn.userToken.accessToken);
  const userToken = await tx.adToken.create({
    data: {
      tenantId,
      userId,
      platform: "facebook",
      tokenType: "user",
      socialIdentityId: identity.id,
      accountId: ctx.accountId,
      ciphertext: userSealed.ciphertext,
      keyId: userSealed.keyId,
      scopes: conn.permissions.granted,
      expiresAt: conn.userToken.expiresAt,
      dataAccessExpiresAt,
      status: deriveStatus({ isValid: true, expiresAt: conn.userToken.expiresAt, dataAccessExpiresAt, now, warningDays }),
      lastCheckedAt: checkedAt,
      nextCheckAt,
    },
    select: { id: true },
  });

  await tx.adToken.createMany({
    data: pages.map((p) => {
      const sealed = encryptToken(tenantId, p.accessToken);
      return {
        tenantId,
        userId,
        platform: "facebook" as const,
        tokenType: "page" as const,
        socialIdentityId: identity.id,
        facebookPageId: pageUuidByFbId.get(p.pageId) as string,
        accountId: ctx.accountId,
        ciphertext: sealed.ciphertext,
        keyId: sealed.keyId,
        scopes: conn.permissions.granted,
        // Page tokens from a long-lived user token do not expire (debug_token shows expires_at 0); the health
        // check records what Facebook says.
        expiresAt: null,
        dataAccessExpiresAt,
        status: "active" as const,
        lastCheckedAt: checkedAt,
        nextCheckAt,
      };
    }),
  });

  // Pages whose last active token went away are hidden from the list (history stays).
  await hidePagesWithoutActiveTokens(tx, removedPageUuids);

  const rotatedUser = replaced.filter((r) => r.token_type === "user").length;
  const { replacedIdentityIds } = await recordReplacedLogins(tx, { tenantId, userId, newIdentityId: identity.id }, replaced);
  await appendAudit(tx, tenantId, userId, [
    {
      action: "facebook.connected",
      targetType: "social_identity",
      targetId: identity.id,
      // No names or Facebook ids here: the audit log outlives a data deletion request (targetId names the identity).
      details: {
        pages: pages.length,
        declinedScopes: conn.permissions.declined,
        userTokenRotated: rotatedUser > 0,
        pageTokensReplaced: replaced.length - rotatedUser,
        pagesNoLongerShared: removedPageUuids.length,
        instagramLinked: instagram.linked,
        instagramUnlinked: instagram.unlinked,
      } satisfies Prisma.InputJsonObject,
    },
    ...(rotatedUser > 0
      ? [{ action: "token.rotated", targetType: "ad_token" as const, targetId: userToken.id, details: { tokenType: "user" } }]
      : []),
    ...removedPageUuids.map((id) => ({ action: "page.no_longer_shared", targetType: "facebook_page" as const, targetId: id })),
  ]);

  return {
    socialIdentityId: identity.id,
    userTokenId: userToken.id,
    pagesConnected: pages.length,
    pagesRemoved: removedPageUuids.length,
    tokensRotated: replaced.length,
    instagramLinked: instagram.linked,
    instagramUnlinked: instagram.unlinked,
    replacedLogins: replacedIdentityIds.length,
  };
}
