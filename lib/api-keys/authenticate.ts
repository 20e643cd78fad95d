import "server-only";
import type { Db } from "../db/client";
import { db } from "../db/client";
import { Prisma } from "../db/generated/client";
import { withTenantAnd } from "../db/tenant-transaction";
import { hashApiKey, sameHash } from "./key-format";
import type { ApiScope } from "./scopes";

/**
 * From a presented API key to the caller: the key's hash goes to the narrow SECURITY DEFINER function
 * api_key_workspace() (the app role cannot read api_keys without a workspace context; the function answers only a
 * workspace id and key id for a live key), then the key's row is read under that workspace's RLS context, in the
 * first statement of the request's transaction (api_key_caller(), see callerQuery), and its hash compared again in
 * constant time. Every presented string
 * not known live is hashed and looked up, malformed or not, so a malformed, unknown, revoked or expired key all cost
 * the same and get the same answer (null). A live key's workspace is remembered by the process (see below).
 */

export interface ApiCaller {
  keyId: string;
  tenantId: string;
  slug: string;
  name: string;
  prefix: string;
  scopes: ApiScope[];
  /** Our Page ids the key may reach; empty = every Page. */
  pageIds: string[];
}

export interface KeyWorkspace {
  tenantId: string;
  keyId: string;
  hash: Buffer;
}

/** api_key_caller()'s row, as JSON. */
interface KeyRow {
  name: string;
  prefix: string;
  /** base64 */
  key_hash: string;
  scopes: ApiScope[];
  page_ids: string[];
  slug: string;
}

/**
 * Which workspace and key a hash belongs to never changes, so the lookup of a key found live is remembered in this
 * process (at most REMEMBERED_MAX, the oldest dropped first), saving a round trip on every later call of an
 * automation. Liveness is never taken from it: callerQuery re-reads the key under RLS in the request's transaction
 * (revoked or expired since: 401) and then forgets it. Strings not found are never remembered, so every malformed,
 * unknown, revoked or expired key is looked up and costs the same.
 */
const REMEMBERED_MAX = 10_000;
const remembered = new Map<string, { tenantId: string; keyId: string }>();

function forgetKey(hash: Buffer): void {
  remembered.delete(hash.toString("base64"));
}

/** The workspace of a presented key (any string), through the narrow lookup function; null for anything not live. */
export async function findKeyWorkspace(presented: string, opts: { client?: Db } = {}): Promise<KeyWorkspace | null> {
  const hash = hashApiKey(presented);
  const known = remembered.get(hash.toString("base64"));
  if (known) return { ...known, hash };
  const client = opts.client ?? db();
  const [found] = await client.$queryRaw<{ tenant_id: string; key_id: string }[]>`
    SELECT tenant_id, key_id FROM api_key_workspace(${hash})`;
  if (!found) return null;
  if (remembered.size >= REMEMBERED_MAX) remembered.delete(remembered.keys().next().value as string);
  remembered.set(hash.toString("base64"), { tenantId: found.tenant_id, keyId: found.key_id });
  return { tenantId: found.tenant_id, keyId: found.key_id, hash };
}

/**
 * The key again, now under the workspace's RLS context (it may have been revoked since the lookup): one expression
 * for the request transaction's first statement (withTenantAnd), through api_key_caller(), which sets that context
 * itself, writes last_used_at at most once a minute and returns the key's row only while it is live.
 */
export function callerQuery(found: KeyWorkspace): Prisma.Sql {
  return Prisma.sql`(SELECT to_jsonb(c) FROM api_key_caller(${found.tenantId}::uuid, ${found.keyId}::uuid) c)`;
}

/** callerQuery's value → the caller, its hash compared in constant time. Null: not usable (and forgotten). */
export function callerFrom(found: KeyWorkspace, value: unknown): ApiCaller | null {
  const row = value as KeyRow | null;
  if (!row || !sameHash(Buffer.from(row.key_hash, "base64"), found.hash)) {
    forgetKey(found.hash);
    return null;
  }
  return {
    keyId: found.keyId,
    tenantId: found.tenantId,
    slug: row.slug,
    name: row.name,
    prefix: row.prefix,
    scopes: row.scopes,
    pageIds: row.page_ids,
  };
}

/** Both steps, in a transaction of its own (for callers outside a request, e.g. tests and scripts). */
export async function authenticateApiKey(presented: string, opts: { client?: Db } = {}): Promise<ApiCaller | null> {
  const found = await findKeyWorkspace(presented, opts);
  return found
    ? withTenantAnd(found.tenantId, callerQuery(found), async (_tx, value) => callerFrom(found, value), { client: opts.client })
    : null;
}
