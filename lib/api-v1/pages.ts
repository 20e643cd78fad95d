import "server-only";
import { Prisma } from "../db/generated/client";
import type { Tx } from "../db/tenant-transaction";
import { isUuid } from "../db/uuid";
import { fail, ok, NOT_FOUND, type Result } from "../http/result";
import type { ApiCaller } from "../api-keys/authenticate";
import type { ApiQuery, ApiResponse, PageView } from "./spec";
import { pageNameMatchesSql } from "../workspace/page-filter";
import { pageCapabilities } from "../tokens/capabilities";

/**
 * The token API's Pages: what a key of this workspace may see (RLS: this workspace only; a Page-restricted key: only
 * its Pages). A Page shows the token the API would hand out: its best active token (active, then expiring, then
 * unchecked, newest first; a Page whose tokens are all dead shows the newest dead one), its linked Instagram account,
 * and what that token can do (the dashboard's capability rules). One statement per call, in the request's
 * transaction (the route wrapper's inWorkspace).
 */

/** Best token first: usable before unusable, then newest. */
export const BEST_TOKEN_ORDER = Prisma.sql`CASE t.status WHEN 'active' THEN 1 WHEN 'expiring' THEN 2 WHEN 'unchecked' THEN 3
  ELSE 4 END, t.created_at DESC, t.id`;

interface PageRow {
  id: string;
  facebook_page_id: string;
  name: string;
  category: string | null;
  tasks: string[];
  token_status: PageView["token_status"];
  token_expires_at: Date | null;
  token_checked_at: Date | null;
  token_scopes: string[] | null;
  declined_scopes: string[] | null;
  identity_id: string | null;
  identity_name: string | null;
  instagram: { ig_user_id: string; username: string | null; name: string | null; picture_url: string | null } | null;
  created_at: Date;
}

const iso = (d: Date | null) => (d ? d.toISOString() : null);

function toView(r: PageRow): PageView {
  return {
    id: r.id,
    facebook_page_id: r.facebook_page_id,
    name: r.name,
    category: r.category,
    tasks: r.tasks,
    token_status: r.token_status,
    token_expires_at: iso(r.token_expires_at),
    token_checked_at: iso(r.token_checked_at),
    identity: r.identity_id ? { id: r.identity_id, name: r.identity_name } : null,
    instagram: r.instagram,
    capabilities: pageCapabilities({
      tasks: r.tasks,
      grantedScopes: r.token_scopes ?? [],
      declinedScopes: r.declined_scopes ?? [],
      tokenStatus: r.token_status ?? "none",
    }).map(({ capability, can, reason }) => ({ capability, can, reason })),
  };
}

/** The restriction of a key as SQL on facebook_pages p. */
export function allowedPages(caller: ApiCaller): Prisma.Sql {
  return caller.pageIds.length === 0 ? Prisma.sql`TRUE` : Prisma.sql`p.id = ANY(${caller.pageIds}::uuid[])`;
}

/** A Page named by our id or Facebook's, as SQL on facebook_pages p. */
export function pageRefSql(ref: string): Prisma.Sql {
  return isUuid(ref) ? Prisma.sql`p.id = ${ref}::uuid` : Prisma.sql`p.page_id = ${ref}`;
}

async function selectPages(tx: Tx, where: Prisma.Sql, limit: number): Promise<PageRow[]> {
  return tx.$queryRaw<PageRow[]>`
    SELECT p.id, p.page_id AS facebook_page_id, p.name, p.category, p.tasks, p.created_at,
           bt.status::text AS token_status, bt.expires_at AS token_expires_at, bt.last_checked_at AS token_checked_at,
           bt.scopes AS token_scopes, s.declined_scopes, s.id AS identity_id, s.name AS identity_name,
           (SELECT json_build_object('ig_user_id', i.ig_user_id, 'username', i.username, 'name', i.name, 'picture_url', i.picture_url)
              FROM instagram_accounts i WHERE i.facebook_page_id = p.id AND i.deleted_at IS NULL
             ORDER BY i.ig_user_id LIMIT 1) AS instagram
      FROM facebook_pages p
      LEFT JOIN LATERAL (
        SELECT t.status, t.expires_at, t.last_checked_at, t.scopes, t.social_identity_id FROM ad_tokens t
         WHERE t.facebook_page_id = p.id AND t.deleted_at IS NULL AND t.token_type = 'page'
         ORDER BY ${BEST_TOKEN_ORDER} LIMIT 1) bt ON TRUE
      LEFT JOIN social_identities s ON s.id = bt.social_identity_id
     WHERE p.deleted_at IS NULL AND ${where}
     ORDER BY p.created_at, p.id
     LIMIT ${limit}`;
}

/** Cursor: the last row's (created_at, id), opaque to callers. New Pages sort after existing ones: stable under inserts. */
function encodeCursor(r: PageRow): string {
  return Buffer.from(JSON.stringify([r.created_at.toISOString(), r.id])).toString("base64url");
}

function decodeCursor(cursor: string): { createdAt: string; id: string } | null {
  try {
    const v: unknown = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
    if (!Array.isArray(v) || v.length !== 2) return null;
    const [createdAt, id] = v as unknown[];
    if (typeof createdAt !== "string" || Number.isNaN(Date.parse(createdAt)) || typeof id !== "string" || !isUuid(id)) return null;
    return { createdAt, id };
  } catch {
    return null;
  }
}

export async function listPages(tx: Tx, caller: ApiCaller, query: ApiQuery<"listPages">): Promise<Result<ApiResponse<"listPages">>> {
  const conditions = [allowedPages(caller)];
  if (query.search) conditions.push(pageNameMatchesSql(query.search));
  if (query.status === "none") conditions.push(Prisma.sql`bt.status IS NULL`);
  else if (query.status) conditions.push(Prisma.sql`bt.status::text = ${query.status}`);
  if (query.cursor) {
    const c = decodeCursor(query.cursor);
    if (!c) return fail({ code: "invalid", message: "cursor: pass the next_cursor of a previous answer unchanged." });
    conditions.push(Prisma.sql`(p.created_at, p.id) > (${c.createdAt}::timestamptz, ${c.id}::uuid)`);
  }
  const rows = await selectPages(tx, Prisma.join(conditions, " AND "), query.limit + 1);
  const page = rows.slice(0, query.limit);
  const last = page[page.length - 1];
  return ok({ data: page.map(toView), next_cursor: rows.length > query.limit && last ? encodeCursor(last) : null });
}

export async function getPage(tx: Tx, caller: ApiCaller, ref: string): Promise<Result<PageView>> {
  const [row] = await selectPages(tx, Prisma.sql`${allowedPages(caller)} AND ${pageRefSql(ref)}`, 1);
  return row ? ok(toView(row)) : fail(NOT_FOUND);
}
