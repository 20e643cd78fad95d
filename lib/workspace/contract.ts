import { z } from "zod";
import { isUuid } from "../db/uuid";
import { ROLES, type Permission } from "../tenancy/roles";
import type { WorkspaceRouteName } from "./routes";
import { STATUS_FILTERS } from "./dashboard-query";

/**
 * The dashboard's JSON endpoints, one entry per route in routes.ts: the permission it needs, its path parameters,
 * its body and its answer. The route wrapper (route.ts) parses with these schemas; components get the types through
 * components/api.ts (type-only import: no zod in the browser bundle). Nothing here is server-only.
 */

/** Free text people type: trimmed, no control characters (PostgreSQL refuses NUL; the rest is never meant). */
export const text = (max: number, empty: string, long: string) =>
  z
    .string()
    .trim()
    .min(1, empty)
    .max(max, long)
    .refine((s) => !/[\u0000-\u001f\u007f]/.test(s), "Remove control characters (such as a pasted tab or NUL) and try again.");

/** An id in a path: anything that is not a UUID names nothing (answered 404 like a missing id). */
export const uuidParam = z.string().refine(isUuid);

const tokenStatus = z.enum([
  "unchecked",
  "active",
  "expiring",
  "expired",
  "revoked",
  "invalid",
  "data_access_expiring",
  "data_access_expired",
]);
const noBody = z.object({}).strict();

interface EndpointSpec {
  /** null: no workspace involved (e.g. creating one). */
  permission: Permission | null;
  params: z.ZodObject;
  body: z.ZodType;
  response: z.ZodType;
}

export const workspaceContract = {
  createWorkspace: {
    permission: null,
    params: z.object({}),
    body: z.object({ name: text(80, "Give the workspace a name.", "Keep the name under 80 characters.") }).strict(),
    response: z.object({ slug: z.string(), name: z.string() }),
  },
  addMember: {
    permission: "members.manage",
    params: z.object({}),
    body: z
      .object({
        email: z.email("Enter the email address the person signs in to Facebook with.").max(320),
        role: z.enum(ROLES, { error: "Pick a role: owner, admin or member." }),
      })
      .strict(),
    response: z.object({ name: z.string().nullable(), email: z.string().nullable(), role: z.enum(ROLES) }),
  },
  checkToken: {
    permission: "connections.manage",
    params: z.object({ tokenId: uuidParam }),
    body: noBody,
    response: z.object({ id: z.string(), status: tokenStatus, lastError: z.string().nullable() }),
  },
  disconnectPage: {
    permission: "connections.manage",
    params: z.object({ pageId: uuidParam }),
    body: noBody,
    response: z.object({ pageId: z.string(), name: z.string(), tokensSoftDeleted: z.number() }),
  },
  disconnectIdentity: {
    permission: "connections.manage",
    params: z.object({ identityId: uuidParam }),
    body: z.object({ revokeOnFacebook: z.boolean().default(false) }).strict(),
    response: z.object({
      identityId: z.string(),
      name: z.string().nullable(),
      tokensSoftDeleted: z.number(),
      pagesHidden: z.number(),
      revoke: z.enum(["not_requested", "revoked", "failed", "no_token"]),
      /** When the revoke failed: what happened and what the person can do. */
      revokeMessage: z.string().nullable(),
    }),
  },
  bulkPages: {
    permission: "connections.manage",
    params: z.object({}),
    body: z
      .object({
        action: z.enum(["check", "disconnect"], { error: 'Choose "check" or "disconnect".' }),
        /** The chosen Pages… */
        pageIds: z.array(z.string().refine(isUuid, "A Page id is not valid.")).min(1, "Select at least one Page.").max(5_000).optional(),
        /** …or every Page matching the list's filter. */
        filter: z
          .object({
            q: z.string().trim().max(100).nullable().optional(),
            status: z.enum(STATUS_FILTERS).nullable().optional(),
            ig: z.boolean().optional(),
            login: uuidParam.nullable().optional(),
          })
          .strict()
          .optional(),
      })
      .strict()
      .refine((b) => (b.pageIds === undefined) !== (b.filter === undefined), "Send either the chosen Pages or a filter, not both."),
    response: z.object({
      action: z.enum(["check", "disconnect"]),
      pages: z.number(),
      tokens: z.number(),
      /** After a check: how many tokens are in each status now. */
      statuses: z.partialRecord(tokenStatus, z.number()),
      /** Tokens Facebook could not check this time (kept their status). */
      notChecked: z.number(),
      disconnected: z.number(),
    }),
  },
} as const satisfies Record<WorkspaceRouteName, EndpointSpec>;

export type WorkspaceContract = typeof workspaceContract;
export type BodyOf<K extends WorkspaceRouteName> = z.input<WorkspaceContract[K]["body"]>;
export type ParsedBodyOf<K extends WorkspaceRouteName> = z.output<WorkspaceContract[K]["body"]>;
export type ParamsOf<K extends WorkspaceRouteName> = z.output<WorkspaceContract[K]["params"]>;
export type ResponseOf<K extends WorkspaceRouteName> = z.output<WorkspaceContract[K]["response"]>;
