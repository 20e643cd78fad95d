import "server-only";
import { db, type Db } from "../db/client";
import { withTenant, type Tx } from "../db/tenant-transaction";
import { appendAudit } from "../audit/audit-log";
import { keyRing } from "./encryption";
import { webhookSecretAad } from "./webhook-secret";
import { ERASED_KEY_ID, open, seal, TokenDecryptionError, type KeyRing } from "./key-ring";

/**
 * Re-encrypts every ad_tokens row, and every webhook endpoint's signing secret (webhook_endpoints, deleted ones
 * included), that is not under the current key (the first entry of TOKEN_ENCRYPTION_KEYS).
 * Erased rows (key_id ERASED_KEY_ID: soft-deleted, their token erased by the database in the same statement) hold no
 * ciphertext and are skipped everywhere: not counted, not checked against the ring, never selected or written.
 *
 * - Tenant by tenant (both tables are under row-level security; the tenants directory is readable without context),
 *   table by table, in batches of `batchSize` rows by id, each batch its own tenant transaction with its rows locked
 *   FOR UPDATE.
 * - Resumable: progress is simply "rows still on an old key". A crash, a Ctrl-C or `maxBatches` leaves every
 *   committed batch done and every other row untouched under its old key; the next run continues.
 * - Loses nothing: each row is decrypted with its old key, sealed under the current key, and the new ciphertext is
 *   decrypted again and compared with the plaintext before the row is written.
 * - Fails loudly, before writing anything, when a row's key is missing from the ring; a row that does not decrypt
 *   with its key (tampered, or a wrong key under the right id) stops the run with its id, its batch rolled back.
 */

export interface RotateOptions {
  /** The app-role client (default: the app's). */
  client?: Db;
  /** Rows per transaction (default 500). */
  batchSize?: number;
  /** Stop after this many batches (the run reports complete: false); a later run resumes. */
  maxBatches?: number;
  onProgress?: (p: RotateProgress) => void;
}

export interface RotateProgress {
  tenantId: string;
  /** 1-based position of the tenant among those with rows to re-encrypt. */
  tenantIndex: number;
  tenantsWithWork: number;
  /** The table of this batch. */
  table: SealedTable;
  batchRows: number;
  reEncrypted: number;
  /** Rows on old keys when the run started. */
  total: number;
}

export type SealedTable = "ad_tokens" | "webhook_endpoints";

export interface RotateSummary {
  currentKeyId: string;
  /** Rows re-encrypted by this run, both tables. */
  reEncrypted: number;
  /** Of which webhook signing secrets. */
  webhookSecretsReEncrypted: number;
  batches: number;
  /** Tenants in the directory. */
  tenantsScanned: number;
  /** Tenants that had at least one row re-encrypted by this run. */
  tenantsChanged: number;
  /** Rows still on old keys after this run (0 when complete). */
  remaining: number;
  complete: boolean;
  seconds: number;
}

export class KeyRotationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "KeyRotationError";
  }
}

interface OldKeyCount {
  key_id: string;
  n: number;
}

interface RowToRotate {
  id: string;
  key_id: string;
  ciphertext: Uint8Array;
  /** TikTok's refresh token, sealed under the same key (NULL for Facebook tokens). */
  refresh_ciphertext: Uint8Array | null;
}

const DEFAULT_BATCH = 500;

async function oldKeyCounts(client: Db, tenantId: string, currentKeyId: string): Promise<OldKeyCount[]> {
  return withTenant(
    tenantId,
    (tx) => tx.$queryRaw<OldKeyCount[]>`
      SELECT key_id, count(*)::int AS n FROM (
        SELECT key_id FROM ad_tokens
         WHERE tenant_id = ${tenantId}::uuid AND key_id <> ${currentKeyId} AND key_id <> ${ERASED_KEY_ID}
        UNION ALL
        SELECT secret_key_id FROM webhook_endpoints WHERE tenant_id = ${tenantId}::uuid AND secret_key_id <> ${currentKeyId}
      ) old GROUP BY key_id ORDER BY key_id`,
    { client },
  );
}

/**
 * Decrypts one ciphertext with its old key and seals it under the current key, checking the new ciphertext
 * decrypts to the same plaintext (a bad key or a bug must not replace a good ciphertext). Base64 of the result.
 */
function resealed(
  ring: KeyRing,
  associatedData: string,
  row: { table: SealedTable; id: string; keyId: string; tenantId?: string },
  ciphertext: Uint8Array,
): string {
  const where = `${row.table} row ${row.id} (tenant ${row.tenantId ?? associatedData}, key "${row.keyId}")`;
  let plaintext: string;
  try {
    plaintext = open(ring, associatedData, { ciphertext, keyId: row.keyId });
  } catch (err) {
    const why = err instanceof TokenDecryptionError ? err.message : "decryption failed";
    throw new KeyRotationError(
      `${where} cannot be decrypted: ${why} ` +
        `Nothing in its batch was changed. Put the right key for "${row.keyId}" in TOKEN_ENCRYPTION_KEYS (or repair that row) and run again.`,
    );
  }
  const next = seal(ring, associatedData, plaintext);
  if (open(ring, associatedData, next) !== plaintext) {
    throw new KeyRotationError(`Re-encrypting ${row.table} row ${row.id} did not round-trip; nothing in its batch was changed.`);
  }
  return Buffer.from(next.ciphertext).toString("base64");
}

/** Re-encrypts one batch of a tenant's rows; returns how many rows (0 = the tenant is done). */
async function rotateBatch(tx: Tx, ring: KeyRing, tenantId: string, batchSize: number): Promise<{ rows: number; fromKeys: string[] }> {
  const rows = await tx.$queryRaw<RowToRotate[]>`
    SELECT id::text AS id, key_id, ciphertext, refresh_ciphertext FROM ad_tokens
    WHERE tenant_id = ${tenantId}::uuid AND key_id <> ${ring.currentKeyId} AND key_id <> ${ERASED_KEY_ID}
    ORDER BY id LIMIT ${batchSize} FOR UPDATE`;
  if (rows.length === 0) return { rows: 0, fromKeys: [] };

  const ids: string[] = [];
  const sealed: string[] = [];
  const sealedRefresh: (string | null)[] = [];
  const oldKeys: string[] = [];
  const reseal = (row: RowToRotate, ciphertext: Uint8Array) =>
    resealed(ring, tenantId, { table: "ad_tokens", id: row.id, keyId: row.key_id }, ciphertext);
  for (const row of rows) {
    ids.push(row.id);
    sealed.push(reseal(row, row.ciphertext));
    sealedRefresh.push(row.refresh_ciphertext === null ? null : reseal(row, row.refresh_ciphertext));
    oldKeys.push(row.key_id);
  }

  const updated = await tx.$executeRaw`
    UPDATE ad_tokens t SET ciphertext = decode(v.sealed, 'base64'), key_id = ${ring.currentKeyId},
      refresh_ciphertext = CASE WHEN v.sealed_refresh IS NULL THEN NULL ELSE decode(v.sealed_refresh, 'base64') END
    FROM unnest(${ids}::uuid[], ${sealed}::text[], ${sealedRefresh}::text[], ${oldKeys}::text[]) AS v(id, sealed, sealed_refresh, old_key_id)
    WHERE t.id = v.id AND t.tenant_id = ${tenantId}::uuid AND t.key_id = v.old_key_id`;
  return recordBatch(tx, ring, tenantId, "ad_tokens", oldKeys, updated);
}

/** Checks every selected row was written (else the batch rolls back) and audits the batch; what the batch did. */
async function recordBatch(
  tx: Tx,
  ring: KeyRing,
  tenantId: string,
  table: SealedTable,
  oldKeys: readonly string[],
  updated: number,
): Promise<{ rows: number; fromKeys: string[] }> {
  const what = table === "ad_tokens" ? "rows" : "webhook secrets";
  if (updated !== oldKeys.length) {
    throw new KeyRotationError(
      `Expected to re-encrypt ${oldKeys.length} ${what} of tenant ${tenantId} but updated ${updated}; batch rolled back.`,
    );
  }
  const fromKeys = [...new Set(oldKeys)].sort();
  await appendAudit(tx, tenantId, null, [
    {
      action: table === "ad_tokens" ? "tokens.reencrypted" : "webhook_secrets.reencrypted",
      targetType: "tenant",
      targetId: tenantId,
      details: { rows: oldKeys.length, fromKeys, toKey: ring.currentKeyId },
    },
  ]);
  return { rows: oldKeys.length, fromKeys };
}

interface SecretToRotate {
  id: string;
  key_id: string;
  ciphertext: Uint8Array;
}

/** Re-encrypts one batch of a tenant's webhook signing secrets (bound to tenant and endpoint); 0 = done. */
async function rotateSecretsBatch(
  tx: Tx,
  ring: KeyRing,
  tenantId: string,
  batchSize: number,
): Promise<{ rows: number; fromKeys: string[] }> {
  const rows = await tx.$queryRaw<SecretToRotate[]>`
    SELECT id::text AS id, secret_key_id AS key_id, secret_ciphertext AS ciphertext FROM webhook_endpoints
    WHERE tenant_id = ${tenantId}::uuid AND secret_key_id <> ${ring.currentKeyId}
    ORDER BY id LIMIT ${batchSize} FOR UPDATE`;
  if (rows.length === 0) return { rows: 0, fromKeys: [] };
  const sealed = rows.map((r) =>
    resealed(ring, webhookSecretAad(tenantId, r.id), { table: "webhook_endpoints", id: r.id, keyId: r.key_id, tenantId }, r.ciphertext),
  );
  const updated = await tx.$executeRaw`
    UPDATE webhook_endpoints e SET secret_ciphertext = decode(v.sealed, 'base64'), secret_key_id = ${ring.currentKeyId}
    FROM unnest(${rows.map((r) => r.id)}::uuid[], ${sealed}::text[], ${rows.map((r) => r.key_id)}::text[]) AS v(id, sealed, old_key_id)
    WHERE e.id = v.id AND e.tenant_id = ${tenantId}::uuid AND e.secret_key_id = v.old_key_id`;
  return recordBatch(
    tx,
    ring,
    tenantId,
    "webhook_endpoints",
    rows.map((r) => r.key_id),
    updated,
  );
}

const BATCHES: Record<SealedTable, (tx: Tx, ring: KeyRing, tenantId: string, batchSize: number) => Promise<{ rows: number }>> = {
  ad_tokens: rotateBatch,
  webhook_endpoints: rotateSecretsBatch,
};

export async function rotateEncryptionKey(opts: RotateOptions = {}): Promise<RotateSummary> {
  const started = performance.now();
  const client = opts.client ?? db();
  const batchSize = opts.batchSize ?? DEFAULT_BATCH;
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new KeyRotationError("batchSize must be a positive integer");
  const maxBatches = opts.maxBatches ?? Infinity;
  const ring = keyRing();
  const current = ring.currentKeyId;

  // The directory is global and readable without a tenant context; deleted tenants' tokens are rotated too.
  const tenants = (await client.tenant.findMany({ select: { id: true }, orderBy: { id: "asc" } })).map((t) => t.id);

  // Preflight (read only): every old key must be in the ring before anything is written.
  const work: { tenantId: string; rows: number }[] = [];
  const missing = new Map<string, { rows: number; tenants: number }>();
  for (const tenantId of tenants) {
    const counts = await oldKeyCounts(client, tenantId, current);
    const rows = counts.reduce((s, c) => s + c.n, 0);
    if (rows > 0) work.push({ tenantId, rows });
    for (const c of counts) {
      if (ring.keys.has(c.key_id)) continue;
      const m = missing.get(c.key_id) ?? { rows: 0, tenants: 0 };
      missing.set(c.key_id, { rows: m.rows + c.n, tenants: m.tenants + 1 });
    }
  }
  if (missing.size > 0) {
    const list = [...missing].map(
      ([id, m]) => `"${id}" (${m.rows} row${m.rows === 1 ? "" : "s"} in ${m.tenants} tenant${m.tenants === 1 ? "" : "s"})`,
    );
    throw new KeyRotationError(
      `Cannot re-encrypt: TOKEN_ENCRYPTION_KEYS lacks key${missing.size === 1 ? "" : "s"} ${list.join(", ")}. ` +
        `Keep every old key in the list, after the current key "${current}", until rotation has finished. Nothing was changed.`,
    );
  }

  const total = work.reduce((s, w) => s + w.rows, 0);
  let reEncrypted = 0;
  let webhookSecretsReEncrypted = 0;
  let batches = 0;
  let tenantsChanged = 0;
  for (const [i, w] of work.entries()) {
    let changedHere = false;
    for (const table of ["ad_tokens", "webhook_endpoints"] as const) {
      while (batches < maxBatches) {
        const { rows } = await withTenant(w.tenantId, (tx) => BATCHES[table](tx, ring, w.tenantId, batchSize), {
          client,
          timeoutMs: 120_000,
        });
        if (rows === 0) break;
        batches++;
        reEncrypted += rows;
        if (table === "webhook_endpoints") webhookSecretsReEncrypted += rows;
        changedHere = true;
        opts.onProgress?.({
          tenantId: w.tenantId,
          tenantIndex: i + 1,
          tenantsWithWork: work.length,
          table,
          batchRows: rows,
          reEncrypted,
          total,
        });
        if (rows < batchSize) break;
      }
    }
    if (changedHere) tenantsChanged++;
    if (batches >= maxBatches) break;
  }

  // What is left, counted again: rows written under an old key meanwhile (a server still on the old config) show here.
  let remaining = 0;
  for (const tenantId of tenants) {
    remaining += (await oldKeyCounts(client, tenantId, current)).reduce((s, c) => s + c.n, 0);
  }
  return {
    currentKeyId: current,
    reEncrypted,
    webhookSecretsReEncrypted,
    batches,
    tenantsScanned: tenants.length,
    tenantsChanged,
    remaining,
    complete: remaining === 0,
    seconds: (performance.now() - started) / 1000,
  };
}
