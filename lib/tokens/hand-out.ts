import "server-only";
import { Prisma } from "../db/generated/client";
import type { TokenStatus } from "../db/generated/enums";
import type { Tx } from "../db/tenant-transaction";
import { decryptToken } from "./encryption";

/**
 * Handing a stored token to an automation (the token API): the only place besides the health check and revoke that
 * decrypts. One statement chooses the token (the caller's query, under the workspace's RLS context), decides whether
 * it may be handed out, and, only if so, appends the `token.handed_out` audit event (who: the API key, by name and
 * id; never the token); then the token is decrypted. A decryption failure throws, so the transaction rolls the audit
 * row back with it.
 */

export const UNUSABLE_STATUSES: ReadonlySet<TokenStatus> = new Set(["expired", "revoked", "invalid"]);

/** Why a token is not handed out. A token past its expiry is expired whatever its stored status. */
export type UnusableReason = "revoked" | "expired" | "invalid";

export interface HandOutBy {
  apiKeyId: string;
  apiKeyName: string;
  apiKeyPrefix: string;
}

/** What the choosing query must return (at least), one row at most. */
export interface ChosenToken {
  id: string;
  token_type: string;
  status: TokenStatus;
  expires_at: Date | null;
  ciphertext: Uint8Array;
  key_id: string;
}

export type HandOut<R extends ChosenToken> =
  | { found: false }
  | { found: true; row: R; unusable: UnusableReason; token: null }
  | { found: true; row: R; unusable: null; token: string };

/**
 * Runs `choose` (one row at most, with ChosenToken's columns) and, in the same statement, records the hand-out when
 * the token is usable (the rule: revoked, then expired or past expires_at by the database's clock, then invalid);
 * then decrypts it.
 */
export async function handOutToken<R extends ChosenToken>(
  tx: Tx,
  tenantId: string,
  choose: Prisma.Sql,
  by: HandOutBy,
): Promise<HandOut<R>> {
  const [row] = await tx.$queryRaw<(R & { unusable: UnusableReason | null })[]>`
    WITH chosen AS MATERIALIZED (${choose}),
    judged AS (
      SELECT c.*, CASE WHEN c.status = 'revoked' THEN 'revoked'
                       WHEN c.status = 'expired' OR c.expires_at <= now() THEN 'expired'
                       WHEN c.status = 'invalid' THEN 'invalid' END AS unusable
        FROM chosen c),
    recorded AS (
      INSERT INTO audit_events (tenant_id, actor_user_id, action, target_type, target_id, details)
      SELECT ${tenantId}::uuid, NULL, 'token.handed_out', 'ad_token', j.id::text,
             jsonb_build_object('via', 'api', 'apiKeyId', ${by.apiKeyId}::text, 'apiKeyName', ${by.apiKeyName}::text,
                                'apiKeyPrefix', ${by.apiKeyPrefix}::text, 'tokenType', j.token_type::text)
        FROM judged j WHERE j.unusable IS NULL)
    SELECT * FROM judged`;
  if (!row) return { found: false };
  if (row.unusable) return { found: true, row, unusable: row.unusable, token: null };
  return { found: true, row, unusable: null, token: decryptToken(tenantId, { ciphertext: row.ciphertext, keyId: row.key_id }) };
}
