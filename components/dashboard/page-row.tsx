import type { PageView } from "@/lib/connections/dashboard-data";
import { StatusBadge } from "../status-badge";
import { formatDate, formatDateTime, timeAgo, daysUntil } from "../format";
import { OptimisticItem, LiveStatusBadge } from "./pages-state";
import { CheckNowButton, DisconnectPageButton } from "./page-row-actions";

/** Columns of the Pages list on wide screens; on phones every row is a card. */
export const PAGE_GRID = "md:grid md:grid-cols-[minmax(0,2.3fr)_minmax(0,1.7fr)_minmax(0,1.9fr)_minmax(0,1fr)_minmax(0,1fr)_10.5rem] md:items-center md:gap-4";

function earliest(values: (string | null)[]): string | null {
  const v = values.filter((x): x is string => x !== null).sort();
  return v[0] ?? null;
}

export function PageRow({ slug, page, canManage, nowMs }: { slug: string; page: PageView; canManage: boolean; nowMs: number }) {
  const hideKey = `page:${page.id}:${page.tokens.map((t) => t.id).join(",")}`;
  const expires = earliest(page.tokens.map((t) => t.expiresAt));
  const checked = earliest(page.tokens.map((t) => t.lastCheckedAt));
  return (
    <OptimisticItem hideKey={hideKey} data-testid="page-row" data-page-id={page.id} className={`space-y-3 p-4 md:space-y-0 md:px-4 md:py-3 ${PAGE_GRID}`}>
      <div className="flex min-w-0 items-center gap-3">
        {page.pictureUrl ? (
          // Facebook CDN pictures: plain <img> (no image optimiser round trip, no client JS).
          // eslint-disable-next-line @next/next/no-img-element
          <img src={page.pictureUrl} alt="" width={40} height={40} loading="lazy" className="h-10 w-10 shrink-0 rounded-lg bg-slate-100 object-cover" />
        ) : (
          <span aria-hidden className="flex h-10 w-10 shrink-0 items-center justify-center rounded-lg bg-slate-100 font-semibold text-slate-500">
            {page.name.slice(0, 1)}
          </span>
        )}
        <div className="min-w-0">
          <p className="truncate font-medium text-slate-900">{page.name}</p>
          <p className="truncate text-xs text-slate-500">{page.category ?? "No category"}</p>
        </div>
      </div>

      <div className="flex flex-wrap gap-1" aria-label="Tasks on this Page">
        {page.tasks.length === 0 && <span className="text-xs text-slate-400">No tasks</span>}
        {page.tasks.map((task) => (
          <span key={task} data-testid="task-chip" className="rounded-md bg-blue-50 px-1.5 py-0.5 text-[11px] font-semibold tracking-wide text-blue-800">
            {task}
          </span>
        ))}
      </div>

      <div className="space-y-1.5" data-testid="page-tokens">
        {page.tokens.length === 0 && <StatusBadge status="none" expiresAt={null} nowMs={nowMs} />}
        {page.tokens.map((t) => (
          <div key={t.id} className="flex flex-wrap items-center gap-x-2 gap-y-1">
            <LiveStatusBadge tokenId={t.id} status={t.status} expiresAt={t.expiresAt} lastCheckedAt={t.lastCheckedAt} lastError={t.lastError} nowMs={nowMs} />
            <span className="truncate text-xs text-slate-600">
              {t.identityName ?? "Unknown person"}&apos;s token
              {t.ownerName && t.ownerName !== t.identityName ? ` · added by ${t.ownerName}` : ""}
            </span>
            {t.lastError && t.status !== "active" && <p className="w-full text-xs text-red-700">{t.lastError}</p>}
          </div>
        ))}
      </div>

      <p className="text-sm text-slate-700">
        <span className="text-slate-500 md:hidden">Expires: </span>
        {expires ? (
          <span title={formatDateTime(expires)}>
            {formatDate(expires)}
            {new Date(expires).getTime() > nowMs && <span className="text-slate-500"> (in {daysUntil(expires, nowMs)} d)</span>}
          </span>
        ) : page.tokens.length ? (
          "Never"
        ) : (
          "—"
        )}
      </p>

      <p className="text-sm text-slate-700">
        <span className="text-slate-500 md:hidden">Last checked: </span>
        <span title={formatDateTime(checked)}>{timeAgo(checked, nowMs)}</span>
      </p>

      <div className="flex flex-wrap gap-2 md:justify-end">
        {canManage ? (
          <>
            <CheckNowButton slug={slug} label={page.name} tokens={page.tokens.map((t) => ({ id: t.id, status: t.status, lastCheckedAt: t.lastCheckedAt }))} />
            <DisconnectPageButton slug={slug} pageId={page.id} pageName={page.name} hideKey={hideKey} />
          </>
        ) : (
          <span className="text-xs text-slate-400">View only</span>
        )}
      </div>
    </OptimisticItem>
  );
}
