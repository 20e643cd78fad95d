import { removeMember } from "@/lib/tenancy/members";
import { workspaceRoute } from "@/lib/workspace/route";

/** Remove a member, keeping or disconnecting the Facebook accounts they connected. */
export const POST = workspaceRoute("removeMember", ({ access, params, body }) =>
  removeMember(access, { membershipId: params.membershipId, connections: body.connections }),
);
