import { createWorkspaceFor } from "@/lib/tenancy/tenants";
import { ok } from "@/lib/http/result";
import { workspaceRoute } from "@/lib/workspace/route";

/** Create a workspace: the signed-in person becomes its owner. Answers its slug. */
export const POST = workspaceRoute("createWorkspace", async ({ user, body }) => {
  const created = await createWorkspaceFor(user.id, body.name);
  return created.ok ? ok({ slug: created.value.slug, name: created.value.name }) : created;
});
