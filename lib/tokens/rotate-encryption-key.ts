import "server-only";
import { db, type Db } from "../db/client";
import { withTenant, type Tx } from "../db/tenant-transaction";
import { appendAudit } from "../audit/audit-log";
import { keyRing } from "./encryption";
import { ERASED_KEY_ID, open, seal, TokenDecryptionError, type KeyRing } from "./key-ring";

/**
 * Re-encrypts every ad_tokens row that is not under the current key (the first entry of TOKEN_ENCRYPTION_KEYS).
 * Erased rows (key_id ERASED_KEY_ID: soft-deleted, their token erased by the database in the same statement) hold no
 * ciphertext and are skipped everywhere: not counted, not checked against the ring, never selected or written.
 *
 * - Tenant by tenant (ad_tokens is under row-level security; the tenants directory is readable without context),
 *   in batches of `batchSize` rows by id, each batch its own tenant transaction with its rows locked FOR UPDATE.
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
  batchRows: number;
  reEncrypted: number;
  /** Rows on old keys when the run started. */
  total: number;
}

export interface RotateSummary {
  currentKeyId: string;
  reEncrypted: number;
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
      SELECT key_id, count(*)::int AS n FROM ad_tokens
      WHERE tenant_id = ${tenantId}::uuid AND key_id <> ${currentKeyId} AND key_id <> ${ERASED_KEY_ID}
      GROUP BY key_id ORDER BY key_id`,
    { client },
  );
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
  const reseal = (row: RowToRotate, ciphertext: Uint8Array): string => {
    let plaintext: string;
    try {
      plaintext = open(ring, tenantId, { ciphertext, keyId: row.key_id });
    } catch (err) {
      const why = err instanceof TokenDecryptionError ? err.message : "decryption failed";
      throw new KeyRotationError(
        `ad_tokens row ${row.id} (tenant ${tenantId}, key "${row.key_id}") cannot be decrypted: ${why} ` +
          `Nothing in its batch was changed. Put the right key for "${row.key_id}" in TOKEN_ENCRYPTION_KEYS (or repair that row) and run again.`,
      );
    }
    const next = seal(ring, tenantId, plaintext);
    // Decrypt what we are about to write: a bad key or a bug must not replace a good ciphertext.
    if (open(ring, tenantId, next) !== plaintext) {
      throw new KeyRotationError(`Re-encrypting ad_tokens row ${row.id} did not round-trip; nothing in its batch was changed.`);
    }
    return Buffer.from(next.ciphertext).toString("base64");
  };
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
  if (updated !== rows.length) {
    throw new KeyRotationError(
      `Expected to re-encrypt ${rows.length} rows of tenant ${tenantId} but updated ${updated}; batch rolled back.`,
    );
  }
  const fromKeys = [...new Set(oldKeys)].sort();
  await appendAudit(tx, tenantId, null, [
    {
      action: "tokens.reencrypted",
      targetType: "tenant",
      targetId: tenantId,
      details: { rows: rows.length, fromKeys, toKey: ring.currentKeyId },
    },
  ]);
  return { rows: rows.length, fromKeys };
}

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
  let batches = 0;
  let tenantsChanged = 0;
  for (const [i, w] of work.entries()) {
    let changedHere = false;
    while (batches < maxBatches) {
      const { rows } = await withTenant(w.tenantId, (tx) => rotateBatch(tx, ring, w.tenantId, batchSize), { client, timeoutMs: 120_000 });
      if (rows === 0) break;
      batches++;
      reEncrypted += rows;
      changedHere = true;
      opts.onProgress?.({ tenantId: w.tenantId, tenantIndex: i + 1, tenantsWithWork: work.length, batchRows: rows, reEncrypted, total });
      if (rows < batchSize) break;
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
    batches,
    tenantsScanned: tenants.length,
    tenantsChanged,
    remaining,
    complete: remaining === 0,
    seconds: (performance.now() - started) / 1000,
  };
}
