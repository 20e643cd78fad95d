import { z } from "zod";
import { checkTokenNow } from "@/lib/connections/manage";
import { isUuid, notFoundResponse, readAction, resultResponse } from "@/lib/connections/http";

/** Check now: debug_token for one token of this workspace; answers its new status. */
export async function POST(req: Request, ctx: { params: Promise<{ slug: string; tokenId: string }> }) {
  const { slug, tokenId } = await ctx.params;
  const input = await readAction(req, z.object({}).strict());
  if (!input.ok) return input.response;
  if (!isUuid(tokenId)) return notFoundResponse();
  return resultResponse(await checkTokenNow({ userId: input.user.id, slug, tokenId }));
}
