import { z } from "zod";
import { createWorkspace } from "@/lib/connections/manage";
import { readAction, resultResponse } from "@/lib/connections/http";

const body = z.object({
  name: z.string().trim().min(1, "Give the workspace a name.").max(80, "Keep the name under 80 characters."),
});

/** Create a workspace: the signed-in person becomes its owner. Answers its slug. */
export async function POST(req: Request) {
  const input = await readAction(req, body);
  if (!input.ok) return input.response;
  const res = await createWorkspace({ userId: input.user.id, name: input.body.name });
  return resultResponse(res.ok ? { ok: true, value: { slug: res.value.slug, name: res.value.name } } : res);
}
