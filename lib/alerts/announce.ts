import "server-only";
import type { Tx } from "../db/tenant-transaction";
import type { TokenStatus, TokenType } from "../db/generated/enums";
import { emitWebhookEvents, type WebhookEvent } from "../webhooks/events";

/**
 * Where token health changes become alerts, inside the same tenant transaction that wrote them: a
 * `token.status_changed` webhook event per change (recoveries included), and the email alert queue for changes a
 * person must act on (revoked, expired, invalid).
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
  await emitWebhookEvents(tx, tenantId, events);
}
