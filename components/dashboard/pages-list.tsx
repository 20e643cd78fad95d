"use client";
import type { PageView } from "@/lib/workspace/dashboard-data";
import { PageRow } from "./page-row";
import { useState } from "react";
import { DisconnectPageDialog, useCheckTokens, useDisconnectPage, type DisconnectPageVars } from "./page-row-actions";

/**
 * The Pages rows, rendered from plain row data on the client side of the RSC boundary: the server sends ~50 compact
 * rows as JSON instead of a serialized element tree per row. One mutation of each kind and one dialog serve every
 * row (not one per row).
 */
export function PagesList({ slug, rows, canManage, nowMs }: { slug: string; rows: PageView[]; canManage: boolean; nowMs: number }) {
  const check = useCheckTokens(slug);
  const disconnect = useDisconnectPage(slug);
  const [target, setTarget] = useState<DisconnectPageVars | null>(null);
  return (
    <>
      <ul data-testid="pages" className="divide-y divide-slate-200">
        {rows.map((p) => (
          <PageRow key={p.id} page={p} canManage={canManage} nowMs={nowMs} onCheck={(v) => check.mutate(v)} onDisconnect={setTarget} />
        ))}
      </ul>
      <DisconnectPageDialog
        target={target}
        onClose={() => setTarget(null)}
        onConfirm={(t) => {
          setTarget(null);
          disconnect.mutate(t);
        }}
      />
    </>
  );
}
