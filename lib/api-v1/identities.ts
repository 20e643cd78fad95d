import "server-only";
import type { Tx } from "../db/tenant-transaction";
import { fail, ok, type Result } from "../http/result";
import type { ApiCaller } from "../api-keys/authenticate";
import { BEST_TOKEN_ORDER } from "./pages";
import type { ApiResponse } from "./spec";

interface IdentityRow {
  id: string;
  platform: "facebook" | "tiktok";
  facebook_user_id: string;
  name: string | null;
  scopes: string[];
  token_status: ApiResponse<"listIdentities">["data"][number]["token_status"];
  token_expires_at: Date | null;
  token_checked_at: Date | null;
}

const iso = (d: Date | null) => (d ? d.toISOString() : null);

/** The workspace's connected Facebook and TikTok accounts with their best user token: one statement. */
export async function listIdentities(tx: Tx, caller: ApiCaller): Promise<Result<ApiResponse<"listIdentities">>> {
  if (caller.pageIds.length > 0) {
    return fail({
      code: "forbidden",
      message:
        "This API key is limited to some Pages; Facebook accounts reach every Page of their person. Use a key without a Page restriction.",
    });
  }
  const rows = await tx.$queryRaw<IdentityRow[]>`
      SELECT s.id, s.platform::text AS platform, s.external_user_id AS facebook_user_id, s.name, s.granted_scopes AS scopes,
             bt.status::text AS token_status, bt.expires_at AS token_expires_at, bt.last_checked_at AS token_checked_at
        FROM social_identities s
        LEFT JOIN LATERAL (
          SELECT t.status, t.expires_at, t.last_checked_at FROM ad_tokens t
           WHERE t.social_identity_id = s.id AND t.deleted_at IS NULL AND t.token_type = 'user'
           ORDER BY ${BEST_TOKEN_ORDER} LIMIT 1) bt ON TRUE
       WHERE s.deleted_at IS NULL
       ORDER BY s.created_at, s.id`;
  return ok({
    data: rows.map((r) => ({ ...r, token_expires_at: iso(r.token_expires_at), token_checked_at: iso(r.token_checked_at) })),
  });
}
