import { disconnectIdentityAsMember } from "@/lib/workspace/manage";
import { workspaceRoute } from "@/lib/workspace/route";

/** Disconnect a Facebook identity (all its tokens); optionally revoke the app's permissions on Facebook too. */
export const POST = workspaceRoute("disconnectIdentity", ({ access, params, body }) =>
  disconnectIdentityAsMember(access, { identityId: params.identityId, revokeOnFacebook: body.revokeOnFacebook }),
);
