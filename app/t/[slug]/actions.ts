"use server";
import { beginFacebookConnect } from "@/lib/auth/facebook-connect-flow";

/** Connect Facebook into this workspace (the logic, checks and tenant binding live in lib/auth). */
export async function startFacebookConnect(slug: string): Promise<void> {
  await beginFacebookConnect(slug);
}
