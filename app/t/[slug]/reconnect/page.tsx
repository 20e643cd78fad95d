import { requireWorkspace } from "@/lib/auth/session";
import { startFacebookConnect, startFacebookReapprove } from "@/lib/auth/actions";
import { loadExpiryWarnings, describeWarning } from "@/lib/health/expiry-warnings";
import { WorkspacePage } from "@/components/tenant/workspace-page";
import { FacebookButton } from "@/components/facebook-button";

/**
 * Where an alert email's link lands: what needs reconnecting in this workspace and one button that starts the
 * reconnect (the same server action as "Connect Facebook"), or the re-approval (auth_type=reauthorize) when a
 * login's 90-day data access is what runs out: a plain reconnect cannot renew lapsed data access. Owners and admins
 * only; anyone else gets 404.
 */
export default async function ReconnectPage({ params }: { params: Promise<{ slug: string }> }) {
  const { slug } = await params;
  const workspace = await requireWorkspace(slug, "connections.manage", (tx) => loadExpiryWarnings(tx));
  const { value: warnings } = workspace;
  const reapprove = warnings.warnings.some((w) => w.kind === "data_access_expiring" || w.kind === "data_access_expired");
  const action = (reapprove ? startFacebookReapprove : startFacebookConnect).bind(null, workspace.access.slug);
  return (
    <WorkspacePage workspace={workspace} tab="pages" title="Reconnect Facebook" narrow>
      {warnings.warnings.length > 0 ? (
        <ul className="list-disc space-y-1 pl-5 text-sm" data-testid="reconnect-reasons">
          {warnings.warnings.map((w) => (
            <li key={w.socialIdentityId}>{describeWarning(w, warnings.now)}</li>
          ))}
        </ul>
      ) : (
        <p className="text-sm text-slate-600">
          Every connection of this workspace works right now; reconnecting refreshes the tokens anyway.
        </p>
      )}
      <form action={action}>
        <FacebookButton label={reapprove ? "Re-approve on Facebook" : "Reconnect with Facebook"} />
      </form>
    </WorkspacePage>
  );
}
