import { sendTestEvent } from "@/lib/webhooks/endpoints";
import { workspaceRoute } from "@/lib/workspace/route";

/** Queues a signed webhook.test event to this endpoint. */
export const POST = workspaceRoute("testWebhookEndpoint", ({ access, params }) => sendTestEvent(access, params.endpointId));
