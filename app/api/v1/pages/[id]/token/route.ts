import { apiRoute } from "@/lib/api-v1/route";
import { tokenFor } from "@/lib/api-v1/tokens";

export const POST = apiRoute("pageToken", ({ inWorkspace, params, body, origin }) =>
  tokenFor(inWorkspace, { kind: "page", ref: params.id }, { verify: body.verify, origin }),
);
