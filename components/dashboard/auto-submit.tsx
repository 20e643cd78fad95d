"use client";
import type { ReactNode } from "react";

/** A <select> that submits its GET form when changed (the form still works without JavaScript via its button). */
export function AutoSubmitSelect({ name, defaultValue, label, children }: { name: string; defaultValue: string; label: string; children: ReactNode }) {
  return (
    <select
      name={name}
      defaultValue={defaultValue}
      aria-label={label}
      onChange={(e) => e.currentTarget.form?.requestSubmit()}
      className="rounded-lg border border-slate-300 bg-white px-2 py-2 text-sm"
    >
      {children}
    </select>
  );
}
