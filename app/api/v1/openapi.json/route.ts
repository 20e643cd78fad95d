import { openApiDocument } from "@/lib/api-v1/openapi";
import { jsonResponse } from "@/lib/http/respond";

export function GET(): Response {
  return jsonResponse(openApiDocument());
}
