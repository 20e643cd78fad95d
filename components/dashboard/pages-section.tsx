import Link from "next/link";
import type { ReactNode } from "react";
import type { PageList } from "@/lib/workspace/dashboard-data";
import { dashboardHref, type DashboardQuery } from "@/lib/workspace/dashboard-query";
import { formatNumber } from "../format";
import { PagesList } from "./pages-list";
import { PagesPagination, PagesToolbar } from "./pages-toolbar";
import { SortLink } from "./sort-link";
import { PageFilters } from "./page-filters";
import { BulkBar, BulkSelection } from "./bulk-actions";

/** The Pages: heading, toolbar (search, paging, filters, sort), the table, and paging again below long lists. */
export function PagesSection({
  slug,
  query,
  pages,
  canManage,
  nowMs,
  connectButton,
  logins,
}: {
  slug: string;
  query: DashboardQuery;
  pages: PageList;
  canManage: boolean;
  nowMs: number;
  connectButton: ReactNode;
  /** The workspace's Facebook logins, for the "connected through" filter. */
  logins: { id: string; name: string | null }[];
}) {
  return (
    <section aria-labelledby="pages-heading" className="space-y-3">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <h2 id="pages-heading" className="text-lg font-semibold" data-testid="pages-total" data-total={pages.tenantTotal}>
          Pages ({formatNumber(pages.tenantTotal)})
        </h2>
        {pages.tenantTotal > 0 && connectButton}
      </div>
      {pages.tenantTotal === 0 ? (
        <EmptyState canManage={canManage}>{connectButton}</EmptyState>
      ) : (
        <BulkSelection>
          <div className="flex flex-col gap-3">
            <PagesToolbar slug={slug} query={query} pages={pages} />
            {/* On a phone the extra filters and the bulk actions come after the table, so it starts on the first screen. */}
            <div className="flex flex-col gap-3 max-sm:order-last">
              <PageFilters slug={slug} query={query} logins={logins} />
              {canManage && <BulkBar slug={slug} query={query} matching={pages.matching} />}
            </div>
            {pages.rows.length === 0 ? (
              <NoMatch slug={slug} query={query} />
            ) : (
              <PagesTable slug={slug} query={query} pages={pages} canManage={canManage} nowMs={nowMs} />
            )}
            {pages.pageCount > 1 && pages.rows.length > 10 && (
              <PagesPagination slug={slug} query={query} pages={pages} testId="pagination-bottom" />
            )}
          </div>
        </BulkSelection>
      )}
    </section>
  );
}

function PagesTable({
  slug,
  query,
  pages,
  canManage,
  nowMs,
}: {
  slug: string;
  query: DashboardQuery;
  pages: PageList;
  canManage: boolean;
  nowMs: number;
}) {
  return (
    <div className="card overflow-hidden" data-testid="pages-table">
      <div aria-hidden className="pr-head">
        <SortLink slug={slug} query={query} sort="name">
          Page
        </SortLink>
        <span>Tasks</span>
        <SortLink slug={slug} query={query} sort="status">
          Token
        </SortLink>
        <SortLink slug={slug} query={query} sort="expires">
          Expires
        </SortLink>
        <SortLink slug={slug} query={query} sort="checked">
          Checked
        </SortLink>
        <span className="text-right">{canManage ? "Actions" : ""}</span>
      </div>
      <PagesList slug={slug} rows={pages.rows} canManage={canManage} nowMs={nowMs} />
    </div>
  );
}

function EmptyState({ canManage, children }: { canManage: boolean; children: ReactNode }) {
  return (
    <div
      data-testid="empty-state"
      className="flex flex-col items-center gap-4 rounded-xl border border-dashed border-slate-300 bg-white px-6 py-12 text-center"
    >
      <p className="text-lg font-semibold">No Facebook Pages connected yet</p>
      <p className="max-w-md text-slate-600">
        {canManage
          ? "Connect Facebook, approve on Facebook, and choose the Pages this workspace may use. Their tokens are stored encrypted and checked for you."
          : "An owner or admin of this workspace can connect Facebook Pages. You will see them here."}
      </p>
      {children}
    </div>
  );
}

function NoMatch({ slug, query }: { slug: string; query: DashboardQuery }) {
  return (
    <div data-testid="no-match" className="card p-8 text-center text-slate-600">
      <p>{query.q || query.status || query.ig || query.login ? "No Pages match these filters." : "Nothing on this page."}</p>
      <Link
        href={dashboardHref(slug, query, { q: null, status: null, ig: false, login: null, page: 1 })}
        className="mt-2 inline-block font-medium text-blue-700 underline"
      >
        Show all Pages
      </Link>
    </div>
  );
}
