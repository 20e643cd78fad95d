import { deleteEndpoint } from "@/lib/webhooks/endpoints";
import { workspaceRoute } from "@/lib/workspace/route";

/** Deletes (soft) an endpoint: nothing more is sent to it. */
export const POST = workspaceRoute("deleteWebhookEndpoint", ({ access, params }) => deleteEndpoint(access, params.endpointId));
