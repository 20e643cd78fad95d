import "server-only";
import { cookies } from "next/headers";
import { connectFacebook, recordRefusedConnect, type ConnectResult } from "../connect/connect-facebook";
import { CONNECT_RESULT_COOKIE, connectResultCookieOptions, signUnrecordedResult } from "../connect/unrecorded-result";
import { ConnectError } from "../connect/connect-error";
import { ensurePersonalTenant } from "../tenancy/tenants";
import { logger } from "../log/logger";
import { CONNECT_INTENT_COOKIE, checkConnectIntent, consumeConnectIntent } from "./connect-intent";

/**
 * Runs inside Auth.js's signIn event, after Auth.js created or found the user and linked the account.
 * Auth.js swallows errors thrown in events, so nothing here throws: every outcome is recorded as a connect attempt,
 * which the dashboard shows.
 *
 * Which workspace:
 * - a valid, signed connect-intent cookie for this same person (set when they clicked Connect Facebook in a
 *   workspace): that workspace, whose membership and role connectFacebook re-checks;
 * - no cookie: a plain sign-in. A new person's connection goes to their personal workspace (made now); a returning
 *   person is only signed in (their tokens are not rewritten on every login);
 * - a cookie that expired, is forged, or belongs to another login: nothing is connected, and the refusal is
 *   recorded where the person will see it.
 * The cookie is single-use: it is cleared here.
 */
export async function completeFacebookSignIn(input: {
  userId: string;
  userName: string | null;
  shortLivedToken: string;
  isNewUser: boolean;
}): Promise<void> {
  try {
    const jar = await cookies();
    const check = checkConnectIntent(jar.get(CONNECT_INTENT_COOKIE)?.value);
    if (check.state !== "none") jar.delete(CONNECT_INTENT_COOKIE);
    // A result the database could not record travels to the dashboard in a short-lived signed cookie; a newer
    // connect replaces it (or clears it once its own result is recorded).
    const connect = async (tenantId: string) => {
      const result: ConnectResult = await connectFacebook({ tenantId, userId: input.userId, shortLivedToken: input.shortLivedToken });
      if (!result.ok && !result.recorded)
        jar.set(
          CONNECT_RESULT_COOKIE,
          signUnrecordedResult({ tenantId, userId: input.userId }, result.error),
          connectResultCookieOptions(),
        );
      else jar.delete(CONNECT_RESULT_COOKIE);
    };

    // Single use on the server too: a copied or replayed cookie finds its id already used and connects nothing.
    const used = check.state === "valid" && check.intent.userId === input.userId && !(await consumeConnectIntent(check.intent));
    if (check.state === "valid" && check.intent.userId === input.userId && !used) {
      await connect(check.intent.tenantId);
      return;
    }
    if (check.state === "none") {
      if (!input.isNewUser) return;
      const personal = await ensurePersonalTenant(input.userId, input.userName);
      await connect(personal.tenantId);
      return;
    }
    // Expired, forged, or another login's: connect nothing. Tell the person in the workspace they started from
    // when we know it authentically (an expired cookie we signed for them), else in their own workspace.
    const tenantId =
      (check.state === "expired" || used) && check.intent.userId === input.userId
        ? check.intent.tenantId
        : (await ensurePersonalTenant(input.userId, input.userName)).tenantId;
    logger.warn("facebook.connect.intent_refused", { userId: input.userId, state: used ? "used" : check.state });
    const refusal = new ConnectError(
      "save",
      used ? "intent_used" : check.state === "expired" ? "intent_expired" : "intent_invalid",
      used
        ? "This connection request was already used once, so nothing was saved. Connect again from this workspace."
        : check.state === "expired"
          ? "The connection request took longer than 15 minutes, so nothing was saved. Connect again from this workspace."
          : "This connection request was not started from this login, so nothing was saved. Connect again from the workspace you want to connect.",
    );
    if (!(await recordRefusedConnect({ tenantId, userId: input.userId }, refusal)))
      jar.set(CONNECT_RESULT_COOKIE, signUnrecordedResult({ tenantId, userId: input.userId }, refusal), connectResultCookieOptions());
  } catch (err) {
    logger.error("facebook.sign_in.unexpected", { userId: input.userId, error: err });
  }
}
