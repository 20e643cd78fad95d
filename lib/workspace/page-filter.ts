import "server-only";
import { Prisma } from "../db/generated/client";
import type { DashboardQuery } from "./dashboard-query";

/**
 * Pages of the context workspace whose name contains `q` (case-insensitive, as `name ILIKE '%q%'` with %, _ and \
 * matching themselves), as a condition on `facebook_pages p`. The ids come from workspace_page_ids_containing
 * (migration 20261201000100), which can use the name index where the app role's own condition could not (row-level
 * security evaluates the policy first), and reads only the Pages whose name has q in it.
 */
export function pageNameMatchesSql(q: string): Prisma.Sql {
  return Prisma.sql`p.id IN (SELECT workspace_page_ids_containing(${q}::text))`;
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
