import { disconnectIdentityAsMember } from "@/lib/workspace/manage";
import { workspaceRoute } from "@/lib/workspace/route";

/** Disconnect a Facebook or TikTok identity (all its tokens); optionally revoke the app's access at that platform too. */
export const POST = workspaceRoute("disconnectIdentity", ({ access, params, body }) =>
  disconnectIdentityAsMember(access, { identityId: params.identityId, revokeAtPlatform: body.revokeAtPlatform }),
);
