"use client";
import { useMutation } from "@tanstack/react-query";
import { useState } from "react";
import { ConfirmDialog } from "../confirm-dialog";
import { postJson, errorMessage } from "../api-client";
import { useToast } from "../toast";
import { STATUS_NAME } from "../status-badge";
import type { TokenStatus } from "@/lib/db/generated/enums";
import { basisOf, usePagesState } from "./pages-state";

interface TokenRef {
  id: string;
  status: TokenStatus;
  lastCheckedAt: string | null;
}

interface Checked {
  id: string;
  status: TokenStatus;
  lastError: string | null;
}

const button =
  "inline-flex items-center justify-center rounded-md border px-2.5 py-1.5 text-sm font-medium transition disabled:cursor-not-allowed disabled:opacity-50";

/** "Check now" for a set of tokens (a Page's, or an identity's user token): optimistic "Checking…", then the result. */
export function CheckNowButton({ slug, label, tokens }: { slug: string; label: string; tokens: TokenRef[] }) {
  const state = usePagesState();
  const toast = useToast();
  const check = useMutation({
    mutationFn: async () => {
      const out: Checked[] = [];
      for (const t of tokens) out.push(await postJson<Checked>(`/api/t/${encodeURIComponent(slug)}/tokens/${t.id}/check`));
      return out;
    },
    onMutate: () => {
      for (const t of tokens) state.setOverride(t.id, { basis: basisOf(t.status, t.lastCheckedAt), status: "checking", note: null });
    },
    onSuccess: (results) => {
      for (const t of tokens) {
        const r = results.find((x) => x.id === t.id);
        state.setOverride(t.id, r ? { basis: basisOf(t.status, t.lastCheckedAt), status: r.status, note: r.lastError } : null);
      }
      const r = results[0];
      if (!r) toast.info(`${label}: nothing to check any more. Refresh the page.`);
      else if (r.status === "active") toast.success(`${label}: checked with Facebook — the token is active.`);
      else if (r.lastError) toast.error(`${label}: ${STATUS_NAME[r.status].toLowerCase()}. ${r.lastError}`);
      else toast.info(`${label}: checked with Facebook — ${STATUS_NAME[r.status].toLowerCase()}.`);
      state.refresh();
    },
    onError: (err) => {
      for (const t of tokens) state.setOverride(t.id, null);
      toast.error(`Could not check ${label}: ${errorMessage(err)}`);
    },
  });
  return (
    <button type="button" className={`${button} border-slate-300 bg-white hover:bg-slate-50`} disabled={check.isPending || tokens.length === 0} onClick={() => check.mutate()}>
      {check.isPending ? "Checking…" : "Check now"}
    </button>
  );
}

/** Disconnect a Page: confirm, hide the row at once, soft-delete on the server; bring the row back on failure. */
export function DisconnectPageButton({ slug, pageId, pageName, hideKey }: { slug: string; pageId: string; pageName: string; hideKey: string }) {
  const state = usePagesState();
  const toast = useToast();
  const [open, setOpen] = useState(false);
  const disconnect = useMutation({
    mutationFn: () => postJson<{ name: string; tokensSoftDeleted: number }>(`/api/t/${encodeURIComponent(slug)}/pages/${pageId}/disconnect`),
    onMutate: () => {
      setOpen(false);
      state.hide(hideKey);
    },
    onSuccess: (r) => {
      toast.success(`Disconnected ${r.name}. Its token is no longer used; the audit log keeps the history. Connect Facebook again to bring it back.`);
      state.refresh();
    },
    onError: (err) => {
      state.unhide(hideKey);
      toast.error(`Could not disconnect ${pageName}: ${errorMessage(err)}`);
    },
  });
  return (
    <>
      <button type="button" className={`${button} border-red-200 bg-white text-red-700 hover:bg-red-50`} disabled={disconnect.isPending} onClick={() => setOpen(true)}>
        Disconnect
      </button>
      <ConfirmDialog
        open={open}
        title={`Disconnect ${pageName}?`}
        confirmLabel="Disconnect Page"
        pending={disconnect.isPending}
        onCancel={() => setOpen(false)}
        onConfirm={() => disconnect.mutate()}
      >
        <p>Automations in this workspace stop using this Page&apos;s token right away. The Page leaves the list; its history stays in the audit log.</p>
        <p>To bring it back later, use Connect Facebook and keep the Page selected.</p>
      </ConfirmDialog>
    </>
  );
}
