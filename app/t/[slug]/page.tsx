import Link from "next/link";
import { requireWorkspace } from "@/lib/auth/session";
import { loadDashboardData } from "@/lib/workspace/dashboard-data";
import { dashboardHref, parseDashboardQuery, type DashboardQuery, type Sort } from "@/lib/workspace/dashboard-query";
import { can } from "@/lib/tenancy/roles";
import { FacebookButton } from "@/components/facebook-button";
import { TenantHeader } from "@/components/tenant/tenant-header";
import { PagesStateProvider } from "@/components/dashboard/pages-state";
import { PAGE_GRID } from "@/components/dashboard/grid";
import { PagesList } from "@/components/dashboard/pages-list";
import { IdentityCard } from "@/components/dashboard/identity-card";
import { PagesToolbar, Pagination } from "@/components/dashboard/pages-toolbar";
import { formatDateTime, formatNumber } from "@/components/format";
import { ExpiryBanner } from "@/components/expiry-banner";
import { startFacebookConnect } from "@/lib/auth/actions";
import { PageFilters } from "@/components/dashboard/page-filters";
import { BulkBar, BulkSelection } from "@/components/dashboard/bulk-actions";
import { ConnectFollowUp, SecondLoginNotice } from "@/components/dashboard/connect-follow-up";

type Params = Promise<{ slug: string }>;
type SearchParams = Promise<Record<string, string | string[] | undefined>>;

function SortHeader({ slug, query, sort, children }: { slug: string; query: DashboardQuery; sort: Sort; children: string }) {
  const active = query.sort === sort;
  const dir = active && query.dir === "asc" ? "desc" : "asc";
  return (
    <Link
      href={dashboardHref(slug, query, { sort, dir, page: 1 })}
      className="inline-flex items-center gap-1 hover:text-slate-900"
      aria-label={`Sort by ${children.toLowerCase()}`}
    >
      {children}
      {active && <span aria-hidden>{query.dir === "asc" ? "↑" : "↓"}</span>}
    </Link>
  );
}

export default async function TenantDashboard({ params, searchParams }: { params: Params; searchParams: SearchParams }) {
  const { slug } = await params;
  const query = parseDashboardQuery(await searchParams);
  // One transaction: the membership (and the switcher's list) in one statement, then the dashboard in two.
  const {
    access: membership,
    tenants,
    value,
    user,
  } = await requireWorkspace(slug, "workspace.view", (tx, _m, u) => loadDashboardData(tx, { userId: u.id, query }));
  const { pages, identities, attempt, nowMs, warnings } = value;
  const canManage = can(membership.role, "connections.manage");
  const connect = startFacebookConnect.bind(null, membership.slug);
  const myLogins = identities.filter((i) => i.connectedById === user.id && i.userToken).map((i) => i.name ?? "a Facebook login");
  const connectButton = canManage ? (
    <form action={connect} className="flex flex-wrap items-center gap-3">
      <FacebookButton label="Connect Facebook" />
      <SecondLoginNotice logins={myLogins} />
    </form>
  ) : null;
  const filtered = Boolean(query.q || query.status || query.ig || query.login);

  return (
    <>
      <TenantHeader current={membership} tenants={tenants} userName={user.name} tab="pages" />
      <PagesStateProvider>
        <main className="mx-auto max-w-6xl space-y-8 px-4 py-6 sm:py-8">
          {attempt && (
            <div
              role="status"
              data-testid="connect-result"
              data-outcome={attempt.outcome}
              className={`rounded-xl border p-4 text-sm ${attempt.outcome === "failed" ? "border-red-300 bg-red-50 text-red-900" : "border-emerald-300 bg-emerald-50 text-emerald-900"}`}
            >
              {attempt.outcome === "succeeded" && attempt.identityName && (
                <p className="font-semibold" data-testid="connected-login">{`Connected ${attempt.identityName}'s Facebook account.`}</p>
              )}
              <p className="font-medium">{attempt.message}</p>
              {canManage && <ConnectFollowUp slug={membership.slug} attempt={attempt} />}
              <p className="mt-1 text-xs opacity-75">Your latest Connect Facebook · {formatDateTime(attempt.createdAt)}</p>
            </div>
          )}

          <ExpiryBanner slug={membership.slug} warnings={warnings} canReconnect={canManage} />

          {identities.length > 0 && (
            <section aria-labelledby="identities-heading" className="space-y-3">
              <h2 id="identities-heading" className="text-lg font-semibold">
                Facebook accounts <span className="font-normal text-slate-500">({identities.length})</span>
              </h2>
              <ul data-testid="identities" className="grid gap-3 md:grid-cols-2">
                {identities.map((i) => (
                  <IdentityCard
                    key={i.id}
                    slug={membership.slug}
                    identity={i}
                    canManage={canManage}
                    nowMs={nowMs}
                    viewerId={user.id}
                    reconnect={connect}
                  />
                ))}
              </ul>
            </section>
          )}

          <section aria-labelledby="pages-heading" className="space-y-4">
            <div className="flex flex-wrap items-center justify-between gap-3">
              <h2 id="pages-heading" className="text-lg font-semibold" data-testid="pages-total" data-total={pages.tenantTotal}>
                Pages ({formatNumber(pages.tenantTotal)})
              </h2>
              {pages.tenantTotal > 0 && connectButton}
            </div>

            {pages.tenantTotal === 0 ? (
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
                {connectButton}
              </div>
            ) : (
              <BulkSelection>
                <PagesToolbar slug={membership.slug} query={query} counts={pages.counts} searchedTotal={pages.searchedTotal} />
                <PageFilters slug={membership.slug} query={query} logins={identities.map((i) => ({ id: i.id, name: i.name }))} />
                {canManage && <BulkBar slug={membership.slug} query={query} matching={pages.matching} />}
                {pages.rows.length === 0 ? (
                  <div data-testid="no-match" className="rounded-xl border border-slate-200 bg-white p-8 text-center text-slate-600">
                    <p>{filtered ? "No Pages match these filters." : "Nothing on this page."}</p>
                    <Link
                      href={dashboardHref(membership.slug, query, { q: null, status: null, ig: false, login: null, page: 1 })}
                      className="mt-2 inline-block font-medium text-blue-700 underline"
                    >
                      Show all Pages
                    </Link>
                  </div>
                ) : (
                  <div className="overflow-hidden rounded-xl border border-slate-200 bg-white shadow-sm">
                    <div
                      aria-hidden
                      className={`hidden border-b border-slate-200 bg-slate-50 px-4 py-2 text-xs font-semibold uppercase tracking-wide text-slate-500 ${PAGE_GRID}`}
                    >
                      <SortHeader slug={membership.slug} query={query} sort="name">
                        Page
                      </SortHeader>
                      <span>Tasks</span>
                      <SortHeader slug={membership.slug} query={query} sort="status">
                        Token
                      </SortHeader>
                      <SortHeader slug={membership.slug} query={query} sort="expires">
                        Expires
                      </SortHeader>
                      <SortHeader slug={membership.slug} query={query} sort="checked">
                        Last checked
                      </SortHeader>
                      <span className="text-right">{canManage ? "Actions" : ""}</span>
                    </div>
                    <PagesList slug={membership.slug} rows={pages.rows} canManage={canManage} nowMs={nowMs} />
                  </div>
                )}
                <Pagination
                  slug={membership.slug}
                  query={query}
                  page={pages.page}
                  pageCount={pages.pageCount}
                  matching={pages.matching}
                  pageSize={pages.pageSize}
                />
              </BulkSelection>
            )}
          </section>
        </main>
      </PagesStateProvider>
    </>
  );
}
