"use client";
import { createContext, useContext, useState, type ReactNode } from "react";
import { useRouter } from "next/navigation";
import type { DashboardQuery } from "@/lib/workspace/dashboard-query";
import { api, errorMessage } from "../api";
import { ConfirmDialog } from "../confirm-dialog";
import { useToast } from "../toast";
import { STATUS_NAME } from "../status-badge";

/**
 * Bulk actions: tick Pages in the list (or take every Page matching the filter), then check them now (debug_token in
 * Graph batches of 50) or disconnect them. The selection lives in this provider; rows render <SelectPage>.
 */

interface Selection {
  selected: Set<string>;
  toggle: (id: string) => void;
  clear: () => void;
}

const SelectionContext = createContext<Selection | null>(null);

export function BulkSelection({ children }: { children: ReactNode }) {
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const toggle = (id: string) =>
    setSelected((prev) => {
      const next = new Set(prev);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });
  return (
    <SelectionContext.Provider value={{ selected, toggle, clear: () => setSelected(new Set()) }}>{children}</SelectionContext.Provider>
  );
}

/** A row's checkbox (nothing outside a BulkSelection, e.g. for members who only look). */
export function SelectPage({ id, name }: { id: string; name: string }) {
  const s = useContext(SelectionContext);
  if (!s) return null;
  return (
    <input
      type="checkbox"
      className="h-4 w-4 shrink-0"
      data-testid="select-page"
      aria-label={`Select ${name}`}
      checked={s.selected.has(id)}
      onChange={() => s.toggle(id)}
    />
  );
}

type Target = { kind: "selected"; ids: string[] } | { kind: "matching" };

export function BulkBar({ slug, query, matching }: { slug: string; query: DashboardQuery; matching: number }) {
  const s = useContext(SelectionContext);
  const router = useRouter();
  const toast = useToast();
  const [pending, setPending] = useState(false);
  const [confirm, setConfirm] = useState<Target | null>(null);
  if (!s) return null;
  const ids = [...s.selected];
  const filter = { q: query.q, status: query.status, ig: query.ig, login: query.login };
  const count = (t: Target) => (t.kind === "selected" ? t.ids.length : matching);
  const label = (t: Target) => `${count(t).toLocaleString("en")} Page${count(t) === 1 ? "" : "s"}`;

  async function run(action: "check" | "disconnect", t: Target) {
    setPending(true);
    try {
      const body = t.kind === "selected" ? { action, pageIds: t.ids } : { action, filter };
      const r = await api.bulkPages({ slug, body });
      if (action === "check") {
        const parts = Object.entries(r.statuses).map(([st, n]) => `${n} ${STATUS_NAME[st as keyof typeof STATUS_NAME].toLowerCase()}`);
        toast.success(
          `Checked ${r.tokens} token${r.tokens === 1 ? "" : "s"} of ${r.pages} Pages with Facebook: ${parts.join(", ") || "nothing to check"}.`,
        );
      } else {
        toast.success(`Disconnected ${r.disconnected} Page${r.disconnected === 1 ? "" : "s"}.`);
      }
      s?.clear();
      router.refresh();
    } catch (err) {
      toast.error(`Could not ${action} the Pages: ${errorMessage(err)}`);
    } finally {
      setPending(false);
      setConfirm(null);
    }
  }

  const btn = "rounded-lg border border-slate-300 bg-white px-3 py-1.5 text-sm font-medium hover:bg-slate-100 disabled:opacity-50";
  return (
    <div data-testid="bulk-bar" className="flex flex-wrap items-center gap-2 rounded-lg bg-slate-50 px-3 py-2 text-sm">
      {ids.length > 0 ? (
        <>
          <span className="font-medium">{ids.length} selected</span>
          <button type="button" className={btn} disabled={pending} onClick={() => run("check", { kind: "selected", ids })}>
            Check selected
          </button>
          <button type="button" className={`${btn} text-red-700`} disabled={pending} onClick={() => setConfirm({ kind: "selected", ids })}>
            Disconnect selected
          </button>
          <button type="button" className="text-slate-500 underline" onClick={() => s.clear()}>
            Clear
          </button>
        </>
      ) : (
        <>
          <span className="text-slate-600">All {matching.toLocaleString("en")} matching:</span>
          <button
            type="button"
            className={btn}
            data-testid="bulk-check-matching"
            disabled={pending || matching === 0}
            onClick={() => run("check", { kind: "matching" })}
          >
            {pending ? "Checking…" : "Check all now"}
          </button>
          <button
            type="button"
            className={`${btn} text-red-700`}
            disabled={pending || matching === 0}
            onClick={() => setConfirm({ kind: "matching" })}
          >
            Disconnect all…
          </button>
        </>
      )}
      <ConfirmDialog
        open={confirm !== null}
        title={confirm ? `Disconnect ${label(confirm)}?` : ""}
        confirmLabel="Disconnect"
        pendingLabel="Disconnecting…"
        pending={pending}
        onConfirm={() => confirm && run("disconnect", confirm)}
        onCancel={() => setConfirm(null)}
      >
        Their tokens are deleted here (history stays) and automations stop using them. Connect Facebook again to bring them back.
      </ConfirmDialog>
    </div>
  );
}
