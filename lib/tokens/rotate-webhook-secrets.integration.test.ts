import { execFile } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Webhook } from "standardwebhooks";
import { startConnectHarness, type ConnectHarness, type Member } from "../../test/support/connect-harness";
import { installOutboundGuard, type OutboundGuard } from "../../test/support/outbound-guard";
import { startWebhookReceiver, type WebhookReceiver } from "../../test/support/webhook-receiver";
import { seedEncryptedTokens } from "../../test/support/seed-tokens";
import { asMember } from "../tenancy/membership";
import { createEndpoint, deleteEndpoint, sendTestEvent } from "../webhooks/endpoints";
import { jobHandlers } from "../jobs/handlers";
import { runDueJobs } from "../jobs/run-due";
import { stopJobEngine } from "../jobs/engine";
import { generateKeySpec, open, parseKeyRing } from "./key-ring";
import { KeyRotationError, rotateEncryptionKey } from "./rotate-encryption-key";
import { webhookSecretAad } from "./webhook-secret";

/**
 * `npm run tokens:rotate-key` re-encrypts webhook signing secrets too (they are sealed with the same key ring, bound
 * to workspace and endpoint), with the token rotation's discipline, told as one story on one database: refused while
 * a key is missing → a crash mid-way → a bounded run → resumed to completion (deleted endpoints included) → old key
 * dropped, deliveries still signed with the secret the customer holds → a tampered secret stops a later rotation →
 * the npm script says how many secrets it re-encrypted.
 */

const execFileAsync = promisify(execFile);
const ROOT = path.resolve(__dirname, "../..");
const [k1, k2, k3] = [generateKeySpec("k1"), generateKeySpec("k2"), generateKeySpec("k3")];

let h: ConnectHarness;
let guard: OutboundGuard;
let rx: WebhookReceiver;
let a: Member;
let b: Member;
/** Each endpoint's secret as shown once at creation, by endpoint id. */
const secrets = new Map<string, string>();

interface SecretRow {
  id: string;
  tenant_id: string;
  secret_key_id: string;
  secret_ciphertext: Buffer;
}

const secretRows = async () =>
  (
    await h.db.owner.query<SecretRow>(
      `SELECT id, tenant_id, secret_key_id, secret_ciphertext FROM webhook_endpoints ORDER BY tenant_id, id`,
    )
  ).rows;

async function secretKeys(): Promise<Record<string, number>> {
  const { rows } = await h.db.owner.query(`SELECT secret_key_id AS k, count(*)::int AS n FROM webhook_endpoints GROUP BY 1`);
  return Object.fromEntries(rows.map((r) => [r.k, r.n]));
}

/** Every secret decrypts, with this ring, to what the customer was shown. */
async function expectSecretsUnchanged(spec: string): Promise<void> {
  const ring = parseKeyRing(spec);
  const rows = await secretRows();
  expect(rows).toHaveLength(secrets.size);
  const wrong = rows.filter(
    (r) =>
      open(ring, webhookSecretAad(r.tenant_id, r.id), { ciphertext: r.secret_ciphertext, keyId: r.secret_key_id }) !== secrets.get(r.id),
  );
  expect(wrong.map((r) => r.id)).toEqual([]);
}

async function addEndpoints(m: Member, n: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    const r = await asMember(
      m.userId,
      { tenantId: m.tenantId },
      "webhooks.manage",
      (acc) => createEndpoint(acc, { url: `${rx.url}/${m.slug}/${i}`, eventTypes: ["token.status_changed"] }, { client: h.db.app }),
      { client: h.db.app },
    );
    if (!r.ok) throw new Error(r.error.message);
    secrets.set(r.value.endpoint.id, r.value.secret);
    ids.push(r.value.endpoint.id);
  }
  return ids;
}

beforeAll(async () => {
  guard = installOutboundGuard();
  rx = await startWebhookReceiver();
  h = await startConnectHarness({ env: { TOKEN_ENCRYPTION_KEYS: k1 } });
  h.setEnv({ WEBHOOK_ALLOW_INSECURE_URLS: "true" });
  a = await h.seedMember();
  b = await h.seedMember();
  const aIds = await addEndpoints(a, 5);
  await addEndpoints(b, 2);
  await asMember(a.userId, { tenantId: a.tenantId }, "webhooks.manage", (acc) => deleteEndpoint(acc, aIds[4]!, { client: h.db.app }), {
    client: h.db.app,
  });
  await seedEncryptedTokens(h.db.owner, a, [{ token: "a-page-token", type: "page" }]);
});

afterAll(async () => {
  if (h) await stopJobEngine(h.db.app);
  await h?.close();
  await rx?.close();
  guard?.uninstall();
});

describe("rotating TOKEN_ENCRYPTION_KEYS re-encrypts webhook signing secrets", () => {
  it("refuses before writing anything when an old key is missing, counting secrets with the tokens", async () => {
    h.setEnv({ TOKEN_ENCRYPTION_KEYS: k2 });
    const before = await secretRows();
    const err = await rotateEncryptionKey({ client: h.db.app }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(KeyRotationError);
    expect((err as Error).message).toContain(`lacks key "k1" (8 rows in 2 tenants)`); // 7 secrets + 1 token
    expect(await secretRows()).toEqual(before);
  });

  it("a crash mid-way leaves finished batches on the new key and the failed batch on the old one; the next run resumes", async () => {
    h.setEnv({ TOKEN_ENCRYPTION_KEYS: `${k2},${k1}` });
    const aSecrets = (await secretRows()).filter((r) => r.tenant_id === a.tenantId).map((r) => r.id);
    const crashId = aSecrets[3]!; // A's second batch of 2
    await h.db.owner.query(
      `CREATE FUNCTION tmp_crash() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'simulated crash'; END $$`,
    );
    await h.db.owner.query(
      `CREATE TRIGGER tmp_crash BEFORE UPDATE ON webhook_endpoints FOR EACH ROW WHEN (OLD.id = '${crashId}'::uuid) EXECUTE FUNCTION tmp_crash()`,
    );
    try {
      await expect(rotateEncryptionKey({ client: h.db.app, batchSize: 2 })).rejects.toThrow(/simulated crash/);
    } finally {
      await h.db.owner.query(`DROP TRIGGER tmp_crash ON webhook_endpoints`);
      await h.db.owner.query(`DROP FUNCTION tmp_crash()`);
    }
    const keyOf = new Map((await secretRows()).map((r) => [r.id, r.secret_key_id]));
    expect(aSecrets.map((id) => keyOf.get(id))).toEqual(["k2", "k2", "k1", "k1", "k1"]);
    await expectSecretsUnchanged(`${k2},${k1}`);

    const bounded = await rotateEncryptionKey({ client: h.db.app, batchSize: 2, maxBatches: 1 });
    expect(bounded).toMatchObject({ complete: false, batches: 1, reEncrypted: 2 });

    const left = (await secretKeys()).k1 ?? 0;
    expect(left).toBeGreaterThan(0);
    const rest = await rotateEncryptionKey({ client: h.db.app, batchSize: 2 });
    expect(rest).toMatchObject({ complete: true, remaining: 0, webhookSecretsReEncrypted: left });
    expect(await secretKeys()).toEqual({ k2: 7 });
    const audit = await h.db.owner.query(
      `SELECT sum((details->>'rows')::int)::int AS n FROM audit_events WHERE action = 'webhook_secrets.reencrypted'`,
    );
    expect(audit.rows[0].n).toBe(7);
  });

  it("with the old key dropped, deliveries are still signed with the secret the customer holds", async () => {
    h.setEnv({ TOKEN_ENCRYPTION_KEYS: k2 });
    await expectSecretsUnchanged(k2);
    const [first] = (await secretRows()).filter((r) => r.tenant_id === b.tenantId);
    await asMember(b.userId, { tenantId: b.tenantId }, "webhooks.manage", (acc) => sendTestEvent(acc, first!.id, { client: h.db.app }), {
      client: h.db.app,
    });
    await runDueJobs({ client: h.db.app, handlers: jobHandlers, timeBudgetMs: 20_000, maintain: false });
    expect(rx.received).toHaveLength(1);
    const msg = rx.received[0]!;
    expect(() => new Webhook(secrets.get(first!.id)!).verify(msg.body, msg.headers)).not.toThrow();
    expect(guard.refused).toEqual([]);
  });

  it("a tampered secret stops the rotation with its id, its batch rolled back", async () => {
    h.setEnv({ TOKEN_ENCRYPTION_KEYS: `${k3},${k2}` });
    const [victim] = (await secretRows()).filter((r) => r.tenant_id === a.tenantId);
    await h.db.owner.query(`UPDATE webhook_endpoints SET secret_ciphertext = set_byte(secret_ciphertext, 20, 0) WHERE id = $1`, [
      victim!.id,
    ]);
    const before = await secretRows();
    const err = await rotateEncryptionKey({ client: h.db.app, batchSize: 10 }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(KeyRotationError);
    expect((err as Error).message).toContain(`webhook_endpoints row ${victim!.id} (tenant ${a.tenantId}, key "k2") cannot be decrypted`);
    const after = await secretRows();
    expect(after.filter((r) => r.tenant_id === a.tenantId)).toEqual(before.filter((r) => r.tenant_id === a.tenantId));
    // Repaired (the right ciphertext put back), the next run goes through.
    await h.db.owner.query(`UPDATE webhook_endpoints SET secret_ciphertext = $2 WHERE id = $1`, [victim!.id, victim!.secret_ciphertext]);
  });

  it("npm run tokens:rotate-key reports the secrets it re-encrypted", async () => {
    const { rows } = await h.db.owner.query(`SELECT count(*)::int AS n FROM webhook_endpoints WHERE secret_key_id = 'k2'`);
    const { stdout } = await execFileAsync(
      path.join(ROOT, "node_modules/.bin/tsx"),
      ["--conditions=react-server", "scripts/rotate-key.ts"],
      {
        cwd: ROOT,
        env: { ...process.env, DATABASE_URL: h.db.appUrl, TOKEN_ENCRYPTION_KEYS: `${k3},${k2}`, LOG_LEVEL: "silent" },
        timeout: 120_000,
      },
    );
    expect(stdout).toMatch(/\+\d+ webhook secrets \(\d+\/\d+\)/);
    expect(stdout).toContain(`Of these, webhook signing secrets: ${rows[0].n}.`);
    expect(stdout).toContain("Done: 0 rows left on old keys.");
    expect(await secretKeys()).toEqual({ k3: 7 });
    await expectSecretsUnchanged(k3);
  });
});
