import type { Membership } from "@/lib/tenancy/membership";
import type { DashboardData } from "@/lib/workspace/dashboard-data";
import { PAGE_SIZE, type DashboardQuery } from "@/lib/workspace/dashboard-query";
import { can } from "@/lib/tenancy/roles";
import { startFacebookConnect, startTikTokConnect } from "@/lib/auth/actions";
import { tiktokEnabled } from "@/lib/tiktok/config";
import { TikTokButton } from "@/components/tiktok-button";
import { TikTokAccounts } from "@/components/dashboard/tiktok-accounts";
import { FacebookButton } from "@/components/facebook-button";
import { TenantHeader } from "@/components/tenant/tenant-header";
import { ExpiryBanner } from "@/components/expiry-banner";
import { PagesStateProvider } from "@/components/dashboard/pages-state";
import { ConnectResult } from "@/components/dashboard/connect-result";
import { IdentitiesSection } from "@/components/dashboard/identities-section";
import { PagesSection } from "@/components/dashboard/pages-section";
import { SecondLoginNotice } from "@/components/dashboard/connect-follow-up";

/**
 * The workspace dashboard from its data: the latest connect's outcome, the token-health banner, the Facebook
 * accounts, then the Pages. app/t/[slug]/page.tsx loads the data; the bench's floor route renders the same view
 * from memory.
 */
export function DashboardView({
  membership,
  tenants,
  user,
  query,
  value,
}: {
  membership: Membership;
  tenants: Membership[];
  user: { id: string; name: string | null };
  query: DashboardQuery;
  value: DashboardData;
}) {
  const canManage = can(membership.role, "connections.manage");
  const connect = startFacebookConnect.bind(null, membership.slug);
  const facebookIdentities = value.identities.filter((i) => i.platform !== "tiktok");
  const myLogins = facebookIdentities.filter((i) => i.connectedById === user.id && i.userToken).map((i) => i.name ?? "a Facebook login");
  const connectTikTok = tiktokEnabled() ? startTikTokConnect.bind(null, membership.slug) : null;
  const connectButton = canManage ? (
    <div className="flex flex-wrap items-center gap-2">
      <form action={connect}>
        <FacebookButton label="Connect Facebook" size="sm" />
      </form>
      {connectTikTok && (
        <form action={connectTikTok}>
          <TikTokButton label="Connect TikTok" />
        </form>
      )}
      <SecondLoginNotice logins={myLogins} />
    </div>
  ) : null;

  return (
    <>
      <TenantHeader current={membership} tenants={tenants} userName={user.name} tab="pages" />
      <PagesStateProvider>
        <main className="mx-auto max-w-6xl space-y-3 px-4 py-3 sm:space-y-5 sm:py-5">
          <ConnectResult slug={membership.slug} attempt={value.attempt} canManage={canManage} />
          <ExpiryBanner slug={membership.slug} warnings={value.warnings} canReconnect={canManage} />
          <IdentitiesSection
            slug={membership.slug}
            identities={facebookIdentities}
            canManage={canManage}
            nowMs={value.nowMs}
            viewerId={user.id}
            reconnect={connect}
            defaultOpen={facebookIdentities.length <= 2 && value.pages.tenantTotal <= PAGE_SIZE}
          />
          <TikTokAccounts
            slug={membership.slug}
            accounts={value.identities.filter((i) => i.platform === "tiktok")}
            canManage={canManage}
            nowMs={value.nowMs}
            viewerId={user.id}
            reconnect={connectTikTok}
          />
          <PagesSection
            slug={membership.slug}
            query={query}
            pages={value.pages}
            canManage={canManage}
            nowMs={value.nowMs}
            connectButton={connectButton}
            logins={facebookIdentities.map((i) => ({ id: i.id, name: i.name }))}
          />
        </main>
      </PagesStateProvider>
    </>
  );
}
