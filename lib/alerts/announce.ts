import "server-only";
import type { Tx } from "../db/tenant-transaction";
import type { TokenStatus, TokenType } from "../db/generated/enums";
import { env } from "../env";
import { emitWebhookEvents, type WebhookEvent } from "../webhooks/events";
import { queueAlert } from "./alert-queue";

/**
 * Where token health changes become alerts, inside the same tenant transaction that wrote them: a
 * `token.status_changed` webhook event per change (recoveries included), `token.expiring` when a token enters its
 * warning window (TOKEN_EXPIRY_WARNING_DAYS ahead), and the email alerts for changes a person must act on
 * (revoked, expired, invalid, and a user token expiring).
 */

export interface StatusChange {
  id: string;
  previousStatus: TokenStatus;
  status: TokenStatus;
  tokenType: TokenType;
  socialIdentityId: string;
  expiresAt: Date | null;
  lastError: string | null;
}

export async function announceStatusChanges(
  tx: Tx,
  tenantId: string,
  written: readonly StatusChange[],
  via: "sweep" | "check_now",
): Promise<void> {
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
  const warningDays = env().TOKEN_EXPIRY_WARNING_DAYS;
  for (const c of changes.filter((x) => x.status === "expiring")) {
    events.push({
      type: "token.expiring",
      data: {
        tokenId: c.id,
        tokenType: c.tokenType,
        socialIdentityId: c.socialIdentityId,
        expiresAt: c.expiresAt?.toISOString() ?? null,
        daysLeft: c.expiresAt ? Math.max(0, Math.floor((c.expiresAt.getTime() - Date.now()) / 86_400_000)) : null,
        warningDays,
      },
    });
  }
  await emitWebhookEvents(tx, tenantId, events);
  for (const kind of ["revoked", "expired", "invalid", "expiring"] as const) {
    const ids = changes.filter((c) => c.status === kind && (kind !== "expiring" || c.tokenType === "user")).map((c) => c.id);
    if (ids.length > 0) await queueAlert(tx, tenantId, kind, ids);
  }
}
