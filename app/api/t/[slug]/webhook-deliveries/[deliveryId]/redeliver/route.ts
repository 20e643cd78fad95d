import { redeliver } from "@/lib/webhooks/endpoints";
import { workspaceRoute } from "@/lib/workspace/route";

/** Sends a past delivery's message again (same webhook-id) as a new delivery. */
export const POST = workspaceRoute("redeliverWebhook", ({ access, params }) => redeliver(access, params.deliveryId));
