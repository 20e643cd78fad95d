import "server-only";
import type { Db } from "../db/client";
import { withTenant, type Tx } from "../db/tenant-transaction";
import { appendAudit } from "../audit/audit-log";
import { fail, ok, type Result } from "../http/result";
import type { WorkspaceAccess } from "./membership";
import type { Role } from "./roles";

/**
 * Members of a workspace. Runs in the workspace's tenant transaction (the membership core's), so RLS limits every read and
 * write to that tenant's memberships. People (users) are global: a person signs in once with Facebook, then any
 * owner can add them to a workspace by the email Facebook gave us.
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

export type AddMemberResult =
  | { ok: true; member: { userId: string; name: string | null; email: string | null; role: Role } }
  | { ok: false; reason: "no_such_person" | "already_member"; message: string };

/**
 * Adds the person with this email (case-insensitive) to the workspace with the role, or revives their earlier
 * membership. Serialised per (tenant, person) so two owners adding the same person at once make one membership.
 */
export async function addMemberByEmail(
  tx: Tx,
  ctx: { tenantId: string; actorUserId: string },
  input: { email: string; role: Role },
): Promise<AddMemberResult> {
  const email = input.email.trim();
  const [person] = await tx.$queryRaw<{ id: string; name: string | null; email: string | null }[]>`
    SELECT id, name, email FROM users WHERE lower(email) = lower(${email}) ORDER BY (email = ${email}) DESC LIMIT 1`;
  if (!person) {
    return {
      ok: false,
      reason: "no_such_person",
      message: `No one has signed in with ${email} yet. Ask them to open this app and continue with Facebook once, then add them again.`,
    };
  }
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`membership:${ctx.tenantId}:${person.id}`}))`;
  const existing = await tx.membership.findFirst({
    where: { userId: person.id },
    orderBy: [{ deletedAt: { sort: "desc", nulls: "first" } }, { createdAt: "desc" }],
    select: { id: true, role: true, deletedAt: true },
  });
  if (existing && !existing.deletedAt) {
    return {
      ok: false,
      reason: "already_member",
      message: `${person.name ?? email} is already a member of this workspace (${existing.role}).`,
    };
  }
  const membership = existing
    ? await tx.membership.update({ where: { id: existing.id }, data: { deletedAt: null, role: input.role }, select: { id: true } })
    : await tx.membership.create({ data: { tenantId: ctx.tenantId, userId: person.id, role: input.role }, select: { id: true } });
  await appendAudit(tx, ctx.tenantId, ctx.actorUserId, [
    {
      action: "member.added",
      targetType: "membership",
      targetId: membership.id,
      details: { userId: person.id, role: input.role, revived: Boolean(existing) },
    },
  ]);
  return { ok: true, member: { userId: person.id, name: person.name, email: person.email, role: input.role } };
}

/** An owner adds a person to the workspace (the route's action). */
export async function addMember(
  access: WorkspaceAccess<"members.manage">,
  input: { email: string; role: Role },
  deps: { client?: Db } = {},
): Promise<Result<{ name: string | null; email: string | null; role: Role }>> {
  const added = await withTenant(
    access.tenantId,
    (tx) => addMemberByEmail(tx, { tenantId: access.tenantId, actorUserId: access.userId }, input),
    {
      client: deps.client,
      userId: access.userId,
    },
  );
  if (!added.ok) return fail({ code: "invalid", message: added.message });
  return ok({ name: added.member.name, email: added.member.email, role: added.member.role });
}
