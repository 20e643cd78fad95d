import "server-only";
import { Prisma } from "../db/generated/client";
import type { Tx } from "../db/tenant-transaction";
import type { TokenStatus } from "../db/generated/enums";
import { env } from "../env";
import {
  PAGE_NAMES_SHOWN,
  warningHorizon,
  warningsFromIdentities,
  type ExpiryWarnings,
  type IdentityWarningJson,
} from "../health/expiry-warnings";
import { replacedLoginWarnings } from "../health/replaced-login-warnings";
import { pageSearchSql } from "./page-filter";
import { PAGE_SIZE, type DashboardQuery, type Sort, type SortDir, type StatusFilter } from "./dashboard-query";

/**
 * Everything the tenant dashboard shows, in two SQL statements inside the caller's tenant transaction
 * (withMembership / requireMembership): one for the Pages list (filter, search, sort, paging and counts, all in
 * SQL), one for the connected identities and the person's latest connect attempt. Dates are ISO strings (the
 * rows go straight into server and client components). No ciphertext is ever selected.
 */

/** What every token row shows: its status and dates (never the token). */
export interface TokenStateView {
  id: string;
  status: TokenStatus;
  expiresAt: string | null;
  /** When Facebook's 90-day data access of this token's person lapses. */
  dataAccessExpiresAt: string | null;
  lastCheckedAt: string | null;
  lastError: string | null;
}

export interface PageTokenView extends TokenStateView {
  /** The Facebook person whose Page token this is. */
  identityName: string | null;
  /** The member of this workspace who connected it. */
  ownerName: string | null;
  /** The Facebook login (social identity) the token came from, and what that login granted and declined. */
  socialIdentityId: string;
  scopes: string[];
  declinedScopes: string[];
}

/** An Instagram professional account linked to the Page (used through the Page's token). */
export interface InstagramView {
  id: string;
  igUserId: string;
  username: string | null;
  name: string | null;
  pictureUrl: string | null;
}

export interface PageView {
  id: string;
  name: string;
  category: string | null;
  pictureUrl: string | null;
  tasks: string[];
  tokens: PageTokenView[];
  instagram: InstagramView[];
}

export interface PageList {
  rows: PageView[];
  /** Connected Pages in the workspace, whatever the filters. */
  tenantTotal: number;
  /** Pages matching the search (before the status filter): what the status counts add up over. */
  searchedTotal: number;
  /** Pages matching search and status filter: what the paging runs over. */
  matching: number;
  /** Per status (and "none"), how many Pages matching the search have a token in that status. */
  counts: Partial<Record<StatusFilter, number>>;
  page: number;
  pageCount: number;
  pageSize: number;
}

export interface IdentityView {
  id: string;
  platform: "facebook" | "tiktok";
  name: string | null;
  pictureUrl: string | null;
  connectedById: string;
  connectedByName: string | null;
  /** The person who connected it is no longer a member here (removed or left); the connection kept working. */
  connectedByFormerMember: boolean;
  /** When the current connection was made (the active user token's creation), else the identity's. */
  connectedAt: string;
  declinedScopes: string[];
  pageCount: number;
  /** When this login has no active user token because the same member connected another login: that login. */
  replacedBy: { id: string; name: string | null } | null;
  userToken:
    | (TokenStateView & {
        /** TikTok: the refresh token's expiry (the connection's real end) and the last renewal; null for Facebook. */
        refreshExpiresAt: string | null;
        lastRefreshedAt: string | null;
      })
    | null;
}

export interface AttemptView {
  id: string;
  platform: "facebook" | "tiktok";
  outcome: "succeeded" | "failed";
  message: string;
  step: string | null;
  createdAt: string;
  declinedScopes: string[];
  /** The Facebook login that attempt connected (its current name; null once it is gone). */
  identityName: string | null;
}

export interface DashboardData {
  /** When the data was read (epoch ms): "expiring in N days" and "checked 5 min ago" are relative to it. */
  nowMs: number;
  pages: PageList;
  identities: IdentityView[];
  attempt: AttemptView | null;
  /** The token-health banner: user tokens expiring soon, revoked/expired/invalid tokens, per identity. */
  warnings: ExpiryWarnings;
}

/**
 * Sort orders of the dynamic statement (dashboard_pages_json, migration 20261201000100, holds the same ones). Each
 * reads one index of facebook_pages ((tenant_id, key, lower(name), id) WHERE deleted_at IS NULL, migration
 * 20261129140000; the oldest check: page_check_order's, 20261130000800): ascending walks it forwards, descending
 * backwards, so every key (name and id too) follows the direction. The keys are the Page's active-token summary the
 * triggers keep (worst_rank 7 = no active token; soonest expiry, nulls = never expires, last when ascending; oldest
 * check, never checked first).
 */
function orderBy(sort: Sort, dir: SortDir): Prisma.Sql {
  const asc = dir === "asc";
  switch (sort) {
    case "status": // "Problems first" ascending: worst first
      return asc ? Prisma.sql`worst_rank DESC, lower(name), id` : Prisma.sql`worst_rank ASC, lower(name) DESC, id DESC`;
    case "expires":
      return asc
        ? Prisma.sql`soonest_expiry ASC NULLS LAST, lower(name), id`
        : Prisma.sql`soonest_expiry DESC NULLS FIRST, lower(name) DESC, id DESC`;
    case "checked": // the oldest check lives in page_check_order (migration 20261130000800), one row per Page
      return asc
        ? Prisma.sql`(SELECT o.oldest_check FROM page_check_order o WHERE o.facebook_page_id = p.id) ASC NULLS FIRST, lower(name), id`
        : Prisma.sql`(SELECT o.oldest_check FROM page_check_order o WHERE o.facebook_page_id = p.id) DESC NULLS LAST, lower(name) DESC, id DESC`;
    case "category":
      return asc
        ? Prisma.sql`lower(category) ASC NULLS LAST, lower(name), id`
        : Prisma.sql`lower(category) DESC NULLS FIRST, lower(name) DESC, id DESC`;
    case "name":
      return asc ? Prisma.sql`lower(name), id` : Prisma.sql`lower(name) DESC, id DESC`;
  }
}

function statusFilter(status: StatusFilter | null): Prisma.Sql {
  if (!status) return Prisma.sql`TRUE`;
  if (status === "none") return Prisma.sql`cardinality(p.token_statuses) = 0`;
  return Prisma.sql`p.token_statuses @> ARRAY[${status}::token_status]`;
}

interface PageListJson {
  /** Null only when the workspace has never had a Page (no summary row yet). */
  summary: { tenantTotal: number | null; searchedTotal: number; counts: Record<StatusFilter, number> } | null;
  rows: PageView[];
}

/**
 * The counts of the dynamic statement (the "has Instagram" / "this login" filters): the matching Pages counted
 * (cost grows with the workspace: those filters read every Page), the workspace's total from its summary row.
 */
function countsSql(search: Prisma.Sql): Prisma.Sql {
  const has = (s: string) => Prisma.sql`count(*) FILTER (WHERE p.token_statuses @> ARRAY[${s}::token_status])`;
  return Prisma.sql`(SELECT json_build_object(
      'tenantTotal', (SELECT c.pages FROM workspace_page_counts c), 'searchedTotal', count(*),
      'counts', json_build_object('active', ${has("active")}, 'expiring', ${has("expiring")}, 'expired', ${has("expired")},
                                  'revoked', ${has("revoked")}, 'invalid', ${has("invalid")}, 'unchecked', ${has("unchecked")},
                                  'data_access_expiring', ${has("data_access_expiring")}, 'data_access_expired', ${has("data_access_expired")},
                                  'none', count(*) FILTER (WHERE cardinality(p.token_statuses) = 0)))
    FROM facebook_pages p WHERE p.deleted_at IS NULL AND ${search})`;
}

/**
 * The Pages list: one statement. Without the "has Instagram" / "this login" filters it is one call of
 * dashboard_pages_json (migration 20261201000100), which reuses a plan per sort order (planning cost a third of the
 * statement): the shown page is read through the sort order's index (LIMIT/OFFSET: cost grows with the page number,
 * not the workspace), a name search through workspace_page_ids_containing (cost grows with the matches), the counts
 * from the workspace's summary or the matches. With those filters (they read the workspace anyway) the statement is
 * built here and planned per call; both build the shown Pages' JSON with dashboard_page_rows_json.
 */
export async function listPagesPage(tx: Tx, query: DashboardQuery): Promise<PageList> {
  const offset = (query.page - 1) * PAGE_SIZE;
  const [row] =
    query.ig || query.login
      ? await tx.$queryRaw<{ result: PageListJson }[]>`
    SELECT json_build_object(
      'summary', ${countsSql(pageSearchSql(query))},
      'rows', dashboard_page_rows_json(ARRAY(
        SELECT p.id FROM facebook_pages p
        WHERE p.deleted_at IS NULL AND ${pageSearchSql(query)} AND ${statusFilter(query.status)}
        ORDER BY ${orderBy(query.sort, query.dir)} LIMIT ${PAGE_SIZE} OFFSET ${offset}))
    ) AS result`
      : await tx.$queryRaw<{ result: PageListJson }[]>`
    SELECT dashboard_pages_json(${query.sort}::text, ${query.dir === "desc"}::boolean, ${query.status}::text, ${query.q}::text,
                                ${PAGE_SIZE}::int, ${offset}::int) AS result`;
  const summary = row?.result.summary ?? null;
  const tenantTotal = Number(summary?.tenantTotal ?? 0);
  const searchedTotal = Number(summary?.searchedTotal ?? 0);
  const counts: Partial<Record<StatusFilter, number>> = {};
  for (const [k, v] of Object.entries(summary?.counts ?? {})) if (Number(v) > 0) counts[k as StatusFilter] = Number(v);
  const matching = query.status ? (counts[query.status] ?? 0) : searchedTotal;
  return {
    rows: row?.result.rows ?? [],
    tenantTotal,
    searchedTotal,
    matching,
    counts,
    page: query.page,
    pageCount: Math.max(1, Math.ceil(matching / PAGE_SIZE)),
    pageSize: PAGE_SIZE,
  };
}

/**
 * Connected identities (with their active user token), the person's latest connect attempt, and the health
 * banner's per-identity figures (identity_warnings_json, shared with lib/health/expiry-warnings.ts): one statement,
 * the dashboard_identities_json SQL function (migration 20261130000700), which reuses its plan (planning it cost
 * more than running it). Its cost follows the identities (their page count and problem counts are columns the
 * triggers keep), not the Pages or tokens.
 */
export async function listIdentitiesAndAttempt(
  tx: Tx,
  userId: string,
  health: { now: Date; warningDays: number } = { now: new Date(), warningDays: env().TOKEN_EXPIRY_WARNING_DAYS },
): Promise<{ identities: IdentityView[]; attempt: AttemptView | null; warnings: ExpiryWarnings }> {
  const [row] = await tx.$queryRaw<
    { result: { identities: IdentityView[]; attempt: AttemptView | null; warningIdentities: IdentityWarningJson[] } }[]
  >`
    SELECT dashboard_identities_json(${userId}::uuid, ${health.now}::timestamptz, ${warningHorizon(health.now, health.warningDays)}::timestamptz, ${PAGE_NAMES_SHOWN}::int) AS result`;
  const identities = row?.result.identities ?? [];
  return {
    identities,
    attempt: row?.result.attempt ?? null,
    warnings: {
      warnings: [
        ...warningsFromIdentities(row?.result.warningIdentities ?? [], health.now, health.warningDays),
        ...replacedLoginWarnings(identities),
      ],
      warningDays: health.warningDays,
      now: health.now,
    },
  };
}

/** The whole dashboard: two statements (run inside withMembership, after its one membership statement). */
export async function loadDashboardData(
  tx: Tx,
  input: { userId: string; query: DashboardQuery; warningDays?: number },
): Promise<DashboardData> {
  // Sequential on purpose: one transaction is one connection, and its statements run one at a time anyway.
  const pages = await listPagesPage(tx, input.query);
  const now = new Date();
  const { identities, attempt, warnings } = await listIdentitiesAndAttempt(tx, input.userId, {
    now,
    warningDays: input.warningDays ?? env().TOKEN_EXPIRY_WARNING_DAYS,
  });
  return { nowMs: now.getTime(), pages, identities, attempt, warnings };
}
