import Link from "next/link";
import { dashboardHref, sortedBy, sortHasDirection, type DashboardQuery, type Sort } from "@/lib/workspace/dashboard-query";

/**
 * A link that sorts the Pages list (the table's column headers and the sort chips): choosing the active sort again
 * flips its direction; the arrow shows only on the active sort, and only if it has a direction.
 */
export function SortLink({
  slug,
  query,
  sort,
  className,
  testId,
  children,
}: {
  slug: string;
  query: DashboardQuery;
  sort: Sort;
  className?: string;
  testId?: string;
  children: string;
}) {
  const active = query.sort === sort;
  const ascending = query.dir === "asc";
  return (
    <Link
      href={dashboardHref(slug, query, sortedBy(query, sort))}
      aria-current={active ? "true" : undefined}
      data-testid={testId}
      className={className}
    >
      {children}
      {active && sortHasDirection(sort) && <span aria-label={ascending ? " ascending" : " descending"}>{ascending ? " ↑" : " ↓"}</span>}
    </Link>
  );
}
