import { requireWorkspace } from "@/lib/auth/session";
import { startFacebookConnect } from "@/lib/auth/actions";
import { loadDashboardData } from "@/lib/workspace/dashboard-data";
import { PAGE_SIZE, parseDashboardQuery } from "@/lib/workspace/dashboard-query";
import { can } from "@/lib/tenancy/roles";
import { FacebookButton } from "@/components/facebook-button";
import { TenantHeader } from "@/components/tenant/tenant-header";
import { ExpiryBanner } from "@/components/expiry-banner";
import { PagesStateProvider } from "@/components/dashboard/pages-state";
import { ConnectResult } from "@/components/dashboard/connect-result";
import { IdentitiesSection } from "@/components/dashboard/identities-section";
import { PagesSection } from "@/components/dashboard/pages-section";

type Params = Promise<{ slug: string }>;
type SearchParams = Promise<Record<string, string | string[] | undefined>>;

/** /t/<slug>: the latest connect's outcome, the token-health banner, the Facebook accounts, then the Pages. */
export default async function TenantDashboard({ params, searchParams }: { params: Params; searchParams: SearchParams }) {
  const { slug } = await params;
  const query = parseDashboardQuery(await searchParams);
  // One transaction: the membership (and the switcher's list) in one statement, then the dashboard in two.
  const { access, tenants, value, user } = await requireWorkspace(slug, "workspace.view", (tx, _m, u) =>
    loadDashboardData(tx, { userId: u.id, query }),
  );
  const canManage = can(access.role, "connections.manage");
  const connect = startFacebookConnect.bind(null, access.slug);
  const connectButton = canManage ? (
    <form action={connect}>
      <FacebookButton label="Connect Facebook" size="sm" />
    </form>
  ) : null;

  return (
    <>
      <TenantHeader current={access} tenants={tenants} userName={user.name} tab="pages" />
      <PagesStateProvider>
        <main className="mx-auto max-w-6xl space-y-4 px-4 py-4 sm:space-y-5 sm:py-5">
          <ConnectResult attempt={value.attempt} />
          <ExpiryBanner slug={access.slug} warnings={value.warnings} canReconnect={canManage} />
          <IdentitiesSection
            slug={access.slug}
            identities={value.identities}
            canManage={canManage}
            nowMs={value.nowMs}
            viewerId={user.id}
            reconnect={connect}
            defaultOpen={value.identities.length <= 2 && value.pages.tenantTotal <= PAGE_SIZE}
          />
          <PagesSection
            slug={access.slug}
            query={query}
            pages={value.pages}
            canManage={canManage}
            nowMs={value.nowMs}
            connectButton={connectButton}
          />
        </main>
      </PagesStateProvider>
    </>
  );
}
