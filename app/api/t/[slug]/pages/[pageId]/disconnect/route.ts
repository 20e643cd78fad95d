import { z } from "zod";
import { disconnectPageAsMember } from "@/lib/connections/manage";
import { isUuid, notFoundResponse, readAction, resultResponse } from "@/lib/connections/http";

/** Disconnect a Page: soft-deletes its tokens and hides it from the list (history stays). */
export async function POST(req: Request, ctx: { params: Promise<{ slug: string; pageId: string }> }) {
  const { slug, pageId } = await ctx.params;
  const input = await readAction(req, z.object({}).strict());
  if (!input.ok) return input.response;
  if (!isUuid(pageId)) return notFoundResponse();
  return resultResponse(await disconnectPageAsMember({ userId: input.user.id, slug, pageId }));
}
