import "server-only";
import type { Prisma } from "../db/generated/client";
import type { Tx } from "../db/tenant-transaction";

export interface AuditEntry {
  action: string;
  targetType: "tenant" | "membership" | "social_identity" | "facebook_page" | "ad_token" | "connect";
  targetId?: string | null;
  details?: Prisma.InputJsonObject;
}

/** Appends audit events in the caller's tenant transaction (append-only table; never holds a token). */
export async function appendAudit(tx: Tx, tenantId: string, actorUserId: string | null, entries: AuditEntry[]): Promise<void> {
  if (entries.length === 0) return;
  await tx.auditEvent.createMany({
    data: entries.map((e) => ({
      tenantId,
      actorUserId,
      action: e.action,
      targetType: e.targetType,
      targetId: e.targetId ?? null,
      details: e.details ?? {},
    })),
  });
}

export interface AuditView {
  id: string;
  action: string;
  targetType: string;
  targetId: string | null;
  details: Prisma.JsonValue;
  actorUserId: string | null;
  createdAt: Date;
}

/** The tenant's events, newest first. */
export async function listAudit(tx: Tx, opts: { limit?: number; before?: Date } = {}): Promise<AuditView[]> {
  return tx.auditEvent.findMany({
    where: opts.before ? { createdAt: { lt: opts.before } } : {},
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: Math.min(opts.limit ?? 100, 500),
    select: { id: true, action: true, targetType: true, targetId: true, details: true, actorUserId: true, createdAt: true },
  });
}
