import "server-only";
import { randomBytes, randomUUID } from "node:crypto";
import type { Db } from "../db/client";
import { setTenant, withUser } from "../db/tenant-transaction";
import { myMemberships, type Membership } from "./membership";
import { appendAudit } from "../audit/audit-log";

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
export async function listMyTenants(userId: string, client?: Db): Promise<Membership[]> {
  return withUser(userId, (tx) => myMemberships(tx, userId), { client });
}

/** Creates a tenant with the person as owner, in one transaction. */
export async function createTenant(userId: string, name: string, client?: Db): Promise<Membership> {
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
export async function ensurePersonalTenant(userId: string, displayName: string | null, client?: Db): Promise<Membership> {
  return withUser(
    userId,
    async (tx) => {
      // Serialise concurrent first sign-ins of the same person so only one personal tenant is made.
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`personal-tenant:${userId}`}))`;
      const existing = await myMemberships(tx, userId);
      if (existing[0]) return existing[0];
      const tenantId = randomUUID();
      const name = displayName ? `${displayName}'s workspace` : "My workspace";
      const slug = slugify(displayName ?? "my-workspace");
      await setTenant(tx, tenantId);
      await tx.tenant.create({ data: { id: tenantId, slug, name } });
      await tx.membership.create({ data: { tenantId, userId, role: "owner" } });
      await appendAudit(tx, tenantId, userId, [
        { action: "tenant.created", targetType: "tenant", targetId: tenantId, details: { name, personal: true } },
      ]);
      return { tenantId, slug, name, role: "owner" as const };
    },
    { client },
  );
}
