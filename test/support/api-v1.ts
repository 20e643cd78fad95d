import "server-only";
import { createApiKey } from "../../lib/api-keys/manage-keys";
import type { ApiScope } from "../../lib/api-keys/scopes";
import { withMembership } from "../../lib/tenancy/membership";
import { GET as listPages } from "../../app/api/v1/pages/route";
import { GET as getPage } from "../../app/api/v1/pages/[id]/route";
import { POST as pageToken } from "../../app/api/v1/pages/[id]/token/route";
import { GET as listIdentities } from "../../app/api/v1/identities/route";
import { POST as identityToken } from "../../app/api/v1/identities/[id]/token/route";
import type { ConnectHarness, Member } from "./connect-harness";

/**
 * Test helpers for the token API: make a key the way the dashboard does (through the lib, as an owner), call the
 * real route handlers with a Bearer key, and connect a workspace to an emulator person.
 */

export const API_ORIGIN = "http://localhost:3000";

export async function makeKey(
  member: Pick<Member, "tenantId" | "userId">,
  opts: { scopes?: ApiScope[]; pageIds?: string[]; expiresAt?: string | null; name?: string } = {},
): Promise<{ id: string; key: string; name: string; prefix: string }> {
  const m = await withMembership(member.userId, { tenantId: member.tenantId }, "apiKeys.manage");
  if (!m.ok) throw new Error(`not allowed to make keys: ${m.reason}`);
  const res = await createApiKey(m.access, {
    name: opts.name ?? "Test automation",
    scopes: opts.scopes ?? ["pages:read", "tokens:read"],
    expiresAt: opts.expiresAt ?? null,
    pageIds: opts.pageIds ?? [],
  });
  if (!res.ok) throw new Error(res.error.message);
  return res.value;
}

type Handler = (req: Request, ctx: { params: Promise<Record<string, string>> }) => Promise<Response>;

const ROUTES: Record<string, { handler: Handler; method: "GET" | "POST" }> = {
  listPages: { handler: listPages as Handler, method: "GET" },
  getPage: { handler: getPage as Handler, method: "GET" },
  pageToken: { handler: pageToken as Handler, method: "POST" },
  listIdentities: { handler: listIdentities as Handler, method: "GET" },
  identityToken: { handler: identityToken as Handler, method: "POST" },
};

export type ApiRouteName = keyof typeof ROUTES;

/** Calls one API route handler as Next would: path params, query, Bearer key, JSON body. */
export async function callApi(
  name: ApiRouteName,
  opts: { key?: string | null; id?: string; query?: Record<string, string>; body?: unknown; rawBody?: string; authorization?: string } = {},
): Promise<Response> {
  const { handler, method } = ROUTES[name]!;
  const path =
    name === "listPages"
      ? "/api/v1/pages"
      : name === "listIdentities"
        ? "/api/v1/identities"
        : name === "identityToken"
          ? `/api/v1/identities/${opts.id}/token`
          : name === "pageToken"
            ? `/api/v1/pages/${opts.id}/token`
            : `/api/v1/pages/${opts.id}`;
  const url = new URL(path, API_ORIGIN);
  for (const [k, v] of Object.entries(opts.query ?? {})) url.searchParams.set(k, v);
  const headers: Record<string, string> = {};
  const authorization = opts.authorization ?? (opts.key ? `Bearer ${opts.key}` : undefined);
  if (authorization) headers.authorization = authorization;
  let body: string | undefined;
  if (method === "POST") {
    headers["content-type"] = "application/json";
    body = opts.rawBody ?? JSON.stringify(opts.body ?? {});
  }
  const params: Record<string, string> = opts.id ? { id: opts.id } : {};
  return handler(new Request(url, { method, headers, body }), { params: Promise.resolve(params) });
}

/** A workspace (owner) connected to a new emulator person with `pages` Pages. */
export async function connectedWorkspace(h: ConnectHarness, pages = 3) {
  const member = await h.seedMember("owner");
  const person = await h.createPerson({ pages, tasks: () => ["ANALYZE", "CREATE_CONTENT", "MANAGE"] });
  const res = await h.connect(member, person.id);
  if (!res.ok) throw new Error("connect failed");
  const { rows } = await h.db.owner.query<{ id: string; page_id: string; name: string; token_id: string; identity_id: string }>(
    `SELECT p.id, p.page_id, p.name, t.id AS token_id, t.social_identity_id AS identity_id
       FROM facebook_pages p JOIN ad_tokens t ON t.facebook_page_id = p.id AND t.deleted_at IS NULL
      WHERE p.tenant_id = $1 ORDER BY p.created_at, p.id`,
    [member.tenantId],
  );
  const identity = await h.db.owner.query<{ id: string; token_id: string }>(
    `SELECT s.id, t.id AS token_id FROM social_identities s JOIN ad_tokens t ON t.social_identity_id = s.id AND t.token_type = 'user' AND t.deleted_at IS NULL
      WHERE s.tenant_id = $1`,
    [member.tenantId],
  );
  return { member, person, pages: rows, identity: identity.rows[0]! };
}

/** Everything of a tenant a refused call must leave alone (owner-side snapshot). */
export async function snapshot(h: ConnectHarness, tenantId: string) {
  const q = async (sql: string) => (await h.db.owner.query(sql, [tenantId])).rows;
  return {
    tokens: await q(`SELECT id, status, deleted_at, last_checked_at, updated_at FROM ad_tokens WHERE tenant_id = $1 ORDER BY id`),
    pages: await q(`SELECT id, deleted_at, updated_at FROM facebook_pages WHERE tenant_id = $1 ORDER BY id`),
    keys: await q(`SELECT id, revoked_at, last_used_at FROM api_keys WHERE tenant_id = $1 ORDER BY id`),
    audit: await q(`SELECT id, action FROM audit_events WHERE tenant_id = $1 ORDER BY id`),
  };
}

export interface ErrorJson {
  error: { code: string; message: string; reconnect_url?: string };
}
