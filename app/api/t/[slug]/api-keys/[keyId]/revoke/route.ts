import { workspaceRoute } from "@/lib/workspace/route";
import { revokeApiKey } from "@/lib/api-keys/manage-keys";

export const POST = workspaceRoute("revokeApiKey", ({ access, params }) => revokeApiKey(access, params.keyId));
