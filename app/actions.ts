"use server";
import { cookies } from "next/headers";
import { signOut } from "@/lib/auth/auth";
import { CONNECT_INTENT_COOKIE } from "@/lib/auth/connect-intent";
import { beginFacebookSignIn } from "@/lib/auth/facebook-connect-flow";

/** Landing page: sign in (or sign up) with Facebook. */
export async function continueWithFacebook(): Promise<void> {
  await beginFacebookSignIn();
}

export async function signOutAction(): Promise<void> {
  (await cookies()).delete(CONNECT_INTENT_COOKIE);
  await signOut({ redirectTo: "/" });
}
