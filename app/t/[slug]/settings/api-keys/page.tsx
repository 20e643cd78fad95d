import Link from "next/link";
import { requireWorkspace } from "@/lib/auth/session";
import { listApiKeys, listPageChoices } from "@/lib/api-keys/manage-keys";
import { WorkspacePage } from "@/components/tenant/workspace-page";
import { ApiKeysPanel } from "@/components/api-keys/api-keys-panel";

export default async function ApiKeysPage({ params }: { params: Promise<{ slug: string }> }) {
  const { slug } = await params;
  const workspace = await requireWorkspace(slug, "apiKeys.manage", async (tx) => ({
    keys: await listApiKeys(tx),
    pages: await listPageChoices(tx),
  }));
  return (
    <WorkspacePage
      workspace={workspace}
      tab="api-keys"
      title="API keys"
      intro={
        <>
          Automations (schedulers, ad scripts, moderation bots) use a key to receive this workspace&apos;s Page and user tokens from the{" "}
          <Link className="underline" href="/docs/api">
            token API
          </Link>
          . Every hand-out appears in the audit log with the key&apos;s name. Give each automation its own key, with only the scopes and
          Pages it needs.
        </>
      }
    >
      <ApiKeysPanel slug={workspace.access.slug} keys={workspace.value.keys} pages={workspace.value.pages} />
    </WorkspacePage>
  );
}
