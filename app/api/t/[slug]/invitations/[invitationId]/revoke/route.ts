import { revokeInvitation } from "@/lib/tenancy/invitations";
import { workspaceRoute } from "@/lib/workspace/route";

/** Withdraw a pending invitation: its link stops working. */
export const POST = workspaceRoute("revokeInvitation", ({ access, params }) => revokeInvitation(access, params.invitationId));
