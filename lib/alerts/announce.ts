import "server-only";
import type { Tx } from "../db/tenant-transaction";
import type { TokenStatus, TokenType } from "../db/generated/enums";
import { DAY_MS } from "../time";
import { EXPIRING_DAYS } from "../webhooks/event-types";
import { emitWebhookEvents, type WebhookEvent } from "../webhooks/events";
import { queueAlert } from "./alert-queue";

/**
 * Where token health changes become alerts, inside the same tenant transaction that wrote them: a
 * `token.status_changed` webhook event per change (recoveries included), `token.expiring` when a check finds a token
 * inside an endpoint's own window (its expiringDays, default 7) for the first time, and the email alerts for changes
 * a person must act on (revoked, expired, invalid, a user token expiring: TOKEN_EXPIRY_WARNING_DAYS ahead, and a
 * login's 90-day data access expiring or expired).
 */

export interface StatusChange {
  id: string;
  previousStatus: TokenStatus;
  status: TokenStatus;
  tokenType: TokenType;
  socialIdentityId: string;
  expiresAt: Date | null;
  lastError: string | null;
  /** When a health check wrote this row (and when the one before did): the window of time this check covers. */
  checkedAt?: Date | null;
  previousCheckedAt?: Date | null;
}

export async function announceStatusChanges(
  tx: Tx,
  tenantId: string,
  written: readonly StatusChange[],
  via: "sweep" | "check_now",
): Promise<void> {
  await announceExpiring(tx, tenantId, written);
  const changes = written.filter((w) => w.previousStatus !== w.status && w.status !== "unchecked");
  if (changes.length === 0) return;
  const events: WebhookEvent[] = changes.map((c) => ({
    type: "token.status_changed",
    data: {
      tokenId: c.id,
      tokenType: c.tokenType,
      socialIdentityId: c.socialIdentityId,
      from: c.previousStatus,
      to: c.status,
      reason: c.lastError,
      expiresAt: c.expiresAt?.toISOString() ?? null,
      via,
    },
  }));
  await emitWebhookEvents(tx, tenantId, events);
  for (const kind of ["revoked", "expired", "invalid", "expiring"] as const) {
    const ids = changes.filter((c) => c.status === kind && (kind !== "expiring" || c.tokenType === "user")).map((c) => c.id);
    if (ids.length > 0) await queueAlert(tx, tenantId, kind, ids);
  }
  // The 90-day data access is the person's, so every token of that login changes at once: one line per login (its
  // user token when it is among the changes, else one of its Page tokens), fixed by re-approving on Facebook.
  for (const kind of ["data_access_expiring", "data_access_expired"] as const) {
    const byLogin = new Map<string, StatusChange>();
    for (const c of changes.filter((x) => x.status === kind)) {
      const seen = byLogin.get(c.socialIdentityId);
      if (seen === undefined || (seen.tokenType !== "user" && c.tokenType === "user")) byLogin.set(c.socialIdentityId, c);
    }
    if (byLogin.size > 0)
      await queueAlert(
        tx,
        tenantId,
        kind,
        [...byLogin.values()].map((c) => c.id),
      );
  }
}

/**
 * True when the token entered the window `days` before its expiry during the time this check covers (after the
 * previous check, up to this one): so each endpoint hears of each expiry once, at the first check inside its window,
 * whatever its days ahead. A token already expired is no longer "expiring".
 */
export function enteredExpiringWindow(t: Pick<StatusChange, "expiresAt" | "checkedAt" | "previousCheckedAt">, days: number): boolean {
  if (!t.expiresAt || !t.checkedAt) return false;
  if (t.previousCheckedAt && t.previousCheckedAt.getTime() >= t.checkedAt.getTime()) return false; // not checked now
  if (t.expiresAt.getTime() <= t.checkedAt.getTime()) return false;
  const opens = t.expiresAt.getTime() - days * DAY_MS;
  return opens <= t.checkedAt.getTime() && (!t.previousCheckedAt || opens > t.previousCheckedAt.getTime());
}

/** token.expiring per endpoint: each subscribed endpoint's own days ahead (webhook_endpoints.expiring_days). */
async function announceExpiring(tx: Tx, tenantId: string, written: readonly StatusChange[]): Promise<void> {
  const candidates = written.filter((w) => enteredExpiringWindow(w, EXPIRING_DAYS.max));
  if (candidates.length === 0) return;
  const windows = await tx.webhookEndpoint.findMany({
    where: { deletedAt: null, enabled: true, eventTypes: { has: "token.expiring" } },
    select: { expiringDays: true },
    distinct: ["expiringDays"],
  });
  for (const { expiringDays } of windows) {
    const events: WebhookEvent[] = candidates
      .filter((c) => enteredExpiringWindow(c, expiringDays))
      .map((c) => ({
        type: "token.expiring",
        data: {
          tokenId: c.id,
          tokenType: c.tokenType,
          socialIdentityId: c.socialIdentityId,
          expiresAt: c.expiresAt?.toISOString() ?? null,
          daysLeft: c.expiresAt ? Math.max(0, Math.floor((c.expiresAt.getTime() - Date.now()) / DAY_MS)) : null,
          warningDays: expiringDays,
        },
      }));
    await emitWebhookEvents(tx, tenantId, events, { endpoints: { expiringDays } });
  }
}
