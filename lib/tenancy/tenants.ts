import "server-only";
import { randomBytes, randomUUID } from "node:crypto";
import type { Db } from "../db/client";
import { setTenant, withUser, type Tx } from "../db/tenant-transaction";
import type { Role } from "./roles";
import { appendAudit } from "../audit/audit-log";

export interface TenantMembership {
  tenantId: string;
  slug: string;
  name: string;
  role: Role;
}

export function slugify(name: string): string {
  const base = name
    .toLowerCase()
    .normalize("NFKD")
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 40);
  return `${base || "workspace"}-${randomBytes(3).toString("hex")}`;
}

/** The person's tenants (user context only: RLS lets them read their own memberships). */
export async function listMyTenants(userId: string, client?: Db): Promise<TenantMembership[]> {
  return withUser(userId, (tx) => myTenants(tx, userId), { client });
}

async function myTenants(tx: Tx, userId: string): Promise<TenantMembership[]> {
  // One statement (a Prisma relation select would be two round trips on every page render).
  return tx.$queryRaw<TenantMembership[]>`
    SELECT t.id AS "tenantId", t.slug, t.name, m.role::text AS role
    FROM memberships m JOIN tenants t ON t.id = m.tenant_id
    WHERE m.user_id = ${userId}::uuid AND m.deleted_at IS NULL AND t.deleted_at IS NULL
    ORDER BY m.created_at, t.name`;
}

/**
 * Resolves a tenant slug to the person's membership and runs fn in that tenant's context, in one transaction.
 * Returns null when the person is not a member (callers answer 404: never reveal that the tenant exists).
 *
 * One statement resolves the slug: it reads all the person's memberships (RLS: only their own, while no tenant is
 * selected) and picks the slug from them, so the tenant switcher's list (`tenants`) costs nothing extra.
 */
export async function withMembership<T>(
  userId: string,
  slug: string,
  fn: (tx: Tx, m: TenantMembership) => Promise<T>,
  client?: Db,
): Promise<{ membership: TenantMembership; tenants: TenantMembership[]; value: T } | null> {
  if (!isPlausibleSlug(slug)) return null;
  return withUser(
    userId,
    async (tx) => {
      const tenants = await myTenants(tx, userId);
      const membership = tenants.find((t) => t.slug === slug);
      if (!membership) return null;
      await setTenant(tx, membership.tenantId);
      return { membership, tenants, value: await fn(tx, membership) };
    },
    { client },
  );
}

/** Slugs are what slugify() makes: anything else cannot name a tenant (and never reaches the database). */
export function isPlausibleSlug(slug: string): boolean {
  return /^[a-z0-9-]{1,80}$/.test(slug);
}

/** Creates a tenant with the person as owner, in one transaction. */
export async function createTenant(userId: string, name: string, client?: Db): Promise<TenantMembership> {
  return withUser(
    userId,
    async (tx) => {
      const tenantId = randomUUID();
      const slug = slugify(name);
      await setTenant(tx, tenantId);
      await tx.tenant.create({ data: { id: tenantId, slug, name } });
      await tx.membership.create({ data: { tenantId, userId, role: "owner" } });
      await appendAudit(tx, tenantId, userId, [{ action: "tenant.created", targetType: "tenant", targetId: tenantId, details: { name } }]);
      return { tenantId, slug, name, role: "owner" as const };
    },
    { client },
  );
}

/** The person's first tenant, creating a personal one on first sign-in. */
export async function ensurePersonalTenant(userId: string, displayName: string | null, client?: Db): Promise<TenantMembership> {
  return withUser(
    userId,
    async (tx) => {
      // Serialise concurrent first sign-ins of the same person so only one personal tenant is made.
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`personal-tenant:${userId}`}))`;
      const existing = await myTenants(tx, userId);
      if (existing[0]) return existing[0];
      const tenantId = randomUUID();
      const name = displayName ? `${displayName}'s workspace` : "My workspace";
      const slug = slugify(displayName ?? "my-workspace");
      await setTenant(tx, tenantId);
      await tx.tenant.create({ data: { id: tenantId, slug, name } });
      await tx.membership.create({ data: { tenantId, userId, role: "owner" } });
      await appendAudit(tx, tenantId, userId, [{ action: "tenant.created", targetType: "tenant", targetId: tenantId, details: { name, personal: true } }]);
      return { tenantId, slug, name, role: "owner" as const };
    },
    { client },
  );
}
