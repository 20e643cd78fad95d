import { requireWorkspace } from "@/lib/auth/session";
import { startFacebookConnect } from "@/lib/auth/actions";
import { loadExpiryWarnings, describeWarning } from "@/lib/health/expiry-warnings";
import { TenantHeader } from "@/components/tenant/tenant-header";

/**
 * Where an alert email's link lands: what needs reconnecting in this workspace and one button that starts the
 * reconnect (the same server action as "Connect Facebook"). Owners and admins only; anyone else gets 404.
 */
export default async function ReconnectPage({ params }: { params: Promise<{ slug: string }> }) {
  const { slug } = await params;
  const { access, tenants, value: warnings, user } = await requireWorkspace(slug, "connections.manage", (tx) => loadExpiryWarnings(tx));
  const reconnect = startFacebookConnect.bind(null, access.slug);
  return (
    <>
      <TenantHeader current={access} tenants={tenants} userName={user.name} tab="pages" />
      <main className="mx-auto max-w-2xl space-y-4 px-4 py-8">
        <h1 className="text-xl font-semibold">Reconnect Facebook</h1>
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
        <form action={reconnect}>
          <button type="submit" className="rounded-lg bg-[#1877f2] px-4 py-2 text-sm font-semibold text-white hover:bg-[#166fe5]">
            Reconnect with Facebook
          </button>
        </form>
      </main>
    </>
  );
}
