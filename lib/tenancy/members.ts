import "server-only";
import type { Db } from "../db/client";
import { withTenant, type Tx } from "../db/tenant-transaction";
import { appendAudit } from "../audit/audit-log";
import { fail, NOT_FOUND, ok, type Result } from "../http/result";
import { disconnectIdentity } from "../tokens/disconnect";
import type { WorkspaceAccess } from "./membership";
import type { Role } from "./roles";

/**
 * Members of a workspace. Runs in the workspace's tenant transaction (the membership core's), so RLS limits every read and
 * write to that tenant's memberships. People join only by accepting an invitation (invitations.ts); owners change
 * roles and remove members; anyone leaves. A workspace always keeps at least one owner.
 */

export interface MemberView {
  membershipId: string;
  userId: string;
  name: string | null;
  email: string | null;
  image: string | null;
  role: Role;
  joinedAt: string;
}

export async function listMembers(tx: Tx): Promise<MemberView[]> {
  return tx.$queryRaw<MemberView[]>`
    SELECT m.id AS "membershipId", u.id AS "userId", u.name, u.email, u.image, m.role::text AS role,
           to_json(m.created_at) #>> '{}' AS "joinedAt"
    FROM memberships m JOIN users u ON u.id = m.user_id
    WHERE m.deleted_at IS NULL
    ORDER BY CASE m.role WHEN 'owner' THEN 0 WHEN 'admin' THEN 1 ELSE 2 END, lower(coalesce(u.name, u.email, '')), m.id`;
}

/** Serialises every change to a workspace's members (role changes, removals, leaving): the last-owner rule holds. */
async function lockMembers(tx: Tx, tenantId: string): Promise<void> {
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`members:${tenantId}`}))`;
}

interface Target {
  id: string;
  userId: string;
  role: Role;
}

async function activeMembership(tx: Tx, membershipId: string): Promise<Target | null> {
  const [row] = await tx.$queryRaw<Target[]>`
    SELECT id, user_id AS "userId", role::text AS role FROM memberships WHERE id = ${membershipId}::uuid AND deleted_at IS NULL`;
  return row ?? null;
}

async function ownerCount(tx: Tx): Promise<number> {
  const [row] = await tx.$queryRaw<{ n: number }[]>`SELECT count(*)::int AS n FROM memberships WHERE role = 'owner' AND deleted_at IS NULL`;
  return row?.n ?? 0;
}

/** Whether ending or demoting this membership would leave the workspace without an owner. */
async function isLastOwner(tx: Tx, target: Target): Promise<boolean> {
  return target.role === "owner" && (await ownerCount(tx)) <= 1;
}

/**
 * A change to the workspace's members: in its tenant transaction, under the members lock, on the membership `find`
 * returns (404 when there is none).
 */
function changeMembers<T>(
  access: WorkspaceAccess,
  deps: { client?: Db },
  find: (tx: Tx) => Promise<Target | null>,
  change: (tx: Tx, target: Target) => Promise<Result<T>>,
): Promise<Result<T>> {
  return withTenant(
    access.tenantId,
    async (tx) => {
      await lockMembers(tx, access.tenantId);
      const target = await find(tx);
      return target ? change(tx, target) : fail(NOT_FOUND);
    },
    { client: deps.client, userId: access.userId },
  );
}

const LAST_OWNER = "A workspace needs at least one owner. Make someone else an owner first.";

/** An owner changes a member's role. The last owner cannot be demoted (checked under the workspace's members lock). */
export async function changeMemberRole(
  access: WorkspaceAccess<"members.manage">,
  input: { membershipId: string; role: Role },
  deps: { client?: Db } = {},
): Promise<Result<{ membershipId: string; role: Role }>> {
  return changeMembers(
    access,
    deps,
    (tx) => activeMembership(tx, input.membershipId),
    async (tx, target) => {
      if (target.role === input.role) return ok({ membershipId: target.id, role: target.role });
      if (await isLastOwner(tx, target)) return fail({ code: "conflict", message: LAST_OWNER });
      await tx.membership.update({ where: { id: target.id }, data: { role: input.role } });
      await appendAudit(tx, access.tenantId, access.userId, [
        { action: "member.role_changed", targetType: "membership", targetId: target.id, details: { from: target.role, to: input.role } },
      ]);
      return ok({ membershipId: target.id, role: input.role });
    },
  );
}

/** What happens to the Facebook accounts a removed member connected to this workspace. */
export type ConnectionsChoice = "keep" | "disconnect";

/**
 * Ends a membership, in one transaction with what happens to the Facebook accounts the person connected here:
 * "keep" leaves them working (the dashboard marks them "connected by a former member"), "disconnect" disconnects them
 * now. If it was the person's last workspace, their sessions end too.
 */
async function endMembership(
  tx: Tx,
  ctx: { tenantId: string; actorUserId: string },
  target: Target,
  connections: ConnectionsChoice,
  action: "member.removed" | "member.left",
): Promise<{ identitiesDisconnected: number; sessionsEnded: boolean }> {
  await tx.membership.update({ where: { id: target.id }, data: { deletedAt: new Date() } });
  let identitiesDisconnected = 0;
  if (connections === "disconnect") {
    const identities = await tx.socialIdentity.findMany({ where: { userId: target.userId, deletedAt: null }, select: { id: true } });
    for (const identity of identities) {
      identitiesDisconnected += (await disconnectIdentity(tx, ctx.tenantId, ctx.actorUserId, identity.id)).identities;
    }
  }
  const [ended] = await tx.$queryRaw<{ ended: boolean }[]>`SELECT end_sessions_if_no_workspace(${target.userId}::uuid) AS ended`;
  const sessionsEnded = ended?.ended === true;
  await appendAudit(tx, ctx.tenantId, ctx.actorUserId, [
    {
      action,
      targetType: "membership",
      targetId: target.id,
      details: { userId: target.userId, role: target.role, connections, identitiesDisconnected },
    },
  ]);
  return { identitiesDisconnected, sessionsEnded };
}

/** An owner removes a member (not the last owner; not themselves: that is leaving). */
export async function removeMember(
  access: WorkspaceAccess<"members.manage">,
  input: { membershipId: string; connections: ConnectionsChoice },
  deps: { client?: Db } = {},
): Promise<Result<{ membershipId: string; connections: ConnectionsChoice; identitiesDisconnected: number }>> {
  return changeMembers(
    access,
    deps,
    (tx) => activeMembership(tx, input.membershipId),
    async (tx, target) => {
      if (target.userId === access.userId) return fail({ code: "invalid", message: "To remove yourself, use Leave workspace." });
      if (await isLastOwner(tx, target)) return fail({ code: "conflict", message: LAST_OWNER });
      const done = await endMembership(
        tx,
        { tenantId: access.tenantId, actorUserId: access.userId },
        target,
        input.connections,
        "member.removed",
      );
      return ok({ membershipId: target.id, connections: input.connections, identitiesDisconnected: done.identitiesDisconnected });
    },
  );
}

/** Anyone leaves a workspace, except its last owner. Their connections keep working, marked as a former member's. */
export async function leaveWorkspace(
  access: WorkspaceAccess<"workspace.view">,
  deps: { client?: Db } = {},
): Promise<Result<{ left: true }>> {
  return changeMembers(
    access,
    deps,
    async (tx) => {
      const [mine] = await tx.$queryRaw<Target[]>`
        SELECT id, user_id AS "userId", role::text AS role FROM memberships WHERE user_id = ${access.userId}::uuid AND deleted_at IS NULL`;
      return mine ?? null;
    },
    async (tx, mine) => {
      if (await isLastOwner(tx, mine))
        return fail({ code: "conflict", message: "You are the last owner: make someone else an owner before you leave." });
      await endMembership(tx, { tenantId: access.tenantId, actorUserId: access.userId }, mine, "keep", "member.left");
      return ok({ left: true as const });
    },
  );
}
