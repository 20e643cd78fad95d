import "server-only";
import { createHash, randomBytes } from "node:crypto";
import type { Db } from "../db/client";
import { withTenant, withUser, type Tx } from "../db/tenant-transaction";
import { isUuid } from "../db/uuid";
import { appendAudit } from "../audit/audit-log";
import { fail, NOT_FOUND, ok, type Result } from "../http/result";
import { sendMail } from "../mail/send-mail";
import { consume, tooManyRequests, type RateLimitPolicy } from "../rate-limit/limiter";
import { logger } from "../log/logger";
import type { WorkspaceAccess } from "./membership";
import { mayInviteAs, ROLE_LABEL, type Role } from "./roles";

/**
 * Invitations: nobody becomes a member without accepting. An owner (any role) or an admin (member role) invites an
 * email address; the answer never depends on whether that address has an account here. The invitee gets an email
 * with a link holding a random token (only its SHA-256 is stored), valid 7 days and good for one answer: they sign in
 * with Facebook and accept or decline on a page naming the workspace and who invited them. Pending invitations are
 * listed, resent (a new link; the old one stops working) and revoked. Every step is in the audit log.
 */

export const INVITATION_TTL_DAYS = 7;
export const INVITATIONS_POLICY: RateLimitPolicy = { name: "invitations", points: 30, durationSeconds: 3600 };

export interface InvitationView {
  id: string;
  email: string;
  role: Role;
  invitedByName: string | null;
  createdAt: string;
  lastSentAt: string;
  expiresAt: string;
  expired: boolean;
}

/** What the invite and resend routes answer: the same bytes for an address with and without an account. */
export interface InviteAnswer {
  email: string;
  role: Role;
  expiresInDays: number;
}

const hashToken = (token: string): Uint8Array<ArrayBuffer> => new Uint8Array(createHash("sha256").update(token, "utf8").digest());
const newToken = (): string => randomBytes(32).toString("base64url");
const expiry = (now = new Date()) => new Date(now.getTime() + INVITATION_TTL_DAYS * 24 * 3600 * 1000);

/** A token from a link: 43 base64url characters, or it names nothing. */
export function isPlausibleInvitationToken(token: string): boolean {
  return /^[A-Za-z0-9_-]{43}$/.test(token);
}

export async function listPendingInvitations(tx: Tx): Promise<InvitationView[]> {
  return tx.$queryRaw<InvitationView[]>`
    SELECT i.id, i.email, i.role::text AS role, u.name AS "invitedByName",
           to_json(i.created_at) #>> '{}' AS "createdAt", to_json(i.last_sent_at) #>> '{}' AS "lastSentAt",
           to_json(i.expires_at) #>> '{}' AS "expiresAt", i.expires_at <= now() AS expired
    FROM invitations i LEFT JOIN users u ON u.id = i.invited_by
    WHERE i.accepted_at IS NULL AND i.declined_at IS NULL AND i.revoked_at IS NULL AND i.deleted_at IS NULL
    ORDER BY i.created_at DESC, i.id`;
}

function invitationMail(input: { to: string; workspace: string; inviter: string | null; role: Role; link: string }) {
  const who = input.inviter ?? "A member";
  return {
    kind: "invitation",
    to: input.to,
    subject: `${who} invited you to ${input.workspace} on Social Tokens`,
    text: [
      `${who} invited you to join the workspace "${input.workspace}" on Social Tokens as ${ROLE_LABEL[input.role].toLowerCase()}.`,
      "",
      `Open this link to accept or decline (you will sign in with Facebook first):`,
      input.link,
      "",
      `The link works once and expires in ${INVITATION_TTL_DAYS} days. If you did not expect this, ignore this email: nothing happens unless you accept.`,
    ].join("\n"),
  };
}

async function limitInvitations(access: WorkspaceAccess): Promise<void> {
  const decision = await consume(INVITATIONS_POLICY, `${access.tenantId}:${access.userId}`);
  if (!decision.allowed) throw tooManyRequests(decision, "You have sent many invitations in the last hour. Wait, then try again.");
}

const invitationLink = (origin: string, token: string) => `${origin.replace(/\/+$/, "")}/invite/${token}`;

/**
 * Invites an email address (or, if an invitation to it is still open, sends that one again with a new link). The
 * answer is the same whether or not the address belongs to someone with an account here; only people who are
 * already members of this workspace are refused (the owner can see them in the list anyway).
 */
export async function inviteMember(
  access: WorkspaceAccess<"members.invite">,
  input: { email: string; role: Role; origin: string },
  deps: { client?: Db } = {},
): Promise<Result<InviteAnswer>> {
  if (!mayInviteAs(access.role, input.role))
    return fail({ code: "forbidden", message: "Admins can invite members only. Ask an owner to invite an admin or an owner." });
  const email = input.email.trim();
  await limitInvitations(access);
  const token = newToken();
  const saved = await withTenant(
    access.tenantId,
    async (tx): Promise<Result<{ resent: boolean }>> => {
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`invitation:${access.tenantId}:${email.toLowerCase()}`}))`;
      // Already a member here? (Members' emails are on the Members page already: this reveals nothing new.)
      const [member] = await tx.$queryRaw<{ id: string }[]>`
        SELECT m.id FROM memberships m JOIN users u ON u.id = m.user_id
        WHERE m.deleted_at IS NULL AND lower(u.email) = lower(${email}) LIMIT 1`;
      if (member) return fail({ code: "conflict", message: `${email} is already a member of this workspace.` });
      const [open] = await tx.$queryRaw<{ id: string }[]>`
        SELECT id FROM invitations
        WHERE lower(email) = lower(${email}) AND accepted_at IS NULL AND declined_at IS NULL AND revoked_at IS NULL AND deleted_at IS NULL
        FOR UPDATE`;
      const now = new Date();
      const id = open
        ? (
            await tx.invitation.update({
              where: { id: open.id },
              data: {
                role: input.role,
                tokenHash: hashToken(token),
                expiresAt: expiry(now),
                lastSentAt: now,
                sentCount: { increment: 1 },
                invitedBy: access.userId,
              },
              select: { id: true },
            })
          ).id
        : (
            await tx.invitation.create({
              data: {
                tenantId: access.tenantId,
                email,
                role: input.role,
                tokenHash: hashToken(token),
                invitedBy: access.userId,
                expiresAt: expiry(now),
              },
              select: { id: true },
            })
          ).id;
      await appendAudit(tx, access.tenantId, access.userId, [
        {
          action: open ? "invitation.resent" : "invitation.created",
          targetType: "invitation",
          targetId: id,
          details: { email, role: input.role },
        },
      ]);
      return ok({ resent: Boolean(open) });
    },
    { client: deps.client, userId: access.userId },
  );
  if (!saved.ok) return saved;
  await sendInvitationMail(access, { email, role: input.role, link: invitationLink(input.origin, token) }, deps);
  return ok({ email, role: input.role, expiresInDays: INVITATION_TTL_DAYS });
}

async function sendInvitationMail(access: WorkspaceAccess, m: { email: string; role: Role; link: string }, deps: { client?: Db }) {
  const inviter = await withUser(
    access.userId,
    async (tx) =>
      (await tx.$queryRaw<{ name: string | null }[]>`SELECT name FROM users WHERE id = ${access.userId}::uuid`)[0]?.name ?? null,
    { client: deps.client },
  );
  try {
    await sendMail(invitationMail({ to: m.email, workspace: access.name, inviter, role: m.role, link: m.link }));
  } catch (error) {
    // The invitation is saved; the owner can resend it. The answer stays the same (it must not depend on the address).
    logger.error("invitation.mail_failed", { error });
  }
}

/** Sends a pending invitation again with a new link (the previous link stops working) and a new 7-day expiry. */
export async function resendInvitation(
  access: WorkspaceAccess<"members.invite">,
  input: { invitationId: string; origin: string },
  deps: { client?: Db } = {},
): Promise<Result<InviteAnswer>> {
  await limitInvitations(access);
  const token = newToken();
  const saved = await withTenant(
    access.tenantId,
    async (tx): Promise<Result<{ email: string; role: Role }>> => {
      const [row] = await tx.$queryRaw<{ id: string; email: string; role: Role }[]>`
        SELECT id, email, role::text AS role FROM invitations
        WHERE id = ${input.invitationId}::uuid AND accepted_at IS NULL AND declined_at IS NULL AND revoked_at IS NULL AND deleted_at IS NULL
        FOR UPDATE`;
      if (!row) return fail(NOT_FOUND);
      if (!mayInviteAs(access.role, row.role))
        return fail({ code: "forbidden", message: "Admins can resend invitations for members only. Ask an owner." });
      const now = new Date();
      await tx.invitation.update({
        where: { id: row.id },
        data: { tokenHash: hashToken(token), expiresAt: expiry(now), lastSentAt: now, sentCount: { increment: 1 } },
      });
      await appendAudit(tx, access.tenantId, access.userId, [
        { action: "invitation.resent", targetType: "invitation", targetId: row.id, details: { email: row.email, role: row.role } },
      ]);
      return ok({ email: row.email, role: row.role });
    },
    { client: deps.client, userId: access.userId },
  );
  if (!saved.ok) return saved;
  await sendInvitationMail(access, { ...saved.value, link: invitationLink(input.origin, token) }, deps);
  return ok({ ...saved.value, expiresInDays: INVITATION_TTL_DAYS });
}

/** Revokes a pending invitation: its link stops working. */
export async function revokeInvitation(
  access: WorkspaceAccess<"members.invite">,
  invitationId: string,
  deps: { client?: Db } = {},
): Promise<Result<{ id: string; email: string }>> {
  return withTenant(
    access.tenantId,
    async (tx) => {
      const [row] = await tx.$queryRaw<{ id: string; email: string; role: Role }[]>`
        SELECT id, email, role::text AS role FROM invitations
        WHERE id = ${invitationId}::uuid AND accepted_at IS NULL AND declined_at IS NULL AND revoked_at IS NULL AND deleted_at IS NULL
        FOR UPDATE`;
      if (!row) return fail(NOT_FOUND);
      if (!mayInviteAs(access.role, row.role))
        return fail({ code: "forbidden", message: "Admins can revoke invitations for members only. Ask an owner." });
      await tx.invitation.update({ where: { id: row.id }, data: { revokedAt: new Date() } });
      await appendAudit(tx, access.tenantId, access.userId, [
        { action: "invitation.revoked", targetType: "invitation", targetId: row.id, details: { email: row.email, role: row.role } },
      ]);
      return ok({ id: row.id, email: row.email });
    },
    { client: deps.client, userId: access.userId },
  );
}

// ---------------------------------------------------------------- the invitee's side

export type InvitationState = "pending" | "expired" | "accepted" | "declined" | "revoked";

export interface InvitationForInvitee {
  tenantId: string;
  workspaceName: string;
  workspaceSlug: string;
  invitedByName: string | null;
  email: string;
  role: Role;
  state: InvitationState;
  expiresAt: string;
}

interface InvitationRow {
  id: string;
  tenantId: string;
  email: string;
  role: Role;
  expiresAt: Date;
  acceptedAt: Date | null;
  declinedAt: Date | null;
  revokedAt: Date | null;
  invitedBy: string;
}

function stateOf(row: InvitationRow, now = new Date()): InvitationState {
  if (row.acceptedAt) return "accepted";
  if (row.declinedAt) return "declined";
  if (row.revokedAt) return "revoked";
  return row.expiresAt <= now ? "expired" : "pending";
}

/**
 * Finds the invitation a link names, then runs fn in its workspace's RLS context (the person's user context too).
 * Only the token's hash can find it (RLS policy "invitee_lookup"): a wrong or old token finds nothing.
 */
async function withInvitation<T>(
  userId: string,
  token: string,
  fn: (tx: Tx, row: InvitationRow) => Promise<T>,
  deps: { client?: Db },
): Promise<T | null> {
  if (!isPlausibleInvitationToken(token) || !isUuid(userId)) return null;
  const hex = Buffer.from(hashToken(token)).toString("hex");
  return withUser(
    userId,
    async (tx) => {
      await tx.$executeRaw`SELECT set_config('app.invitation_token_hash', ${hex}, true)`;
      const [found] = await tx.$queryRaw<{ tenantId: string }[]>`
        SELECT tenant_id AS "tenantId" FROM invitations WHERE token_hash = decode(${hex}, 'hex') AND deleted_at IS NULL`;
      if (!found) return null;
      // Into the workspace's context (the lookup policy stays, but only this row matches it).
      await tx.$executeRaw`SELECT set_config('app.tenant_id', ${found.tenantId}, true)`;
      const [row] = await tx.$queryRaw<InvitationRow[]>`
        SELECT id, tenant_id AS "tenantId", email, role::text AS role, expires_at AS "expiresAt", accepted_at AS "acceptedAt",
               declined_at AS "declinedAt", revoked_at AS "revokedAt", invited_by AS "invitedBy"
        FROM invitations WHERE token_hash = decode(${hex}, 'hex') AND tenant_id = ${found.tenantId}::uuid FOR UPDATE`;
      if (!row) return null;
      return fn(tx, row);
    },
    { client: deps.client },
  );
}

/** What the invitation page shows: the workspace, who invited, the role, and whether it can still be answered. */
export async function viewInvitation(userId: string, token: string, deps: { client?: Db } = {}): Promise<InvitationForInvitee | null> {
  return withInvitation(
    userId,
    token,
    async (tx, row) => {
      const [extra] = await tx.$queryRaw<{ name: string; slug: string; inviter: string | null }[]>`
        SELECT t.name, t.slug, u.name AS inviter FROM tenants t LEFT JOIN users u ON u.id = ${row.invitedBy}::uuid
        WHERE t.id = ${row.tenantId}::uuid`;
      return {
        tenantId: row.tenantId,
        workspaceName: extra?.name ?? "a workspace",
        workspaceSlug: extra?.slug ?? "",
        invitedByName: extra?.inviter ?? null,
        email: row.email,
        role: row.role,
        state: stateOf(row),
        expiresAt: row.expiresAt.toISOString(),
      };
    },
    deps,
  );
}

const UNANSWERABLE: Record<Exclude<InvitationState, "pending">, string> = {
  expired: "This invitation has expired. Ask the person who invited you to send a new one.",
  accepted: "This invitation was already accepted.",
  declined: "This invitation was declined. Ask for a new one if you changed your mind.",
  revoked: "This invitation was withdrawn. Ask the person who invited you.",
};

export const INVITATION_NOT_FOUND =
  "This invitation link is not valid. It may have been replaced by a newer email; open the latest one, or ask for a new invitation.";

/**
 * Accepts: the signed-in person becomes a member with the invited role (or keeps their membership if they already
 * are one), and the invitation is used up, in one transaction.
 */
export async function acceptInvitation(
  userId: string,
  token: string,
  deps: { client?: Db } = {},
): Promise<Result<{ slug: string; role: Role }>> {
  const result = await withInvitation(
    userId,
    token,
    async (tx, row): Promise<Result<{ slug: string; role: Role }>> => {
      const state = stateOf(row);
      if (state !== "pending") return fail({ code: "conflict", message: UNANSWERABLE[state] });
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`membership:${row.tenantId}:${userId}`}))`;
      const existing = await tx.membership.findFirst({
        where: { userId },
        orderBy: [{ deletedAt: { sort: "desc", nulls: "first" } }, { createdAt: "desc" }],
        select: { id: true, role: true, deletedAt: true },
      });
      let membershipId: string;
      let role: Role = row.role;
      if (existing && !existing.deletedAt) {
        membershipId = existing.id;
        role = existing.role;
      } else if (existing) {
        membershipId = (
          await tx.membership.update({ where: { id: existing.id }, data: { deletedAt: null, role: row.role }, select: { id: true } })
        ).id;
      } else {
        membershipId = (await tx.membership.create({ data: { tenantId: row.tenantId, userId, role: row.role }, select: { id: true } })).id;
      }
      await tx.invitation.update({ where: { id: row.id }, data: { acceptedAt: new Date(), acceptedBy: userId } });
      await appendAudit(tx, row.tenantId, userId, [
        { action: "invitation.accepted", targetType: "invitation", targetId: row.id, details: { email: row.email, role: row.role } },
        ...(existing && !existing.deletedAt
          ? []
          : [
              {
                action: "member.joined",
                targetType: "membership" as const,
                targetId: membershipId,
                details: { role: row.role, invitationId: row.id },
              },
            ]),
      ]);
      const [t] = await tx.$queryRaw<{ slug: string }[]>`SELECT slug FROM tenants WHERE id = ${row.tenantId}::uuid`;
      return ok({ slug: t?.slug ?? "", role });
    },
    deps,
  );
  return result ?? fail({ code: "not_found", message: INVITATION_NOT_FOUND });
}

/** Declines: nothing is joined, the link is used up, the workspace's audit log says so. */
export async function declineInvitation(userId: string, token: string, deps: { client?: Db } = {}): Promise<Result<{ declined: true }>> {
  const result = await withInvitation(
    userId,
    token,
    async (tx, row): Promise<Result<{ declined: true }>> => {
      const state = stateOf(row);
      if (state !== "pending") return fail({ code: "conflict", message: UNANSWERABLE[state] });
      await tx.invitation.update({ where: { id: row.id }, data: { declinedAt: new Date() } });
      await appendAudit(tx, row.tenantId, userId, [
        { action: "invitation.declined", targetType: "invitation", targetId: row.id, details: { email: row.email, role: row.role } },
      ]);
      return ok({ declined: true as const });
    },
    deps,
  );
  return result ?? fail({ code: "not_found", message: INVITATION_NOT_FOUND });
}
