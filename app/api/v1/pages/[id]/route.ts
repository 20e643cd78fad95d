import { apiRoute } from "@/lib/api-v1/route";
import { getPage } from "@/lib/api-v1/pages";

export const GET = apiRoute("getPage", ({ inWorkspace, params }) => inWorkspace((tx, caller) => getPage(tx, caller, params.id)));
