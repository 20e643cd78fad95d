import "server-only";
import { z } from "zod";
import type { GraphClient } from "./graph-client";
import { fetchPageList, type ManagedPage } from "./user-data";

/**
 * Business-portfolio Pages. Since Graph v17 a Page a person reaches only through a Business Manager portfolio may be
 * missing from /me/accounts, so we also walk /me/businesses → /{business-id}/owned_pages and /client_pages (same
 * fields: page token, tasks, Instagram), every page of each list. Needs `business_management`; without it there is
 * nothing to walk.
 */

const businessesSchema = z.object({
  data: z.array(z.object({ id: z.string().min(1), name: z.string().optional() })),
  paging: z.object({ next: z.string().optional() }).passthrough().optional(),
});

export interface Business {
  id: string;
  name: string | null;
}

/** Every business the person belongs to, following paging.next. */
export async function fetchBusinesses(graph: GraphClient, token: string, maxRequests = 50): Promise<Business[]> {
  const out: Business[] = [];
  let res = await graph.get("me/businesses", { fields: "id,name", limit: "100" }, token, businessesSchema);
  for (let i = 1; ; i++) {
    out.push(...res.body.data.map((b) => ({ id: b.id, name: b.name ?? null })));
    const next = res.body.paging?.next;
    if (!next || res.body.data.length === 0) break;
    if (i >= maxRequests) throw new Error("Facebook kept returning more businesses than we can read; stopping.");
    res = await graph.getNext(next, token, businessesSchema);
  }
  return out;
}

/** The Pages of every business the person belongs to (owned, then client), not yet de-duplicated. */
export async function fetchBusinessPages(graph: GraphClient, token: string): Promise<ManagedPage[]> {
  const businesses = await fetchBusinesses(graph, token);
  const out: ManagedPage[] = [];
  for (const b of businesses) {
    out.push(...(await fetchPageList(graph, token, `${encodeURIComponent(b.id)}/owned_pages`)));
    out.push(...(await fetchPageList(graph, token, `${encodeURIComponent(b.id)}/client_pages`)));
  }
  return out;
}

/**
 * One entry per Page id. /me/accounts comes first and wins: a direct role's tasks and token are the person's own;
 * a business Page adds only Pages not already there.
 */
export function mergePagesById(direct: ManagedPage[], viaBusiness: ManagedPage[]): ManagedPage[] {
  const byId = new Map<string, ManagedPage>();
  for (const p of direct) byId.set(p.pageId, p);
  for (const p of viaBusiness) if (!byId.has(p.pageId)) byId.set(p.pageId, p);
  return [...byId.values()];
}
