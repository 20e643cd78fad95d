import type { TokenStatus } from "@/lib/db/generated/enums";
import { daysUntil } from "./format";

/** A token's status as a person reads it; "none" = a Page without an active token, "checking" = check in flight. */
export type BadgeStatus = TokenStatus | "none" | "checking";

const TONE: Record<BadgeStatus, string> = {
  active: "bg-emerald-50 text-emerald-800 ring-emerald-600/20",
  expiring: "bg-amber-50 text-amber-800 ring-amber-600/30",
  expired: "bg-red-50 text-red-800 ring-red-600/20",
  revoked: "bg-red-50 text-red-800 ring-red-600/20",
  invalid: "bg-rose-50 text-rose-800 ring-rose-600/20",
  unchecked: "bg-slate-100 text-slate-700 ring-slate-500/20",
  none: "bg-slate-100 text-slate-600 ring-slate-500/20",
  checking: "bg-blue-50 text-blue-800 ring-blue-600/20",
};

const DOT: Record<BadgeStatus, string> = {
  active: "bg-emerald-500",
  expiring: "bg-amber-500",
  expired: "bg-red-500",
  revoked: "bg-red-500",
  invalid: "bg-rose-500",
  unchecked: "bg-slate-400",
  none: "bg-slate-400",
  checking: "bg-blue-500 animate-pulse",
};

export const STATUS_NAME: Record<BadgeStatus, string> = {
  active: "Active",
  expiring: "Expiring",
  expired: "Expired",
  revoked: "Revoked",
  invalid: "Invalid",
  unchecked: "Unchecked",
  none: "No token",
  checking: "Checking…",
};

export function statusText(status: BadgeStatus, expiresAt: string | null, nowMs: number): string {
  if (status === "expiring" && expiresAt) {
    const d = daysUntil(expiresAt, nowMs);
    return d === 0 ? "Expires today" : `Expiring in ${d} day${d === 1 ? "" : "s"}`;
  }
  return STATUS_NAME[status];
}

export function StatusBadge({ status, expiresAt, nowMs, title }: { status: BadgeStatus; expiresAt: string | null; nowMs: number; title?: string }) {
  return (
    <span
      data-testid="status-badge"
      data-status={status}
      title={title}
      className={`inline-flex items-center gap-1.5 whitespace-nowrap rounded-full px-2 py-0.5 text-xs font-medium ring-1 ring-inset ${TONE[status]}`}
    >
      <span aria-hidden className={`h-1.5 w-1.5 rounded-full ${DOT[status]}`} />
      {statusText(status, expiresAt, nowMs)}
    </span>
  );
}
