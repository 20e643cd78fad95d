import { z } from "zod";
import { requireWorkspace } from "@/lib/auth/session";
import { listAuditPage } from "@/lib/audit/audit-log";
import { WorkspacePage } from "@/components/tenant/workspace-page";
import { AUDIT_LABEL, auditSummary } from "@/components/audit-labels";
import { formatDateTime } from "@/components/format";
import { Pagination } from "@/components/ui/pagination";

const PAGE_SIZE = 50;
const pageParam = z.coerce.number().int().min(1).max(100_000).catch(1);

export default async function AuditPage({
  params,
  searchParams,
}: {
  params: Promise<{ slug: string }>;
  searchParams: Promise<{ page?: string | string[] }>;
}) {
  const { slug } = await params;
  const sp = await searchParams;
  const page = pageParam.parse(Array.isArray(sp.page) ? sp.page[0] : (sp.page ?? 1));
  const workspace = await requireWorkspace(slug, "workspace.view", (tx) => listAuditPage(tx, { page, pageSize: PAGE_SIZE }));
  const { value } = workspace;
  const base = `/t/${encodeURIComponent(workspace.access.slug)}/audit`;
  return (
    <WorkspacePage
      workspace={workspace}
      tab="audit"
      title="Audit log"
      intro="Everything that happened to this workspace's connections and members, newest first. Tokens are never shown."
    >
      {value.rows.length === 0 ? (
        <p className="rounded-xl border border-slate-200 bg-white p-6 text-center text-slate-600">
          No events {page > 1 ? "on this page" : "yet"}.
        </p>
      ) : (
        <ol data-testid="audit-events" className="divide-y divide-slate-200 overflow-hidden rounded-xl border border-slate-200 bg-white">
          {value.rows.map((e) => {
            const summary = auditSummary(e.action, e.details, e.relatedName);
            return (
              <li
                key={e.id}
                data-testid="audit-event"
                data-action={e.action}
                className="flex flex-col gap-1 px-4 py-3 sm:flex-row sm:items-baseline sm:gap-4"
              >
                <time dateTime={e.createdAt} className="shrink-0 text-xs text-slate-500 sm:w-44">
                  {formatDateTime(e.createdAt)}
                </time>
                <div className="min-w-0 flex-1 text-sm">
                  <p>
                    <span className="font-medium">{AUDIT_LABEL[e.action] ?? e.action}</span>
                    {e.targetName && <span className="text-slate-700"> — {e.targetName}</span>}
                  </p>
                  <p className="text-xs text-slate-500">
                    by {e.actorName ?? "the system"}
                    {summary && ` · ${summary}`}
                  </p>
                </div>
              </li>
            );
          })}
        </ol>
      )}
      <Pagination
        label="Audit log pages"
        position={`Page ${page}`}
        prev={{ href: page > 1 ? (page === 2 ? base : `${base}?page=${page - 1}`) : null, text: "← Newer" }}
        next={{ href: value.hasMore ? `${base}?page=${page + 1}` : null, text: "Older →" }}
      />
    </WorkspacePage>
  );
}
