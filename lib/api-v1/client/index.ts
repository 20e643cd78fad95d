import createClient from "openapi-fetch";
import type { paths } from "./schema";

/**
 * The token API's typed client for automations (openapi-fetch over the generated schema): paths, parameters, bodies
 * and answers are checked by TypeScript.
 *
 *   const api = tokenApiClient({ baseUrl: "https://app.example.com", apiKey: "<the API key>" });
 *   const { data, error } = await api.POST("/api/v1/pages/{id}/token", { params: { path: { id } }, body: {} });
 */
export function tokenApiClient(opts: { baseUrl: string; apiKey: string; fetch?: typeof fetch }) {
  return createClient<paths>({
    baseUrl: opts.baseUrl,
    headers: { Authorization: `Bearer ${opts.apiKey}` },
    fetch: opts.fetch,
  });
}

export type TokenApiClient = ReturnType<typeof tokenApiClient>;
export type { paths, components } from "./schema";
