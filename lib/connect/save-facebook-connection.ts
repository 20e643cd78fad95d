import "server-only";
import { Prisma } from "../db/generated/client";
import type { Tx } from "../db/tenant-transaction";
import { appendAudit } from "../audit/audit-log";
import { emitWebhookEvents } from "../webhooks/events";
import { encryptToken } from "../tokens/encryption";
import { hidePagesWithoutActiveTokens } from "../tokens/disconnect";
import { DATA_ACCESS_DAYS, deriveStatus } from "../tokens/status";
import { DAY_MS } from "../time";
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

type Ctx = { tenantId: string; userId: string; accountId: string | null };

/** A page token fresh from Facebook: valid, and without an expiry when it comes from a long-lived user token. */
const NEW_PAGE_TOKEN_STATUS = "active";

/**
 * Writes a fetched connection inside the caller's tenant transaction, in this order (the lock order every connect
 * follows): a per-(tenant, user, platform) advisory lock that serialises concurrent callbacks → upsert the identity →
 * upsert the Pages → retire the tokens being replaced and insert the new typed tokens (one statement) → hide Pages
 * left without a token → audit. A constant number of statements whatever the number of Pages (each step is one
 * statement over every row); the partial unique indexes would refuse a second active token anyway.
 */
export async function saveFacebookConnection(tx: Tx, ctx: Ctx, conn: FacebookConnection, now = new Date()): Promise<SavedConnection> {
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`${ctx.tenantId}:${ctx.userId}:facebook`}))`;
  const identityId = await upsertIdentity(tx, ctx, conn);
  const pageUuidByFbId = await upsertPages(tx, ctx.tenantId, conn.pages);
  const instagram = await saveInstagramAccounts(tx, ctx.tenantId, conn.pages, pageUuidByFbId);
  const { userTokenId, retired, retiredUserTokens, removedPageUuids, replacedUserTokenIdentities } = await replaceTokens(
    tx,
    ctx,
    identityId,
    conn,
    pageUuidByFbId,
    now,
  );
  // Pages whose last active token went away are hidden from the list (history stays).
  await hidePagesWithoutActiveTokens(tx, removedPageUuids);
  const { replacedIdentityIds } = await recordReplacedLogins(
    tx,
    { tenantId: ctx.tenantId, userId: ctx.userId, newIdentityId: identityId },
    replacedUserTokenIdentities,
  );
  await auditConnection(tx, ctx, {
    identityId,
    userTokenId,
    conn,
    rotatedUser: retiredUserTokens,
    replaced: retired,
    removedPageUuids,
    instagram,
  });
  await emitWebhookEvents(tx, ctx.tenantId, [
    {
      type: "connection.created",
      data: { socialIdentityId: identityId, platform: "facebook", pages: conn.pages.length, reconnect: retired > 0, userTokenId },
    },
  ]);
  return {
    socialIdentityId: identityId,
    userTokenId,
    pagesConnected: conn.pages.length,
    instagramLinked: instagram.linked,
    instagramUnlinked: instagram.unlinked,
    replacedLogins: replacedIdentityIds.length,
    pagesRemoved: removedPageUuids.length,
    tokensRotated: retired,
  };
}

async function upsertIdentity(tx: Tx, ctx: Ctx, conn: FacebookConnection): Promise<string> {
  const { tenantId, userId } = ctx;
  const profile = {
    name: conn.profile.name,
    pictureUrl: conn.profile.pictureUrl,
    grantedScopes: conn.permissions.granted,
    declinedScopes: conn.permissions.declined,
  };
  const identity = await tx.socialIdentity.upsert({
    where: { tenantId_platform_externalUserId: { tenantId, platform: "facebook", externalUserId: conn.profile.id } },
    create: { tenantId, userId, platform: "facebook", externalUserId: conn.profile.id, ...profile },
    update: { userId, ...profile, deletedAt: null },
    select: { id: true },
  });
  return identity.id;
}

/**
 * One statement for every Page (1,000 Pages = 1 round trip), reviving soft-deleted ones. Facebook id → our id. The
 * workspace's Pages are read first (one hash join) and only new or changed ones go to the upsert: the usual
 * reconnect changes none, so it writes no row version, no index entry and no row lock, and runs no trigger work (an
 * `ON CONFLICT … DO UPDATE … WHERE` over every Page would still lock and log each conflicting row). The read cannot
 * be stale: the identity upsert before it took the workspace's write lock (serialize_workspace_writes, which every
 * writer of facebook_pages takes too), so what it did not find unchanged is new (inserted) or changed (updated by the
 * ON CONFLICT), and every Page comes back with its id.
 *
 * A new Page is inserted with the status summary it will have once replaceTokens has written its page token (one
 * active token, no expiry), so the summary trigger, which recomputes it from the tokens anyway, finds nothing to
 * change instead of rewriting every new Page a second time (its last check lives in page_check_order). Were the
 * guess ever wrong, the trigger would correct it in the same statement: the summary stays exact either way
 * (lib/workspace/page-counts.integration.test.ts).
 */
async function upsertPages(tx: Tx, tenantId: string, pages: FacebookConnection["pages"]): Promise<Map<string, string>> {
  const pageRows = await tx.$queryRaw<{ id: string; page_id: string }[]>`
    WITH input AS (
      SELECT p.page_id, p.name, p.category, p.picture_url,
             COALESCE((SELECT array_agg(t) FROM jsonb_array_elements_text(p.tasks) t), ARRAY[]::text[]) AS tasks
      FROM jsonb_to_recordset(${JSON.stringify(
        pages.map((p) => ({ page_id: p.pageId, name: p.name, category: p.category, picture_url: p.pictureUrl, tasks: p.tasks })),
      )}::jsonb) AS p(page_id text, name text, category text, picture_url text, tasks jsonb)
    ), unchanged AS (
      SELECT p.id, p.page_id FROM facebook_pages p JOIN input i ON i.page_id = p.page_id
       WHERE p.tenant_id = ${tenantId}::uuid
         AND (p.name, p.category, p.picture_url, p.tasks, p.deleted_at)
             IS NOT DISTINCT FROM (i.name, i.category, i.picture_url, i.tasks, NULL::timestamptz)
    ), written AS (
      INSERT INTO facebook_pages (tenant_id, page_id, name, category, picture_url, tasks, token_statuses, worst_rank)
      SELECT ${tenantId}::uuid, i.page_id, i.name, i.category, i.picture_url, i.tasks,
             ARRAY[${NEW_PAGE_TOKEN_STATUS}::token_status], 1 -- worst_rank 1: active
        FROM input i WHERE i.page_id NOT IN (SELECT page_id FROM unchanged)
      ON CONFLICT (tenant_id, page_id) DO UPDATE
        SET name = EXCLUDED.name, category = EXCLUDED.category, picture_url = EXCLUDED.picture_url,
            tasks = EXCLUDED.tasks, deleted_at = NULL, updated_at = now()
      RETURNING id, page_id
    )
    SELECT id, page_id FROM written
    UNION ALL
    SELECT id, page_id FROM unchanged`;
  return new Map(pageRows.map((r) => [r.page_id, r.id]));
}

interface ReplacedTokens {
  userTokenId: string;
  /** Tokens soft-deleted (the user token and page tokens replaced, and page tokens of Pages no longer shared). */
  retired: number;
  retiredUserTokens: number;
  /** Pages whose page token was retired and that Facebook no longer returns. */
  removedPageUuids: string[];
  /** The identities whose user token was retired (another login of this member, or this one's own). */
  replacedUserTokenIdentities: string[];
}

/**
 * Soft-deletes what the new tokens replace — the person's active user token (whichever identity), page tokens for
 * returned Pages, and this identity's page tokens for Pages Facebook no longer returns — and inserts the user token
 * and one page token per Page, encrypted, in ONE statement (columns as arrays, `unnest`ed: no per-row work in
 * Prisma's query compiler). One statement, so the summary triggers (migration 20261129140000) run once over its
 * final state: a reconnect's Pages, whose tokens are swapped for equal ones, are rewritten at most once (their
 * last check moves) instead of twice (no token, then the new one). The insert waits for the retirement (its rows
 * hang on the count of retired rows), so the partial unique indexes see the old tokens retired first. It answers
 * one row (the new user token's id, the counts, and the ids the caller needs), not a row per token.
 */
async function replaceTokens(
  tx: Tx,
  ctx: Ctx,
  identityId: string,
  conn: FacebookConnection,
  pageUuidByFbId: Map<string, string>,
  now: Date,
): Promise<ReplacedTokens> {
  const { tenantId } = ctx;
  const warningDays = env().TOKEN_EXPIRY_WARNING_DAYS;
  const nextCheckAt = new Date(now.getTime() + env().TOKEN_CHECK_INTERVAL_HOURS * 3_600_000);
  // Approving the app at the dialog starts a new 90-day data-access window (debug_token's data_access_expires_at).
  const dataAccessExpiresAt = new Date(now.getTime() + DATA_ACCESS_DAYS * DAY_MS);
  const userSealed = encryptToken(tenantId, conn.userToken.accessToken);
  // Row 0 is the user token; then the Pages. Page tokens from a long-lived user token do not expire (debug_token
  // shows expires_at 0): the health check records what Facebook says.
  const types: ("user" | "page")[] = ["user"];
  const pageIds: (string | null)[] = [null];
  const ciphertexts: string[] = [Buffer.from(userSealed.ciphertext).toString("base64")];
  const keyIds: string[] = [userSealed.keyId];
  const expiries: (string | null)[] = [conn.userToken.expiresAt?.toISOString() ?? null];
  const statuses: string[] = [deriveStatus({ isValid: true, expiresAt: conn.userToken.expiresAt, dataAccessExpiresAt, now, warningDays })];
  for (const p of conn.pages) {
    const sealed = encryptToken(tenantId, p.accessToken);
    types.push("page");
    pageIds.push(pageUuidByFbId.get(p.pageId) as string);
    ciphertexts.push(Buffer.from(sealed.ciphertext).toString("base64"));
    keyIds.push(sealed.keyId);
    expiries.push(null);
    statuses.push(NEW_PAGE_TOKEN_STATUS);
  }
  const returnedPageUuids = [...pageUuidByFbId.values()];
  const [result] = await tx.$queryRaw<ReplacedTokens[]>`
    WITH retired AS (
      UPDATE ad_tokens SET deleted_at = now(), updated_at = now()
      WHERE tenant_id = ${tenantId}::uuid AND user_id = ${ctx.userId}::uuid AND platform = 'facebook' AND deleted_at IS NULL
        AND (token_type = 'user'
             OR facebook_page_id = ANY(${returnedPageUuids}::uuid[])
             OR social_identity_id = ${identityId}::uuid)
      RETURNING token_type, facebook_page_id, social_identity_id
    ), inserted AS (
      INSERT INTO ad_tokens (tenant_id, user_id, platform, token_type, social_identity_id, facebook_page_id, account_id,
                             ciphertext, key_id, scopes, expires_at, data_access_expires_at, status, last_checked_at, next_check_at)
      SELECT ${tenantId}::uuid, ${ctx.userId}::uuid, 'facebook', r.token_type::token_type, ${identityId}::uuid, r.page_id,
             ${ctx.accountId}::uuid, decode(r.ciphertext, 'base64'), r.key_id, ${conn.permissions.granted}::text[],
             r.expires_at, ${dataAccessExpiresAt}, r.status::token_status, ${now}, ${nextCheckAt}
      FROM unnest(${types}::text[], ${pageIds}::uuid[], ${ciphertexts}::text[], ${keyIds}::text[],
                  ${expiries}::timestamptz[], ${statuses}::text[])
           WITH ORDINALITY AS r(token_type, page_id, ciphertext, key_id, expires_at, status, n)
      WHERE (SELECT count(*) FROM retired) >= 0
      ORDER BY r.n
      RETURNING id, token_type
    )
    SELECT (SELECT id FROM inserted WHERE token_type = 'user') AS "userTokenId",
           (SELECT count(*)::int FROM retired) AS retired,
           (SELECT count(*)::int FROM retired WHERE token_type = 'user') AS "retiredUserTokens",
           ARRAY(SELECT DISTINCT facebook_page_id FROM retired
                  WHERE token_type = 'page' AND facebook_page_id <> ALL(${returnedPageUuids}::uuid[])) AS "removedPageUuids",
           ARRAY(SELECT DISTINCT social_identity_id FROM retired WHERE token_type = 'user') AS "replacedUserTokenIdentities"`;
  if (!result?.userTokenId) throw new Error("the user token was not inserted");
  return result;
}

async function auditConnection(
  tx: Tx,
  ctx: Ctx,
  w: {
    identityId: string;
    userTokenId: string;
    conn: FacebookConnection;
    rotatedUser: number;
    replaced: number;
    removedPageUuids: string[];
    instagram: { linked: number; unlinked: number };
  },
): Promise<void> {
  await appendAudit(tx, ctx.tenantId, ctx.userId, [
    {
      action: "facebook.connected",
      targetType: "social_identity",
      targetId: w.identityId,
      // No names or Facebook ids here: the audit log outlives a data deletion request (targetId names the identity).
      details: {
        pages: w.conn.pages.length,
        declinedScopes: w.conn.permissions.declined,
        userTokenRotated: w.rotatedUser > 0,
        pageTokensReplaced: w.replaced - w.rotatedUser,
        pagesNoLongerShared: w.removedPageUuids.length,
        instagramLinked: w.instagram.linked,
        instagramUnlinked: w.instagram.unlinked,
      } satisfies Prisma.InputJsonObject,
    },
    ...(w.rotatedUser > 0
      ? [{ action: "token.rotated", targetType: "ad_token" as const, targetId: w.userTokenId, details: { tokenType: "user" } }]
      : []),
    ...w.removedPageUuids.map((id) => ({ action: "page.no_longer_shared", targetType: "facebook_page" as const, targetId: id })),
  ]);
}
