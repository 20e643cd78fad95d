import { resendInvitation } from "@/lib/tenancy/invitations";
import { appOrigin } from "@/lib/workspace/app-origin";
import { workspaceRoute } from "@/lib/workspace/route";

/** Send a pending invitation again, with a new link. */
export const POST = workspaceRoute("resendInvitation", ({ req, access, params }) =>
  resendInvitation(access, { invitationId: params.invitationId, origin: appOrigin(req) }),
);
