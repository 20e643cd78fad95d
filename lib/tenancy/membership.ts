import "server-only";
import type { Db } from "../db/client";
import { setTenant, withUser, type Tx } from "../db/tenant-transaction";
import { isUuid } from "../db/uuid";
import { fail, NOT_FOUND, type Failure, type Result } from "../http/result";
import { can, refusalMessage, type Permission, type Role } from "./roles";
import type { SessionRef } from "../auth/session-generation";

/**
 * The membership core: "which workspace, is this person a member there, and may they do this?", answered in one
 * statement inside the caller's transaction. Every page, route handler and flow goes through here; adapters turn a
 * refusal into what their caller needs (pages: notFound(); route handlers: an HTTP error; flows: a ConnectError).
 *
 * A workspace the person is not a member of, a slug or id that never existed and a malformed one are the same
 * answer: "not_found" (never reveal that a workspace exists). "forbidden" is only for members without the role.
 */

export interface Membership {
  tenantId: string;
  slug: string;
  name: string;
  role: Role;
}

/** Proof that the membership core checked this person's role for permission P in this workspace. */
export interface WorkspaceAccess<P extends Permission = Permission> extends Membership {
  readonly userId: string;
  readonly permission: P;
}

export type WorkspaceRef = { slug: string } | { tenantId: string };

/** "signed_out": the session cookie was ended (signed out, signed out everywhere, removed from every workspace). */
export type Refusal = { reason: "not_found" } | { reason: "forbidden"; role: Role } | { reason: "signed_out" };

/**
 * Who is asking: a session (pages and routes: the session's liveness is checked in the membership statement itself)
 * or a bare user id (flows that just authenticated the person, e.g. the connect callback, and tests).
 */
export type Who = string | SessionRef;

const userIdOf = (who: Who): string => (typeof who === "string" ? who : who.id);

export type MembershipResult<P extends Permission, T> =
  { ok: true; access: WorkspaceAccess<P>; tenants: Membership[]; value: T } | ({ ok: false } & Refusal);

/** Slugs are what slugify() makes: anything else cannot name a tenant (and never reaches the database). */
export function isPlausibleSlug(slug: string): boolean {
  return /^[a-z0-9-]{1,80}$/.test(slug);
}

function isPlausibleRef(ref: WorkspaceRef): boolean {
  return "slug" in ref ? isPlausibleSlug(ref.slug) : isUuid(ref.tenantId);
}

/**
 * All of the person's workspaces (RLS: only their own memberships are readable while no tenant is selected), in one
 * statement, so the workspace switcher's list costs nothing extra.
 */
export async function myMemberships(tx: Tx, userId: string): Promise<Membership[]> {
  return tx.$queryRaw<Membership[]>`
    SELECT t.id AS "tenantId", t.slug, t.name, m.role::text AS role
    FROM memberships m JOIN tenants t ON t.id = m.tenant_id
    WHERE m.user_id = ${userId}::uuid AND m.deleted_at IS NULL AND t.deleted_at IS NULL
    ORDER BY m.created_at, t.name`;
}

/**
 * The same list for a session, in the same one statement, which also answers whether the session is still live
 * (its generation is current and it was not signed out): no extra query per request.
 */
export async function mySessionMemberships(tx: Tx, session: SessionRef): Promise<{ live: boolean; tenants: Membership[] }> {
  const rows = await tx.$queryRaw<({ live: boolean } & Partial<Membership>)[]>`
    WITH live AS (
      SELECT EXISTS (SELECT 1 FROM users u WHERE u.id = ${session.id}::uuid AND u.session_generation = ${session.gen})
         AND NOT EXISTS (SELECT 1 FROM ended_sessions e WHERE e.session_id = ${session.sid}::uuid) AS ok
    )
    SELECT live.ok AS live, t.id AS "tenantId", t.slug, t.name, m.role::text AS role
    FROM live
    LEFT JOIN memberships m ON live.ok AND m.user_id = ${session.id}::uuid AND m.deleted_at IS NULL
    LEFT JOIN tenants t ON t.id = m.tenant_id AND t.deleted_at IS NULL
    ORDER BY m.created_at, t.name`;
  const tenants = rows.filter((r): r is { live: boolean } & Membership => typeof r.tenantId === "string");
  return { live: rows[0]?.live === true, tenants: tenants.map(({ tenantId, slug, name, role }) => ({ tenantId, slug, name, role })) };
}

/**
 * Inside a transaction opened with the person's user context: resolves the workspace, checks the permission and
 * switches the transaction to the workspace's RLS context.
 */
export async function enterWorkspace<P extends Permission>(
  tx: Tx,
  who: Who,
  ref: WorkspaceRef,
  permission: P,
): Promise<({ ok: true; access: WorkspaceAccess<P> } | ({ ok: false } & Refusal)) & { tenants: Membership[] }> {
  const userId = userIdOf(who);
  let tenants: Membership[] = [];
  if (typeof who !== "string") {
    const mine = await mySessionMemberships(tx, who);
    if (!mine.live) return { ok: false, reason: "signed_out", tenants: [] };
    tenants = isPlausibleRef(ref) ? mine.tenants : [];
  } else if (isPlausibleRef(ref)) {
    tenants = await myMemberships(tx, userId);
  }
  const membership = tenants.find((t) => ("slug" in ref ? t.slug === ref.slug : t.tenantId === ref.tenantId));
  if (!membership) return { ok: false, reason: "not_found", tenants };
  if (!can(membership.role, permission)) return { ok: false, reason: "forbidden", role: membership.role, tenants };
  await setTenant(tx, membership.tenantId);
  return { ok: true, access: { ...membership, userId, permission }, tenants };
}

/**
 * Runs fn in the workspace's RLS context if the person holds the permission there, in one transaction (one
 * statement for the membership, then fn's). Without fn, only resolves and checks.
 */
export async function withMembership<P extends Permission, T = undefined>(
  who: Who,
  ref: WorkspaceRef,
  permission: P,
  fn?: (tx: Tx, access: WorkspaceAccess<P>) => Promise<T>,
  opts: { client?: Db; timeoutMs?: number } = {},
): Promise<MembershipResult<P, T>> {
  return withUser(
    userIdOf(who),
    async (tx): Promise<MembershipResult<P, T>> => {
      const entered = await enterWorkspace(tx, who, ref, permission);
      if (!entered.ok) {
        if (entered.reason === "forbidden") return { ok: false, reason: "forbidden", role: entered.role };
        return { ok: false, reason: entered.reason };
      }
      const value = fn ? await fn(tx, entered.access) : (undefined as T);
      return { ok: true, access: entered.access, tenants: entered.tenants, value };
    },
    opts,
  );
}

/** A refusal in the words every adapter uses (a route's 404 / 403, a test's Result). */
export function refusalFailure(refusal: Refusal, permission: Permission): Failure {
  return refusal.reason === "forbidden" ? { code: "forbidden", message: refusalMessage(permission, refusal.role) } : NOT_FOUND;
}

/** The route wrapper's answer to a session that was ended. */
export const SIGNED_OUT_MESSAGE = "You are signed out. Sign in again, then retry.";

export function isSignedOut(refusal: Refusal): boolean {
  return refusal.reason === "signed_out";
}

/** Runs fn with the checked access, or answers the refusal as a Result (what route handlers and tests compose). */
export async function asMember<P extends Permission, T>(
  who: Who,
  ref: WorkspaceRef,
  permission: P,
  fn: (access: WorkspaceAccess<P>) => Promise<Result<T>>,
  opts: { client?: Db } = {},
): Promise<Result<T>> {
  const membership = await withMembership(who, ref, permission, undefined, opts);
  if (!membership.ok) return fail(refusalFailure(membership, permission));
  return fn(membership.access);
}
