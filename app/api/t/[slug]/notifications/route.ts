import { setMyEmailMode } from "@/lib/alerts/alert-email";
import { workspaceRoute } from "@/lib/workspace/route";

/** The signed-in member's own alert email choice for this workspace: immediate, daily digest or off. */
export const POST = workspaceRoute("setNotificationMode", ({ access, body }) => setMyEmailMode(access, body.mode));
