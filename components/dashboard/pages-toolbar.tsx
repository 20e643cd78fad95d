import Link from "next/link";
import { dashboardHref, SORT_LABEL, SORTS, STATUS_FILTERS, type DashboardQuery, type StatusFilter } from "@/lib/workspace/dashboard-query";
import type { PageList } from "@/lib/workspace/dashboard-data";
import { Pagination } from "../ui/pagination";
import { buttonClass } from "../ui/button";
import { STATUS_NAME } from "../status-badge";
import { formatNumber } from "../format";
import { SortLink } from "./sort-link";

/**
 * Above the Pages table: search and paging on one line, then the status filter chips (with counts; a status no
 * Page has is left out unless it is the active filter) and the sort chips. Plain links and a GET form (no client
 * JavaScript): the server does the work and every state has a URL.
 */
export function PagesToolbar({ slug, query, pages }: { slug: string; query: DashboardQuery; pages: PageList }) {
  const chips: { key: StatusFilter | null; label: string; n: number }[] = [
    { key: null, label: "All", n: pages.searchedTotal },
    ...STATUS_FILTERS.map((s) => ({ key: s, label: STATUS_NAME[s], n: pages.counts[s] ?? 0 })).filter(
      (c) => c.n > 0 || query.status === c.key,
    ),
  ];
  return (
    <div className="space-y-2">
      <div className="flex flex-wrap items-center justify-between gap-x-4 gap-y-2">
        <form
          method="get"
          action={`/t/${encodeURIComponent(slug)}`}
          role="search"
          className="flex min-w-0 flex-1 basis-72 items-center gap-2 sm:max-w-md"
        >
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
            className="min-w-0 flex-1 rounded-lg border border-slate-300 bg-white px-3 py-1.5 text-sm"
          />
          {query.sort !== "name" && <input type="hidden" name="sort" value={query.sort} />}
          {query.dir !== "asc" && <input type="hidden" name="dir" value={query.dir} />}
          <button type="submit" className={buttonClass("primary")}>
            Search
          </button>
        </form>
        <PagesPagination slug={slug} query={query} pages={pages} testId="pagination" />
      </div>
      <div className="flex flex-wrap items-center gap-x-6 gap-y-2">
        <nav aria-label="Filter by token status" className="scroll-x min-w-0">
          {chips.map((c) => (
            <Link
              key={c.key ?? "all"}
              href={dashboardHref(slug, query, { status: c.key, page: 1 })}
              aria-current={query.status === c.key ? "true" : undefined}
              data-testid={`status-filter-${c.key ?? "all"}`}
              className="chip"
            >
              {c.label} <small>{formatNumber(c.n)}</small>
            </Link>
          ))}
        </nav>
        <nav aria-label="Sort Pages" className="scroll-x min-w-0 items-center">
          <span className="shrink-0 self-center text-sm text-slate-500">Sort:</span>
          {SORTS.map((sort) => (
            <SortLink key={sort} slug={slug} query={query} sort={sort} testId={`sort-${sort}`} className="chip">
              {SORT_LABEL[sort]}
            </SortLink>
          ))}
        </nav>
      </div>
    </div>
  );
}

/** Paging of the Pages list: above the table (testId "pagination") and again below it on long lists. */
export function PagesPagination({ slug, query, pages, testId }: { slug: string; query: DashboardQuery; pages: PageList; testId: string }) {
  const { page, pageCount, matching, pageSize } = pages;
  if (matching === 0) return null;
  const from = Math.min((page - 1) * pageSize + 1, matching);
  const to = Math.min(page * pageSize, matching);
  return (
    <Pagination
      label={testId === "pagination" ? "Pages list pagination" : "Pages list pagination (bottom)"}
      testId={testId}
      compact={testId === "pagination"}
      summary={`Showing ${formatNumber(from)}–${formatNumber(to)} of ${formatNumber(matching)}`}
      position={`Page ${formatNumber(Math.min(page, pageCount))} of ${formatNumber(pageCount)}`}
      prev={{ href: page > 1 ? dashboardHref(slug, query, { page: page - 1 }) : null, text: "← Previous" }}
      next={{ href: page < pageCount ? dashboardHref(slug, query, { page: page + 1 }) : null, text: "Next →" }}
    />
  );
}
