"use server";
import { cookies } from "next/headers";
import { notFound } from "next/navigation";
import { signIn } from "@/lib/auth/auth";
import { CONNECT_INTENT_COOKIE, connectIntentCookieOptions, signConnectIntent } from "@/lib/auth/connect-intent";
import { requireMembership } from "@/lib/auth/session";
import { canManageConnections } from "@/lib/tenancy/roles";

/** Connect Facebook into this tenant: bind the tenant to the flow server-side, then go to Facebook. */
export async function startFacebookConnect(slug: string): Promise<void> {
  const { membership, user } = await requireMembership(slug, async () => null);
  if (!canManageConnections(membership.role)) notFound();
  (await cookies()).set(CONNECT_INTENT_COOKIE, signConnectIntent({ tenantId: membership.tenantId, userId: user.id }), connectIntentCookieOptions());
  await signIn("facebook", { redirectTo: `/t/${membership.slug}` });
}
