import { execFile } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { withTenant } from "../db/tenant-transaction";
import { startConnectHarness, type ConnectHarness, type Member } from "../../test/support/connect-harness";
import { ERASED_KEY_ID, generateKeySpec, open, parseKeyRing, TokenDecryptionError } from "./key-ring";
import { KeyRotationError, rotateEncryptionKey, type RotateProgress } from "./rotate-encryption-key";

/**
 * Key rotation over real rows written by real connects (emulator + PostgreSQL as the app role, RLS on), told as one
 * story: the steps run in order against the same database, each starting from where the previous one left off.
 *
 *   k1 rows → refused while k1 is missing → crash mid-way → bounded run → a token disconnected mid-rotation
 *   → resumed to completion → idempotent rerun → old key dropped → tampered row stops a later rotation → the npm script.
 *
 * Soft-deleted rows are erased by the database in the statement that soft-deletes them (empty ciphertext, key_id
 * "erased"): rotation never counts them as left on an old key, never asks for their key, and never touches them.
 */

const execFileAsync = promisify(execFile);
const ROOT = path.resolve(__dirname, "../..");

const k1 = generateKeySpec("k1");
const k2 = generateKeySpec("k2");
const k3 = generateKeySpec("k3");
const k4 = generateKeySpec("k4");

let h: ConnectHarness;
/** Tenants with tokens: A (reconnected: half soft-deleted, so erased), B (250 Pages), C (2 Pages); D has none. */
let tenants: Record<"A" | "B" | "C" | "D", Member>;
/** Every live (not erased) ad_tokens row's plaintext before any rotation, by row id. */
const plaintextById = new Map<string, string>();
/** The erased rows as they were when erased (rotation must leave them exactly so). */
const erasedById = new Map<string, Row>();
let totalRows = 0;

/** Rows rotation has to carry: every row not erased. */
const liveRows = () => plaintextById.size;

interface Row {
  id: string;
  tenant_id: string;
  key_id: string;
  ciphertext: Buffer;
  deleted: boolean;
}

async function rows(): Promise<Row[]> {
  const { rows } = await h.db.owner.query<Row>(
    `SELECT id, tenant_id, key_id, ciphertext, deleted_at IS NOT NULL AS deleted FROM ad_tokens ORDER BY tenant_id, id`,
  );
  return rows;
}

async function keyCounts(): Promise<Record<string, number>> {
  const { rows } = await h.db.owner.query<{ key_id: string; n: number }>(
    `SELECT key_id, count(*)::int AS n FROM ad_tokens GROUP BY key_id`,
  );
  return Object.fromEntries(rows.map((r) => [r.key_id, r.n]));
}

/**
 * Every live row decrypts, with the given ring, to the plaintext it had before the first rotation; every erased row
 * is exactly as it was when erased (soft-deleted, empty ciphertext, key_id "erased").
 */
async function expectAllDecryptUnchanged(spec: string): Promise<void> {
  const ring = parseKeyRing(spec);
  const all = await rows();
  expect(all).toHaveLength(totalRows);
  const live = all.filter((r) => !erasedById.has(r.id));
  expect(live).toHaveLength(liveRows());
  const wrong = live.filter((r) => open(ring, r.tenant_id, { ciphertext: r.ciphertext, keyId: r.key_id }) !== plaintextById.get(r.id));
  expect(wrong.map((r) => r.id)).toEqual([]);
  const byId = (a: Row, b: Row) => a.id.localeCompare(b.id);
  expect(all.filter((r) => erasedById.has(r.id)).sort(byId)).toEqual([...erasedById.values()].sort(byId));
}

function expectErased(r: Row): void {
  expect({ deleted: r.deleted, bytes: r.ciphertext.length, key: r.key_id }).toEqual({ deleted: true, bytes: 0, key: ERASED_KEY_ID });
}

function useKeys(spec: string): void {
  h.setEnv({ TOKEN_ENCRYPTION_KEYS: spec });
}

async function connectPerson(member: Member, pageCount: number, times = 1): Promise<void> {
  const person = await h.createPerson({ name: "Key Rotator", pages: pageCount });
  for (let i = 0; i < times; i++) {
    const r = await h.connect(member, person.id);
    if (!r.ok) throw new Error(`seed connect failed: ${r.error.code}`);
  }
}

beforeAll(async () => {
  h = await startConnectHarness({ env: { TOKEN_ENCRYPTION_KEYS: k1 } });
  tenants = { A: await h.seedMember(), B: await h.seedMember(), C: await h.seedMember(), D: await h.seedMember() };
  await connectPerson(tenants.A, 3, 2);
  await connectPerson(tenants.B, 250);
  await connectPerson(tenants.C, 2);
  const ring = parseKeyRing(k1);
  const all = await rows();
  for (const r of all) {
    if (r.key_id === ERASED_KEY_ID) erasedById.set(r.id, r);
    else plaintextById.set(r.id, open(ring, r.tenant_id, { ciphertext: r.ciphertext, keyId: r.key_id }));
  }
  totalRows = all.length;
});

afterAll(async () => {
  await h?.close();
});

describe("rotating TOKEN_ENCRYPTION_KEYS, step by step", () => {
  it("starts from real connects: 8 + 251 + 3 rows; A's 4 replaced rows erased, the other 258 under k1, each a token Facebook issued", async () => {
    expect(totalRows).toBe(262);
    expect(liveRows()).toBe(258);
    expect(await keyCounts()).toEqual({ k1: 258, erased: 4 });
    const deleted = (await rows()).filter((r) => r.deleted);
    expect(deleted.map((r) => r.id).sort()).toEqual([...erasedById.keys()].sort());
    for (const r of deleted) {
      expectErased(r);
      expect(r.tenant_id).toBe(tenants.A.tenantId);
      expect(() => open(parseKeyRing(k1), r.tenant_id, { ciphertext: r.ciphertext, keyId: r.key_id })).toThrow(TokenDecryptionError);
    }
    const issued = new Set(await h.control.issuedTokens());
    expect([...plaintextById.values()].every((t) => issued.has(t))).toBe(true);
  });

  it("refuses before writing anything when an old key is missing from the ring, naming it", async () => {
    useKeys(`${k3},${k2}`); // k1 forgotten
    const before = await rows();
    const auditBefore = await h.db.owner.query(`SELECT count(*)::int AS n FROM audit_events`);

    const err = await rotateEncryptionKey({ client: h.db.app, batchSize: 100 }).then(
      () => null,
      (e: unknown) => e,
    );

    expect(err).toBeInstanceOf(KeyRotationError);
    expect((err as Error).message).toBe(
      `Cannot re-encrypt: TOKEN_ENCRYPTION_KEYS lacks key "k1" (258 rows in 3 tenants). ` +
        `Keep every old key in the list, after the current key "k3", until rotation has finished. Nothing was changed.`,
    );
    expect(await rows()).toEqual(before);
    expect((await h.db.owner.query(`SELECT count(*)::int AS n FROM audit_events`)).rows).toEqual(auditBefore.rows);
  });

  it("a crash in the middle leaves finished batches on the new key and the failed batch entirely on the old one", async () => {
    useKeys(`${k2},${k1}`);
    const bRows = (await rows()).filter((r) => r.tenant_id === tenants.B.tenantId).map((r) => r.id);
    expect(bRows).toHaveLength(251);
    const crashId = bRows[150]!; // in B's second batch of 100
    await h.db.owner.query(
      `CREATE FUNCTION tmp_crash() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'simulated crash'; END $$`,
    );
    await h.db.owner.query(
      `CREATE TRIGGER tmp_crash BEFORE UPDATE ON ad_tokens FOR EACH ROW WHEN (OLD.id = '${crashId}'::uuid) EXECUTE FUNCTION tmp_crash()`,
    );
    let crashed: unknown = null;
    try {
      await rotateEncryptionKey({ client: h.db.app, batchSize: 100 });
    } catch (err) {
      crashed = err;
    } finally {
      await h.db.owner.query(`DROP TRIGGER tmp_crash ON ad_tokens`);
      await h.db.owner.query(`DROP FUNCTION tmp_crash()`);
    }

    expect(crashed).toBeInstanceOf(Error);
    expect(String((crashed as Error).message)).toMatch(/simulated crash/);
    const after = await rows();
    const keyOf = new Map(after.map((r) => [r.id, r.key_id]));
    expect(bRows.slice(0, 100).map((id) => keyOf.get(id))).toEqual(Array(100).fill("k2"));
    expect(bRows.slice(100).map((id) => keyOf.get(id))).toEqual(Array(151).fill("k1"));
    // Tenants go in id order: those before B are finished, those after B untouched (A's erased rows stay erased).
    for (const t of [tenants.A, tenants.C]) {
      const keys = new Set(after.filter((r) => r.tenant_id === t.tenantId && !erasedById.has(r.id)).map((r) => r.key_id));
      expect(keys).toEqual(new Set([t.tenantId < tenants.B.tenantId ? "k2" : "k1"]));
    }
    await expectAllDecryptUnchanged(`${k2},${k1}`);
  });

  it("a bounded run (maxBatches: 1) does one batch and reports what is left", async () => {
    const before = await keyCounts();
    const progress: RotateProgress[] = [];

    const summary = await rotateEncryptionKey({ client: h.db.app, batchSize: 100, maxBatches: 1, onProgress: (p) => progress.push(p) });

    expect(summary.batches).toBe(1);
    expect(summary.reEncrypted).toBeGreaterThan(0);
    expect(summary.reEncrypted).toBeLessThanOrEqual(100);
    expect(summary.complete).toBe(false);
    expect(summary.remaining).toBe((before.k1 ?? 0) - summary.reEncrypted);
    expect(await keyCounts()).toEqual({ k2: (before.k2 ?? 0) + summary.reEncrypted, k1: summary.remaining, erased: 4 });
    expect(progress).toHaveLength(1);
    expect(progress[0]).toMatchObject({ batchRows: summary.reEncrypted, reEncrypted: summary.reEncrypted, total: before.k1 });
    await expectAllDecryptUnchanged(`${k2},${k1}`);
  });

  it("a token disconnected between runs, still on k1, is erased at once and no longer counted as left on an old key", async () => {
    const onK1 = (await rows()).find((r) => r.key_id === "k1" && !r.deleted)!;
    expect(onK1).toBeDefined();
    const before = await keyCounts();

    await withTenant(onK1.tenant_id, (tx) => tx.adToken.update({ where: { id: onK1.id }, data: { deletedAt: new Date() } }), {
      client: h.db.app,
    });

    const now = (await rows()).find((r) => r.id === onK1.id)!;
    expectErased(now);
    expect(await keyCounts()).toEqual({ ...before, k1: (before.k1 ?? 0) - 1, erased: 5 });
    plaintextById.delete(onK1.id);
    erasedById.set(onK1.id, now);
    await expectAllDecryptUnchanged(`${k2},${k1}`);
  });

  it("the resumed run finishes: every live row on k2, same plaintexts, new ciphertexts, an audit event per batch; erased rows untouched", async () => {
    const before = await rows();
    const left = before.filter((r) => r.key_id === "k1").length;
    expect(left).toBeGreaterThan(0);
    const progress: RotateProgress[] = [];

    const summary = await rotateEncryptionKey({ client: h.db.app, batchSize: 100, onProgress: (p) => progress.push(p) });

    expect(summary).toMatchObject({ currentKeyId: "k2", reEncrypted: left, remaining: 0, complete: true, tenantsScanned: 4 });
    expect(progress.at(-1)?.reEncrypted).toBe(left);
    expect(progress[0]?.total).toBe(left);
    expect(liveRows()).toBe(257);
    expect(await keyCounts()).toEqual({ k2: 257, erased: 5 });
    await expectAllDecryptUnchanged(`${k2},${k1}`);
    const original = new Map(before.map((r) => [r.id, r.ciphertext]));
    const after = await rows();
    expect(
      after.filter(
        (r) => r.key_id === "k2" && before.find((b) => b.id === r.id)?.key_id === "k1" && r.ciphertext.equals(original.get(r.id)!),
      ),
    ).toEqual([]);
    const audited = await h.db.owner.query<{ rows: number }>(
      `SELECT coalesce(sum((details->>'rows')::int), 0)::int AS rows FROM audit_events WHERE action = 'tokens.reencrypted'`,
    );
    // Every live row re-encrypted exactly once across the runs; the row erased between runs was re-encrypted by none.
    expect(audited.rows).toEqual([{ rows: liveRows() }]);
    const deleted = after.filter((r) => r.deleted);
    expect(deleted).toHaveLength(5);
    for (const r of deleted) expectErased(r);
  });

  it("a second run re-encrypts nothing", async () => {
    const before = await rows();
    const summary = await rotateEncryptionKey({ client: h.db.app, batchSize: 100 });
    expect(summary).toMatchObject({ reEncrypted: 0, batches: 0, tenantsChanged: 0, remaining: 0, complete: true });
    expect(await rows()).toEqual(before);
  });

  it("with k1 removed from the ring, every live row still decrypts; erased rows say they were erased", async () => {
    useKeys(k2);
    await expectAllDecryptUnchanged(k2);
    const erased = (await rows()).filter((r) => r.deleted);
    expect(erased).toHaveLength(5);
    for (const r of erased) {
      expect(() => open(parseKeyRing(k2), r.tenant_id, { ciphertext: r.ciphertext, keyId: r.key_id })).toThrow(
        /^This token was erased when it was disconnected/,
      );
    }
    const summary = await rotateEncryptionKey({ client: h.db.app });
    expect(summary).toMatchObject({ complete: true, reEncrypted: 0, remaining: 0 });
  });

  it("a row that does not authenticate stops the rotation with its id; its batch is untouched; fixed, the run completes", async () => {
    useKeys(`${k3},${k2}`);
    const target = (await rows()).find((r) => r.tenant_id === tenants.C.tenantId)!;
    const corrupted = Buffer.from(target.ciphertext);
    corrupted[corrupted.length - 1] = corrupted[corrupted.length - 1]! ^ 0xff;
    await h.db.owner.query(`UPDATE ad_tokens SET ciphertext = $1 WHERE id = $2`, [corrupted, target.id]);
    const cBefore = (await rows()).filter((r) => r.tenant_id === tenants.C.tenantId);

    const err = await rotateEncryptionKey({ client: h.db.app, batchSize: 100 }).then(
      () => null,
      (e: unknown) => e,
    );

    expect(err).toBeInstanceOf(KeyRotationError);
    expect((err as Error).message).toContain(`ad_tokens row ${target.id} (tenant ${tenants.C.tenantId}, key "k2") cannot be decrypted`);
    expect((await rows()).filter((r) => r.tenant_id === tenants.C.tenantId)).toEqual(cBefore);

    await h.db.owner.query(`UPDATE ad_tokens SET ciphertext = $1 WHERE id = $2`, [target.ciphertext, target.id]);
    const summary = await rotateEncryptionKey({ client: h.db.app, batchSize: 100 });
    expect(summary.complete).toBe(true);
    expect(await keyCounts()).toEqual({ k3: liveRows(), erased: 5 });
    await expectAllDecryptUnchanged(k3);
  });
});

describe("npm run tokens:rotate-key (scripts/rotate-key.ts)", () => {
  async function runScript(keys: string, args: string[] = []): Promise<{ code: number; stdout: string; stderr: string }> {
    try {
      const { stdout, stderr } = await execFileAsync(
        path.join(ROOT, "node_modules/.bin/tsx"),
        ["--conditions=react-server", "scripts/rotate-key.ts", ...args],
        { cwd: ROOT, env: { ...process.env, TOKEN_ENCRYPTION_KEYS: keys, LOG_LEVEL: "silent" }, timeout: 120_000 },
      );
      return { code: 0, stdout, stderr };
    } catch (err) {
      const e = err as { code?: number; stdout?: string; stderr?: string };
      return { code: typeof e.code === "number" ? e.code : -1, stdout: e.stdout ?? "", stderr: e.stderr ?? "" };
    }
  }

  it("refuses with exit code 1 and a clear message when an old key is missing", async () => {
    const res = await runScript(k4); // rows are on k3
    expect(res.code).toBe(1);
    expect(res.stderr).toContain(`lacks key "k3" (${liveRows()} rows in 3 tenants)`);
    expect(res.stderr).toContain("Nothing was changed.");
    expect(await keyCounts()).toEqual({ k3: liveRows(), erased: 5 });
  });

  it("stops after --max-batches with exit code 3 and says how many rows are left", async () => {
    const res = await runScript(`${k4},${k3}`, ["--batch-size=50", "--max-batches=1"]);
    expect(res.stderr).toBe("");
    expect(res.code).toBe(3);
    expect(res.stdout).toMatch(/\(batches of 50, at most 1 batches\)/);
    const left = (await keyCounts()).k3 ?? 0;
    expect(left).toBeGreaterThanOrEqual(liveRows() - 50);
    expect(res.stdout).toContain(`Not finished: ${left} rows still on old keys.`);
  });

  it("finishes with progress lines and a summary (rows, tenants, seconds); a rerun re-encrypts 0 rows", async () => {
    const left = (await keyCounts()).k3 ?? 0;
    const res = await runScript(`${k4},${k3}`, ["--batch-size=100"]);
    expect(res.stderr).toBe("");
    expect(res.code).toBe(0);
    expect(res.stdout).toMatch(/ {2}tenant \d\/\d [0-9a-f-]{36}: \+\d+ rows \(\d+\/\d+\)/);
    expect(res.stdout).toMatch(
      new RegExp(`Re-encrypted ${left} rows under key "k4" in \\d+ batch(es)?; \\d of 4 tenants changed; \\d+\\.\\d s\\.`),
    );
    expect(res.stdout).toContain("Done: 0 rows left on old keys.");
    expect(await keyCounts()).toEqual({ k4: liveRows(), erased: 5 });
    await expectAllDecryptUnchanged(k4);

    const again = await runScript(`${k4},${k3}`);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/Re-encrypted 0 rows under key "k4" in 0 batches; 0 of 4 tenants changed/);
  });
});
