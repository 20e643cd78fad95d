import { updateEndpoint } from "@/lib/webhooks/endpoints";
import { workspaceRoute } from "@/lib/workspace/route";

/** Changes an endpoint's URL, description, event types, or enables/disables it. */
export const POST = workspaceRoute("updateWebhookEndpoint", ({ access, params, body }) => updateEndpoint(access, params.endpointId, body));
