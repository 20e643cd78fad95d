import { leaveWorkspace } from "@/lib/tenancy/members";
import { workspaceRoute } from "@/lib/workspace/route";

/** Leave this workspace (not as its last owner). */
export const POST = workspaceRoute("leaveWorkspace", ({ access }) => leaveWorkspace(access));
