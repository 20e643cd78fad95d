import "server-only";
import type { ExpiryWarning } from "./expiry-warnings";

/**
 * Banner entries for Facebook logins whose user token another login of the same member replaced: their Page tokens
 * still work, but nothing renews them until that login is connected again. Pure: fed from the dashboard's identities.
 */
export function replacedLoginWarnings(
  identities: { id: string; name: string | null; userToken: unknown; pageCount: number; replacedBy: { name: string | null } | null }[],
): ExpiryWarning[] {
  return identities
    .filter((i) => i.userToken === null && i.replacedBy !== null)
    .map((i) => ({
      socialIdentityId: i.id,
      identityName: i.name,
      kind: "user_token_replaced" as const,
      userTokenExpiresAt: null,
      dataAccessExpiresAt: null,
      userTokenAffected: true,
      pageNames: [],
      pagesAffected: i.pageCount,
      replacedByName: i.replacedBy?.name ?? null,
    }));
}
