import type { IdentityView } from "@/lib/workspace/dashboard-data";
import { StatusBadge } from "../status-badge";
import { formatDate, formatDateTime, timeAgo } from "../format";
import { OptimisticItem, LiveStatusBadge } from "./pages-state";
import { CheckNowButton } from "./page-row-actions";
import { ExpiryText } from "./expiry-text";
import { DisconnectIdentityButton } from "./identity-actions";

/**
 * The workspace's TikTok accounts: status (the connection lives as long as its refresh token), when the access token
 * and the refresh token expire, the last renewal and the last check; check now, reconnect, disconnect (with revoke on
 * TikTok for the member who connected it). Rows come from the dashboard's identities statement (platform "tiktok").
 */
export function TikTokAccounts({
  slug,
  accounts,
  canManage,
  nowMs,
  viewerId,
  reconnect,
}: {
  slug: string;
  accounts: IdentityView[];
  canManage: boolean;
  nowMs: number;
  viewerId: string;
  /** null when TikTok is not configured. */
  reconnect: (() => Promise<void>) | null;
}) {
  if (accounts.length === 0) return null;
  return (
    <section aria-labelledby="tiktok-heading" className="space-y-3">
      <h2 id="tiktok-heading" className="text-lg font-semibold">
        TikTok accounts <span className="font-normal text-slate-500">({accounts.length})</span>
      </h2>
      <ul data-testid="tiktok-accounts" className="grid gap-3 md:grid-cols-2">
        {accounts.map((a) => (
          <TikTokAccountCard
            key={a.id}
            slug={slug}
            account={a}
            canManage={canManage}
            nowMs={nowMs}
            viewerId={viewerId}
            reconnect={reconnect}
          />
        ))}
      </ul>
    </section>
  );
}

function TikTokAccountCard({
  slug,
  account: a,
  canManage,
  nowMs,
  viewerId,
  reconnect,
}: {
  slug: string;
  account: IdentityView;
  canManage: boolean;
  nowMs: number;
  viewerId: string;
  reconnect: (() => Promise<void>) | null;
}) {
  const name = a.name ?? "TikTok account";
  const t = a.userToken;
  const hideKey = `identity:${a.id}:${t?.id ?? ""}`;
  return (
    <OptimisticItem
      hideKey={hideKey}
      data-testid="tiktok-account"
      data-identity-id={a.id}
      className="flex flex-col gap-3 rounded-xl border border-slate-200 bg-white p-4 shadow-sm"
    >
      <div className="flex items-start gap-3">
        {a.pictureUrl ? (
          // eslint-disable-next-line @next/next/no-img-element
          <img src={a.pictureUrl} alt="" width={44} height={44} className="h-11 w-11 shrink-0 rounded-full bg-slate-100 object-cover" />
        ) : (
          <span
            aria-hidden
            className="flex h-11 w-11 shrink-0 items-center justify-center rounded-full bg-slate-100 font-semibold text-slate-500"
          >
            {name.slice(0, 1)}
          </span>
        )}
        <div className="min-w-0 flex-1">
          <p className="truncate font-semibold text-slate-900">{name}</p>
          <p className="text-sm text-slate-600">
            Connected by {a.connectedById === viewerId ? "you" : (a.connectedByName ?? "a former member")} ·{" "}
            <span title={formatDateTime(a.connectedAt)}>{formatDate(a.connectedAt)}</span>
          </p>
        </div>
        {t ? (
          <LiveStatusBadge
            token={{ id: t.id, status: t.status, expiresAt: t.refreshExpiresAt, lastCheckedAt: t.lastCheckedAt, lastError: t.lastError }}
            nowMs={nowMs}
          />
        ) : (
          <StatusBadge status="none" expiresAt={null} nowMs={nowMs} />
        )}
      </div>
      <dl className="grid grid-cols-2 gap-2 rounded-lg bg-slate-50 p-3 text-sm">
        <div>
          <dt className="text-slate-500">Access token expires</dt>
          <dd className="text-slate-800" data-testid="tiktok-access-expires" data-value={t?.expiresAt ?? ""}>
            {formatDateTime(t?.expiresAt ?? null)}
          </dd>
        </div>
        <div>
          <dt className="text-slate-500">Refresh token expires</dt>
          <dd className="text-slate-800">{t?.refreshExpiresAt ? <ExpiryText expiresAt={t.refreshExpiresAt} nowMs={nowMs} /> : "—"}</dd>
        </div>
        <div>
          <dt className="text-slate-500">Last refresh</dt>
          <dd
            className="text-slate-800"
            data-testid="tiktok-last-refresh"
            data-value={t?.lastRefreshedAt ?? ""}
            title={formatDateTime(t?.lastRefreshedAt ?? null)}
          >
            {timeAgo(t?.lastRefreshedAt ?? null, nowMs)}
          </dd>
        </div>
        <div>
          <dt className="text-slate-500">Last checked</dt>
          <dd className="text-slate-800" title={formatDateTime(t?.lastCheckedAt ?? null)}>
            {timeAgo(t?.lastCheckedAt ?? null, nowMs)}
          </dd>
        </div>
      </dl>
      {t?.lastError && t.status !== "active" && <p className="text-sm text-red-700">{t.lastError}</p>}
      {canManage && (
        <div className="flex flex-wrap gap-2">
          {t && (
            <CheckNowButton
              slug={slug}
              label={`${name}'s TikTok login`}
              tokens={[{ id: t.id, status: t.status, lastCheckedAt: t.lastCheckedAt }]}
            />
          )}
          {reconnect && (
            <form action={reconnect}>
              <button type="submit" title="Go through Connect TikTok again to renew this login" className="btn">
                Reconnect
              </button>
            </form>
          )}
          <DisconnectIdentityButton
            slug={slug}
            identityId={a.id}
            name={name}
            hideKey={hideKey}
            canRevoke={a.connectedById === viewerId}
            platformName="TikTok"
          />
        </div>
      )}
    </OptimisticItem>
  );
}
