import { requireWorkspace } from "@/lib/auth/session";
import { myEmailMode } from "@/lib/alerts/alert-email";
import { TenantHeader } from "@/components/tenant/tenant-header";
import { NotificationChoice } from "@/components/settings/webhook-form";

/** Settings → Notifications: the signed-in member's alert email choice for this workspace. */
export default async function NotificationsPage({ params }: { params: Promise<{ slug: string }> }) {
  const { slug } = await params;
  const { access, tenants, user, value: mode } = await requireWorkspace(slug, "workspace.view", (tx, a) => myEmailMode(tx, a.userId));
  return (
    <>
      <TenantHeader current={access} tenants={tenants} userName={user.name} tab="settings" />
      <main className="mx-auto max-w-2xl space-y-4 px-4 py-8">
        <h1 className="text-xl font-semibold">Notifications</h1>
        <NotificationChoice slug={access.slug} mode={mode} />
        <p className="text-sm text-slate-600">
          Owners and admins get an email when a token of this workspace is revoked, expired or invalid, and before a user token expires.
          Every email has a one-click unsubscribe.{" "}
          <a className="text-blue-700 underline" href={`/t/${access.slug}/settings/webhooks`}>
            Webhooks
          </a>{" "}
          tell your systems the same things.
        </p>
      </main>
    </>
  );
}
