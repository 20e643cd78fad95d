import "server-only";
import type { Tx } from "../db/tenant-transaction";
import type { TokenStatus } from "../db/generated/enums";

export interface PageRow {
  id: string;
  pageId: string;
  name: string;
  category: string | null;
  pictureUrl: string | null;
  tasks: string[];
  tokens: { id: string; status: TokenStatus; expiresAt: Date | null; lastCheckedAt: Date | null; lastError: string | null; identityName: string | null; userId: string }[];
}

export interface IdentityRow {
  id: string;
  name: string | null;
  pictureUrl: string | null;
  externalUserId: string;
  connectedBy: string | null;
  connectedAt: Date;
  declinedScopes: string[];
  userToken: { id: string; status: TokenStatus; expiresAt: Date | null; lastCheckedAt: Date | null } | null;
}

export interface AttemptRow {
  id: string;
  outcome: "succeeded" | "failed";
  message: string;
  step: string | null;
  createdAt: Date;
  declinedScopes: string[];
}

/** Connected Pages (not disconnected) with their active tokens. No ciphertext is selected. */
export async function listPages(tx: Tx, opts: { take?: number; skip?: number } = {}): Promise<PageRow[]> {
  const rows = await tx.facebookPage.findMany({
    where: { deletedAt: null },
    orderBy: { name: "asc" },
    take: opts.take ?? 50,
    skip: opts.skip ?? 0,
    select: {
      id: true,
      pageId: true,
      name: true,
      category: true,
      pictureUrl: true,
      tasks: true,
      tokens: {
        where: { deletedAt: null },
        select: {
          id: true,
          status: true,
          expiresAt: true,
          lastCheckedAt: true,
          lastError: true,
          userId: true,
          socialIdentity: { select: { name: true } },
        },
      },
    },
  });
  return rows.map((r) => ({
    ...r,
    tokens: r.tokens.map((t) => ({
      id: t.id,
      status: t.status,
      expiresAt: t.expiresAt,
      lastCheckedAt: t.lastCheckedAt,
      lastError: t.lastError,
      userId: t.userId,
      identityName: t.socialIdentity.name,
    })),
  }));
}

export async function countPages(tx: Tx): Promise<number> {
  return tx.facebookPage.count({ where: { deletedAt: null } });
}

/** Connected Facebook identities with their active user token. */
export async function listIdentities(tx: Tx): Promise<IdentityRow[]> {
  const rows = await tx.socialIdentity.findMany({
    where: { deletedAt: null },
    orderBy: { createdAt: "asc" },
    select: {
      id: true,
      name: true,
      pictureUrl: true,
      externalUserId: true,
      userId: true,
      createdAt: true,
      declinedScopes: true,
      tokens: {
        where: { deletedAt: null, tokenType: "user" },
        select: { id: true, status: true, expiresAt: true, lastCheckedAt: true },
        take: 1,
      },
    },
  });
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    pictureUrl: r.pictureUrl,
    externalUserId: r.externalUserId,
    connectedBy: r.userId,
    connectedAt: r.createdAt,
    declinedScopes: r.declinedScopes,
    userToken: r.tokens[0] ?? null,
  }));
}

/** The person's latest connect attempt in this tenant (the dashboard shows it, success or failure). */
export async function latestAttempt(tx: Tx, userId: string): Promise<AttemptRow | null> {
  return tx.connectAttempt.findFirst({
    where: { userId },
    orderBy: { createdAt: "desc" },
    select: { id: true, outcome: true, message: true, step: true, createdAt: true, declinedScopes: true },
  });
}
