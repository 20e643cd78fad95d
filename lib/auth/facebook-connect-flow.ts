import "server-only";
import { cookies } from "next/headers";
import { notFound } from "next/navigation";
import { tiktokEnabled } from "../tiktok/config";
import { signIn } from "./auth";
import { CONNECT_INTENT_COOKIE, connectIntentCookieOptions, signConnectIntent } from "./connect-intent";
import { requireWorkspace } from "./session";

/**
 * Connect a platform (Facebook or TikTok) into a workspace: checks the person may connect there (404 otherwise, like
 * any other tenant), binds the workspace to the flow server-side (a signed, httpOnly connect-intent cookie the
 * callback re-checks), then sends the browser to the platform.
 */
async function beginConnect(
  slug: string,
  provider: "facebook" | "tiktok",
  opts: { authType?: "reauthorize" | "rerequest" } = {},
): Promise<void> {
  const { access } = await requireWorkspace(slug, "connections.manage", async () => null);
  (await cookies()).set(
    CONNECT_INTENT_COOKIE,
    signConnectIntent({ tenantId: access.tenantId, userId: access.userId }),
    connectIntentCookieOptions(),
  );
  // auth_type=reauthorize: Facebook asks the person to approve again, which renews the 90-day data access;
  // auth_type=rerequest: Facebook asks again for declined permissions (and the Pages to share).
  await signIn(provider, { redirectTo: `/t/${access.slug}` }, opts.authType ? { auth_type: opts.authType } : undefined);
}

export async function beginFacebookConnect(slug: string, opts: { authType?: "reauthorize" | "rerequest" } = {}): Promise<void> {
  await beginConnect(slug, "facebook", opts);
}

/** Connect TikTok (only offered when TikTok is configured; see lib/tiktok/config.ts). */
export async function beginTikTokConnect(slug: string): Promise<void> {
  if (!tiktokEnabled()) notFound();
  await beginConnect(slug, "tiktok");
}

/** Sign in (or up) from the landing page: no workspace is bound; a new person's connection goes to their own. */
export async function beginFacebookSignIn(redirectTo: `/${string}` = "/start"): Promise<void> {
  (await cookies()).delete(CONNECT_INTENT_COOKIE);
  await signIn("facebook", { redirectTo });
}
