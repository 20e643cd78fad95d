import { apiRoute } from "@/lib/api-v1/route";
import { listPages } from "@/lib/api-v1/pages";

export const GET = apiRoute("listPages", ({ inWorkspace, query }) => inWorkspace((tx, caller) => listPages(tx, caller, query)));
