import { createEndpoint } from "@/lib/webhooks/endpoints";
import { workspaceRoute } from "@/lib/workspace/route";

/** Adds a webhook endpoint; the answer carries its signing secret, the only time it is shown. */
export const POST = workspaceRoute("createWebhookEndpoint", ({ access, body }) => createEndpoint(access, body));
