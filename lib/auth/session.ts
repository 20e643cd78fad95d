import "server-only";
import { notFound, redirect } from "next/navigation";
import { currentUser, type SessionUser } from "./session-cookie";
import { withMembership, type Membership, type WorkspaceAccess } from "../tenancy/membership";
import type { Permission } from "../tenancy/roles";
import type { Tx } from "../db/tenant-transaction";

export { currentUser, type SessionUser };

/** Pages: signed-out people go to the landing page. */
export async function requireUser(): Promise<SessionUser> {
  const user = await currentUser();
  if (!user) redirect("/");
  return user;
}

/**
 * The pages' adapter of the membership core: runs fn in the workspace named by the slug if the signed-in person
 * holds the permission there, in one transaction; otherwise 404 (never 403, so another workspace's slug and a
 * missing role reveal nothing).
 */
export async function requireWorkspace<P extends Permission, T>(
  slug: string,
  permission: P,
  fn: (tx: Tx, access: WorkspaceAccess<P>, user: SessionUser) => Promise<T>,
): Promise<{ access: WorkspaceAccess<P>; tenants: Membership[]; value: T; user: SessionUser }> {
  // The membership statement checks that the session was not ended: no separate query.
  const user = await currentUser({ verify: false });
  if (!user) redirect("/");
  const result = await withMembership(user, { slug }, permission, (tx, access) => fn(tx, access, user));
  if (!result.ok && result.reason === "signed_out") redirect("/");
  if (!result.ok) notFound();
  return { access: result.access, tenants: result.tenants, value: result.value, user };
}
