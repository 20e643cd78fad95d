/** A Page's feed: POST /{page-id}/feed publishes a post (Page token with CREATE_CONTENT or MANAGE), GET lists them. */
import { randomInt } from "node:crypto";
import { requireToken } from "./auth.js";
import type { EmulatorContext } from "./context.js";
import { GraphError } from "./errors.js";
import type { GraphRequest, PageRecord, PostRecord } from "./types.js";

export const FEED_PATH = /^\/([0-9]+)\/feed$/;

const POSTING_TASKS = new Set(["CREATE_CONTENT", "MANAGE"]);
const POSTING_SCOPES = ["pages_manage_posts", "pages_read_engagement"];

/** Facebook's answer when the token may not post to this Page (user token, another Page's token, missing permission). */
const NOT_AS_PAGE =
  "(#200) If posting to a page, requires both pages_read_engagement and pages_manage_posts as an admin with sufficient administrative permission";

function findPage(ctx: EmulatorContext, pageId: string): PageRecord | undefined {
  for (const person of ctx.state.people.values()) {
    const page = person.pages.find((p) => p.id === pageId);
    if (page) return page;
  }
  return undefined;
}

function unknownObject(req: GraphRequest, pageId: string): GraphError {
  const verb = req.method === "GET" ? "get" : "post";
  return new GraphError(
    100,
    `Unsupported ${verb} request. Object with ID '${pageId}' does not exist, cannot be loaded due to missing permissions, ` +
      "or does not support this operation. Please read the Graph API documentation at https://developers.facebook.com/docs/graph-api",
    { subcode: 33 },
  );
}

/** Facebook's created_time: "2026-11-29T03:00:00+0000". */
function createdTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, "+0000");
}

export function handleFeedPost(ctx: EmulatorContext, req: GraphRequest, pageId: string): Record<string, unknown> {
  const rec = requireToken(ctx, req);
  if (!findPage(ctx, pageId)) throw unknownObject(req, pageId);
  if (rec.type !== "PAGE" || rec.pageId !== pageId) throw new GraphError(200, NOT_AS_PAGE);
  // The person's current tasks on the Page (a lost role shows here before the token is revoked).
  const page = ctx.state.findPage(rec.personId, pageId);
  if (!page || !page.tasks.some((t) => POSTING_TASKS.has(t))) throw new GraphError(200, NOT_AS_PAGE);
  if (!POSTING_SCOPES.every((s) => rec.grant.scopes.includes(s))) throw new GraphError(200, NOT_AS_PAGE);
  const message = req.params.get("message");
  const link = req.params.get("link");
  if ((message === undefined || message === "") && (link === undefined || link === "")) {
    throw new GraphError(100, "(#100) Missing message or attachment");
  }
  const post: PostRecord = {
    id: `${pageId}_${randomInt(100_000_000, 999_999_999)}${randomInt(1_000_000, 9_999_999)}`,
    pageId,
    message: message || undefined,
    link: link || undefined,
    personId: rec.personId,
    createdTime: createdTime(ctx.state.nowMs()),
  };
  const list = ctx.state.posts.get(pageId) ?? [];
  list.push(post);
  ctx.state.posts.set(pageId, list);
  return { id: post.id };
}

export function handleFeedGet(ctx: EmulatorContext, req: GraphRequest, pageId: string): Record<string, unknown> {
  const rec = requireToken(ctx, req);
  if (!findPage(ctx, pageId)) throw unknownObject(req, pageId);
  // A Page token of this Page, or a user token of someone who manages it with pages_read_engagement.
  const allowed =
    rec.type === "PAGE"
      ? rec.pageId === pageId
      : ctx.state.findPage(rec.personId, pageId) !== undefined && rec.grant.scopes.includes("pages_read_engagement");
  if (!allowed)
    throw new GraphError(
      10,
      "(#10) This endpoint requires the 'pages_read_engagement' permission or the 'Page Public Content Access' feature",
    );
  const posts = [...(ctx.state.posts.get(pageId) ?? [])].reverse();
  return {
    data: posts.map((p) => ({ id: p.id, created_time: p.createdTime, ...(p.message !== undefined ? { message: p.message } : {}) })),
  };
}
