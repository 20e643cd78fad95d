import "server-only";
import type { Adapter, AdapterAccount } from "next-auth/adapters";
import { PrismaAdapter } from "@auth/prisma-adapter";
import type { Db } from "../db/client";

/**
 * Auth.js's Prisma adapter, with two changes:
 * - account rows never receive provider tokens (access_token, refresh_token, id_token…). Tokens live only in
 *   ad_tokens, encrypted; the accounts table has no columns for them;
 * - linking an account that is already linked to the same user is a success. Two tabs finishing the same first
 *   connect at once both find no link and both insert it; the loser's unique violation used to end its sign-in on
 *   "Sign-in could not be completed" although the link it wanted exists. A link to another user still fails.
 */
export function createAuthAdapter(client: Db): Adapter {
  // The one documented cast: @auth/prisma-adapter types PrismaClient from "@prisma/client", which does not match
  // Prisma 7's generated client (next-auth issue 13335), though the runtime API it calls is the same.
  const base = PrismaAdapter(client as unknown as Parameters<typeof PrismaAdapter>[0]);
  return {
    ...base,
    async linkAccount(account: AdapterAccount) {
      const { userId, type, provider, providerAccountId } = account;
      try {
        await base.linkAccount?.({ userId, type, provider, providerAccountId });
      } catch (err) {
        if (!isUniqueViolation(err)) throw err;
        const existing = await client.account.findUnique({
          where: { provider_providerAccountId: { provider, providerAccountId } },
          select: { userId: true },
        });
        if (existing?.userId !== userId) throw err;
      }
    },
  };
}

function isUniqueViolation(err: unknown): boolean {
  const e = err as { code?: unknown; meta?: { driverAdapterError?: { cause?: { kind?: unknown; originalCode?: unknown } } } } | null;
  const cause = e?.meta?.driverAdapterError?.cause;
  return e?.code === "P2002" || cause?.kind === "UniqueConstraintViolation" || cause?.originalCode === "23505";
}
