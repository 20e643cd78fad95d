import { requireWorkspace } from "@/lib/auth/session";
import { myEmailMode } from "@/lib/alerts/alert-email";
import { WorkspacePage } from "@/components/tenant/workspace-page";
import { NotificationChoice } from "@/components/settings/webhook-form";

/** Settings → Notifications: the signed-in member's alert email choice for this workspace. */
export default async function NotificationsPage({ params }: { params: Promise<{ slug: string }> }) {
  const { slug } = await params;
  const workspace = await requireWorkspace(slug, "workspace.view", (tx, a) => myEmailMode(tx, a.userId));
  const { access } = workspace;
  return (
    <WorkspacePage workspace={workspace} tab="settings" title="Notifications" narrow>
      <NotificationChoice slug={access.slug} mode={workspace.value} />
      <p className="text-sm text-slate-600">
        Owners and admins get an email when a token of this workspace is revoked, expired or invalid, and before a user token expires. Every
        email has a one-click unsubscribe.{" "}
        <a className="text-blue-700 underline" href={`/t/${access.slug}/settings/webhooks`}>
          Webhooks
        </a>{" "}
        tell your systems the same things.
      </p>
    </WorkspacePage>
  );
}
