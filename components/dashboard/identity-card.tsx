import type { IdentityView } from "@/lib/workspace/dashboard-data";
import { StatusBadge } from "../status-badge";
import { Avatar } from "../ui/avatar";
import { buttonClass } from "../ui/button";
import { formatDate, formatDateTime, timeAgo, plural } from "../format";
import { OptimisticItem, LiveStatusBadge } from "./pages-state";
import { CheckNowButton } from "./page-row-actions";
import { DisconnectIdentityButton } from "./identity-actions";
import { ExpiryText } from "./expiry-text";

/**
 * One connected Facebook login as a compact row (a column on phones): who it is and who connected it, the user
 * token's status, expiry and last check, and the actions. The name wraps rather than being cut off.
 */
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
      className="card flex flex-col gap-3 p-4 lg:flex-row lg:items-center lg:gap-6"
    >
      <div className="flex min-w-0 flex-1 items-start gap-3">
        <Avatar src={i.pictureUrl} name={name} size={44} round />
        <div className="min-w-0 flex-1">
          <p className="font-semibold break-words text-slate-900">{name}</p>
          <p className="text-sm text-slate-600">
            {i.connectedByFormerMember ? (
              <span data-testid="former-member">Connected by a former member{i.connectedByName ? ` (${i.connectedByName})` : ""}</span>
            ) : (
              <>Connected by {i.connectedById === viewerId ? "you" : (i.connectedByName ?? "a former member")}</>
            )}{" "}
            · <span title={formatDateTime(i.connectedAt)}>{formatDate(i.connectedAt)}</span> · {plural(i.pageCount, "Page")}
          </p>
          {t?.lastError && t.status !== "active" && <p className="text-sm text-red-700">{t.lastError}</p>}
          {!t && i.replacedBy && (
            <p className="text-sm text-amber-800" data-testid="user-token-replaced">
              User token replaced by {i.replacedBy.name ?? "another login"}&apos;s login (one per member and workspace). Its Pages keep
              working on their Page tokens.
            </p>
          )}
          {i.declinedScopes.length > 0 && (
            <p className="text-sm text-amber-800">
              Not allowed on Facebook: {i.declinedScopes.join(", ")}. Reconnect and allow them if automations need them.
            </p>
          )}
        </div>
      </div>
      <div className="flex flex-wrap items-center gap-x-6 gap-y-2 text-sm">
        {t ? (
          <LiveStatusBadge
            token={{ ...t, expiresAt: t.status === "data_access_expiring" ? t.dataAccessExpiresAt : t.expiresAt }}
            nowMs={nowMs}
          />
        ) : (
          <StatusBadge status="none" expiresAt={null} nowMs={nowMs} />
        )}
        <dl className="flex gap-6">
          <div>
            <dt className="text-xs text-slate-500">User token expires</dt>
            <dd className="text-slate-800">{t ? <ExpiryText expiresAt={t.expiresAt} nowMs={nowMs} /> : "—"}</dd>
          </div>
          <div>
            <dt className="text-xs text-slate-500">Last checked</dt>
            <dd className="whitespace-nowrap text-slate-800" title={formatDateTime(t?.lastCheckedAt ?? null)}>
              {timeAgo(t?.lastCheckedAt ?? null, nowMs)}
            </dd>
          </div>
        </dl>
      </div>
      {canManage && (
        <div className="flex flex-wrap gap-2 lg:justify-end">
          {t && (
            <CheckNowButton
              slug={slug}
              label={`${name}'s login`}
              tokens={[{ id: t.id, status: t.status, lastCheckedAt: t.lastCheckedAt }]}
            />
          )}
          <form action={reconnect}>
            <button
              type="submit"
              title="Go through Connect Facebook again to renew this login and its Page tokens"
              className={buttonClass()}
            >
              Reconnect
            </button>
          </form>
          <DisconnectIdentityButton slug={slug} identityId={i.id} name={name} hideKey={hideKey} canRevoke={i.connectedById === viewerId} />
        </div>
      )}
    </OptimisticItem>
  );
}
