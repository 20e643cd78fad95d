"use client";
import type { PageView } from "@/lib/connections/dashboard-data";
import { PageRow } from "./page-row";

/**
 * The Pages rows, rendered from plain row data on the client side of the RSC boundary: the server sends ~50 compact
 * rows as JSON instead of a serialized element tree per row (half the HTML, a fraction of the server's render work).
 */
export function PagesList({ slug, rows, canManage, nowMs }: { slug: string; rows: PageView[]; canManage: boolean; nowMs: number }) {
  return (
    <ul data-testid="pages" className="divide-y divide-slate-200">
      {rows.map((p) => (
        <PageRow key={p.id} slug={slug} page={p} canManage={canManage} nowMs={nowMs} />
      ))}
    </ul>
  );
}
