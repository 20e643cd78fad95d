import { requireWorkspace } from "@/lib/auth/session";
import { can } from "@/lib/tenancy/roles";
import { listEndpoints, listDeliveries } from "@/lib/webhooks/endpoints";
import { WorkspacePage } from "@/components/tenant/workspace-page";
import { EndpointActions, RedeliverButton, WebhookForm } from "@/components/settings/webhook-form";
import { EndpointExpiringDays } from "@/components/settings/expiring-days";
import { formatDateTime } from "@/components/format";

/** Settings → Webhooks: endpoints, their latest deliveries with the attempt log, test / redeliver. */
export default async function WebhooksPage({ params }: { params: Promise<{ slug: string }> }) {
  const { slug } = await params;
  const workspace = await requireWorkspace(slug, "workspace.view", async () => null);
  const { access } = workspace;
  const manage = can(access.role, "webhooks.manage");
  const listed = await listEndpoints(access);
  const endpoints = listed.ok ? listed.value.endpoints : [];
  const deliveries = await Promise.all(
    endpoints.map(async (e) => {
      const r = await listDeliveries(access, e.id, {}, 20);
      return r.ok ? r.value.deliveries : [];
    }),
  );
  return (
    <WorkspacePage
      workspace={workspace}
      tab="settings"
      title="Webhooks"
      intro="We POST signed JSON (Standard Webhooks) when a token changes status, expires soon, or a connection is added or removed. Failed deliveries are retried with back-off for about a day; an endpoint that keeps failing is disabled and the owners are emailed."
    >
      {manage ? <WebhookForm slug={access.slug} /> : <p className="text-sm text-slate-600">Only owners and admins can manage webhooks.</p>}
      <ul data-testid="webhook-endpoints" className="space-y-4">
        {endpoints.map((e, i) => (
          <li key={e.id} data-testid="webhook-endpoint" className="space-y-2 rounded-xl border border-slate-200 bg-white p-4">
            <div className="flex flex-wrap items-center gap-2">
              <code className="break-all font-medium">{e.url}</code>
              <span className={`rounded-full px-2 py-0.5 text-xs ${e.enabled ? "bg-green-100 text-green-800" : "bg-red-100 text-red-800"}`}>
                {e.enabled ? "enabled" : "disabled"}
              </span>
            </div>
            <p className="text-xs text-slate-500">
              {e.eventTypes.join(", ")}
              {e.eventTypes.includes("token.expiring") && ` · token.expiring ${e.expiringDays} days ahead`}
            </p>
            {e.disabledReason && <p className="text-sm text-red-700">{e.disabledReason}</p>}
            {manage && <EndpointActions slug={access.slug} endpointId={e.id} enabled={e.enabled} />}
            {manage && e.eventTypes.includes("token.expiring") && (
              <EndpointExpiringDays slug={access.slug} endpointId={e.id} days={e.expiringDays} />
            )}
            <table className="w-full text-left text-sm" data-testid="webhook-deliveries">
              <thead className="text-xs text-slate-500">
                <tr>
                  <th className="py-1">Event</th>
                  <th>Status</th>
                  <th>Attempts (code, ms)</th>
                  <th>When</th>
                  <th />
                </tr>
              </thead>
              <tbody>
                {(deliveries[i] ?? []).map((d) => (
                  <tr key={d.id} data-testid="webhook-delivery" data-status={d.status} className="border-t border-slate-100 align-top">
                    <td className="py-1">
                      <code>{d.eventType}</code>
                    </td>
                    <td>{d.status}</td>
                    <td data-testid="delivery-attempts">
                      {d.log
                        .map((a) => `#${a.attempt} ${a.statusCode ?? "—"}${a.latencyMs !== null ? ` ${a.latencyMs}ms` : ""}`)
                        .join(" · ")}
                      {d.lastError && <div className="text-xs text-red-700">{d.lastError}</div>}
                    </td>
                    <td>{formatDateTime(d.createdAt)}</td>
                    <td>{manage && <RedeliverButton slug={access.slug} deliveryId={d.id} />}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </li>
        ))}
      </ul>
    </WorkspacePage>
  );
}
