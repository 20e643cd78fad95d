import "server-only";
import type { Tx } from "../db/tenant-transaction";
import type { ManagedPage } from "../facebook/user-data";

export interface SavedInstagram {
  /** Instagram accounts linked to the connected Pages now. */
  linked: number;
  /** Accounts that were linked to one of these Pages before and no longer are (soft-deleted: hidden, history kept). */
  unlinked: number;
}

/**
 * Writes the Instagram professional accounts linked to the Pages of one connect, inside the connect's tenant
 * transaction, in two statements: upsert the linked ones under their Page (reviving a soft-deleted row, following an
 * account that moved to another Page), then hide the accounts of these Pages that Facebook no longer links.
 * Calls to an Instagram account use its Page's token: nothing secret is stored here.
 */
export async function saveInstagramAccounts(
  tx: Tx,
  tenantId: string,
  pages: ManagedPage[],
  pageUuidByFbId: Map<string, string>,
): Promise<SavedInstagram> {
  const linked = pages.flatMap((p) => {
    const pageUuid = pageUuidByFbId.get(p.pageId);
    return p.instagram && pageUuid
      ? [
          {
            page: pageUuid,
            ig: p.instagram.igUserId,
            username: p.instagram.username,
            name: p.instagram.name,
            picture: p.instagram.pictureUrl,
          },
        ]
      : [];
  });
  if (linked.length) {
    await tx.$executeRaw`
      INSERT INTO instagram_accounts (tenant_id, facebook_page_id, ig_user_id, username, name, picture_url)
      SELECT ${tenantId}::uuid, r.page, r.ig, r.username, r.name, r.picture
      FROM jsonb_to_recordset(${JSON.stringify(linked)}::jsonb) AS r(page uuid, ig text, username text, name text, picture text)
      ON CONFLICT (tenant_id, ig_user_id) DO UPDATE
        SET facebook_page_id = EXCLUDED.facebook_page_id, username = EXCLUDED.username, name = EXCLUDED.name,
            picture_url = EXCLUDED.picture_url, deleted_at = NULL, updated_at = now()`;
  }
  const unlinked = await tx.$executeRaw`
    UPDATE instagram_accounts SET deleted_at = now(), updated_at = now()
    WHERE deleted_at IS NULL AND facebook_page_id = ANY(${[...pageUuidByFbId.values()]}::uuid[])
      AND NOT (ig_user_id = ANY(${linked.map((l) => l.ig)}::text[]))`;
  return { linked: linked.length, unlinked };
}
