import { changeMemberRole } from "@/lib/tenancy/members";
import { workspaceRoute } from "@/lib/workspace/route";

/** Change a member's role (never the last owner's). */
export const POST = workspaceRoute("changeMemberRole", ({ access, params, body }) =>
  changeMemberRole(access, { membershipId: params.membershipId, role: body.role }),
);
