import "server-only";
import { appendAudit } from "../audit/audit-log";
import type { Tx } from "../db/tenant-transaction";

/**
 * A member may connect more than one Facebook login in a workspace, but holds one active user token per workspace
 * and platform: connecting login B replaces login A's user token. A's Page tokens stay (its Pages keep working).
 * This records it: one audit event per replaced login naming both (by their identity ids: the audit log outlives a
 * data deletion request, so no Facebook names or ids), and says how many logins were replaced.
 */
export async function recordReplacedLogins(
  tx: Tx,
  ctx: { tenantId: string; userId: string; newIdentityId: string },
  /** The identities whose active user token this connect retired (the new identity's own included, if it had one). */
  replacedUserTokenIdentities: string[],
): Promise<{ replacedIdentityIds: string[] }> {
  const others = [...new Set(replacedUserTokenIdentities.filter((id) => id !== ctx.newIdentityId))];
  await appendAudit(
    tx,
    ctx.tenantId,
    ctx.userId,
    others.map((id) => ({
      action: "facebook.user_token_replaced",
      targetType: "social_identity" as const,
      targetId: id,
      details: { replacedBySocialIdentityId: ctx.newIdentityId, pageTokensKept: true },
    })),
  );
  return { replacedIdentityIds: others };
}
