import "server-only";
import { randomBytes } from "node:crypto";
import { db, type Db } from "../db/client";
import { setTenant, withTenant, type Tx } from "../db/tenant-transaction";
import { appendAudit } from "../audit/audit-log";
import { disconnectIdentity } from "../tokens/disconnect";

/**
 * What Meta's callbacks do to a person (by app-scoped user id) in every tenant where they have an identity: the
 * tenants come from an indexed lookup (ids only), and each tenant's rows are reached with that tenant's RLS context (one transaction per chunk of tenants, switching the
 * context with setTenant), never by bypassing row-level security.
 */

export interface ForgetCounts {
  /** Tenants in which the person had a Facebook identity. */
  tenants: number;
  /** Identities disconnected now (already-disconnected ones are not counted). */
  identities: number;
  /** Active tokens soft-deleted. */
  tokens: number;
  /** Pages hidden because their last token went. */
  pages: number;
}

export interface DataDeletionOutcome extends ForgetCounts {
  confirmationCode: string;
  /** Identities whose name and picture were erased (disconnected earlier or now). */
  identitiesErased: number;
  /** Auth.js account links (provider facebook) deleted. */
  accountsUnlinked: number;
}

const TENANTS_PER_TRANSACTION = 100;

type PerTenant = (tx: Tx, tenantId: string, identityIds: string[]) => Promise<void>;

async function forEachTenantWithIdentity(client: Db, externalUserId: string, fn: PerTenant): Promise<number> {
  // Only the workspaces where this person has an identity (soft-deleted ones included: their rows still hold the
  // person's data), found through an index by a narrow SECURITY DEFINER function that returns ids only.
  const tenants = (
    await client.$queryRaw<{ tenant_id: string }[]>`SELECT tenant_id FROM tenants_of_external_user('facebook', ${externalUserId})`
  ).map((t) => t.tenant_id);
  let found = 0;
  for (let i = 0; i < tenants.length; i += TENANTS_PER_TRANSACTION) {
    const chunk = tenants.slice(i, i + TENANTS_PER_TRANSACTION);
    found += await withTenant(
      chunk[0] as string,
      async (tx) => {
        let n = 0;
        for (const [j, tenantId] of chunk.entries()) {
          if (j > 0) await setTenant(tx, tenantId);
          const identities = await tx.socialIdentity.findMany({
            where: { platform: "facebook", externalUserId },
            select: { id: true },
            orderBy: { id: "asc" },
          });
          if (identities.length === 0) continue;
          n++;
          await fn(
            tx,
            tenantId,
            identities.map((x) => x.id),
          );
        }
        return n;
      },
      { client, timeoutMs: 60_000 },
    );
  }
  return found;
}

async function disconnectAll(
  tx: Tx,
  tenantId: string,
  identityIds: string[],
  reason: "deauthorized" | "data_deletion",
  counts: ForgetCounts,
) {
  for (const id of identityIds) {
    const r = await disconnectIdentity(tx, tenantId, null, id, reason);
    counts.identities += r.identities;
    counts.tokens += r.tokens;
    counts.pages += r.pages;
  }
  // Tokens left active under an identity that was already disconnected (should not exist; never leave one).
  const stray = await tx.adToken.updateMany({
    where: { socialIdentityId: { in: identityIds }, deletedAt: null },
    data: { deletedAt: new Date() },
  });
  counts.tokens += stray.count;
}

/** Deauthorize callback: the person removed the app. Soft-deletes their identity and tokens in every tenant. */
export async function deauthorizeFacebookUser(externalUserId: string, opts: { client?: Db } = {}): Promise<ForgetCounts> {
  const client = opts.client ?? db();
  const counts: ForgetCounts = { tenants: 0, identities: 0, tokens: 0, pages: 0 };
  counts.tenants = await forEachTenantWithIdentity(client, externalUserId, (tx, tenantId, ids) =>
    disconnectAll(tx, tenantId, ids, "deauthorized", counts),
  );
  return counts;
}

const ALPHANUMERIC = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/** A random alphanumeric confirmation code (no modulo bias). */
export function newConfirmationCode(length = 20): string {
  let out = "";
  while (out.length < length) {
    for (const b of randomBytes(length * 2)) {
      if (b >= 248) continue; // 248 = 62 × 4
      out += ALPHANUMERIC.charAt(b % 62);
      if (out.length === length) break;
    }
  }
  return out;
}

/**
 * Data deletion callback: everything deauthorize does, plus the person's personal data is erased from every
 * identity row (name, picture), their Auth.js account link for Facebook is deleted, and the request is recorded
 * under a confirmation code for the public status page.
 */
export async function deleteFacebookUserData(
  externalUserId: string,
  opts: { client?: Db; confirmationCode?: string } = {},
): Promise<DataDeletionOutcome> {
  const client = opts.client ?? db();
  const confirmationCode = opts.confirmationCode ?? newConfirmationCode();
  const out: DataDeletionOutcome = {
    tenants: 0,
    identities: 0,
    tokens: 0,
    pages: 0,
    confirmationCode,
    identitiesErased: 0,
    accountsUnlinked: 0,
  };
  out.tenants = await forEachTenantWithIdentity(client, externalUserId, async (tx, tenantId, ids) => {
    await disconnectAll(tx, tenantId, ids, "data_deletion", out);
    const erased = await tx.socialIdentity.updateMany({ where: { id: { in: ids } }, data: { name: null, pictureUrl: null } });
    out.identitiesErased += erased.count;
    await appendAudit(
      tx,
      tenantId,
      null,
      ids.map((id) => ({
        action: "identity.personal_data_erased",
        targetType: "social_identity" as const,
        targetId: id,
        details: { confirmationCode, fields: ["name", "picture_url"] },
      })),
    );
  });
  await client.$transaction(async (tx) => {
    // Unlinks the login and erases its profile (name, email, picture) unless another sign-in method is still linked:
    // a SECURITY DEFINER function, since the app role reads only a person's own Auth.js rows.
    const [unlinked] = await tx.$queryRaw<{ n: number }[]>`SELECT forget_facebook_login(${externalUserId}) AS n`;
    out.accountsUnlinked = unlinked?.n ?? 0;
    await tx.dataDeletionRequest.create({
      data: { confirmationCode, platform: "facebook", externalUserId, tokensDeleted: out.tokens, identitiesErased: out.identitiesErased },
    });
  });
  return out;
}

export interface DataDeletionStatus {
  confirmationCode: string;
  requestedAt: Date;
  tokensDeleted: number;
  identitiesErased: number;
}

const CODE = /^[A-Za-z0-9]{8,64}$/;

/** The public status page's lookup: null for an unknown (or malformed) code. Shows no ids, names or tokens. */
export async function findDataDeletionRequest(code: string, opts: { client?: Db } = {}): Promise<DataDeletionStatus | null> {
  if (!CODE.test(code)) return null;
  const client = opts.client ?? db();
  const row = await client.dataDeletionRequest.findUnique({
    where: { confirmationCode: code },
    select: { confirmationCode: true, createdAt: true, tokensDeleted: true, identitiesErased: true },
  });
  return row
    ? {
        confirmationCode: row.confirmationCode,
        requestedAt: row.createdAt,
        tokensDeleted: row.tokensDeleted,
        identitiesErased: row.identitiesErased,
      }
    : null;
}
