"use server";
import { cookies } from "next/headers";
import { signIn, signOut } from "@/lib/auth/auth";
import { CONNECT_INTENT_COOKIE } from "@/lib/auth/connect-intent";

/** Landing page: sign in (or sign up) with Facebook; connects into the person's personal workspace. */
export async function continueWithFacebook(): Promise<void> {
  (await cookies()).delete(CONNECT_INTENT_COOKIE);
  await signIn("facebook", { redirectTo: "/start" });
}

export async function signOutAction(): Promise<void> {
  (await cookies()).delete(CONNECT_INTENT_COOKIE);
  await signOut({ redirectTo: "/" });
}
