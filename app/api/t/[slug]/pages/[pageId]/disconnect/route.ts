import { disconnectPageAsMember } from "@/lib/workspace/manage";
import { workspaceRoute } from "@/lib/workspace/route";

/** Disconnect a Page: soft-deletes its tokens and hides it from the list (history stays). */
export const POST = workspaceRoute("disconnectPage", ({ access, params }) => disconnectPageAsMember(access, params.pageId));
