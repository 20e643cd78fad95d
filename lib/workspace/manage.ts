import "server-only";
import { consume, tooManyRequests, type RateLimitPolicy } from "../rate-limit/limiter";
import type { Db } from "../db/client";
import { withTenant } from "../db/tenant-transaction";
import { GraphClient } from "../facebook/graph-client";
import { FACEBOOK_WORDS, FacebookApiError, describeFacebookError } from "../facebook/errors";
import { revokeAppPermissions } from "../facebook/user-data";
import { checkTokensNow } from "../health/check-tokens-now";
import { appendAudit } from "../audit/audit-log";
import { fail, ok, NOT_FOUND, type Result } from "../http/result";
import type { WorkspaceAccess } from "../tenancy/membership";
import { activeUserTokenForRevoke, disconnectIdentity, disconnectPage } from "../tokens/disconnect";
import { logger } from "../log/logger";
import type { TikTokClient } from "../tiktok/api-client";
import { checkTikTokTokenNow, revokeOnTikTok } from "../tiktok/check";
import type { ResponseOf } from "./contract";

/**
 * The dashboard's connection actions. Each takes a WorkspaceAccess (the membership core's proof that this person
 * may manage connections in this workspace) and works under that workspace's RLS context; nothing here trusts a
 * tenant id from the client. Ids of another workspace answer "not_found", exactly like ids that never existed.
 */

export interface ActionDeps {
  client?: Db;
  graph?: GraphClient;
  tiktok?: TikTokClient;
}

type Manager = WorkspaceAccess<"connections.manage">;

const inWorkspace = <T>(access: Manager, fn: Parameters<typeof withTenant<T>>[1], deps: ActionDeps) =>
  withTenant(access.tenantId, fn, { client: deps.client, userId: access.userId });

/** "Check now" for one token of this workspace (a Page token or an identity's user token). */
/** "Check now" calls Facebook: per person and workspace, across instances. */
export const CHECK_NOW_POLICY: RateLimitPolicy = { name: "check-now", points: 30, durationSeconds: 60 };

export async function checkTokenNow(access: Manager, tokenId: string, deps: ActionDeps = {}): Promise<Result<ResponseOf<"checkToken">>> {
  const decision = await consume(CHECK_NOW_POLICY, `${access.tenantId}:${access.userId}`);
  if (!decision.allowed) throw tooManyRequests(decision, "You have checked many tokens in the last minute. Wait, then check again.");
  const token = await inWorkspace(
    access,
    (tx) => tx.adToken.findFirst({ where: { id: tokenId, deletedAt: null }, select: { id: true, platform: true } }),
    deps,
  );
  if (!token) return fail(NOT_FOUND);
  if (token.platform === "tiktok") return checkTikTokAsMember(access, tokenId, deps);
  try {
    const [checked] = await checkTokensNow(
      { tenantId: access.tenantId, actorUserId: access.userId, tokenIds: [tokenId] },
      { client: deps.client, graph: deps.graph },
    );
    // Disconnected between our look-up and the check.
    if (!checked) return fail(NOT_FOUND);
    return ok({ id: checked.id, status: checked.status, lastError: checked.lastError });
  } catch (err) {
    logger.error("dashboard.check_now.failed", { tenantId: access.tenantId, tokenId, error: err });
    return fail({ code: "facebook", message: "The check could not be finished. Nothing was changed; try again in a minute." });
  }
}

async function checkTikTokAsMember(access: Manager, tokenId: string, deps: ActionDeps): Promise<Result<ResponseOf<"checkToken">>> {
  try {
    const checked = await checkTikTokTokenNow(access.tenantId, access.userId, tokenId, deps);
    return checked ? ok(checked) : fail(NOT_FOUND);
  } catch (err) {
    logger.error("dashboard.check_now.failed", { tenantId: access.tenantId, tokenId, error: err });
    return fail({ code: "facebook", message: "The check could not be finished. Nothing was changed; try again in a minute." });
  }
}

/** Disconnects a Page: soft-deletes its tokens and hides it from the list (history stays). */
export async function disconnectPageAsMember(
  access: Manager,
  pageId: string,
  deps: ActionDeps = {},
): Promise<Result<ResponseOf<"disconnectPage">>> {
  return inWorkspace(
    access,
    async (tx) => {
      const page = await tx.facebookPage.findFirst({ where: { id: pageId, deletedAt: null }, select: { id: true, name: true } });
      if (!page) return fail(NOT_FOUND);
      const res = await disconnectPage(tx, access.tenantId, access.userId, page.id);
      if (res.pages === 0) return fail(NOT_FOUND);
      return ok({ pageId: page.id, name: page.name, tokensSoftDeleted: res.tokens });
    },
    deps,
  );
}

type IdentityDisconnected = ResponseOf<"disconnectIdentity">;
export type RevokeOutcome = IdentityDisconnected["revoke"];

const NO_TOKEN_MESSAGE =
  "There was no active Facebook login to revoke with. To remove the app on Facebook, open Facebook → Settings → Business integrations.";

const NO_TIKTOK_TOKEN_MESSAGE =
  "There was no active TikTok login to revoke with. To remove the app on TikTok, open TikTok → Settings → Security → Manage app permissions.";

/**
 * Disconnects a Facebook or TikTok identity here (soft-deletes its tokens, hides its Pages) and, if asked
 * (`revokeAtPlatform`), revokes the app's access at that platform with its user token. Three steps: the disconnect is committed first (it is what we
 * control, and it holds even if Facebook is unreachable), then the Graph call outside any transaction, then the
 * outcome in the audit log.
 */
export async function disconnectIdentityAsMember(
  access: Manager,
  input: { identityId: string; revokeAtPlatform: boolean },
  deps: ActionDeps = {},
): Promise<Result<IdentityDisconnected>> {
  const done = await inWorkspace(
    access,
    async (tx) => {
      const identity = await tx.socialIdentity.findFirst({
        where: { id: input.identityId, deletedAt: null },
        select: { id: true, name: true, userId: true, platform: true },
      });
      if (!identity) return fail(NOT_FOUND);
      const platformName = identity.platform === "tiktok" ? "TikTok" : "Facebook";
      // Revoking on Facebook removes the app from that person's whole Facebook account, and so (through Meta's
      // deauthorize callback) from every workspace: only the member who connected the account may do that.
      if (input.revokeAtPlatform && identity.userId !== access.userId) {
        return fail({
          code: "forbidden",
          message: `Only the person who connected this ${platformName} account can revoke it on ${platformName}. You can still disconnect it from this workspace.`,
        });
      }
      const userToken = input.revokeAtPlatform ? await activeUserTokenForRevoke(tx, access.tenantId, identity.id) : null;
      const res = await disconnectIdentity(tx, access.tenantId, access.userId, identity.id, "member");
      if (res.identities === 0) return fail(NOT_FOUND);
      return ok({
        userToken,
        platform: identity.platform,
        view: { identityId: identity.id, name: identity.name, tokensSoftDeleted: res.tokens, pagesHidden: res.pages },
      });
    },
    deps,
  );
  if (!done.ok) return done;
  const { view, userToken, platform } = done.value;
  if (!input.revokeAtPlatform) return ok({ ...view, revoke: "not_requested", revokeMessage: null });

  // revokeAtPlatform: Facebook's permissions DELETE for a Facebook account, POST /v2/oauth/revoke/ for a TikTok one.
  const outcome = !userToken
    ? { revoke: "no_token" as const, revokeMessage: platform === "tiktok" ? NO_TIKTOK_TOKEN_MESSAGE : NO_TOKEN_MESSAGE }
    : platform === "tiktok"
      ? await revokeOnTikTok(userToken, deps)
      : await revokeOnFacebook(userToken, access, input.identityId, deps);
  await inWorkspace(
    access,
    (tx) =>
      appendAudit(tx, access.tenantId, access.userId, [
        {
          action: outcome.revoke === "revoked" ? `identity.revoked_on_${platform}` : "identity.revoke_failed",
          targetType: "social_identity",
          targetId: input.identityId,
          details: { outcome: outcome.revoke },
        },
      ]),
    deps,
  ).catch((err: unknown) => logger.error("dashboard.identity.revoke_audit_failed", { tenantId: access.tenantId, error: err }));
  return ok({ ...view, ...outcome });
}

async function revokeOnFacebook(
  userToken: string,
  access: Manager,
  identityId: string,
  deps: ActionDeps,
): Promise<Pick<IdentityDisconnected, "revoke" | "revokeMessage">> {
  try {
    await revokeAppPermissions(deps.graph ?? new GraphClient(), userToken);
    return { revoke: "revoked", revokeMessage: null };
  } catch (err) {
    logger.warn("dashboard.identity.revoke_failed", { tenantId: access.tenantId, identityId, error: err });
    const why = err instanceof FacebookApiError ? describeFacebookError(err) : FACEBOOK_WORDS.unreachable;
    return {
      revoke: "failed",
      revokeMessage: `Disconnected here, but Facebook did not confirm the revoke: ${why} To be sure, remove the app on Facebook → Settings → Business integrations.`,
    };
  }
}
