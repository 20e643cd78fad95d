import "server-only";
import type { TokenStatus, TokenType } from "../db/generated/enums";
import { logger } from "../log/logger";
import { TOKEN_STATUSES } from "../tokens/statuses";

/**
 * The seam for telling people about tokens that need attention (email, Slack, …). The sweep calls it after each
 * batch of results is written, with the tokens whose status just changed to one a person should act on.
 * Implementations must not throw for delivery problems they can retry themselves; a throw is logged and ignored
 * (the sweep's results are already saved).
 */
export interface TokenAttention {
  tenantId: string;
  tokenId: string;
  tokenType: TokenType;
  socialIdentityId: string;
  from: TokenStatus;
  to: Extract<TokenStatus, "expiring" | "expired" | "revoked" | "invalid">;
  expiresAt: Date | null;
}

export interface ExpiryNotifier {
  tokensNeedAttention(changes: readonly TokenAttention[]): Promise<void>;
}

/** Statuses a person must act on (or soon): every status but "active" and "unchecked". */
export const ATTENTION_STATUSES: ReadonlySet<TokenStatus> = new Set<TokenStatus>(
  TOKEN_STATUSES.filter((s) => s !== "active" && s !== "unchecked"),
);

/** Default: one structured log line per tenant (ids and counts only; no names, no tokens). No email is sent. */
export const logExpiryNotifier: ExpiryNotifier = {
  async tokensNeedAttention(changes) {
    const byTenant = new Map<string, TokenAttention[]>();
    for (const c of changes) byTenant.set(c.tenantId, [...(byTenant.get(c.tenantId) ?? []), c]);
    for (const [tenantId, list] of byTenant) {
      const counts: Record<string, number> = {};
      for (const c of list) counts[c.to] = (counts[c.to] ?? 0) + 1;
      logger.info("health.tokens_need_attention", {
        tenantId,
        counts,
        identities: [...new Set(list.map((c) => c.socialIdentityId))].slice(0, 20),
      });
    }
  },
};

/** For callers that want nothing at all. */
export const noopExpiryNotifier: ExpiryNotifier = {
  async tokensNeedAttention() {},
};
