import { z } from "zod";
import { isUuid } from "../db/uuid";
import { ROLES, type Permission } from "../tenancy/roles";
import { API_SCOPES } from "../api-keys/scopes";
import { EXPIRING_DAYS, WEBHOOK_EVENT_TYPES } from "../webhooks/event-types";
import type { WorkspaceRouteName } from "./routes";
import { STATUS_FILTERS } from "./dashboard-query";
import { withoutControlCharacters, CONTROL_CHARACTERS } from "./control-characters";
import { TOKEN_STATUSES } from "../tokens/statuses";

export { withoutControlCharacters, CONTROL_CHARACTERS };

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

/** An email address people type: no control characters (a NUL would reach PostgreSQL), one clear message. */
export const email = () =>
  z
    .string()
    .trim()
    .max(320, "Keep the email address under 320 characters.")
    .refine((s) => !/[\u0000-\u001f\u007f]/.test(s), "Remove control characters (such as a pasted tab or NUL) and try again.")
    .pipe(z.email("Enter the email address of the person to invite."));

/** What inviting answers: the same bytes whether or not the address has an account here. */
const inviteAnswer = z.object({ email: z.string(), role: z.enum(ROLES), expiresInDays: z.number() });

/** An id in a path: anything that is not a UUID names nothing (answered 404 like a missing id). */
export const uuidParam = z.string().refine(isUuid);

const tokenStatus = z.enum(TOKEN_STATUSES);
const noBody = z.object({}).strict();
const webhookEndpoint = z.object({
  id: z.string(),
  url: z.string(),
  description: z.string().nullable(),
  eventTypes: z.array(z.string()),
  enabled: z.boolean(),
  disabledReason: z.string().nullable(),
  failingSince: z.string().nullable(),
  expiringDays: z.number().int(),
  createdAt: z.string(),
});
/** token.expiring's days ahead, per endpoint. */
const expiringDays = z
  .number({ error: "Enter the days ahead for token.expiring as a number." })
  .int("Enter whole days for token.expiring.")
  .min(EXPIRING_DAYS.min, `token.expiring: at least ${EXPIRING_DAYS.min} day ahead.`)
  .max(EXPIRING_DAYS.max, `token.expiring: at most ${EXPIRING_DAYS.max} days ahead.`);

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
  inviteMember: {
    permission: "members.invite",
    params: z.object({}),
    body: z
      .object({
        email: email(),
        role: z.enum(ROLES, { error: "Pick a role: owner, admin or member." }),
      })
      .strict(),
    response: inviteAnswer,
  },
  resendInvitation: {
    permission: "members.invite",
    params: z.object({ invitationId: uuidParam }),
    body: noBody,
    response: inviteAnswer,
  },
  revokeInvitation: {
    permission: "members.invite",
    params: z.object({ invitationId: uuidParam }),
    body: noBody,
    response: z.object({ id: z.string(), email: z.string() }),
  },
  changeMemberRole: {
    permission: "members.manage",
    params: z.object({ membershipId: uuidParam }),
    body: z.object({ role: z.enum(ROLES, { error: "Pick a role: owner, admin or member." }) }).strict(),
    response: z.object({ membershipId: z.string(), role: z.enum(ROLES) }),
  },
  removeMember: {
    permission: "members.manage",
    params: z.object({ membershipId: uuidParam }),
    body: z
      .object({
        connections: z.enum(["keep", "disconnect"], {
          error: "Say what happens to the Facebook accounts this person connected: keep or disconnect.",
        }),
      })
      .strict(),
    response: z.object({ membershipId: z.string(), connections: z.enum(["keep", "disconnect"]), identitiesDisconnected: z.number() }),
  },
  leaveWorkspace: {
    permission: "workspace.view",
    params: z.object({}),
    body: noBody,
    response: z.object({ left: z.literal(true) }),
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
    body: z.object({ revokeAtPlatform: z.boolean().default(false) }).strict(),
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
  createApiKey: {
    permission: "apiKeys.manage",
    params: z.object({}),
    body: z
      .object({
        name: text(80, "Give the key a name (e.g. the automation that will use it).", "Keep the name under 80 characters."),
        scopes: z.array(z.enum(API_SCOPES, { error: "Pick scopes from the list." })).min(1, "Pick at least one scope."),
        /** ISO date-time; absent or null: the key does not expire. */
        expiresAt: z.iso.datetime({ offset: true, error: "Pick a valid expiry date." }).nullable().default(null),
        /** Our Page ids the key is limited to; empty: every Page. */
        pageIds: z.array(uuidParam).max(500, "Pick at most 500 Pages, or none for every Page.").default([]),
      })
      .strict(),
    /** `key` is the full key: shown once, never again. */
    response: z.object({ id: z.string(), name: z.string(), prefix: z.string(), key: z.string() }),
  },
  revokeApiKey: {
    permission: "apiKeys.manage",
    params: z.object({ keyId: uuidParam }),
    body: noBody,
    response: z.object({ id: z.string(), name: z.string() }),
  },
  createWebhookEndpoint: {
    permission: "webhooks.manage",
    params: z.object({}),
    body: z
      .object({
        url: text(2000, "Enter the URL that should receive the events.", "Keep the URL under 2,000 characters."),
        description: text(200, "Describe the endpoint or leave it empty.", "Keep the description under 200 characters.").nullish(),
        eventTypes: z
          .array(z.enum(WEBHOOK_EVENT_TYPES, { error: "Pick event types from the list." }))
          .min(1, "Pick at least one event type."),
        expiringDays: expiringDays.optional(),
      })
      .strict(),
    response: z.object({ endpoint: webhookEndpoint, secret: z.string() }),
  },
  updateWebhookEndpoint: {
    permission: "webhooks.manage",
    params: z.object({ endpointId: uuidParam }),
    body: z
      .object({
        url: text(2000, "Enter the URL that should receive the events.", "Keep the URL under 2,000 characters.").optional(),
        description: text(200, "Describe the endpoint or leave it empty.", "Keep the description under 200 characters.").nullish(),
        eventTypes: z
          .array(z.enum(WEBHOOK_EVENT_TYPES, { error: "Pick event types from the list." }))
          .min(1)
          .optional(),
        enabled: z.boolean().optional(),
        expiringDays: expiringDays.optional(),
      })
      .strict(),
    response: z.object({ endpoint: webhookEndpoint }),
  },
  deleteWebhookEndpoint: {
    permission: "webhooks.manage",
    params: z.object({ endpointId: uuidParam }),
    body: noBody,
    response: z.object({ deleted: z.literal(true) }),
  },
  testWebhookEndpoint: {
    permission: "webhooks.manage",
    params: z.object({ endpointId: uuidParam }),
    body: noBody,
    response: z.object({ queued: z.number() }),
  },
  redeliverWebhook: {
    permission: "webhooks.manage",
    params: z.object({ deliveryId: uuidParam }),
    body: noBody,
    response: z.object({ deliveryId: z.string() }),
  },
  setNotificationMode: {
    permission: "workspace.view",
    params: z.object({}),
    body: z.object({ mode: z.enum(["immediate", "digest", "off"], { error: "Pick immediate, daily digest or off." }) }).strict(),
    response: z.object({ mode: z.enum(["immediate", "digest", "off"]) }),
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
