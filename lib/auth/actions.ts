"use server";
import { cookies } from "next/headers";
import { signOut } from "./auth";
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

/** Connect TikTok into this workspace (same checks and tenant binding as Facebook). */
export async function startTikTokConnect(slug: string): Promise<void> {
  await beginTikTokConnect(slug);
}

export async function signOutAction(): Promise<void> {
  (await cookies()).delete(CONNECT_INTENT_COOKIE);
  await signOut({ redirectTo: "/" });
}
