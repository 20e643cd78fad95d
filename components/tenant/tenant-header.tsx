import Link from "next/link";
import type { Membership } from "@/lib/tenancy/membership";
import { can, ROLE_LABEL } from "@/lib/tenancy/roles";
import { signOutAction, signOutEverywhereAction } from "@/lib/auth/actions";
import { CreateWorkspaceButton } from "./create-workspace";
import { buttonClass } from "../ui/button";

export type TenantTab = "pages" | "members" | "audit" | "api-keys" | "settings";

/**
 * The bar on every workspace screen: workspace switcher (the person's memberships, read in the same statement that
 * resolved this workspace), the workspace's tabs, and who is signed in.
 */
export function TenantHeader({
  current,
  tenants,
  userName,
  tab,
}: {
  current: Membership;
  tenants: Membership[];
  userName: string | null;
  tab: TenantTab;
}) {
  const base = `/t/${encodeURIComponent(current.slug)}`;
  const tabs: { key: TenantTab; label: string; href: string }[] = [
    { key: "pages", label: "Pages", href: base },
    { key: "members", label: "Members", href: `${base}/members` },
    { key: "audit", label: "Audit log", href: `${base}/audit` },
    ...(can(current.role, "apiKeys.manage") ? [{ key: "api-keys" as const, label: "API keys", href: `${base}/settings/api-keys` }] : []),
    { key: "settings", label: "Settings", href: `${base}/settings/webhooks` },
  ];
  return (
    <header className="border-b border-slate-200 bg-white">
      <div className="mx-auto flex max-w-6xl flex-wrap items-center gap-x-4 gap-y-2 px-4 py-3">
        <Link href="/" className="hidden text-sm font-bold uppercase tracking-wide text-blue-700 sm:block">
          Social Tokens
        </Link>
        <details key={current.tenantId} className="group relative min-w-0 flex-1 sm:flex-none" data-testid="tenant-switcher">
          <summary className="flex min-w-0 cursor-pointer list-none items-center gap-2 rounded-lg border border-slate-300 px-3 py-1.5 hover:bg-slate-50 [&::-webkit-details-marker]:hidden">
            <span className="sr-only">Workspace: </span>
            <span
              className="min-w-0 truncate font-semibold sm:max-w-[16rem] lg:max-w-[24rem]"
              data-testid="current-tenant"
              title={current.name}
            >
              {current.name}
            </span>
            <span className="shrink-0 rounded bg-slate-100 px-1.5 text-xs text-slate-600">{ROLE_LABEL[current.role]}</span>
            <span aria-hidden className="shrink-0 text-slate-500 group-open:rotate-180">
              ▾
            </span>
          </summary>
          <div className="absolute left-0 z-40 mt-2 w-80 max-w-[calc(100vw-2rem)] rounded-xl border border-slate-200 bg-white p-1.5 shadow-xl">
            <p className="px-3 pb-1 pt-2 text-xs font-semibold uppercase tracking-wide text-slate-500">Your workspaces</p>
            <div className="max-h-72 overflow-y-auto">
              {tenants.map((t) => (
                <Link
                  key={t.tenantId}
                  href={`/t/${encodeURIComponent(t.slug)}`}
                  aria-current={t.tenantId === current.tenantId ? "page" : undefined}
                  className="flex items-center justify-between gap-2 rounded-md px-3 py-2 text-sm hover:bg-slate-100 aria-[current=page]:bg-slate-100 aria-[current=page]:font-semibold"
                >
                  <span className="truncate">{t.name}</span>
                  <span className="shrink-0 text-xs text-slate-500">{ROLE_LABEL[t.role]}</span>
                </Link>
              ))}
            </div>
            <div className="mt-1 border-t border-slate-100 pt-1">
              <CreateWorkspaceButton />
            </div>
            {/* On a phone "Sign out everywhere" lives here: beside the switcher it left no room for the name. */}
            <form action={signOutEverywhereAction} className="mt-1 border-t border-slate-100 pt-1 sm:hidden">
              <button type="submit" className="w-full rounded-md px-3 py-2 text-left text-sm font-medium text-slate-700 hover:bg-slate-100">
                Sign out everywhere
              </button>
            </form>
          </div>
        </details>
        <nav aria-label="Workspace" className="order-last -mx-1 flex w-full gap-1 overflow-x-auto sm:order-none sm:w-auto">
          {tabs.map((t) => (
            <Link
              key={t.key}
              href={t.href}
              aria-current={t.key === tab ? "page" : undefined}
              className="whitespace-nowrap rounded-md px-3 py-1.5 text-sm font-medium text-slate-600 hover:bg-slate-100 aria-[current=page]:bg-slate-900 aria-[current=page]:text-white"
            >
              {t.label}
            </Link>
          ))}
        </nav>
        <div className="ml-auto flex shrink-0 items-center gap-3 text-sm">
          <span className="hidden max-w-[16rem] truncate text-slate-600 2xl:inline">Signed in as {userName ?? "you"}</span>
          <form action={signOutAction}>
            <button type="submit" className={buttonClass()} title={`Signed in as ${userName ?? "you"}`}>
              Sign out
            </button>
          </form>
          <form action={signOutEverywhereAction} className="hidden sm:block">
            <button type="submit" className={buttonClass()} title="Ends your sessions on every device">
              Sign out everywhere
            </button>
          </form>
        </div>
      </div>
    </header>
  );
}
