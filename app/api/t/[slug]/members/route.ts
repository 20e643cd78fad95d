import { z } from "zod";
import { addMemberAsOwner } from "@/lib/connections/manage";
import { readAction, resultResponse } from "@/lib/connections/http";

const body = z
  .object({
    email: z.email("Enter the email address the person signs in to Facebook with.").max(320),
    role: z.enum(["owner", "admin", "member"], { error: "Pick a role: owner, admin or member." }),
  })
  .strict();

/** Add an existing person (signed in at least once) to this workspace by email, with a role. Owners only. */
export async function POST(req: Request, ctx: { params: Promise<{ slug: string }> }) {
  const { slug } = await ctx.params;
  const input = await readAction(req, body);
  if (!input.ok) return input.response;
  return resultResponse(await addMemberAsOwner({ userId: input.user.id, slug, email: input.body.email, role: input.body.role }));
}
