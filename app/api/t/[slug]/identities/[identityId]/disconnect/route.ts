import { z } from "zod";
import { disconnectIdentityAsMember } from "@/lib/connections/manage";
import { isUuid, notFoundResponse, readAction, resultResponse } from "@/lib/connections/http";

const body = z.object({ revokeOnFacebook: z.boolean().default(false) }).strict();

/** Disconnect a Facebook identity (all its tokens); optionally revoke the app's permissions on Facebook too. */
export async function POST(req: Request, ctx: { params: Promise<{ slug: string; identityId: string }> }) {
  const { slug, identityId } = await ctx.params;
  const input = await readAction(req, body);
  if (!input.ok) return input.response;
  if (!isUuid(identityId)) return notFoundResponse();
  return resultResponse(await disconnectIdentityAsMember({ userId: input.user.id, slug, identityId, revokeOnFacebook: input.body.revokeOnFacebook }));
}
