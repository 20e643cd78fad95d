import Link from "next/link";
import { requireWorkspace } from "@/lib/auth/session";
import { listApiKeys, listPageChoices } from "@/lib/api-keys/manage-keys";
import { TenantHeader } from "@/components/tenant/tenant-header";
import { ApiKeysPanel } from "@/components/api-keys/api-keys-panel";

export default async function ApiKeysPage({ params }: { params: Promise<{ slug: string }> }) {
  const { slug } = await params;
  const {
    access: membership,
    tenants,
    value,
    user,
  } = await requireWorkspace(slug, "apiKeys.manage", async (tx) => ({ keys: await listApiKeys(tx), pages: await listPageChoices(tx) }));
  return (
    <>
      <TenantHeader current={membership} tenants={tenants} userName={user.name} tab="api-keys" />
      <main className="mx-auto max-w-4xl space-y-6 px-4 py-6 sm:py-8">
        <div className="space-y-1">
          <h1 className="text-xl font-semibold">API keys</h1>
          <p className="text-sm text-slate-600">
            Automations (schedulers, ad scripts, moderation bots) use a key to receive this workspace&apos;s Page and user tokens from the{" "}
            <Link className="underline" href="/docs/api">
              token API
            </Link>
            . Every hand-out appears in the audit log with the key&apos;s name. Give each automation its own key, with only the scopes and
            Pages it needs.
          </p>
        </div>
        <ApiKeysPanel slug={membership.slug} keys={value.keys} pages={value.pages} />
      </main>
    </>
  );
}
