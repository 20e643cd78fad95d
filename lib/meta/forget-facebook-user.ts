import "server-only";
import { randomBytes } from "node:crypto";
import { db, type Db } from "../db/client";
import type { Prisma } from "../db/generated/client";
import { setTenant, withTenant } from "../db/tenant-transaction";
import { emitWebhookEvents } from "../webhooks/events";
import { disconnectedIdentityEvents } from "../tokens/disconnect";

/**
 * What Meta's callbacks do to a person (by app-scoped user id) in every tenant where they have an identity: the
 * tenants come from an indexed lookup (ids only, a narrow SECURITY DEFINER function), and each tenant's rows are
 * reached under that tenant's RLS context by forget_external_user (SECURITY INVOKER; one round trip for a chunk of
 * tenants, setting app.tenant_id before each), never by bypassing row-level security. Webhook events
 * (facebook.deauthorized, connection.removed) are then queued, under each tenant's context, only where an endpoint
 * wants them.
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

type Reason = "deauthorized" | "data_deletion";

interface Forgotten {
  tenant_id: string;
  identity_id: string;
  disconnected: boolean;
  tokens: number;
  pages: number;
  erased: number;
  notify: boolean;
}

/** Disconnects (and with `erase`, erases) the person in every tenant where they have a Facebook identity. */
async function forgetEverywhere(
  client: Db,
  externalUserId: string,
  reason: Reason,
  erase: Prisma.InputJsonObject | null,
): Promise<ForgetCounts & { identitiesErased: number }> {
  // Only the workspaces where this person has an identity (soft-deleted ones included: their rows still hold the
  // person's data), found through an index by a narrow SECURITY DEFINER function that returns ids only.
  const tenants = (
    await client.$queryRaw<{ tenant_id: string }[]>`SELECT tenant_id FROM tenants_of_external_user('facebook', ${externalUserId})`
  ).map((t) => t.tenant_id);
  const counts = { tenants: 0, identities: 0, tokens: 0, pages: 0, identitiesErased: 0 };
  for (let i = 0; i < tenants.length; i += TENANTS_PER_TRANSACTION) {
    const chunk = tenants.slice(i, i + TENANTS_PER_TRANSACTION);
    await withTenant(
      chunk[0] as string,
      async (tx) => {
        const done = await tx.$queryRaw<Forgotten[]>`
          SELECT tenant_id::text, identity_id::text, disconnected, tokens, pages, erased, notify
            FROM forget_external_user(${chunk}::uuid[], ${externalUserId}, ${reason}, ${erase === null ? null : JSON.stringify(erase)}::jsonb)`;
        for (const f of done) {
          counts.tenants++;
          counts.identities += f.disconnected ? 1 : 0;
          counts.tokens += f.tokens;
          counts.pages += f.pages;
          counts.identitiesErased += f.erased;
          if (!f.notify) continue;
          await setTenant(tx, f.tenant_id);
          await emitWebhookEvents(tx, f.tenant_id, disconnectedIdentityEvents(f.identity_id, reason, f.tokens, f.pages));
        }
      },
      { client, timeoutMs: 60_000 },
    );
  }
  return counts;
}

/** Deauthorize callback: the person removed the app. Soft-deletes their identity and tokens in every tenant. */
export async function deauthorizeFacebookUser(externalUserId: string, opts: { client?: Db } = {}): Promise<ForgetCounts> {
  const { identitiesErased: _, ...counts } = await forgetEverywhere(opts.client ?? db(), externalUserId, "deauthorized", null);
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
  Object.assign(
    out,
    await forgetEverywhere(client, externalUserId, "data_deletion", { confirmationCode, fields: ["name", "picture_url"] }),
  );
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
