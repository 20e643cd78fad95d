import "server-only";
import { notFound, redirect } from "next/navigation";
import { auth } from "./auth";
import { withMembership, type TenantMembership } from "../tenancy/tenants";
import type { Tx } from "../db/tenant-transaction";
import { canManageConnections } from "../tenancy/roles";

export interface SessionUser {
  id: string;
  name: string | null;
  image: string | null;
}

export async function currentUser(): Promise<SessionUser | null> {
  const session = await auth();
  const id = session?.user?.id;
  if (!id) return null;
  return { id, name: session.user?.name ?? null, image: session.user?.image ?? null };
}

/** Pages: signed-out people go to the landing page. */
export async function requireUser(): Promise<SessionUser> {
  const user = await currentUser();
  if (!user) redirect("/");
  return user;
}

/**
 * Runs fn in the tenant named by the slug, if the signed-in person is a member; otherwise 404 (never 403, so
 * another tenant's slug reveals nothing).
 */
export async function requireMembership<T>(slug: string, fn: (tx: Tx, m: TenantMembership, user: SessionUser) => Promise<T>) {
  const user = await requireUser();
  const result = await withMembership(user.id, slug, (tx, m) => fn(tx, m, user));
  if (!result) notFound();
  return { ...result, user };
}

export { canManageConnections };
