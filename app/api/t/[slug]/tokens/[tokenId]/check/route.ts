import { checkTokenNow } from "@/lib/workspace/manage";
import { workspaceRoute } from "@/lib/workspace/route";

/** Check now: debug_token for one token of this workspace; answers its new status. */
export const POST = workspaceRoute("checkToken", ({ access, params }) => checkTokenNow(access, params.tokenId));
