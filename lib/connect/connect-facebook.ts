import "server-only";
import { db, type Db } from "../db/client";
import type { Platform } from "../db/generated/enums";
import { withTenant } from "../db/tenant-transaction";
import { GraphClient } from "../facebook/graph-client";
import { withMembership } from "../tenancy/membership";
import { logger } from "../log/logger";
import { ConnectError, toConnectError } from "./connect-error";
import { fetchFacebookConnection } from "./fetch-facebook-connection";
import { saveFacebookConnection, type SavedConnection } from "./save-facebook-connection";

export type ConnectResult =
  | { ok: true; saved: SavedConnection; declinedScopes: string[]; externalUserId: string }
  /** recorded: false when the failed attempt could not be written either (the database is failing): tell the person another way. */
  | { ok: false; error: ConnectError; recorded: boolean };

export interface ConnectInput {
  tenantId: string;
  userId: string;
  /** The short-lived user token from the OAuth callback. Used here, never stored. */
  shortLivedToken: string;
  graph?: GraphClient;
  client?: Db;
}

/**
 * The whole connect: fetch everything from Facebook first, then write it in ONE tenant transaction.
 * Any failure leaves no new rows and records a failed attempt the dashboard shows. Never throws.
 */
export async function connectFacebook(input: ConnectInput): Promise<ConnectResult> {
  const client = input.client ?? db();
  const graph = input.graph ?? new GraphClient();
  let externalUserId: string | null = null;
  try {
    const conn = await fetchFacebookConnection(graph, input.shortLivedToken);
    externalUserId = conn.profile.id;
    const entered = await withMembership(
      input.userId,
      { tenantId: input.tenantId },
      "connections.manage",
      async (tx) => {
        // The person's own Auth.js account link (RLS: readable in their own context only).
        const account = await tx.account.findUnique({
          where: { provider_providerAccountId: { provider: "facebook", providerAccountId: conn.profile.id } },
          select: { id: true, userId: true },
        });
        const result = await saveFacebookConnection(
          tx,
          { tenantId: input.tenantId, userId: input.userId, accountId: account?.userId === input.userId ? account.id : null },
          conn,
        );
        const declined = conn.permissions.declined;
        await tx.connectAttempt.create({
          data: {
            tenantId: input.tenantId,
            userId: input.userId,
            platform: "facebook",
            outcome: "succeeded",
            externalUserId: conn.profile.id,
            pagesCount: result.pagesConnected,
            declinedScopes: declined,
            message:
              // No Facebook name in the stored sentence: attempts are append-only and outlive a data deletion request.
              `Connected your Facebook account with ${result.pagesConnected} Page${result.pagesConnected === 1 ? "" : "s"}.` +
              (declined.length
                ? ` You declined: ${declined.join(", ")}; features that need them stay off until you reconnect and allow them.`
                : "") +
              (result.replacedLogins
                ? " It replaced the user token of the other Facebook login you had connected here (one per member);" +
                  " that login's Pages keep working on their own Page tokens."
                : "") +
              (result.pagesRemoved
                ? ` ${result.pagesRemoved} Page${result.pagesRemoved === 1 ? " was" : "s were"} not shared this time and ${result.pagesRemoved === 1 ? "was" : "were"} disconnected.`
                : ""),
          },
        });
        return result;
      },
      { client, timeoutMs: 60_000 },
    );
    if (!entered.ok) {
      throw new ConnectError(
        "save",
        "not_allowed",
        "Only owners and admins of this workspace can connect Facebook. Ask an owner to connect, or to make you an admin.",
      );
    }
    const saved = entered.value;
    logger.info("facebook.connect.succeeded", { tenantId: input.tenantId, userId: input.userId, pages: saved.pagesConnected });
    return { ok: true, saved, declinedScopes: conn.permissions.declined, externalUserId: conn.profile.id };
  } catch (err) {
    const error = toConnectError("save", err);
    logger.warn("facebook.connect.failed", { tenantId: input.tenantId, userId: input.userId, step: error.step, errorCode: error.code });
    const recorded = await recordFailedAttempt(client, input, error, externalUserId);
    return { ok: false, error, recorded };
  }
}

/**
 * Records a connect that was refused before it started (e.g. its connect-intent expired), for the dashboard.
 * False when it could not be written (the database is failing).
 */
export async function recordRefusedConnect(
  ctx: { tenantId: string; userId: string; client?: Db; platform?: Platform },
  error: ConnectError,
): Promise<boolean> {
  return recordFailedAttempt(ctx.client ?? db(), ctx, error, null, ctx.platform);
}

/** Records a failed connect attempt (any platform); never throws. */
export async function recordFailedAttempt(
  client: Db,
  input: { tenantId: string; userId: string },
  error: ConnectError,
  externalUserId: string | null,
  platform: Platform = "facebook",
): Promise<boolean> {
  try {
    await withTenant(
      input.tenantId,
      (tx) =>
        tx.connectAttempt.create({
          data: {
            tenantId: input.tenantId,
            userId: input.userId,
            platform,
            outcome: "failed",
            step: error.step,
            errorCode: error.code,
            message: error.userMessage,
            externalUserId,
            declinedScopes: error.declinedScopes,
          },
        }),
      { client, userId: input.userId },
    );
    return true;
  } catch (err) {
    // The database itself is failing: the caller passes the result on in a signed cookie (see unrecorded-result.ts).
    logger.error(`${platform}.connect.attempt_not_recorded`, { tenantId: input.tenantId, error: err });
    return false;
  }
}
