"use client";
import { useMutation } from "../use-mutation";
import { ConfirmDialog } from "../confirm-dialog";
import { api, errorMessage } from "../api";
import { useToast } from "../toast";
import { buttonClass } from "../ui/button";
import { STATUS_NAME } from "../status-badge";
import type { TokenStatus } from "@/lib/db/generated/enums";
import type { ResponseOf } from "@/lib/workspace/contract";
import { basisOf, usePagesState } from "./pages-state";

export interface TokenRef {
  id: string;
  status: TokenStatus;
  lastCheckedAt: string | null;
}

type Checked = ResponseOf<"checkToken">;

export interface CheckVars {
  label: string;
  tokens: TokenRef[];
}

export interface DisconnectPageVars {
  pageId: string;
  name: string;
  hideKey: string;
}

/**
 * "Check now" as one mutation for a whole list (its callbacks run per call, with that call's variables): optimistic
 * "Checking…" on the badge, then the status Facebook reported, then the server's rows.
 */
export function useCheckTokens(slug: string) {
  const state = usePagesState();
  const toast = useToast();
  return useMutation({
    mutationFn: async ({ tokens }: CheckVars) => {
      const out: Checked[] = [];
      for (const t of tokens) out.push(await api.checkToken({ slug, tokenId: t.id }));
      return out;
    },
    onMutate: ({ tokens }) => {
      for (const t of tokens) state.setOverride(t.id, { basis: basisOf(t.status, t.lastCheckedAt), status: "checking", note: null });
    },
    onSuccess: (results, { label, tokens }) => {
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
    onError: (err, { label, tokens }) => {
      for (const t of tokens) state.setOverride(t.id, null);
      toast.error(`Could not check ${label}: ${errorMessage(err)}`);
    },
  });
}

/** Disconnect a Page: hide its row at once, soft-delete on the server; the row comes back if that fails. */
export function useDisconnectPage(slug: string) {
  const state = usePagesState();
  const toast = useToast();
  return useMutation({
    mutationFn: ({ pageId }: DisconnectPageVars) => api.disconnectPage({ slug, pageId }),
    onMutate: ({ hideKey }) => state.hide(hideKey),
    onSuccess: (r) => {
      toast.success(
        `Disconnected ${r.name}. Its token is no longer used; the audit log keeps the history. Connect Facebook again to bring it back.`,
      );
      state.refresh();
    },
    onError: (err, { name, hideKey }) => {
      state.unhide(hideKey);
      toast.error(`Could not disconnect ${name}: ${errorMessage(err)}`);
    },
  });
}

/** True while any of these tokens is being checked. */
export function useChecking(tokens: { id: string }[]): boolean {
  const state = usePagesState();
  return tokens.some((t) => state.override(t.id)?.status === "checking");
}

/** A standalone "Check now" (identity cards). */
export function CheckNowButton({ slug, label, tokens }: { slug: string; label: string; tokens: TokenRef[] }) {
  const check = useCheckTokens(slug);
  const checking = useChecking(tokens);
  return (
    <button
      type="button"
      className={buttonClass()}
      disabled={checking || tokens.length === 0}
      onClick={() => check.mutate({ label, tokens })}
    >
      {checking ? "Checking…" : "Check now"}
    </button>
  );
}

/** The confirmation for disconnecting a Page (one per list, mounted while open). */
export function DisconnectPageDialog({
  target,
  onClose,
  onConfirm,
}: {
  target: DisconnectPageVars | null;
  onClose: () => void;
  onConfirm: (t: DisconnectPageVars) => void;
}) {
  if (!target) return null;
  return (
    <ConfirmDialog
      open
      title={`Disconnect ${target.name}?`}
      confirmLabel="Disconnect Page"
      onCancel={onClose}
      onConfirm={() => onConfirm(target)}
    >
      <p>
        Automations in this workspace stop using this Page&apos;s token right away. The Page leaves the list; its history stays in the audit
        log.
      </p>
      <p>To bring it back later, use Connect Facebook and keep the Page selected.</p>
    </ConfirmDialog>
  );
}
