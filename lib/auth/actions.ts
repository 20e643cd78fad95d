"use server";
import { cookies } from "next/headers";
import { signOut } from "./auth";
import { CONNECT_INTENT_COOKIE } from "./connect-intent";
import { beginFacebookConnect, beginFacebookSignIn } from "./facebook-connect-flow";

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

export async function signOutAction(): Promise<void> {
  (await cookies()).delete(CONNECT_INTENT_COOKIE);
  await signOut({ redirectTo: "/" });
}
