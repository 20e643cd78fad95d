import "server-only";
import type { Prisma } from "../db/generated/client";
import type { Tx } from "../db/tenant-transaction";

export interface AuditEntry {
  action: string;
  targetType:
    "tenant" | "membership" | "invitation" | "social_identity" | "facebook_page" | "ad_token" | "connect" | "api_key" | "webhook_endpoint";
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

export interface AuditRow {
  id: string;
  action: string;
  targetType: string;
  targetId: string | null;
  /** The target's name now (a Page, a Facebook person, a member, the workspace), soft-deleted ones included. */
  targetName: string | null;
  details: Prisma.JsonValue;
  actorName: string | null;
  createdAt: string;
  /** A second Facebook login the event names (details.replacedBySocialIdentityId), by its name now. */
  relatedName: string | null;
}

/**
 * One page of the tenant's events, newest first, with who did it and what it was about, in one statement.
 * `hasMore` comes from reading one row past the page.
 */
export async function listAuditPage(tx: Tx, opts: { page: number; pageSize: number }): Promise<{ rows: AuditRow[]; hasMore: boolean }> {
  const size = Math.min(Math.max(opts.pageSize, 1), 200);
  const offset = (Math.max(opts.page, 1) - 1) * size;
  const rows = await tx.$queryRaw<AuditRow[]>`
    SELECT a.id, a.action, a.target_type AS "targetType", a.target_id AS "targetId", a.details,
           to_json(a.created_at) #>> '{}' AS "createdAt",
           actor.name AS "actorName",
           COALESCE(fp.name, si.name, tp.name, ti.name, mu.name, mu.email, tn.name, ak.name) AS "targetName",
           rel.name AS "relatedName"
    FROM audit_events a
    LEFT JOIN users actor ON actor.id = a.actor_user_id
    LEFT JOIN facebook_pages fp ON a.target_type = 'facebook_page' AND fp.id = CASE WHEN a.target_type = 'facebook_page' AND a.target_id ~* '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' THEN a.target_id::uuid END
    LEFT JOIN social_identities si ON a.target_type = 'social_identity' AND si.id = CASE WHEN a.target_type = 'social_identity' AND a.target_id ~* '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' THEN a.target_id::uuid END
    LEFT JOIN ad_tokens tk ON a.target_type = 'ad_token' AND tk.id = CASE WHEN a.target_type = 'ad_token' AND a.target_id ~* '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' THEN a.target_id::uuid END
    LEFT JOIN facebook_pages tp ON tp.id = tk.facebook_page_id
    LEFT JOIN social_identities ti ON tk.facebook_page_id IS NULL AND ti.id = tk.social_identity_id
    LEFT JOIN memberships m ON a.target_type = 'membership' AND m.id = CASE WHEN a.target_type = 'membership' AND a.target_id ~* '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' THEN a.target_id::uuid END
    LEFT JOIN users mu ON mu.id = m.user_id
    LEFT JOIN tenants tn ON a.target_type = 'tenant' AND tn.id = a.tenant_id
    LEFT JOIN api_keys ak ON a.target_type = 'api_key' AND ak.id = CASE WHEN a.target_type = 'api_key' AND a.target_id ~* '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' THEN a.target_id::uuid END
    LEFT JOIN social_identities rel ON rel.id = CASE WHEN a.details->>'replacedBySocialIdentityId' ~* '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' THEN (a.details->>'replacedBySocialIdentityId')::uuid END
    ORDER BY a.created_at DESC, a.id DESC
    LIMIT ${size + 1} OFFSET ${offset}`;
  return { rows: rows.slice(0, size), hasMore: rows.length > size };
}
