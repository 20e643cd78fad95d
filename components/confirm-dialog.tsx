"use client";
import { useEffect, useId, useRef, type ReactNode } from "react";
import { buttonClass } from "./ui/button";

/**
 * A modal confirmation on the native <dialog> (focus trap, Escape and the top layer for free). Controlled: the
 * caller owns `open`; Escape or Cancel calls onCancel.
 */
export function ConfirmDialog({
  open,
  title,
  children,
  confirmLabel,
  pendingLabel,
  pending,
  destructive = true,
  onConfirm,
  onCancel,
}: {
  open: boolean;
  title: string;
  children: ReactNode;
  confirmLabel: string;
  pendingLabel?: string;
  pending?: boolean;
  destructive?: boolean;
  onConfirm: () => void;
  onCancel: () => void;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    if (open && !d.open) d.showModal();
    if (!open && d.open) d.close();
  }, [open]);

  return (
    <dialog
      ref={ref}
      onCancel={(e) => {
        e.preventDefault();
        if (!pending) onCancel();
      }}
      aria-labelledby={titleId}
      className="m-auto w-[min(28rem,calc(100vw-2rem))] rounded-xl p-0 shadow-2xl backdrop:bg-slate-900/40"
    >
      {open && (
        <form
          method="dialog"
          className="space-y-4 p-5"
          onSubmit={(e) => {
            e.preventDefault();
            onConfirm();
          }}
        >
          <h2 id={titleId} className="text-lg font-semibold">
            {title}
          </h2>
          <div className="space-y-3 text-sm text-slate-700">{children}</div>
          <div className="flex flex-col-reverse gap-2 sm:flex-row sm:justify-end">
            <button type="button" onClick={onCancel} disabled={pending} className={buttonClass("secondary", "lg")}>
              Cancel
            </button>
            <button type="submit" disabled={pending} autoFocus className={buttonClass(destructive ? "danger-solid" : "primary", "lg")}>
              {pending ? (pendingLabel ?? "Working…") : confirmLabel}
            </button>
          </div>
        </form>
      )}
    </dialog>
  );
}
