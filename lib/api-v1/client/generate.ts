import openapiTS, { astToString } from "openapi-typescript";
import { openApiDocument } from "../openapi";

/** The typed client's schema file, generated from the OpenAPI document (scripts/generate-api-client.ts writes it). */
export const SCHEMA_FILE = "lib/api-v1/client/schema.ts";

export async function generateClientSchema(): Promise<string> {
  const ast = await openapiTS(openApiDocument() as unknown as Parameters<typeof openapiTS>[0]);
  return "// Generated from the token API's OpenAPI document by `npm run api:client`. Do not edit by hand.\n" + astToString(ast);
}
