import { apiRoute } from "@/lib/api-v1/route";
import { getPage } from "@/lib/api-v1/pages";

export const GET = apiRoute("getPage", ({ caller, params }) => getPage(caller, params.id));
