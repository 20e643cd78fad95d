import { z } from "zod";
import { isUuid } from "../db/uuid";
import type { ApiScope } from "../api-keys/scopes";
import { TOKEN_STATUSES } from "../tokens/statuses";
import { CAPABILITIES } from "../tokens/capabilities";

/**
 * The token API (/api/v1), one entry per endpoint: method, path, the scope it needs, its path parameters, query,
 * body and answer, and the error statuses it can give. The route wrapper (route.ts) parses with these schemas and
 * the OpenAPI document (openapi.ts) is generated from them: there is no second description of the API.
 * Field names are snake_case, times are ISO 8601 strings, ids are strings.
 */

const iso = z.iso.datetime({ offset: true });

export { TOKEN_STATUSES };
export const tokenStatus = z
  .enum(TOKEN_STATUSES)
  .describe(
    "Token health: `active`, `expiring` (expires soon), `unchecked` (not checked yet) and `data_access_expiring` (the person's 90-day data access lapses soon) are usable; `expired`, `revoked`, `invalid` are not, and `data_access_expired` reads nothing until the person re-approves the app on Facebook.",
  );

/** A Page named by our id (UUID) or by Facebook's page id (digits); anything else names nothing (404). */
export const pageRef = z
  .string()
  .refine((s) => isUuid(s) || /^[0-9]{1,40}$/.test(s))
  .describe("Our Page id (UUID) or Facebook's page id (digits).");
const identityRef = z
  .string()
  .refine((s) => isUuid(s))
  .describe("Our identity id (UUID), from GET /api/v1/identities.");

const instagramSchema = z
  .object({
    ig_user_id: z.string().describe("The Instagram professional account's id (instagram_business_account.id)."),
    username: z.string().nullable(),
    name: z.string().nullable(),
    picture_url: z.string().nullable(),
  })
  .describe("The Instagram professional account linked to the Page. Calls to it use the Page's token.");

const capabilitySchema = z.object({
  capability: z.enum(CAPABILITIES),
  can: z.boolean(),
  reason: z
    .string()
    .nullable()
    .describe('Why not, when it cannot: "no CREATE_CONTENT task on this Page", "pages_manage_posts was declined", "token revoked".'),
});

const identitySummary = z
  .object({ id: z.string(), name: z.string().nullable() })
  .describe("The Facebook account whose Page token this is (the person who connected the Page).");

export const pageSchema = z
  .object({
    id: z.string().describe("Our id of the Page."),
    facebook_page_id: z.string(),
    name: z.string(),
    category: z.string().nullable(),
    tasks: z.array(z.string()).describe("The connecting person's tasks on the Page (MANAGE, CREATE_CONTENT, MODERATE, …)."),
    token_status: tokenStatus.nullable().describe("Status of the Page token the API would hand out; null when the Page has none."),
    token_expires_at: iso.nullable().describe("null: the token does not expire (Page tokens from a long-lived login)."),
    token_checked_at: iso.nullable().describe("When the token was last checked with Facebook (debug_token)."),
    identity: identitySummary.nullable(),
    instagram: instagramSchema.nullable().describe("null: no Instagram account linked (or instagram_basic not granted)."),
    capabilities: z
      .array(capabilitySchema)
      .describe(
        "What the Page token the API would hand out can do (publish, moderate, message, advertise, insights), from the Page's tasks, the permissions its login granted or declined and the token's status.",
      ),
  })
  .describe("A connected Facebook Page.");

const platform = z.enum(["facebook", "tiktok"]).describe("Whose account or token this is: Facebook's or TikTok's.");

export const identitySchema = z.object({
  id: z.string(),
  platform,
  facebook_user_id: z.string().describe("The app-scoped Facebook user id (for a TikTok account: its open_id)."),
  name: z.string().nullable(),
  scopes: z.array(z.string()).describe("Permissions the person granted."),
  token_status: tokenStatus.nullable(),
  token_expires_at: iso.nullable(),
  token_checked_at: iso.nullable(),
});

export const tokenSchema = z.object({
  token: z.string().describe("The usable access token. Treat it as a secret: never log it."),
  token_type: z.enum(["page", "user"]),
  platform,
  expires_at: iso.nullable().describe("null: does not expire."),
  tasks: z.array(z.string()).describe("Page tokens: the tasks on the Page. User tokens: empty."),
  scopes: z.array(z.string()),
  status: tokenStatus,
  checked_at: iso.nullable(),
  facebook_page_id: z.string().nullable(),
  facebook_user_id: z.string(),
});

export const tokenRequest = z
  .object({
    verify: z.boolean().default(false).describe("Check the token with Facebook (debug_token) before handing it out, and store the result."),
  })
  .strict();

export const CONFLICT_REASONS = ["token_revoked", "token_expired", "token_invalid"] as const;
export const errorSchema = z
  .object({
    error: z.object({
      code: z.string().describe("Machine-readable: unauthorized, forbidden, not_found, invalid, rate_limited, token_revoked, …"),
      message: z.string().describe("What happened and what to do, in words."),
      reconnect_url: z.url().optional().describe("409 only: the dashboard page where a member reconnects Facebook."),
    }),
  })
  .describe('The one error format: {"error": {"code", "message"}}.');

const listPagesQuery = z
  .object({
    status: z
      .enum([...TOKEN_STATUSES, "none"])
      .optional()
      .describe("Only Pages whose token has this status (`none`: no token)."),
    search: z.string().trim().min(1).max(100).optional().describe("Case-insensitive part of the Page name."),
    limit: z.coerce.number().int().min(1).max(200).default(50),
    cursor: z.string().max(200).optional().describe("`next_cursor` of the previous answer."),
  })
  .strict();

const pageList = z.object({
  data: z.array(pageSchema),
  next_cursor: z.string().nullable().describe("Pass as `cursor` for the next page; null on the last page. Stable under inserts."),
});

const noParams = z.object({});
const noQuery = z.object({}).strict();

export interface ApiEndpoint {
  method: "get" | "post";
  path: string;
  scope: ApiScope;
  summary: string;
  description: string;
  params: z.ZodObject;
  query: z.ZodObject;
  /** null: no body. */
  body: z.ZodType | null;
  response: z.ZodType;
  /** Error statuses besides 401 and 429 (every endpoint can answer those). */
  errors: readonly number[];
}

export const apiEndpoints = {
  listPages: {
    method: "get",
    path: "/api/v1/pages",
    scope: "pages:read",
    summary: "List Pages",
    description: "The workspace's connected Pages (those the key may reach), oldest first, with their token status.",
    params: noParams,
    query: listPagesQuery,
    body: null,
    response: pageList,
    errors: [403, 422],
  },
  getPage: {
    method: "get",
    path: "/api/v1/pages/{id}",
    scope: "pages:read",
    summary: "Get a Page",
    description: "One Page, by our id or Facebook's page id.",
    params: z.object({ id: pageRef }),
    query: noQuery,
    body: null,
    response: pageSchema,
    errors: [403, 404],
  },
  pageToken: {
    method: "post",
    path: "/api/v1/pages/{id}/token",
    scope: "tokens:read",
    summary: "Get a Page token",
    description:
      "Hands out the Page's usable token (recorded in the audit log with the key's name). A token known to be revoked, expired or invalid is never handed out: 409 with a reason and the dashboard URL to reconnect.",
    params: z.object({ id: pageRef }),
    query: noQuery,
    body: tokenRequest,
    response: tokenSchema,
    errors: [403, 404, 409, 422, 502],
  },
  listIdentities: {
    method: "get",
    path: "/api/v1/identities",
    scope: "pages:read",
    summary: "List connected accounts",
    description:
      "The connected Facebook and TikTok accounts (user tokens) of the workspace, each with its `platform`. Keys limited to some Pages get 403.",
    params: noParams,
    query: noQuery,
    body: null,
    response: z.object({ data: z.array(identitySchema) }),
    errors: [403, 422],
  },
  identityToken: {
    method: "post",
    path: "/api/v1/identities/{id}/token",
    scope: "tokens:read",
    summary: "Get a user token",
    description:
      "Hands out a Facebook account's user token (for Ads automations). Same rules as Page tokens; keys limited to some Pages get 403.",
    params: z.object({ id: identityRef }),
    query: noQuery,
    body: tokenRequest,
    response: tokenSchema,
    errors: [403, 404, 409, 422, 502],
  },
} as const satisfies Record<string, ApiEndpoint>;

export type ApiEndpointName = keyof typeof apiEndpoints;
export type ApiParams<K extends ApiEndpointName> = z.output<(typeof apiEndpoints)[K]["params"]>;
export type ApiQuery<K extends ApiEndpointName> = z.output<(typeof apiEndpoints)[K]["query"]>;
export type ApiBody<K extends ApiEndpointName> = (typeof apiEndpoints)[K]["body"] extends z.ZodType
  ? z.output<(typeof apiEndpoints)[K]["body"]>
  : undefined;
export type ApiResponse<K extends ApiEndpointName> = z.output<(typeof apiEndpoints)[K]["response"]>;
export type PageView = z.output<typeof pageSchema>;
export type TokenView = z.output<typeof tokenSchema>;
