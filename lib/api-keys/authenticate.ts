import "server-only";
import type { Db } from "../db/client";
import { db } from "../db/client";
import { withTenant, type Tx } from "../db/tenant-transaction";
import { hashApiKey, sameHash } from "./key-format";
import type { ApiScope } from "./scopes";

/**
 * From a presented API key to the caller: the key's hash goes to the narrow SECURITY DEFINER function
 * api_key_workspace() (the app role cannot read api_keys without a workspace context; the function answers only a
 * workspace id and key id for a live key), then the key's row is read under that workspace's RLS context, as the
 * first statement of the request's transaction, and its hash compared again in constant time. Every presented string
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

interface KeyRow {
  name: string;
  prefix: string;
  key_hash: Uint8Array;
  scopes: ApiScope[];
  page_ids: string[];
  slug: string;
}

/** Seconds between two writes of a key's last_used_at (every use would turn each read into a write). */
const LAST_USED_RESOLUTION_SECONDS = 60;

/**
 * Which workspace and key a hash belongs to never changes, so the lookup of a key found live is remembered in this
 * process (at most REMEMBERED_MAX, the oldest dropped first), saving a round trip on every later call of an
 * automation. Liveness is never taken from it: loadCaller re-reads the key under RLS in the request's transaction
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
 * Inside a transaction in the key's workspace context: the key again, now under RLS (it may have been revoked since
 * the lookup), its hash compared in constant time, last_used_at written at most once a minute. Null: not usable.
 */
export async function loadCaller(tx: Tx, found: KeyWorkspace): Promise<ApiCaller | null> {
  // (A data-modifying WITH runs whether or not the SELECT reads it.)
  const [row] = await tx.$queryRaw<KeyRow[]>`
    WITH touched AS (
      UPDATE api_keys SET last_used_at = now()
       WHERE id = ${found.keyId}::uuid AND revoked_at IS NULL
         AND (last_used_at IS NULL OR last_used_at < now() - ${LAST_USED_RESOLUTION_SECONDS}::int * interval '1 second')
      RETURNING id)
    SELECT k.name, k.prefix, k.key_hash, k.scopes, k.page_ids::text[] AS page_ids, t.slug
      FROM api_keys k JOIN tenants t ON t.id = k.tenant_id
     WHERE k.id = ${found.keyId}::uuid AND k.revoked_at IS NULL AND (k.expires_at IS NULL OR k.expires_at > now())`;
  if (!row || !sameHash(row.key_hash, found.hash)) {
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
  return found ? withTenant(found.tenantId, (tx) => loadCaller(tx, found), { client: opts.client }) : null;
}
