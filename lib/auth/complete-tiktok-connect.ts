import "server-only";
import { cookies } from "next/headers";
import { z } from "zod";
import { db } from "../db/client";
import { recordRefusedConnect } from "../connect/connect-facebook";
import { ConnectError } from "../connect/connect-error";
import { connectTikTok } from "../connect/connect-tiktok";
import { logger } from "../log/logger";
import { pairFromAnswer } from "../tiktok/api-client";
import { CONNECT_INTENT_COOKIE, checkConnectIntent } from "./connect-intent";

/**
 * TikTok is only ever connected into a workspace (never a way to sign in): the Connect TikTok button sets the same
 * signed connect-intent cookie as Connect Facebook, and Auth.js's signIn callback refuses a TikTok callback without
 * a valid one before any user or account is written.
 */
export async function tiktokConnectAllowed(): Promise<boolean> {
  const check = checkConnectIntent((await cookies()).get(CONNECT_INTENT_COOKIE)?.value);
  if (check.state === "valid") return true;
  logger.warn("tiktok.connect.intent_refused", { state: check.state });
  return false;
}

const profileShape = z.object({
  data: z.object({ user: z.object({ open_id: z.string(), display_name: z.string().nullish(), avatar_url: z.string().nullish() }) }),
});

/**
 * Runs in Auth.js's signIn event for provider "tiktok" (after Auth.js exchanged the code and linked the account to
 * the signed-in person). Writes the connection into the workspace the intent names, for the person the intent names,
 * and clears the single-use intent. Never throws (Auth.js swallows errors in events): every outcome is recorded as a
 * connect attempt the dashboard shows.
 */
export async function completeTikTokConnect(input: { userId: string; account: Record<string, unknown>; profile: unknown }): Promise<void> {
  try {
    const jar = await cookies();
    const check = checkConnectIntent(jar.get(CONNECT_INTENT_COOKIE)?.value);
    if (check.state !== "none") jar.delete(CONNECT_INTENT_COOKIE);
    if (check.state !== "valid" || check.intent.userId !== input.userId) {
      logger.warn("tiktok.connect.intent_refused", { userId: input.userId, state: check.state });
      if (check.state === "expired" && check.intent.userId === input.userId) {
        await recordRefusedConnect(
          { tenantId: check.intent.tenantId, userId: input.userId, platform: "tiktok" },
          new ConnectError(
            "save",
            "intent_expired",
            "The connection request took longer than 15 minutes, so nothing was saved. Connect again from this workspace.",
          ),
        );
      }
      return;
    }
    const pair = pairFromAnswer(input.account);
    const parsed = profileShape.parse(input.profile).data.user;
    const account = await db().account.findUnique({
      where: { provider_providerAccountId: { provider: "tiktok", providerAccountId: pair.openId } },
      select: { id: true, userId: true },
    });
    await connectTikTok({
      tenantId: check.intent.tenantId,
      userId: input.userId,
      pair,
      profile: { openId: parsed.open_id, displayName: parsed.display_name ?? null, avatarUrl: parsed.avatar_url ?? null },
      accountId: account?.userId === input.userId ? account.id : null,
    });
  } catch (err) {
    logger.error("tiktok.connect.unexpected", { userId: input.userId, error: err });
  }
}
