import type { IdentityView } from "@/lib/workspace/dashboard-data";
import { StatusBadge } from "../status-badge";
import { formatDate, formatDateTime, timeAgo, daysUntil, plural } from "../format";
import { OptimisticItem, LiveStatusBadge } from "./pages-state";
import { CheckNowButton } from "./page-row-actions";
import { DisconnectIdentityButton } from "./identity-actions";

export function IdentityCard({
  slug,
  identity: i,
  canManage,
  nowMs,
  viewerId,
  reconnect,
}: {
  slug: string;
  identity: IdentityView;
  canManage: boolean;
  nowMs: number;
  viewerId: string;
  reconnect: () => Promise<void>;
}) {
  const name = i.name ?? "Facebook account";
  const t = i.userToken;
  const hideKey = `identity:${i.id}:${t?.id ?? ""}`;
  return (
    <OptimisticItem
      hideKey={hideKey}
      data-testid="identity"
      data-identity-id={i.id}
      className="flex flex-col gap-3 rounded-xl border border-slate-200 bg-white p-4 shadow-sm"
    >
      <div className="flex items-start gap-3">
        {i.pictureUrl ? (
          // eslint-disable-next-line @next/next/no-img-element
          <img src={i.pictureUrl} alt="" width={44} height={44} className="h-11 w-11 shrink-0 rounded-full bg-slate-100 object-cover" />
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
            Connected by {i.connectedById === viewerId ? "you" : (i.connectedByName ?? "a former member")} ·{" "}
            <span title={formatDateTime(i.connectedAt)}>{formatDate(i.connectedAt)}</span>
          </p>
          <p className="text-sm text-slate-600">{plural(i.pageCount, "Page")} through this login</p>
        </div>
        {t ? (
          <LiveStatusBadge
            tokenId={t.id}
            status={t.status}
            expiresAt={t.status === "data_access_expiring" ? t.dataAccessExpiresAt : t.expiresAt}
            lastCheckedAt={t.lastCheckedAt}
            lastError={t.lastError}
            nowMs={nowMs}
          />
        ) : (
          <StatusBadge status="none" expiresAt={null} nowMs={nowMs} />
        )}
      </div>
      <dl className="grid grid-cols-2 gap-2 rounded-lg bg-slate-50 p-3 text-sm">
        <div>
          <dt className="text-slate-500">User token expires</dt>
          <dd className="text-slate-800" title={formatDateTime(t?.expiresAt ?? null)}>
            {t?.expiresAt ? `${formatDate(t.expiresAt)} (in ${daysUntil(t.expiresAt, nowMs)} d)` : t ? "Never" : "—"}
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
      {!t && i.replacedBy && (
        <p className="text-sm text-amber-800" data-testid="user-token-replaced">
          User token replaced by {i.replacedBy.name ?? "another login"}&apos;s login (one per member and workspace). Its Pages keep working
          on their Page tokens.
        </p>
      )}
      {i.declinedScopes.length > 0 && (
        <p className="text-sm text-amber-800">
          Not allowed on Facebook: {i.declinedScopes.join(", ")}. Reconnect and allow them if automations need them.
        </p>
      )}
      {canManage && (
        <div className="flex flex-wrap gap-2">
          {t && (
            <CheckNowButton
              slug={slug}
              label={`${name}'s login`}
              tokens={[{ id: t.id, status: t.status, lastCheckedAt: t.lastCheckedAt }]}
            />
          )}
          <form action={reconnect}>
            <button type="submit" title="Go through Connect Facebook again to renew this login and its Page tokens" className="btn">
              Reconnect
            </button>
          </form>
          <DisconnectIdentityButton slug={slug} identityId={i.id} name={name} hideKey={hideKey} canRevoke={i.connectedById === viewerId} />
        </div>
      )}
    </OptimisticItem>
  );
}
