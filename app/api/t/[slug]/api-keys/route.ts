import { workspaceRoute } from "@/lib/workspace/route";
import { createApiKey } from "@/lib/api-keys/manage-keys";

export const POST = workspaceRoute("createApiKey", ({ access, body }) => createApiKey(access, body));
