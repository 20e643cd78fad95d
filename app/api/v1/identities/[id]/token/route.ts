import { apiRoute } from "@/lib/api-v1/route";
import { tokenFor } from "@/lib/api-v1/tokens";

export const POST = apiRoute("identityToken", ({ inWorkspace, params, body, origin }) =>
  tokenFor(inWorkspace, { kind: "user", identityId: params.id }, { verify: body.verify, origin }),
);
