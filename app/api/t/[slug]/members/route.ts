import { addMember } from "@/lib/tenancy/members";
import { workspaceRoute } from "@/lib/workspace/route";

/** Add an existing person (signed in at least once) to this workspace by email, with a role. Owners only. */
export const POST = workspaceRoute("addMember", ({ access, body }) => addMember(access, body));
