import { apiRoute } from "@/lib/api-v1/route";
import { listIdentities } from "@/lib/api-v1/identities";

export const GET = apiRoute("listIdentities", ({ inWorkspace }) => inWorkspace((tx, caller) => listIdentities(tx, caller)));
