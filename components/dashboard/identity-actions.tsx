"use client";
import { useMutation } from "../use-mutation";
import { useState } from "react";
import { ConfirmDialog } from "../confirm-dialog";
import { api, errorMessage } from "../api";
import { useToast } from "../toast";
import { buttonClass } from "../ui/button";
import { usePagesState } from "./pages-state";

/** Disconnect a Facebook identity (all its tokens), optionally revoking the app's access on Facebook as well. */
export function DisconnectIdentityButton({
  slug,
  identityId,
  name,
  hideKey,
  canRevoke,
  platformName = "Facebook",
}: {
  slug: string;
  identityId: string;
  name: string;
  hideKey: string;
  /** Only the member who connected the account may revoke it at the platform (it affects every workspace). */
  canRevoke: boolean;
  /** "Facebook" or "TikTok": whose login and whose revoke the dialog talks about. */
  platformName?: "Facebook" | "TikTok";
}) {
  const state = usePagesState();
  const toast = useToast();
  const [open, setOpen] = useState(false);
  const [revoke, setRevoke] = useState(false);
  const disconnect = useMutation({
    mutationFn: (revokeAtPlatform: boolean) => api.disconnectIdentity({ slug, identityId, body: { revokeAtPlatform } }),
    onSuccess: (r) => {
      setOpen(false);
      state.hide(hideKey);
      const pages = platformName === "TikTok" ? "" : ` and ${r.pagesHidden === 1 ? "1 Page" : `${r.pagesHidden} Pages`}`;
      toast.success(
        `Disconnected ${r.name ?? name}${pages}.${r.revoke === "revoked" ? ` The app's access was revoked on ${platformName} too.` : ""}`,
      );
      if (r.revokeMessage) toast.error(r.revokeMessage);
      state.refresh();
    },
    onError: (err) => toast.error(`Could not disconnect ${name}: ${errorMessage(err)}`),
  });
  return (
    <>
      <button
        type="button"
        className={buttonClass("danger")}
        disabled={disconnect.isPending}
        onClick={() => {
          setRevoke(false);
          setOpen(true);
        }}
      >
        Disconnect
      </button>
      <ConfirmDialog
        open={open}
        title={`Disconnect ${name}?`}
        confirmLabel="Disconnect account"
        pendingLabel="Disconnecting…"
        pending={disconnect.isPending}
        onCancel={() => setOpen(false)}
        onConfirm={() => disconnect.mutate(revoke)}
      >
        {platformName === "TikTok" ? (
          <p>This workspace stops using {name}&apos;s TikTok login; its tokens are erased here. The audit log keeps the history.</p>
        ) : (
          <p>
            This workspace stops using {name}&apos;s Facebook login and every Page token that came with it. Pages no one else connected
            leave the list; the audit log keeps the history.
          </p>
        )}
        {canRevoke && (
          <label className="flex items-start gap-2 rounded-lg border border-slate-200 bg-slate-50 p-3">
            <input type="checkbox" className="mt-0.5 h-4 w-4" checked={revoke} onChange={(e) => setRevoke(e.target.checked)} />
            <span>
              <span className="font-medium text-slate-900">Also revoke on {platformName}</span>
              <span className="block text-slate-600">
                Removes this app&apos;s permissions from {name}&apos;s {platformName} account, for every workspace.
              </span>
            </span>
          </label>
        )}
      </ConfirmDialog>
    </>
  );
}
