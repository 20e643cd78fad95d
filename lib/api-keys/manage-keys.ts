import "server-only";
import { appendAudit } from "../audit/audit-log";
import type { Db } from "../db/client";
import { withTenant, type Tx } from "../db/tenant-transaction";
import { fail, ok, NOT_FOUND, type Result } from "../http/result";
import type { WorkspaceAccess } from "../tenancy/membership";
import type { ParsedBodyOf, ResponseOf } from "../workspace/contract";
import { generateApiKey } from "./key-format";
import type { ApiScope } from "./scopes";

/**
 * The dashboard's API keys (Settings → API keys): create (the full key is returned once, only its hash is stored),
 * list (prefix only), revoke. Every change is an audit event; none holds the key.
 */

type Manager = WorkspaceAccess<"apiKeys.manage">;

export interface ApiKeyView {
  id: string;
  name: string;
  prefix: string;
  scopes: ApiScope[];
  /** Names of the Pages the key is limited to (empty: every Page). */
  pages: { id: string; name: string }[];
  expiresAt: string | null;
  lastUsedAt: string | null;
  createdAt: string;
  createdByName: string | null;
  revokedAt: string | null;
}

/** The workspace's keys, newest first, live ones before revoked ones: one statement. */
export async function listApiKeys(tx: Tx): Promise<ApiKeyView[]> {
  return tx.$queryRaw<ApiKeyView[]>`
    SELECT k.id, k.name, k.prefix, k.scopes,
           COALESCE((SELECT json_agg(json_build_object('id', p.id, 'name', p.name) ORDER BY p.name)
                       FROM facebook_pages p WHERE p.id = ANY(k.page_ids)), '[]'::json) AS pages,
           to_json(k.expires_at) #>> '{}' AS "expiresAt", to_json(k.last_used_at) #>> '{}' AS "lastUsedAt",
           to_json(k.created_at) #>> '{}' AS "createdAt", u.name AS "createdByName",
           to_json(k.revoked_at) #>> '{}' AS "revokedAt"
      FROM api_keys k LEFT JOIN users u ON u.id = k.created_by
     ORDER BY (k.revoked_at IS NOT NULL), k.created_at DESC, k.id`;
}

/** The workspace's connected Pages to pick a restriction from (id and name). */
export async function listPageChoices(tx: Tx): Promise<{ id: string; name: string }[]> {
  return tx.facebookPage.findMany({
    where: { deletedAt: null },
    select: { id: true, name: true },
    orderBy: [{ name: "asc" }, { id: "asc" }],
  });
}

export async function createApiKey(
  access: Manager,
  input: ParsedBodyOf<"createApiKey">,
  opts: { client?: Db; now?: Date } = {},
): Promise<Result<ResponseOf<"createApiKey">>> {
  const now = opts.now ?? new Date();
  const expiresAt = input.expiresAt ? new Date(input.expiresAt) : null;
  if (expiresAt && expiresAt <= now) return fail({ code: "invalid", message: "Pick an expiry date in the future, or none." });
  const pageIds = [...new Set(input.pageIds)];
  return withTenant(
    access.tenantId,
    async (tx) => {
      if (pageIds.length > 0) {
        const found = await tx.facebookPage.count({ where: { id: { in: pageIds }, deletedAt: null } });
        if (found !== pageIds.length) {
          return fail({ code: "invalid", message: "Some of the chosen Pages are no longer connected. Refresh the page and pick again." });
        }
      }
      const key = generateApiKey();
      const row = await tx.apiKey.create({
        data: {
          tenantId: access.tenantId,
          name: input.name,
          prefix: key.prefix,
          keyHash: new Uint8Array(key.hash),
          scopes: [...new Set(input.scopes)],
          pageIds,
          expiresAt,
          createdBy: access.userId,
        },
        select: { id: true, name: true, prefix: true },
      });
      await appendAudit(tx, access.tenantId, access.userId, [
        {
          action: "api_key.created",
          targetType: "api_key",
          targetId: row.id,
          details: {
            name: row.name,
            prefix: row.prefix,
            scopes: input.scopes,
            pages: pageIds.length,
            expiresAt: expiresAt?.toISOString() ?? null,
          },
        },
      ]);
      return ok({ id: row.id, name: row.name, prefix: row.prefix, key: key.key });
    },
    { client: opts.client, userId: access.userId },
  );
}

export async function revokeApiKey(
  access: Manager,
  keyId: string,
  opts: { client?: Db } = {},
): Promise<Result<ResponseOf<"revokeApiKey">>> {
  return withTenant(
    access.tenantId,
    async (tx) => {
      const [row] = await tx.$queryRaw<{ id: string; name: string; prefix: string }[]>`
        UPDATE api_keys SET revoked_at = now() WHERE id = ${keyId}::uuid AND revoked_at IS NULL RETURNING id, name, prefix`;
      if (!row) return fail(NOT_FOUND);
      await appendAudit(tx, access.tenantId, access.userId, [
        { action: "api_key.revoked", targetType: "api_key", targetId: row.id, details: { name: row.name, prefix: row.prefix } },
      ]);
      return ok({ id: row.id, name: row.name });
    },
    { client: opts.client, userId: access.userId },
  );
}
