import "server-only";
import { appendAudit } from "../audit/audit-log";
import type { TokenStatus, TokenType } from "../db/generated/enums";
import type { Tx } from "../db/tenant-transaction";
import { decryptToken } from "./encryption";

/**
 * Handing a stored token to an automation (the token API): the only place besides the health check and revoke that
 * decrypts. The caller has already chosen the token under the workspace's RLS context and decided it is usable; this
 * decrypts it and records the hand-out (who: the API key, by name and id) in the same transaction.
 */

export interface HandOutCandidate {
  id: string;
  tokenType: TokenType;
  status: TokenStatus;
  expiresAt: Date | null;
  lastCheckedAt: Date | null;
  scopes: string[];
  ciphertext: Uint8Array;
  keyId: string;
}

export const UNUSABLE_STATUSES: ReadonlySet<TokenStatus> = new Set(["expired", "revoked", "invalid"]);

/** Why a token must not be handed out (null: usable). A token past its expiry is expired whatever its stored status. */
export function unusableReason(
  t: Pick<HandOutCandidate, "status" | "expiresAt">,
  now = new Date(),
): "revoked" | "expired" | "invalid" | null {
  if (t.status === "revoked") return "revoked";
  if (t.status === "expired" || (t.expiresAt && t.expiresAt <= now)) return "expired";
  if (t.status === "invalid") return "invalid";
  return null;
}

export interface HandOutBy {
  apiKeyId: string;
  apiKeyName: string;
  apiKeyPrefix: string;
}

/** Decrypts the token and appends a `token.handed_out` audit event (no token in it). */
export async function handOutToken(tx: Tx, tenantId: string, token: HandOutCandidate, by: HandOutBy): Promise<string> {
  const plaintext = decryptToken(tenantId, { ciphertext: token.ciphertext, keyId: token.keyId });
  await appendAudit(tx, tenantId, null, [
    {
      action: "token.handed_out",
      targetType: "ad_token",
      targetId: token.id,
      details: { via: "api", apiKeyId: by.apiKeyId, apiKeyName: by.apiKeyName, apiKeyPrefix: by.apiKeyPrefix, tokenType: token.tokenType },
    },
  ]);
  return plaintext;
}
