import Link from "next/link";
import { dashboardHref, SORT_LABEL, SORTS, STATUS_FILTERS, type DashboardQuery, type StatusFilter } from "@/lib/workspace/dashboard-query";

const CHIP = "shrink-0 whitespace-nowrap rounded-full border px-3 py-1 text-sm";
const CHIP_ON = "border-slate-900 bg-slate-900 text-white";
const CHIP_OFF = "border-slate-300 bg-white text-slate-700 hover:bg-slate-100";
import { STATUS_NAME } from "../status-badge";
import { formatNumber } from "../format";

/**
 * Search, status filter chips (with counts) and sort chips: plain links and a GET form (no client JavaScript), so the
 * server does the work and every state has a URL. Choosing the active sort again flips its direction.
 */
export function PagesToolbar({
  slug,
  query,
  counts,
  searchedTotal,
}: {
  slug: string;
  query: DashboardQuery;
  counts: Partial<Record<StatusFilter, number>>;
  searchedTotal: number;
}) {
  const chips: { key: StatusFilter | null; label: string; n: number }[] = [
    { key: null, label: "All", n: searchedTotal },
    // "No token" and the data-access statuses only when some Page has them.
    ...STATUS_FILTERS.filter((s) => !["none", "data_access_expiring", "data_access_expired"].includes(s) || (counts[s] ?? 0) > 0).map(
      (s) => ({
        key: s,
        label: STATUS_NAME[s],
        n: counts[s] ?? 0,
      }),
    ),
  ];
  return (
    <div className="space-y-3">
      <form method="get" action={`/t/${encodeURIComponent(slug)}`} role="search" className="flex flex-wrap items-center gap-2">
        {query.status && <input type="hidden" name="status" value={query.status} />}
        {query.ig && <input type="hidden" name="ig" value="1" />}
        {query.login && <input type="hidden" name="login" value={query.login} />}
        <label className="sr-only" htmlFor="page-search">
          Search Pages by name
        </label>
        <input
          id="page-search"
          type="search"
          name="q"
          defaultValue={query.q ?? ""}
          placeholder="Search Pages by name"
          maxLength={100}
          className="min-w-0 flex-1 basis-48 rounded-lg border border-slate-300 bg-white px-3 py-2 text-sm"
        />
        {query.sort !== "name" && <input type="hidden" name="sort" value={query.sort} />}
        {query.dir !== "asc" && <input type="hidden" name="dir" value={query.dir} />}
        <button type="submit" className="rounded-lg bg-slate-900 px-3 py-2 text-sm font-semibold text-white hover:bg-slate-700">
          Search
        </button>
      </form>
      <nav aria-label="Filter by token status" className="-mx-1 flex gap-1.5 overflow-x-auto px-1 pb-1">
        {chips.map((c) => {
          const active = query.status === c.key;
          return (
            <Link
              key={c.key ?? "all"}
              href={dashboardHref(slug, query, { status: c.key, page: 1 })}
              aria-current={active ? "true" : undefined}
              data-testid={`status-filter-${c.key ?? "all"}`}
              className={`${CHIP} ${active ? CHIP_ON : CHIP_OFF}`}
            >
              {c.label} <span className={active ? "text-slate-300" : "text-slate-500"}>{formatNumber(c.n)}</span>
            </Link>
          );
        })}
      </nav>
      <nav aria-label="Sort Pages" className="-mx-1 flex items-center gap-1.5 overflow-x-auto px-1 pb-1">
        <span className="shrink-0 text-sm text-slate-500">Sort:</span>
        {SORTS.map((sort) => {
          const active = query.sort === sort;
          const dir = active && query.dir === "asc" ? "desc" : "asc";
          return (
            <Link
              key={sort}
              href={dashboardHref(slug, query, { sort, dir, page: 1 })}
              aria-current={active ? "true" : undefined}
              data-testid={`sort-${sort}`}
              className={`${CHIP} ${active ? CHIP_ON : CHIP_OFF}`}
            >
              {SORT_LABEL[sort]}
              {active && <span aria-label={query.dir === "asc" ? " ascending" : " descending"}>{query.dir === "asc" ? " ↑" : " ↓"}</span>}
            </Link>
          );
        })}
      </nav>
    </div>
  );
}

export function Pagination({
  slug,
  query,
  page,
  pageCount,
  matching,
  pageSize,
}: {
  slug: string;
  query: DashboardQuery;
  page: number;
  pageCount: number;
  matching: number;
  pageSize: number;
}) {
  if (matching === 0) return null;
  const from = Math.min((page - 1) * pageSize + 1, matching);
  const to = Math.min(page * pageSize, matching);
  const link = "rounded-lg border border-slate-300 bg-white px-3 py-1.5 text-sm font-medium hover:bg-slate-50";
  const off = "rounded-lg border border-slate-200 px-3 py-1.5 text-sm text-slate-400";
  return (
    <nav
      aria-label="Pages list pagination"
      data-testid="pagination"
      className="flex flex-wrap items-center justify-between gap-3 text-sm text-slate-600"
    >
      <p>
        Showing {formatNumber(from)}–{formatNumber(to)} of {formatNumber(matching)}
      </p>
      <div className="flex items-center gap-2">
        {page > 1 ? (
          <Link className={link} href={dashboardHref(slug, query, { page: page - 1 })} rel="prev">
            ← Previous
          </Link>
        ) : (
          <span className={off}>← Previous</span>
        )}
        <span>
          Page {formatNumber(Math.min(page, pageCount))} of {formatNumber(pageCount)}
        </span>
        {page < pageCount ? (
          <Link className={link} href={dashboardHref(slug, query, { page: page + 1 })} rel="next">
            Next →
          </Link>
        ) : (
          <span className={off}>Next →</span>
        )}
      </div>
    </nav>
  );
}
