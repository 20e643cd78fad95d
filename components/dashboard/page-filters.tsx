import Link from "next/link";
import { dashboardHref, type DashboardQuery } from "@/lib/workspace/dashboard-query";

const CHIP = "shrink-0 whitespace-nowrap rounded-full border px-3 py-1 text-sm";
const ON = "border-slate-900 bg-slate-900 text-white";
const OFF = "border-slate-300 bg-white text-slate-700 hover:bg-slate-100";

/** "Has Instagram" and "connected through this Facebook login" filters: links, so every state has a URL. */
export function PageFilters({
  slug,
  query,
  logins,
}: {
  slug: string;
  query: DashboardQuery;
  logins: { id: string; name: string | null }[];
}) {
  return (
    <nav aria-label="More filters" className="-mx-1 flex items-center gap-1.5 overflow-x-auto px-1 pb-1">
      <Link
        href={dashboardHref(slug, query, { ig: !query.ig, page: 1 })}
        aria-current={query.ig ? "true" : undefined}
        data-testid="filter-instagram"
        className={`${CHIP} ${query.ig ? ON : OFF}`}
      >
        Has Instagram
      </Link>
      {logins.length > 1 && <span className="shrink-0 pl-2 text-sm text-slate-500">Login:</span>}
      {logins.length > 1 &&
        logins.map((l) => {
          const active = query.login === l.id;
          return (
            <Link
              key={l.id}
              href={dashboardHref(slug, query, { login: active ? null : l.id, page: 1 })}
              aria-current={active ? "true" : undefined}
              data-testid="filter-login"
              className={`${CHIP} ${active ? ON : OFF}`}
            >
              {l.name ?? "Facebook login"}
            </Link>
          );
        })}
    </nav>
  );
}
