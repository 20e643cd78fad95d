"use server";
import { cookies } from "next/headers";
import { redirect } from "next/navigation";
import { signOut } from "./auth";
import { acceptInvitation, declineInvitation, isPlausibleInvitationToken } from "../tenancy/invitations";
import { currentUser } from "./session-cookie";
import { endAllSessions, endSession } from "./session-generation";
import { CONNECT_INTENT_COOKIE } from "./connect-intent";
import { beginFacebookConnect, beginFacebookSignIn, beginTikTokConnect } from "./facebook-connect-flow";

/**
 * The app's server actions: the navigations that must end in a redirect (to Facebook, or home after sign-out).
 * Data changes are JSON route handlers behind the workspace route wrapper, called through components/api.ts.
 */

/** Landing page: sign in (or sign up) with Facebook. */
export async function continueWithFacebook(): Promise<void> {
  await beginFacebookSignIn();
}

/** Connect Facebook into this workspace (the checks and the tenant binding are in facebook-connect-flow.ts). */
export async function startFacebookConnect(slug: string): Promise<void> {
  await beginFacebookConnect(slug);
}

/** Re-approve on Facebook (dialog with auth_type=reauthorize): renews lapsed 90-day data access, then connects as usual. */
export async function startFacebookReapprove(slug: string): Promise<void> {
  await beginFacebookConnect(slug, { authType: "reauthorize" });
}

/** "Choose Pages again": the dialog with auth_type=rerequest (asks again for declined permissions and Pages). */
export async function startFacebookRechoose(slug: string): Promise<void> {
  await beginFacebookConnect(slug, { authType: "rerequest" });
}

/** Connect TikTok into this workspace (same checks and tenant binding as Facebook). */
export async function startTikTokConnect(slug: string): Promise<void> {
  await beginTikTokConnect(slug);
}

/** The invitation page, signed out: sign in with Facebook, then come back to the same invitation. */
export async function signInForInvitation(token: string): Promise<void> {
  await beginFacebookSignIn(isPlausibleInvitationToken(token) ? `/invite/${token}` : "/start");
}

/** Accept an invitation: the person joins with the invited role, then lands in the workspace. */
export async function acceptInvitationAction(token: string): Promise<void> {
  const user = await currentUser();
  if (!user) redirect("/");
  const accepted = await acceptInvitation(user.id, token);
  // A refusal (expired, already answered, withdrawn) is shown by the invitation page itself.
  redirect(accepted.ok ? `/t/${accepted.value.slug}` : isPlausibleInvitationToken(token) ? `/invite/${token}` : "/start");
}

/** Decline an invitation: nothing is joined; the page then says it was declined. */
export async function declineInvitationAction(token: string): Promise<void> {
  const user = await currentUser();
  if (!user) redirect("/");
  await declineInvitation(user.id, token);
  redirect(isPlausibleInvitationToken(token) ? `/invite/${token}` : "/start");
}

/** Signs out here: this session ends on the server too (a copied cookie stops working). */
export async function signOutAction(): Promise<void> {
  const session = await currentUser({ verify: false });
  if (session) await endSession(session);
  (await cookies()).delete(CONNECT_INTENT_COOKIE);
  await signOut({ redirectTo: "/" });
}

/** "Sign out everywhere": every session of this person ends, on every device. */
export async function signOutEverywhereAction(): Promise<void> {
  const session = await currentUser();
  if (session) await endAllSessions(session.id);
  (await cookies()).delete(CONNECT_INTENT_COOKIE);
  await signOut({ redirectTo: "/" });
}
