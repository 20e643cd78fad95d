import "server-only";
import { Prisma } from "../db/generated/client";
import type { TokenStatus, TokenType } from "../db/generated/enums";
import { checkTokensNow } from "../health/check-tokens-now";
import { fail, NOT_FOUND } from "../http/result";
import { logger } from "../log/logger";
import type { ApiCaller } from "../api-keys/authenticate";
import { handOutToken, UNUSABLE_STATUSES } from "../tokens/hand-out";
import { refreshTikTokToken } from "../tiktok/refresh";
import { allowedPages, BEST_TOKEN_ORDER, pageRefSql } from "./pages";
import type { ApiResult, InWorkspace } from "./route";
import type { TokenView } from "./spec";

/**
 * POST /api/v1/pages/{id}/token and /identities/{id}/token. The token is chosen under the workspace's RLS context
 * (and the key's Page restriction), checked first with debug_token when asked (`verify`, through lib/health, which
 * stores the result), refused with 409 when known to be dead, else decrypted and handed out with an audit event in
 * the same transaction: one statement chooses and records (lib/tokens/hand-out.ts).
 */

interface CandidateRow {
  id: string;
  token_type: TokenType;
  status: TokenStatus;
  expires_at: Date | null;
  last_checked_at: Date | null;
  scopes: string[];
  ciphertext: Uint8Array;
  key_id: string;
  facebook_page_id: string | null;
  facebook_user_id: string;
  tasks: string[];
  platform: "facebook" | "tiktok";
}

type Target = { kind: "page"; ref: string } | { kind: "user"; identityId: string };

function candidateQuery(caller: ApiCaller, target: Target): Prisma.Sql {
  if (target.kind === "page") {
    return Prisma.sql`
      SELECT t.id, t.token_type, t.status, t.expires_at, t.last_checked_at, t.scopes, t.ciphertext, t.key_id, t.platform,
             p.page_id AS facebook_page_id, s.external_user_id AS facebook_user_id, p.tasks
        FROM facebook_pages p
        JOIN ad_tokens t ON t.facebook_page_id = p.id AND t.deleted_at IS NULL AND t.token_type = 'page'
        JOIN social_identities s ON s.id = t.social_identity_id
       WHERE p.deleted_at IS NULL AND ${allowedPages(caller)} AND ${pageRefSql(target.ref)}
       ORDER BY ${BEST_TOKEN_ORDER} LIMIT 1`;
  }
  return Prisma.sql`
    SELECT t.id, t.token_type, t.status, t.expires_at, t.last_checked_at, t.scopes, t.ciphertext, t.key_id, t.platform,
           NULL::text AS facebook_page_id, s.external_user_id AS facebook_user_id, ARRAY[]::text[] AS tasks
      FROM social_identities s
      JOIN ad_tokens t ON t.social_identity_id = s.id AND t.deleted_at IS NULL AND t.token_type = 'user'
     WHERE s.deleted_at IS NULL AND s.id = ${target.identityId}::uuid
     ORDER BY ${BEST_TOKEN_ORDER} LIMIT 1`;
}

const REASON_WORDS = {
  revoked: "Facebook revoked this token (the person removed the app, changed their password or lost their role).",
  expired: "This token has expired.",
  invalid: "Facebook no longer accepts this token.",
} as const;

const TIKTOK_REASON_WORDS = {
  revoked: "TikTok refused this connection's refresh token (the person revoked the app, or it was spent elsewhere).",
  expired: "This TikTok connection expired (its refresh token's lifetime ended).",
  invalid: "TikTok no longer accepts this token.",
} as const;

const NOT_VERIFIED = {
  code: "facebook" as const,
  message: "Facebook could not be asked about this token right now (verify: true). Nothing was handed out; try again in a minute.",
};

const TIKTOK_NOT_RENEWED = {
  code: "facebook" as const,
  message: "TikTok could not be reached to renew this connection's access token. Nothing was handed out; try again in a minute.",
};

const RESTRICTED_USER_TOKENS =
  "This API key is limited to some Pages; a user token reaches every Page of its person. Use a key without a Page restriction.";

export async function tokenFor(
  inWorkspace: InWorkspace,
  target: Target,
  opts: { verify: boolean; origin: string },
): Promise<ApiResult<TokenView>> {
  // A TikTok access token lives about 2 hours: renew it first when it is about to expire (the refresh job's own
  // function, under its per-connection lock, so the rotating refresh token is never spent twice).
  // Page tokens are Facebook's: only a user-token hand-out looks (one more short transaction) for a TikTok pair.
  const tiktok =
    target.kind !== "user"
      ? null
      : await inWorkspace(async (tx, caller) => {
          if (caller.pageIds.length > 0) return null;
          const [row] = await tx.$queryRaw<Pick<CandidateRow, "id" | "platform">[]>(candidateQuery(caller, target));
          return row?.platform === "tiktok" ? { tenantId: caller.tenantId, id: row.id } : null;
        });
  if (tiktok) {
    try {
      await refreshTikTokToken(tiktok.tenantId, tiktok.id);
    } catch (err) {
      logger.error("api.tiktok_refresh.failed", { tenantId: tiktok.tenantId, tokenId: tiktok.id, error: err });
      return fail(TIKTOK_NOT_RENEWED);
    }
  } else if (opts.verify) {
    const chosen = await inWorkspace(async (tx, caller) => {
      if (target.kind === "user" && caller.pageIds.length > 0) return null;
      const [row] = await tx.$queryRaw<Pick<CandidateRow, "id">[]>(candidateQuery(caller, target));
      return { tenantId: caller.tenantId, id: row?.id ?? null };
    });
    if (chosen?.id) {
      let checked: Awaited<ReturnType<typeof checkTokensNow>>[number] | undefined;
      try {
        [checked] = await checkTokensNow({ tenantId: chosen.tenantId, actorUserId: null, tokenIds: [chosen.id] });
      } catch (err) {
        logger.error("api.verify.failed", { tenantId: chosen.tenantId, tokenId: chosen.id, error: err });
        return fail(NOT_VERIFIED);
      }
      // A usable status with an error means Facebook was not asked (outage, rate limit): verify was not done.
      if (checked && !UNUSABLE_STATUSES.has(checked.status) && checked.lastError !== null) return fail(NOT_VERIFIED);
    }
  }

  // One transaction: the key re-read (in inWorkspace's first statement), one statement to choose the token and record
  // the hand-out.
  return inWorkspace(async (tx, caller): Promise<ApiResult<TokenView>> => {
    if (target.kind === "user" && caller.pageIds.length > 0) return fail({ code: "forbidden", message: RESTRICTED_USER_TOKENS });
    const out = await handOutToken<CandidateRow>(tx, caller.tenantId, candidateQuery(caller, target), {
      apiKeyId: caller.keyId,
      apiKeyName: caller.name,
      apiKeyPrefix: caller.prefix,
    });
    if (!out.found) return fail(NOT_FOUND);
    const { row } = out;
    if (out.unusable) {
      const reason = out.unusable;
      const dashboardUrl = `${opts.origin}/t/${encodeURIComponent(caller.slug)}`;
      return {
        ok: false,
        refusal: {
          status: 409,
          code: `token_${reason}`,
          message: `${(row.platform === "tiktok" ? TIKTOK_REASON_WORDS : REASON_WORDS)[reason]} It is not handed out. A member reconnects ${row.platform === "tiktok" ? "TikTok" : "Facebook"} on the dashboard: ${dashboardUrl}`,
          extra: { reconnect_url: dashboardUrl },
        },
      };
    }
    return {
      ok: true,
      value: {
        token: out.token,
        token_type: row.token_type,
        platform: row.platform,
        expires_at: row.expires_at ? row.expires_at.toISOString() : null,
        tasks: row.tasks,
        scopes: row.scopes,
        status: row.status,
        checked_at: row.last_checked_at ? row.last_checked_at.toISOString() : null,
        facebook_page_id: row.facebook_page_id,
        facebook_user_id: row.facebook_user_id,
      },
    };
  });
}
