import "server-only";
import { cookies } from "next/headers";
import { notFound } from "next/navigation";
import { signIn } from "./auth";
import { CONNECT_INTENT_COOKIE, connectIntentCookieOptions, signConnectIntent } from "./connect-intent";
import { requireMembership } from "./session";
import { canManageConnections } from "../tenancy/roles";

/**
 * Connect Facebook into a workspace: checks the person may connect there (404 otherwise, like any other tenant),
 * binds the workspace to the flow server-side (a signed, httpOnly connect-intent cookie the callback re-checks),
 * then sends the browser to Facebook.
 */
export async function beginFacebookConnect(slug: string): Promise<void> {
  const { membership, user } = await requireMembership(slug, async () => null);
  if (!canManageConnections(membership.role)) notFound();
  (await cookies()).set(CONNECT_INTENT_COOKIE, signConnectIntent({ tenantId: membership.tenantId, userId: user.id }), connectIntentCookieOptions());
  await signIn("facebook", { redirectTo: `/t/${membership.slug}` });
}

/** Sign in (or up) from the landing page: no workspace is bound; a new person's connection goes to their own. */
export async function beginFacebookSignIn(): Promise<void> {
  (await cookies()).delete(CONNECT_INTENT_COOKIE);
  await signIn("facebook", { redirectTo: "/start" });
}
