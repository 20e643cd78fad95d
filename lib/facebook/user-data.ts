import "server-only";
import { z } from "zod";
import type { GraphClient } from "./graph-client";

const meSchema = z.object({
  id: z.string().min(1),
  name: z.string().optional(),
  email: z.string().optional(),
  picture: z
    .object({ data: z.object({ url: z.string() }).partial() })
    .partial()
    .optional(),
});

export interface FacebookProfile {
  id: string;
  name: string | null;
  email: string | null;
  pictureUrl: string | null;
}

export async function fetchProfile(graph: GraphClient, token: string): Promise<FacebookProfile> {
  const { body } = await graph.get("me", { fields: "id,name,email,picture" }, token, meSchema);
  return { id: body.id, name: body.name ?? null, email: body.email ?? null, pictureUrl: body.picture?.data?.url ?? null };
}

const permissionsSchema = z.object({
  data: z.array(z.object({ permission: z.string(), status: z.string() })),
});

export interface Permissions {
  granted: string[];
  declined: string[];
}

export async function fetchPermissions(graph: GraphClient, token: string): Promise<Permissions> {
  const { body } = await graph.get("me/permissions", {}, token, permissionsSchema);
  return {
    granted: body.data.filter((p) => p.status === "granted").map((p) => p.permission),
    declined: body.data.filter((p) => p.status !== "granted").map((p) => p.permission),
  };
}

const pageSchema = z.object({
  id: z.string().min(1),
  name: z.string(),
  access_token: z.string().min(1),
  category: z.string().optional(),
  tasks: z.array(z.string()).optional(),
  picture: z
    .object({ data: z.object({ url: z.string() }).partial() })
    .partial()
    .optional(),
  instagram_business_account: z
    .object({
      id: z.string().min(1),
      username: z.string().optional(),
      name: z.string().optional(),
      profile_picture_url: z.string().optional(),
    })
    .optional(),
});

const accountsSchema = z.object({
  data: z.array(pageSchema),
  paging: z.object({ next: z.string().optional() }).passthrough().optional(),
});

/** The Instagram professional account linked to a Page (read with the Page; calls to it use the Page token). */
export interface LinkedInstagram {
  igUserId: string;
  username: string | null;
  name: string | null;
  pictureUrl: string | null;
}

export interface ManagedPage {
  pageId: string;
  name: string;
  category: string | null;
  pictureUrl: string | null;
  tasks: string[];
  accessToken: string;
  instagram: LinkedInstagram | null;
}

/** Fields read for every Page, in /me/accounts and the business edges alike. */
export const PAGE_FIELDS = "id,name,access_token,category,tasks,picture,instagram_business_account{id,username,name,profile_picture_url}";

/** Every Page the person manages (that they shared with the app), following paging.next to the end. */
export async function fetchAllPages(graph: GraphClient, token: string, opts: { maxPages?: number } = {}): Promise<ManagedPage[]> {
  return fetchPageList(graph, token, "me/accounts", opts);
}

/** Every Page of one Graph list of Pages (/me/accounts, /{business-id}/owned_pages, …), all its pages of results. */
export async function fetchPageList(
  graph: GraphClient,
  token: string,
  path: string,
  opts: { maxPages?: number } = {},
): Promise<ManagedPage[]> {
  const maxRequests = opts.maxPages ?? 200; // 200 × 100 = 20,000 Pages: far beyond any real person; stops a paging loop
  const out: ManagedPage[] = [];
  let res = await graph.get(path, { fields: PAGE_FIELDS, limit: "100" }, token, accountsSchema);
  for (let i = 1; ; i++) {
    for (const p of res.body.data) {
      out.push({
        pageId: p.id,
        name: p.name,
        category: p.category ?? null,
        pictureUrl: p.picture?.data?.url ?? null,
        tasks: p.tasks ?? [],
        accessToken: p.access_token,
        instagram: p.instagram_business_account
          ? {
              igUserId: p.instagram_business_account.id,
              username: p.instagram_business_account.username ?? null,
              name: p.instagram_business_account.name ?? null,
              pictureUrl: p.instagram_business_account.profile_picture_url ?? null,
            }
          : null,
      });
    }
    const next = res.body.paging?.next;
    if (!next || res.body.data.length === 0) break;
    if (i >= maxRequests) throw new Error("Facebook kept returning more Pages than we can store; stopping.");
    res = await graph.getNext(next, token, accountsSchema);
  }
  // A page can appear twice if the list changes while paging; keep the last answer.
  return [...new Map(out.map((p) => [p.pageId, p])).values()];
}

/** Revokes the app for this person on Facebook (DELETE /me/permissions). */
export async function revokeAppPermissions(graph: GraphClient, userToken: string): Promise<void> {
  await graph.delete("me/permissions", userToken, z.object({ success: z.boolean() }));
}
