import "server-only";
import { z } from "zod";
import type { GraphClient } from "./graph-client";

const tokenResponse = z.object({
  access_token: z.string().min(1),
  token_type: z.string().optional(),
  expires_in: z.number().int().positive().optional(),
});

export interface ExchangedToken {
  accessToken: string;
  /** From Facebook's answer; null when Facebook gave no expiry. */
  expiresAt: Date | null;
}

/** Server-side exchange of a short-lived user token for a long-lived one (≈60 days). */
export async function exchangeForLongLivedToken(graph: GraphClient, shortLived: string, now = new Date()): Promise<ExchangedToken> {
  const { appId, appSecret } = graph.config;
  const { body } = await graph.getPublic(
    "oauth/access_token",
    { grant_type: "fb_exchange_token", client_id: appId, client_secret: appSecret, fb_exchange_token: shortLived },
    tokenResponse,
  );
  return {
    accessToken: body.access_token,
    expiresAt: body.expires_in ? new Date(now.getTime() + body.expires_in * 1000) : null,
  };
}
