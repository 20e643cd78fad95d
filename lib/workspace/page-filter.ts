import "server-only";
import { Prisma } from "../db/generated/client";
import type { DashboardQuery } from "./dashboard-query";

/** `%q%` for ILIKE with the pattern characters escaped. */
export function likePattern(q: string): string {
  return `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/**
 * Pages of the context workspace whose name contains `q` (case-insensitive; %, _ and \ match themselves), as a
 * condition on `facebook_pages p`. The ids come from workspace_page_ids_matching (migration 20261129190000), which
 * can use the trigram index where the app role's own ILIKE could not (row-level security evaluates the policy first).
 */
export function pageNameMatchesSql(q: string): Prisma.Sql {
  return Prisma.sql`p.id IN (SELECT workspace_page_ids_matching(${likePattern(q)}))`;
}

/**
 * The Pages list's search conditions on `facebook_pages p` (name search, "has Instagram", "connected through this
 * Facebook login"), shared by the dashboard's list and the bulk actions so "all matching" means the same Pages.
 */
export function pageSearchSql(query: Pick<DashboardQuery, "q" | "ig" | "login">): Prisma.Sql {
  return Prisma.sql`${query.q ? pageNameMatchesSql(query.q) : Prisma.sql`TRUE`}
    AND ${query.ig ? Prisma.sql`EXISTS (SELECT 1 FROM instagram_accounts i WHERE i.facebook_page_id = p.id AND i.deleted_at IS NULL)` : Prisma.sql`TRUE`}
    AND ${
      query.login
        ? Prisma.sql`EXISTS (SELECT 1 FROM ad_tokens lt WHERE lt.facebook_page_id = p.id AND lt.deleted_at IS NULL
                                AND lt.token_type = 'page' AND lt.social_identity_id = ${query.login}::uuid)`
        : Prisma.sql`TRUE`
    }`;
}
