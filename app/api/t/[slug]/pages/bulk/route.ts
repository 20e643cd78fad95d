import { bulkPages } from "@/lib/workspace/bulk-pages";
import { workspaceRoute } from "@/lib/workspace/route";

/** Bulk "check now" or "disconnect" for the chosen Pages, or every Page matching the list's filter. */
export const POST = workspaceRoute("bulkPages", ({ access, body }) => bulkPages(access, body));
