import type { IdentityView } from "@/lib/workspace/dashboard-data";
import { IdentityCard } from "./identity-card";

/**
 * The connected Facebook accounts, collapsible (a <details>: no JavaScript) so the Pages list comes up the screen
 * in big workspaces; open by default in small ones.
 */
export function IdentitiesSection({
  slug,
  identities,
  canManage,
  nowMs,
  viewerId,
  reconnect,
  defaultOpen,
}: {
  slug: string;
  identities: IdentityView[];
  canManage: boolean;
  nowMs: number;
  viewerId: string;
  reconnect: () => Promise<void>;
  /** Open on the first render (a big workspace starts folded, so its Pages come first). */
  defaultOpen: boolean;
}) {
  if (identities.length === 0) return null;
  const attention = identities.filter((i) => i.userToken?.status !== "active").length;
  return (
    <details open={defaultOpen} className="group" data-testid="identities-section">
      <summary className="flex cursor-pointer list-none items-center gap-2 [&::-webkit-details-marker]:hidden">
        <h2 id="identities-heading" className="text-lg font-semibold">
          Facebook accounts <span className="font-normal text-slate-500">({identities.length})</span>
        </h2>
        {attention > 0 && <span className="text-sm text-red-700">{attention === 1 ? "1 needs" : `${attention} need`} attention</span>}
        <span className="ml-auto text-sm text-slate-500">
          <span className="group-open:hidden">Show</span>
          <span className="hidden group-open:inline">Hide</span>
          <span aria-hidden className="ml-1 inline-block group-open:rotate-180">
            ▾
          </span>
        </span>
      </summary>
      <ul data-testid="identities" aria-labelledby="identities-heading" className="mt-3 space-y-3">
        {identities.map((i) => (
          <IdentityCard key={i.id} slug={slug} identity={i} canManage={canManage} nowMs={nowMs} viewerId={viewerId} reconnect={reconnect} />
        ))}
      </ul>
    </details>
  );
}
