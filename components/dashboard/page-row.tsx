import type { PageView } from "@/lib/workspace/dashboard-data";
import { StatusBadge } from "../status-badge";
import { formatDateTime, timeAgo } from "../format";
import { Avatar } from "../ui/avatar";
import { buttonClass } from "../ui/button";
import { ExpiryText } from "./expiry-text";
import { OptimisticItem, LiveStatusBadge } from "./pages-state";
import { useChecking, type CheckVars, type DisconnectPageVars } from "./page-row-actions";
import { PageCapabilities } from "./page-capabilities";
import { PageInstagram } from "./page-instagram";
import { SelectPage } from "./bulk-actions";

function earliest(values: (string | null)[]): string | null {
  const v = values.filter((x): x is string => x !== null).sort();
  return v[0] ?? null;
}

export function pageHideKey(page: PageView): string {
  return `page:${page.id}:${page.tokens.map((t) => t.id).join(",")}`;
}

export function PageRow({
  page,
  canManage,
  nowMs,
  onCheck,
  onDisconnect,
}: {
  page: PageView;
  canManage: boolean;
  nowMs: number;
  onCheck: (v: CheckVars) => void;
  onDisconnect: (v: DisconnectPageVars) => void;
}) {
  const hideKey = pageHideKey(page);
  const expires = earliest(page.tokens.map((t) => t.expiresAt));
  const checked = earliest(page.tokens.map((t) => t.lastCheckedAt));
  const tokens = page.tokens.map((t) => ({ id: t.id, status: t.status, lastCheckedAt: t.lastCheckedAt }));
  const checking = useChecking(tokens);
  return (
    <OptimisticItem hideKey={hideKey} data-testid="page-row" data-page-id={page.id} className="pr">
      <div className="pr-page">
        {canManage && <SelectPage id={page.id} name={page.name} />}
        <Avatar src={page.pictureUrl} name={page.name} size={40} />
        <div className="min-w-0">
          <p className="pr-name" title={page.name}>
            {page.name}
          </p>
          <p className="pr-sub">{page.category ?? "No category"}</p>
          <PageInstagram accounts={page.instagram} />
        </div>
      </div>

      <div>
        <div className="pr-tasks" aria-label="Tasks on this Page">
          {page.tasks.length === 0 ? (
            <i className="text-xs text-slate-400">No tasks</i>
          ) : (
            page.tasks.map((task) => <span key={task}>{task}</span>)
          )}
        </div>
        <PageCapabilities page={page} />
      </div>

      <div className="pr-tok">
        {page.tokens.length === 0 && <StatusBadge status="none" expiresAt={null} nowMs={nowMs} />}
        {page.tokens.map((t) => (
          <div key={t.id}>
            <LiveStatusBadge
              token={{ ...t, expiresAt: t.status === "data_access_expiring" ? t.dataAccessExpiresAt : t.expiresAt }}
              nowMs={nowMs}
            />
            <span className="pr-who">
              {`${t.identityName ?? "Unknown person"}'s token${t.ownerName && t.ownerName !== t.identityName ? ` · added by ${t.ownerName}` : ""}`}
            </span>
            {t.lastError && t.status !== "active" && <p className="pr-err">{t.lastError}</p>}
          </div>
        ))}
      </div>

      <p className="pr-cell">
        <span className="pr-lbl">Expires: </span>
        {page.tokens.length ? <ExpiryText expiresAt={expires} nowMs={nowMs} /> : "—"}
      </p>

      <p className="pr-cell">
        <span className="pr-lbl">Last checked: </span>
        <span title={formatDateTime(checked)}>{timeAgo(checked, nowMs)}</span>
      </p>

      <div className="pr-act">
        {canManage ? (
          <>
            <button
              type="button"
              className={buttonClass()}
              disabled={checking || tokens.length === 0}
              onClick={() => onCheck({ label: page.name, tokens })}
            >
              {checking ? "Checking…" : "Check now"}
            </button>
            <button
              type="button"
              className={buttonClass("danger")}
              onClick={() => onDisconnect({ pageId: page.id, name: page.name, hideKey })}
            >
              Disconnect
            </button>
          </>
        ) : (
          <span className="text-xs text-slate-400">View only</span>
        )}
      </div>
    </OptimisticItem>
  );
}
