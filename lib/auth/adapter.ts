import "server-only";
import type { Adapter, AdapterAccount } from "next-auth/adapters";
import { PrismaAdapter } from "@auth/prisma-adapter";
import type { Db } from "../db/client";

/**
 * Auth.js's Prisma adapter, with one change: account rows never receive provider tokens (access_token,
 * refresh_token, id_token…). Tokens live only in ad_tokens, encrypted; the accounts table has no columns for them.
 */
export function createAuthAdapter(client: Db): Adapter {
  // The one documented cast: @auth/prisma-adapter types PrismaClient from "@prisma/client", which does not match
  // Prisma 7's generated client (next-auth issue 13335), though the runtime API it calls is the same.
  const base = PrismaAdapter(client as unknown as Parameters<typeof PrismaAdapter>[0]);
  return {
    ...base,
    async linkAccount(account: AdapterAccount) {
      const { userId, type, provider, providerAccountId } = account;
      await base.linkAccount?.({ userId, type, provider, providerAccountId });
    },
  };
}
