import type { TokenStatus } from "@/lib/db/generated/enums";
import { daysUntil } from "./format";

/** A token's status as a person reads it; "none" = a Page without an active token, "checking" = check in flight. */
export type BadgeStatus = TokenStatus | "none" | "checking";

export const STATUS_NAME: Record<BadgeStatus, string> = {
  active: "Active",
  expiring: "Expiring",
  expired: "Expired",
  revoked: "Revoked",
  invalid: "Invalid",
  unchecked: "Unchecked",
  data_access_expiring: "Data access expiring",
  data_access_expired: "Data access expired",
  none: "No token",
  checking: "Checking…",
};

export function statusText(status: BadgeStatus, expiresAt: string | null, nowMs: number): string {
  if (status === "expiring" && expiresAt) {
    const d = daysUntil(expiresAt, nowMs);
    return d === 0 ? "Expires today" : `Expiring in ${d} day${d === 1 ? "" : "s"}`;
  }
  if (status === "data_access_expiring" && expiresAt) {
    const d = daysUntil(expiresAt, nowMs);
    return d === 0 ? "Data access ends today" : `Data access expiring in ${d} day${d === 1 ? "" : "s"}`;
  }
  return STATUS_NAME[status];
}

/** Styles: .badge / .badge-<status> in components/dashboard/dashboard.css. */
export function StatusBadge({
  status,
  expiresAt,
  nowMs,
  title,
}: {
  status: BadgeStatus;
  expiresAt: string | null;
  nowMs: number;
  title?: string;
}) {
  return (
    <span data-testid="status-badge" data-status={status} title={title} className={`badge badge-${status}`}>
      <i aria-hidden />
      {statusText(status, expiresAt, nowMs)}
    </span>
  );
}
