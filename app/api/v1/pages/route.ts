import { apiRoute } from "@/lib/api-v1/route";
import { listPages } from "@/lib/api-v1/pages";

export const GET = apiRoute("listPages", ({ caller, query }) => listPages(caller, query));
