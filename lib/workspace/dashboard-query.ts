import { z } from "zod";
import { withoutControlCharacters } from "./control-characters";

/**
 * The dashboard's list state lives in the URL (search params), so filtering, sorting and paging are done by the
 * server in SQL, links are shareable, and the page works without JavaScript. Anything malformed falls back to the
 * default instead of failing: a hand-edited URL still shows the dashboard.
 */

export const PAGE_SIZE = 50;

export const STATUS_FILTERS = [
  "active",
  "expiring",
  "expired",
  "revoked",
  "invalid",
  "unchecked",
  "data_access_expiring",
  "data_access_expired",
  "none",
] as const;
export type StatusFilter = (typeof STATUS_FILTERS)[number];

export const SORTS = ["name", "status", "expires", "checked", "category"] as const;
export type Sort = (typeof SORTS)[number];
export type SortDir = "asc" | "desc";

export const SORT_LABEL: Record<Sort, string> = {
  name: "Name",
  status: "Problems first",
  expires: "Expiry",
  checked: "Last checked",
  category: "Category",
};

/** Sorts with an up and a down. "Problems first" has none: choosing it again keeps it. */
export function sortHasDirection(sort: Sort): boolean {
  return sort !== "status";
}

/** The list state after choosing `sort`: the active sort flips its direction (if it has one), another starts ascending. */
export function sortedBy(query: DashboardQuery, sort: Sort): Partial<DashboardQuery> {
  const flip = query.sort === sort && sortHasDirection(sort) && query.dir === "asc";
  return { sort, dir: flip ? "desc" : "asc", page: 1 };
}

export interface DashboardQuery {
  q: string | null;
  status: StatusFilter | null;
  /** Only Pages with a linked Instagram account. */
  ig: boolean;
  /** Only Pages with a token from this Facebook login (social identity id). */
  login: string | null;
  sort: Sort;
  dir: SortDir;
  page: number;
}

export const DEFAULT_QUERY: DashboardQuery = { q: null, status: null, ig: false, login: null, sort: "name", dir: "asc", page: 1 };

type RawParams = Record<string, string | string[] | undefined>;

const first = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);

const schema = z.object({
  // Search text comes from the URL: control characters (a NUL would make PostgreSQL refuse the statement) are dropped,
  // like any other junk in a search box, rather than failing the page.
  q: z
    .string()
    .transform(withoutControlCharacters)
    .pipe(z.string().trim().max(100))
    .transform((s) => (s === "" ? null : s))
    .nullable()
    .catch(null),
  status: z.enum(STATUS_FILTERS).nullable().catch(null),
  ig: z
    .string()
    .nullable()
    .transform((s) => s === "1")
    .catch(false),
  login: z.uuid().nullable().catch(null),
  sort: z.enum(SORTS).catch("name"),
  dir: z.enum(["asc", "desc"]).catch("asc"),
  page: z.coerce.number().int().min(1).max(1_000_000).catch(1),
});

export function parseDashboardQuery(params: RawParams): DashboardQuery {
  return schema.parse({
    q: first(params.q) ?? null,
    status: first(params.status) ?? null,
    ig: first(params.ig) ?? null,
    login: first(params.login) ?? null,
    sort: first(params.sort) ?? "name",
    dir: first(params.dir) ?? "asc",
    page: first(params.page) ?? 1,
  });
}

/** A link to the dashboard with the given list state (defaults are left out of the URL). */
export function dashboardHref(slug: string, query: DashboardQuery, patch: Partial<DashboardQuery> = {}): string {
  const next = { ...query, ...patch };
  const sp = new URLSearchParams();
  if (next.q) sp.set("q", next.q);
  if (next.status) sp.set("status", next.status);
  if (next.ig) sp.set("ig", "1");
  if (next.login) sp.set("login", next.login);
  if (next.sort !== DEFAULT_QUERY.sort) sp.set("sort", next.sort);
  if (next.dir !== DEFAULT_QUERY.dir) sp.set("dir", next.dir);
  if (next.page > 1) sp.set("page", String(next.page));
  const qs = sp.toString();
  return `/t/${encodeURIComponent(slug)}${qs ? `?${qs}` : ""}`;
}
