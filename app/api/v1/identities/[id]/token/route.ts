import { apiRoute } from "@/lib/api-v1/route";
import { tokenFor } from "@/lib/api-v1/tokens";

export const POST = apiRoute("identityToken", ({ caller, params, body, dashboardUrl }) =>
  tokenFor(caller, { kind: "user", identityId: params.id }, { verify: body.verify, dashboardUrl }),
);
