import "server-only";
import { cookies } from "next/headers";
import { connectFacebook } from "../connect/connect-facebook";
import { ensurePersonalTenant } from "../tenancy/tenants";
import { logger } from "../log/logger";
import { CONNECT_INTENT_COOKIE, verifyConnectIntent } from "./connect-intent";

/**
 * Runs inside Auth.js's signIn event, after Auth.js created or found the user and linked the account.
 * Auth.js swallows errors thrown in events, so nothing here throws: connectFacebook records every outcome as
 * a connect attempt, which the dashboard shows.
 *
 * Which tenant: the one in a valid, signed connect-intent cookie for this same user (set when a member clicked
 * Connect Facebook in that tenant); otherwise the person's personal tenant (made on first sign-in).
 */
export async function completeFacebookSignIn(input: { userId: string; userName: string | null; shortLivedToken: string }): Promise<void> {
  try {
    const jar = await cookies();
    const intent = verifyConnectIntent(jar.get(CONNECT_INTENT_COOKIE)?.value);
    const tenantId =
      intent && intent.userId === input.userId ? intent.tenantId : (await ensurePersonalTenant(input.userId, input.userName)).tenantId;
    await connectFacebook({ tenantId, userId: input.userId, shortLivedToken: input.shortLivedToken });
  } catch (err) {
    logger.error("facebook.sign_in.unexpected", { userId: input.userId, error: err });
  }
}
