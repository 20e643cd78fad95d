import { createTenant } from "@/lib/tenancy/tenants";
import { ok } from "@/lib/http/result";
import { workspaceRoute } from "@/lib/workspace/route";

/** Create a workspace: the signed-in person becomes its owner. Answers its slug. */
export const POST = workspaceRoute("createWorkspace", async ({ user, body }) => {
  const { slug, name } = await createTenant(user.id, body.name);
  return ok({ slug, name });
});
