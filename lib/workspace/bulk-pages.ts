import "server-only";
import { Prisma } from "../db/generated/client";
import type { Db } from "../db/client";
import type { TokenStatus } from "../db/generated/enums";
import { withTenant, type Tx } from "../db/tenant-transaction";
import type { GraphClient } from "../facebook/graph-client";
import { appendAudit } from "../audit/audit-log";
import { checkTokensNow } from "../health/check-tokens-now";
import { fail, ok, type Result } from "../http/result";
import { logger } from "../log/logger";
import type { WorkspaceAccess } from "../tenancy/membership";
import type { ParsedBodyOf, ResponseOf } from "./contract";
import { pageSearchSql } from "./page-filter";
import type { StatusFilter } from "./dashboard-query";

/**
 * Bulk actions on the Pages list: the chosen Pages, or every Page matching the list's filter (search, status,
 * "has Instagram", Facebook login). "check" sends their page tokens to debug_token in Graph batches of 50 (250 Pages
 * = 5 HTTP requests); "disconnect" soft-deletes their tokens and hides them, in one transaction, one audit event per
 * Page. At most MAX_BULK_PAGES Pages per request.
 */

export const MAX_BULK_PAGES = 5_000;

type Manager = WorkspaceAccess<"connections.manage">;
type Body = ParsedBodyOf<"bulkPages">;

interface Target {
  page_id: string;
  token_id: string | null;
}

function statusSql(status: StatusFilter | null | undefined): Prisma.Sql {
  if (!status) return Prisma.sql`TRUE`;
  if (status === "none") {
    return Prisma.sql`NOT EXISTS (SELECT 1 FROM ad_tokens st WHERE st.facebook_page_id = p.id AND st.deleted_at IS NULL AND st.token_type = 'page')`;
  }
  return Prisma.sql`EXISTS (SELECT 1 FROM ad_tokens st WHERE st.facebook_page_id = p.id AND st.deleted_at IS NULL
                              AND st.token_type = 'page' AND st.status = ${status}::token_status)`;
}

/** The targeted Pages and their active page tokens: one statement. */
async function targets(tx: Tx, body: Body): Promise<Target[]> {
  const which = body.pageIds
    ? Prisma.sql`p.id = ANY(${body.pageIds}::uuid[])`
    : Prisma.sql`${pageSearchSql({ q: body.filter?.q ?? null, ig: body.filter?.ig ?? false, login: body.filter?.login ?? null })}
        AND ${statusSql(body.filter?.status)}`;
  return tx.$queryRaw<Target[]>`
    WITH pages AS (
      SELECT p.id FROM facebook_pages p WHERE p.deleted_at IS NULL AND ${which} ORDER BY p.id LIMIT ${MAX_BULK_PAGES + 1}
    )
    SELECT pages.id AS page_id, t.id AS token_id
    FROM pages LEFT JOIN ad_tokens t ON t.facebook_page_id = pages.id AND t.deleted_at IS NULL AND t.token_type = 'page'
    ORDER BY pages.id, t.id`;
}

const tooMany = fail({
  code: "invalid",
  message: `That is more than ${MAX_BULK_PAGES.toLocaleString("en")} Pages. Narrow the filter (search or status) and try again.`,
});

export async function bulkPages(
  access: Manager,
  body: Body,
  deps: { client?: Db; graph?: GraphClient } = {},
): Promise<Result<ResponseOf<"bulkPages">>> {
  const opts = { client: deps.client, userId: access.userId };
  if (body.action === "check") {
    const found = await withTenant(access.tenantId, (tx) => targets(tx, body), opts);
    const pages = new Set(found.map((f) => f.page_id));
    if (pages.size > MAX_BULK_PAGES) return tooMany;
    const tokenIds = found.flatMap((f) => (f.token_id ? [f.token_id] : []));
    try {
      const checked = await checkTokensNow(
        { tenantId: access.tenantId, actorUserId: access.userId, tokenIds },
        { client: deps.client, graph: deps.graph },
      );
      const statuses: Partial<Record<TokenStatus, number>> = {};
      for (const c of checked) statuses[c.status] = (statuses[c.status] ?? 0) + 1;
      const notChecked = checked.filter((c) => c.lastError && c.lastError.startsWith("Could not check")).length;
      return ok({ action: "check", pages: pages.size, tokens: checked.length, statuses, notChecked, disconnected: 0 });
    } catch (err) {
      logger.error("dashboard.bulk_check.failed", { tenantId: access.tenantId, error: err });
      return fail({ code: "facebook", message: "The check could not be finished. Nothing was changed; try again in a minute." });
    }
  }

  return withTenant(
    access.tenantId,
    async (tx) => {
      const found = await targets(tx, body);
      const pageIds = [...new Set(found.map((f) => f.page_id))];
      if (pageIds.length > MAX_BULK_PAGES) return tooMany;
      if (pageIds.length === 0)
        return ok({ action: "disconnect" as const, pages: 0, tokens: 0, statuses: {}, notChecked: 0, disconnected: 0 });
      const hidden = await tx.$queryRaw<{ id: string }[]>`
        UPDATE facebook_pages SET deleted_at = now(), updated_at = now()
        WHERE id = ANY(${pageIds}::uuid[]) AND deleted_at IS NULL RETURNING id`;
      const tokens = await tx.$queryRaw<{ facebook_page_id: string }[]>`
        UPDATE ad_tokens SET deleted_at = now(), updated_at = now()
        WHERE facebook_page_id = ANY(${hidden.map((h) => h.id)}::uuid[]) AND deleted_at IS NULL RETURNING facebook_page_id`;
      const perPage = new Map<string, number>();
      for (const t of tokens) perPage.set(t.facebook_page_id, (perPage.get(t.facebook_page_id) ?? 0) + 1);
      await appendAudit(
        tx,
        access.tenantId,
        access.userId,
        hidden.map((h) => ({
          action: "page.disconnected",
          targetType: "facebook_page" as const,
          targetId: h.id,
          details: { tokensSoftDeleted: perPage.get(h.id) ?? 0, bulk: true },
        })),
      );
      return ok({
        action: "disconnect" as const,
        pages: hidden.length,
        tokens: tokens.length,
        statuses: {},
        notChecked: 0,
        disconnected: hidden.length,
      });
    },
    opts,
  );
}
