import { z } from "zod";
import { apiEndpoints, errorSchema, type ApiEndpoint } from "./spec";

/**
 * The OpenAPI 3.1 document of the token API, generated from the same zod schemas the route wrapper parses with
 * (spec.ts): no second source of truth. OpenAPI 3.1 schemas are JSON Schema 2020-12, which is what z.toJSONSchema
 * writes. Served at /api/v1/openapi.json; the typed client (client/api-v1.d.ts) is generated from it.
 */

type Json = Record<string, unknown>;

function schemaOf(type: z.ZodType, io: "input" | "output"): Json {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(type, { io, unrepresentable: "any", reused: "inline" }) as Json;
  return rest;
}

const STATUS_TEXT: Record<number, string> = {
  400: "The body is not JSON.",
  401: "No API key, or a wrong, revoked or expired one.",
  403: "The key lacks the scope, or is limited to some Pages and this endpoint reaches every Page.",
  404: "Not in this workspace (or not among the key's Pages): the same answer as for an id that never existed.",
  409: "The token is known to be revoked, expired or invalid: `code` is token_revoked, token_expired or token_invalid, `reconnect_url` the dashboard page to reconnect.",
  422: "A parameter or body field is not valid; `message` names it.",
  429: "Too many requests with this key. Wait `Retry-After` seconds.",
  502: "Facebook could not be asked (verify: true). Nothing was handed out.",
};

const RATE_HEADERS = {
  "RateLimit-Limit": { description: "Requests allowed per window for this key.", schema: { type: "integer" } },
  "RateLimit-Remaining": { description: "Requests left in this window.", schema: { type: "integer" } },
  "RateLimit-Reset": { description: "Seconds until the window resets.", schema: { type: "integer" } },
};

function parameters(e: ApiEndpoint): Json[] {
  const out: Json[] = [];
  const params = schemaOf(e.params, "input") as { properties?: Record<string, Json> };
  for (const [name, schema] of Object.entries(params.properties ?? {})) {
    const { description, ...s } = schema;
    out.push({ name, in: "path", required: true, description, schema: s });
  }
  const query = schemaOf(e.query, "input") as { properties?: Record<string, Json>; required?: string[] };
  for (const [name, schema] of Object.entries(query.properties ?? {})) {
    const { description, ...s } = schema;
    out.push({ name, in: "query", required: (query.required ?? []).includes(name), description, schema: s });
  }
  return out;
}

function operation(name: string, e: ApiEndpoint): Json {
  const errorRef = { $ref: "#/components/responses/Error" };
  const responses: Json = {
    200: {
      description: "OK",
      headers: RATE_HEADERS,
      content: { "application/json": { schema: schemaOf(e.response, "output") } },
    },
    401: errorRef,
    429: { $ref: "#/components/responses/RateLimited" },
  };
  for (const status of e.errors)
    responses[status] = {
      description: STATUS_TEXT[status],
      content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } },
    };
  if (e.body)
    responses[400] = { description: STATUS_TEXT[400], content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } } };
  return {
    operationId: name,
    summary: e.summary,
    description: `${e.description}\n\nScope: \`${e.scope}\`.`,
    tags: [e.path.includes("identities") ? "Facebook accounts" : "Pages"],
    "x-scope": e.scope,
    parameters: parameters(e),
    ...(e.body ? { requestBody: { required: false, content: { "application/json": { schema: schemaOf(e.body, "input") } } } } : {}),
    responses,
  };
}

export function openApiDocument(): Json {
  const paths: Record<string, Json> = {};
  for (const [name, e] of Object.entries(apiEndpoints) as [string, ApiEndpoint][]) {
    (paths[e.path] ??= {})[e.method] = operation(name, e);
  }
  return {
    openapi: "3.1.0",
    info: {
      title: "Social Tokens API",
      version: "1.0.0",
      description:
        "Hands a workspace's Facebook Page and user tokens to automations holding an API key of that workspace. Every hand-out is recorded in the workspace's audit log with the key's name. Create keys in the dashboard under Settings → API keys.",
    },
    servers: [{ url: "/" }],
    security: [{ apiKey: [] }],
    tags: [{ name: "Pages" }, { name: "Facebook accounts" }],
    paths,
    components: {
      securitySchemes: {
        apiKey: { type: "http", scheme: "bearer", description: "An API key of the workspace: `Authorization: Bearer stk_live_…`." },
      },
      schemas: { Error: schemaOf(errorSchema, "output") },
      responses: {
        Error: { description: STATUS_TEXT[401], content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } } },
        RateLimited: {
          description: STATUS_TEXT[429],
          headers: { ...RATE_HEADERS, "Retry-After": { description: "Seconds to wait.", schema: { type: "integer" } } },
          content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } },
        },
      },
    },
  };
}
