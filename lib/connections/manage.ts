import "server-only";
import type { Db } from "../db/client";
import type { Tx } from "../db/tenant-transaction";
import type { TokenStatus } from "../db/generated/enums";
import { GraphClient } from "../facebook/graph-client";
import { FacebookApiError, describeFacebookError } from "../facebook/errors";
import { revokeAppPermissions } from "../facebook/user-data";
import { checkTokensNow } from "../health/check-tokens-now";
import { appendAudit } from "../audit/audit-log";
import { activeUserTokenForRevoke, disconnectIdentity, disconnectPage } from "../tokens/disconnect";
import { withMembership, createTenant, type TenantMembership } from "../tenancy/tenants";
import { addMemberByEmail } from "../tenancy/members";
import { canManageConnections, canManageMembers, refusalMessage, type Role } from "../tenancy/roles";
import { logger } from "../log/logger";

/**
 * The dashboard's actions, each resolving the tenant from the person's membership (withMembership) and checking the
 * role before anything changes. Route handlers call these and map the result to HTTP; nothing here trusts a tenant
 * id from the client. Another tenant's slug or ids answer "not_found" (the same as ids that never existed).
 */

export type ActionError =
  | { code: "not_found"; message: string }
  | { code: "forbidden"; message: string }
  | { code: "invalid"; message: string }
  | { code: "facebook"; message: string };

export type ActionResult<T> = { ok: true; value: T } | { ok: false; error: ActionError };

export interface ActionDeps {
  client?: Db;
  graph?: GraphClient;
}

export const NOT_FOUND: ActionError = {
  code: "not_found",
  message: "We could not find that here. It may have been disconnected already; refresh the page to see the current list.",
};

const ok = <T>(value: T): ActionResult<T> => ({ ok: true, value });
const fail = <T>(error: ActionError): ActionResult<T> => ({ ok: false, error });

/** Runs fn in the membership's tenant if the person may manage connections there. */
async function asManager<T>(
  userId: string,
  slug: string,
  fn: (tx: Tx, m: TenantMembership) => Promise<ActionResult<T>>,
  deps: ActionDeps,
): Promise<ActionResult<T>> {
  const res = await withMembership<ActionResult<T>>(
    userId,
    slug,
    async (tx, m) => (canManageConnections(m.role) ? fn(tx, m) : fail({ code: "forbidden", message: refusalMessage("connections", m.role) })),
    deps.client,
  );
  return res ? res.value : fail(NOT_FOUND);
}

// ---------------------------------------------------------------------------------------------- check now

export interface CheckedTokenView {
  id: string;
  status: TokenStatus;
  lastError: string | null;
}

/** "Check now" for one token of this workspace (a Page token or an identity's user token). */
export async function checkTokenNow(input: { userId: string; slug: string; tokenId: string }, deps: ActionDeps = {}): Promise<ActionResult<CheckedTokenView>> {
  const found = await asManager<{ tenantId: string }>(
    input.userId,
    input.slug,
    async (tx, m) => {
      const token = await tx.adToken.findFirst({ where: { id: input.tokenId, deletedAt: null }, select: { id: true } });
      return token ? ok({ tenantId: m.tenantId }) : fail(NOT_FOUND);
    },
    deps,
  );
  if (!found.ok) return found;
  try {
    const [checked] = await checkTokensNow(
      { tenantId: found.value.tenantId, actorUserId: input.userId, tokenIds: [input.tokenId] },
      { client: deps.client, graph: deps.graph },
    );
    // Disconnected between our look-up and the check.
    if (!checked) return fail(NOT_FOUND);
    return ok({ id: checked.id, status: checked.status, lastError: checked.lastError });
  } catch (err) {
    logger.error("dashboard.check_now.failed", { tenantId: found.value.tenantId, tokenId: input.tokenId, error: err });
    return fail({ code: "facebook", message: "The check could not be finished. Nothing was changed; try again in a minute." });
  }
}

// ---------------------------------------------------------------------------------------------- disconnect a Page

export async function disconnectPageAsMember(
  input: { userId: string; slug: string; pageId: string },
  deps: ActionDeps = {},
): Promise<ActionResult<{ pageId: string; name: string; tokensSoftDeleted: number }>> {
  return asManager(
    input.userId,
    input.slug,
    async (tx, m) => {
      const page = await tx.facebookPage.findFirst({ where: { id: input.pageId, deletedAt: null }, select: { id: true, name: true } });
      if (!page) return fail(NOT_FOUND);
      const res = await disconnectPage(tx, m.tenantId, input.userId, page.id);
      if (res.pages === 0) return fail(NOT_FOUND);
      return ok({ pageId: page.id, name: page.name, tokensSoftDeleted: res.tokens });
    },
    deps,
  );
}

// ---------------------------------------------------------------------------------------------- disconnect an identity

export type RevokeOutcome = "not_requested" | "revoked" | "failed" | "no_token";

export interface IdentityDisconnected {
  identityId: string;
  name: string | null;
  tokensSoftDeleted: number;
  pagesHidden: number;
  revoke: RevokeOutcome;
  /** When revoke failed: what happened and what the person can do. */
  revokeMessage: string | null;
}

/**
 * Disconnects a Facebook identity here (soft-deletes its tokens, hides its Pages) and, if asked, revokes the app's
 * permissions on Facebook with its user token. The disconnect is committed first: it is what we control, and it
 * holds even if Facebook is unreachable (the answer then says how to remove the app on Facebook by hand).
 */
export async function disconnectIdentityAsMember(
  input: { userId: string; slug: string; identityId: string; revokeOnFacebook: boolean },
  deps: ActionDeps = {},
): Promise<ActionResult<IdentityDisconnected>> {
  let userToken: string | null = null;
  let tenantId = "";
  const done = await asManager<Omit<IdentityDisconnected, "revoke" | "revokeMessage">>(
    input.userId,
    input.slug,
    async (tx, m) => {
      const identity = await tx.socialIdentity.findFirst({ where: { id: input.identityId, deletedAt: null }, select: { id: true, name: true, userId: true } });
      if (!identity) return fail(NOT_FOUND);
      // Revoking on Facebook removes the app from that person's whole Facebook account, and so (through Meta's
      // deauthorize callback) from every workspace: only the member who connected the account may do that.
      if (input.revokeOnFacebook && identity.userId !== input.userId) {
        return fail({
          code: "forbidden",
          message: "Only the person who connected this Facebook account can revoke it on Facebook. You can still disconnect it from this workspace.",
        });
      }
      if (input.revokeOnFacebook) userToken = await activeUserTokenForRevoke(tx, m.tenantId, identity.id);
      const res = await disconnectIdentity(tx, m.tenantId, input.userId, identity.id, "member");
      if (res.identities === 0) return fail(NOT_FOUND);
      tenantId = m.tenantId;
      return ok({ identityId: identity.id, name: identity.name, tokensSoftDeleted: res.tokens, pagesHidden: res.pages });
    },
    deps,
  );
  if (!done.ok) return done;

  let revoke: RevokeOutcome = "not_requested";
  let revokeMessage: string | null = null;
  if (input.revokeOnFacebook) {
    const token: string | null = userToken;
    userToken = null;
    if (!token) {
      revoke = "no_token";
      revokeMessage = "There was no active Facebook login to revoke with. To remove the app on Facebook, open Facebook → Settings → Business integrations.";
    } else {
      try {
        await revokeAppPermissions(deps.graph ?? new GraphClient(), token);
        revoke = "revoked";
      } catch (err) {
        revoke = "failed";
        const why = err instanceof FacebookApiError ? describeFacebookError(err) : "Facebook could not be reached.";
        revokeMessage = `Disconnected here, but Facebook did not confirm the revoke: ${why} To be sure, remove the app on Facebook → Settings → Business integrations.`;
        logger.warn("dashboard.identity.revoke_failed", { tenantId, identityId: input.identityId, error: err });
      }
    }
    // Record the outcome in the workspace's history (a second, short transaction: the Graph call is outside any).
    await withMembership(
      input.userId,
      input.slug,
      (tx, m) =>
        appendAudit(tx, m.tenantId, input.userId, [
          { action: revoke === "revoked" ? "identity.revoked_on_facebook" : "identity.revoke_failed", targetType: "social_identity", targetId: input.identityId, details: { outcome: revoke } },
        ]),
      deps.client,
    ).catch((err: unknown) => logger.error("dashboard.identity.revoke_audit_failed", { tenantId, error: err }));
  }
  return ok({ ...done.value, revoke, revokeMessage });
}

// ---------------------------------------------------------------------------------------------- members

export async function addMemberAsOwner(
  input: { userId: string; slug: string; email: string; role: Role },
  deps: ActionDeps = {},
): Promise<ActionResult<{ name: string | null; email: string | null; role: Role }>> {
  const res = await withMembership(
    input.userId,
    input.slug,
    async (tx, m): Promise<ActionResult<{ name: string | null; email: string | null; role: Role }>> => {
      if (!canManageMembers(m.role)) return fail({ code: "forbidden", message: refusalMessage("members", m.role) });
      const added = await addMemberByEmail(tx, { tenantId: m.tenantId, actorUserId: input.userId }, { email: input.email, role: input.role });
      if (!added.ok) return fail({ code: "invalid", message: added.message });
      return ok({ name: added.member.name, email: added.member.email, role: added.member.role });
    },
    deps.client,
  );
  return res ? res.value : fail(NOT_FOUND);
}

// ---------------------------------------------------------------------------------------------- workspaces

/** Any signed-in person may create a workspace; they become its owner. */
export async function createWorkspace(input: { userId: string; name: string }, deps: ActionDeps = {}): Promise<ActionResult<TenantMembership>> {
  return ok(await createTenant(input.userId, input.name.trim(), deps.client));
}
