import type { ReactNode } from "react";
import type { Membership } from "@/lib/tenancy/membership";
import { TenantHeader, type TenantTab } from "./tenant-header";

/**
 * A workspace screen other than the dashboard: the workspace bar, then one column with the title, an optional
 * intro line and something beside the title (e.g. "Leave workspace"), then the screen's content. `workspace` is what
 * requireWorkspace answered.
 */
export function WorkspacePage({
  workspace,
  tab,
  title,
  intro,
  aside,
  narrow = false,
  children,
}: {
  workspace: { access: Membership; tenants: Membership[]; user: { name: string | null } };
  tab: TenantTab;
  title: ReactNode;
  intro?: ReactNode;
  aside?: ReactNode;
  /** A short screen (one choice, one action). */
  narrow?: boolean;
  children: ReactNode;
}) {
  const heading = (
    <div className="space-y-1">
      <h1 className="text-xl font-semibold">{title}</h1>
      {intro && <p className="text-sm text-slate-600">{intro}</p>}
    </div>
  );
  return (
    <>
      <TenantHeader current={workspace.access} tenants={workspace.tenants} userName={workspace.user.name} tab={tab} />
      <main className={narrow ? "mx-auto max-w-2xl space-y-4 px-4 py-8" : "mx-auto max-w-4xl space-y-6 px-4 py-6 sm:py-8"}>
        {aside ? (
          <div className="flex flex-wrap items-start justify-between gap-3">
            {heading}
            {aside}
          </div>
        ) : (
          heading
        )}
        {children}
      </main>
    </>
  );
}
