import "server-only";
import { randomBytes, randomUUID } from "node:crypto";
import type { Db } from "../db/client";
import { setTenant, withUser, type Tx } from "../db/tenant-transaction";
import { env } from "../env";
import { fail, ok, type Result } from "../http/result";
import { consume, tooManyRequests, type RateLimitPolicy } from "../rate-limit/limiter";
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

export const WORKSPACE_CREATION_POLICY: RateLimitPolicy = { name: "workspace-create", points: 10, durationSeconds: 3600 };

const capMessage = (max: number) =>
  `You have created ${max} workspaces, the most one person may create here. Remove one you no longer need, or ask the operator to raise MAX_WORKSPACES_PER_PERSON.`;

/** Workspaces the person created that still exist, under a per-person lock (so concurrent creations cannot pass the cap). */
async function lockAndCountCreated(tx: Tx, userId: string): Promise<number> {
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`tenant-create:${userId}`}))`;
  const [row] = await tx.$queryRaw<{ n: number }[]>`
    SELECT count(*)::int AS n FROM tenants WHERE created_by = ${userId}::uuid AND deleted_at IS NULL`;
  return row?.n ?? 0;
}

/**
 * The "New workspace" action: rate-limited per person (across instances) and capped at MAX_WORKSPACES_PER_PERSON
 * created workspaces; the refusal says why and what to do.
 */
export async function createWorkspaceFor(userId: string, name: string, client?: Db): Promise<Result<Membership>> {
  const decision = await consume(WORKSPACE_CREATION_POLICY, userId);
  if (!decision.allowed) throw tooManyRequests(decision, "You have created many workspaces in the last hour. Wait, then try again.");
  const max = env().MAX_WORKSPACES_PER_PERSON;
  const created = await createTenant(userId, name, client, max);
  return created ? ok(created) : fail({ code: "conflict", message: capMessage(max) });
}

/** Creates a tenant with the person as owner, in one transaction (null when the person is at the cap). */
export async function createTenant(
  userId: string,
  name: string,
  client?: Db,
  max = env().MAX_WORKSPACES_PER_PERSON,
): Promise<Membership | null> {
  return withUser(
    userId,
    async (tx) => {
      if ((await lockAndCountCreated(tx, userId)) >= max) return null;
      const tenantId = randomUUID();
      const slug = slugify(name);
      await setTenant(tx, tenantId);
      await tx.tenant.create({ data: { id: tenantId, slug, name, createdBy: userId } });
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
      await tx.tenant.create({ data: { id: tenantId, slug, name, createdBy: userId } });
      await tx.membership.create({ data: { tenantId, userId, role: "owner" } });
      await appendAudit(tx, tenantId, userId, [
        { action: "tenant.created", targetType: "tenant", targetId: tenantId, details: { name, personal: true } },
      ]);
      return { tenantId, slug, name, role: "owner" as const };
    },
    { client },
  );
}
