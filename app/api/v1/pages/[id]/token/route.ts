import { apiRoute } from "@/lib/api-v1/route";
import { tokenFor } from "@/lib/api-v1/tokens";

export const POST = apiRoute("pageToken", ({ caller, params, body, dashboardUrl }) =>
  tokenFor(caller, { kind: "page", ref: params.id }, { verify: body.verify, dashboardUrl }),
);
