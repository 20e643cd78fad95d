import "server-only";
import { Prisma } from "../db/generated/client";
import type { Tx } from "../db/tenant-transaction";
import type { TokenStatus } from "../db/generated/enums";
import { env } from "../env";
import { replacedLoginWarnings } from "../health/replaced-login-warnings";
import { groupWarnings, MAX_WARNING_TOKENS, warningHorizon, type ExpiryWarnings, type WarningToken } from "../health/expiry-warnings";
import { pageSearchSql } from "./page-filter";
import { PAGE_SIZE, type DashboardQuery, type Sort, type SortDir, type StatusFilter } from "./dashboard-query";

/**
 * Everything the tenant dashboard shows, in two SQL statements inside the caller's tenant transaction
 * (withMembership / requireMembership): one for the Pages list (filter, search, sort, paging and counts, all in
 * SQL), one for the connected identities and the person's latest connect attempt. Dates are ISO strings (the
 * rows go straight into server and client components). No ciphertext is ever selected.
 */

export interface PageTokenView {
  id: string;
  status: TokenStatus;
  expiresAt: string | null;
  /** When Facebook's 90-day data access of this token's person lapses. */
  dataAccessExpiresAt: string | null;
  lastCheckedAt: string | null;
  lastError: string | null;
  userId: string;
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
  pageId: string;
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
  name: string | null;
  pictureUrl: string | null;
  externalUserId: string;
  connectedById: string;
  connectedByName: string | null;
  /** When the current connection was made (the active user token's creation), else the identity's. */
  connectedAt: string;
  declinedScopes: string[];
  pageCount: number;
  /** When this login has no active user token because the same member connected another login: that login. */
  replacedBy: { id: string; name: string | null } | null;
  userToken: {
    id: string;
    status: TokenStatus;
    expiresAt: string | null;
    dataAccessExpiresAt: string | null;
    lastCheckedAt: string | null;
    lastError: string | null;
  } | null;
}

export interface AttemptView {
  id: string;
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

/** How bad a status is: the Pages list sorts by a Page's worst token (7 = no active token at all). */
const RANK_SQL = Prisma.sql`CASE t.status WHEN 'active' THEN 1 WHEN 'unchecked' THEN 2 WHEN 'expiring' THEN 3
  WHEN 'expired' THEN 4 WHEN 'invalid' THEN 5 WHEN 'revoked' THEN 6
  WHEN 'data_access_expiring' THEN 3 WHEN 'data_access_expired' THEN 4 END`;

function orderBy(sort: Sort, dir: SortDir): Prisma.Sql {
  const d = dir === "desc" ? Prisma.sql`DESC` : Prisma.sql`ASC`;
  // Every order ends with name and id, so paging is stable.
  switch (sort) {
    case "status":
      return dir === "desc" ? Prisma.sql`worst ASC, lower(name), id` : Prisma.sql`worst DESC, lower(name), id`;
    case "expires":
      return Prisma.sql`soonest ${d} NULLS LAST, lower(name), id`;
    case "checked":
      return Prisma.sql`checked ${d} NULLS FIRST, lower(name), id`;
    case "category":
      return Prisma.sql`lower(category) ${d} NULLS LAST, lower(name), id`;
    case "name":
      return Prisma.sql`lower(name) ${d}, id`;
  }
}

function statusFilter(status: StatusFilter | null): Prisma.Sql {
  if (!status) return Prisma.sql`TRUE`;
  if (status === "none") return Prisma.sql`statuses IS NULL`;
  return Prisma.sql`${status}::text = ANY(statuses)`;
}

interface PageListJson {
  tenantTotal: number;
  searchedTotal: number;
  matching: number;
  counts: Partial<Record<StatusFilter, number>> | null;
  rows: PageView[];
}

/** The Pages list: one statement. Aggregates every Page's token statuses once, builds JSON only for one page of rows. */
export async function listPagesPage(tx: Tx, query: DashboardQuery): Promise<PageList> {
  const offset = (query.page - 1) * PAGE_SIZE;
  const search = pageSearchSql(query);
  const [row] = await tx.$queryRaw<{ result: PageListJson }[]>`
    WITH agg AS (
      SELECT t.facebook_page_id AS pid, max(${RANK_SQL}) AS worst, array_agg(DISTINCT t.status::text) AS statuses,
             min(t.expires_at) AS soonest, min(t.last_checked_at) AS checked
      FROM ad_tokens t
      WHERE t.deleted_at IS NULL AND t.token_type = 'page'
      GROUP BY t.facebook_page_id
    ), searched AS (
      SELECT p.id, p.name, p.category, COALESCE(a.worst, 7) AS worst, a.statuses, a.soonest, a.checked
      FROM facebook_pages p LEFT JOIN agg a ON a.pid = p.id
      WHERE p.deleted_at IS NULL AND ${search}
    ), filtered AS (
      SELECT * FROM searched WHERE ${statusFilter(query.status)}
    ), shown AS (
      SELECT id, row_number() OVER (ORDER BY ${orderBy(query.sort, query.dir)}) AS ord
      FROM filtered ORDER BY ord LIMIT ${PAGE_SIZE} OFFSET ${offset}
    ), shown_tokens AS (
      SELECT t.facebook_page_id AS pid,
             json_agg(json_build_object(
               'id', t.id, 'status', t.status, 'expiresAt', t.expires_at, 'dataAccessExpiresAt', t.data_access_expires_at,
               'lastCheckedAt', t.last_checked_at,
               'lastError', t.last_error, 'userId', t.user_id, 'identityName', s.name, 'ownerName', u.name,
               'socialIdentityId', t.social_identity_id, 'scopes', t.scopes, 'declinedScopes', s.declined_scopes
             ) ORDER BY t.created_at) AS tokens
      FROM ad_tokens t
      JOIN social_identities s ON s.id = t.social_identity_id
      LEFT JOIN users u ON u.id = t.user_id
      WHERE t.deleted_at IS NULL AND t.token_type = 'page' AND t.facebook_page_id IN (SELECT id FROM shown)
      GROUP BY t.facebook_page_id
    )
    SELECT json_build_object(
      'tenantTotal', (SELECT count(*) FROM facebook_pages WHERE deleted_at IS NULL),
      'searchedTotal', (SELECT count(*) FROM searched),
      'matching', (SELECT count(*) FROM filtered),
      'counts', (SELECT json_object_agg(st, n) FROM (
                   SELECT st, count(*) AS n FROM searched, unnest(COALESCE(statuses, ARRAY['none'])) AS st GROUP BY st
                 ) c),
      'rows', COALESCE((
        SELECT json_agg(json_build_object(
                 'id', p.id, 'pageId', p.page_id, 'name', p.name, 'category', p.category, 'pictureUrl', p.picture_url,
                 'tasks', p.tasks, 'tokens', COALESCE(st.tokens, '[]'::json),
                 'instagram', COALESCE((
                   SELECT json_agg(json_build_object('id', i.id, 'igUserId', i.ig_user_id, 'username', i.username,
                                                     'name', i.name, 'pictureUrl', i.picture_url) ORDER BY i.ig_user_id)
                   FROM instagram_accounts i WHERE i.facebook_page_id = p.id AND i.deleted_at IS NULL), '[]'::json)
               ) ORDER BY sh.ord)
        FROM shown sh JOIN facebook_pages p ON p.id = sh.id LEFT JOIN shown_tokens st ON st.pid = sh.id
      ), '[]'::json)
    ) AS result`;
  const r = row?.result ?? { tenantTotal: 0, searchedTotal: 0, matching: 0, counts: null, rows: [] };
  return {
    rows: r.rows,
    tenantTotal: Number(r.tenantTotal),
    searchedTotal: Number(r.searchedTotal),
    matching: Number(r.matching),
    counts: r.counts ?? {},
    page: query.page,
    pageCount: Math.max(1, Math.ceil(Number(r.matching) / PAGE_SIZE)),
    pageSize: PAGE_SIZE,
  };
}

/** Connected identities (with their active user token) and the person's latest connect attempt: one statement. */
interface WarningTokenJson extends Omit<WarningToken, "expiresAt" | "dataAccessExpiresAt"> {
  expiresAt: string | null;
  dataAccessExpiresAt: string | null;
}

/**
 * Connected identities (with their active user token), the person's latest connect attempt, and the tokens the
 * health banner may warn about: one statement.
 */
export async function listIdentitiesAndAttempt(
  tx: Tx,
  userId: string,
  health: { now: Date; warningDays: number } = { now: new Date(), warningDays: env().TOKEN_EXPIRY_WARNING_DAYS },
): Promise<{ identities: IdentityView[]; attempt: AttemptView | null; warnings: ExpiryWarnings }> {
  const horizon = warningHorizon(health.now, health.warningDays);
  const [row] = await tx.$queryRaw<
    { result: { identities: IdentityView[]; attempt: AttemptView | null; warningTokens: WarningTokenJson[] } }[]
  >`
    SELECT json_build_object(
      'warningTokens', COALESCE((
        SELECT json_agg(json_build_object(
                 'status', w.status, 'tokenType', w.token_type, 'expiresAt', w.expires_at,
                 'dataAccessExpiresAt', w.data_access_expires_at,
                 'socialIdentityId', w.social_identity_id, 'identityName', w.identity_name, 'pageName', w.page_name))
        FROM (
          SELECT t.status, t.token_type, t.expires_at, t.data_access_expires_at, t.social_identity_id,
                 s.name AS identity_name, p.name AS page_name
          FROM ad_tokens t
          JOIN social_identities s ON s.id = t.social_identity_id
          LEFT JOIN facebook_pages p ON p.id = t.facebook_page_id
          WHERE t.deleted_at IS NULL
            AND (t.status IN ('expired', 'revoked', 'invalid', 'expiring', 'data_access_expiring', 'data_access_expired')
                 OR t.expires_at <= ${health.now}
                 OR t.data_access_expires_at <= ${horizon}
                 OR (t.token_type = 'user' AND t.expires_at <= ${horizon}))
          ORDER BY t.social_identity_id, t.id
          LIMIT ${MAX_WARNING_TOKENS}
        ) w
      ), '[]'::json),
      'identities', COALESCE((
        SELECT json_agg(json_build_object(
                 'id', s.id, 'name', s.name, 'pictureUrl', s.picture_url, 'externalUserId', s.external_user_id,
                 'connectedById', s.user_id, 'connectedByName', u.name,
                 'connectedAt', COALESCE(ut.created_at, s.created_at), 'declinedScopes', s.declined_scopes,
                 'pageCount', (SELECT count(*) FROM ad_tokens pt
                               WHERE pt.social_identity_id = s.id AND pt.deleted_at IS NULL AND pt.token_type = 'page'),
                 'userToken', CASE WHEN ut.id IS NULL THEN NULL ELSE json_build_object(
                   'id', ut.id, 'status', ut.status, 'expiresAt', ut.expires_at,
                   'dataAccessExpiresAt', ut.data_access_expires_at, 'lastCheckedAt', ut.last_checked_at,
                   'lastError', ut.last_error) END,
                 'replacedBy', CASE WHEN ut.id IS NULL THEN (
                   SELECT json_build_object('id', s2.id, 'name', s2.name) FROM ad_tokens ot
                   JOIN social_identities s2 ON s2.id = ot.social_identity_id
                   WHERE ot.user_id = s.user_id AND ot.token_type = 'user' AND ot.deleted_at IS NULL
                     AND ot.social_identity_id <> s.id AND s2.deleted_at IS NULL
                   ORDER BY ot.created_at DESC LIMIT 1) END
               ) ORDER BY s.created_at, s.id)
        FROM social_identities s
        LEFT JOIN users u ON u.id = s.user_id
        LEFT JOIN LATERAL (
          SELECT t.id, t.status, t.expires_at, t.data_access_expires_at, t.last_checked_at, t.last_error, t.created_at
          FROM ad_tokens t
          WHERE t.social_identity_id = s.id AND t.deleted_at IS NULL AND t.token_type = 'user'
          ORDER BY t.created_at DESC LIMIT 1
        ) ut ON TRUE
        WHERE s.deleted_at IS NULL
      ), '[]'::json),
      'attempt', (
        SELECT json_build_object('id', a.id, 'outcome', a.outcome, 'message', a.message, 'step', a.step,
                                 'createdAt', a.created_at, 'declinedScopes', a.declined_scopes,
                                 'identityName', (SELECT si.name FROM social_identities si
                                                  WHERE si.external_user_id = a.external_user_id AND si.platform = a.platform
                                                    AND si.deleted_at IS NULL LIMIT 1))
        FROM connect_attempts a WHERE a.user_id = ${userId}::uuid
        ORDER BY a.created_at DESC LIMIT 1
      )
    ) AS result`;
  const warningTokens = (row?.result.warningTokens ?? []).map((t) => ({
    ...t,
    expiresAt: t.expiresAt ? new Date(t.expiresAt) : null,
    dataAccessExpiresAt: t.dataAccessExpiresAt ? new Date(t.dataAccessExpiresAt) : null,
  }));
  const identities = row?.result.identities ?? [];
  return {
    identities,
    attempt: row?.result.attempt ?? null,
    warnings: {
      warnings: [...groupWarnings(warningTokens, health.now, health.warningDays), ...replacedLoginWarnings(identities)],
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
