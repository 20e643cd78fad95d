import { spawn } from "node:child_process";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../test/support/test-database";
import { seedTenant } from "../test/support/fixtures";
import { seedEncryptedTokens } from "../test/support/seed-tokens";
import { resetEnvCache } from "../lib/env";
import { generateKeySpec, open, parseKeyRing } from "../lib/tokens/key-ring";

/**
 * The database goes away in the middle of `npm run tokens:rotate-key`: the CLI says what happened and that running
 * it again is safe (exit 5), not the driver's text; every row is still readable (committed batches under the new
 * key, the rest under the old one); and running it again finishes the job.
 */

const k1 = generateKeySpec("k1");
const k2 = generateKeySpec("k2");
const TOKENS = 400;

let t: TestDatabase;
let tenantId: string;
const plaintexts = Array.from({ length: TOKENS }, (_, i) => `EAAcliOutageToken${i.toString().padStart(4, "0")}xyz`);
const saved = { ...process.env };

beforeAll(async () => {
  t = await createTestDatabase();
  // The seeding encrypts under k1 (the app's encryption reads the validated environment).
  Object.assign(process.env, { ...baseEnv(), TOKEN_ENCRYPTION_KEYS: k1 });
  resetEnvCache();
  const member = await seedTenant(t.owner);
  tenantId = member.tenantId;
  await seedEncryptedTokens(
    t.owner,
    member,
    plaintexts.map((token) => ({ token, type: "page" as const })),
  );
});

afterAll(async () => {
  await t?.setAvailable(true);
  await t?.drop();
  process.env = saved;
  resetEnvCache();
});

function baseEnv(): Record<string, string> {
  return {
    DATABASE_URL: t.appUrl,
    AUTH_SECRET: "cli-outage-secret-that-is-long-enough-0123456789",
    FACEBOOK_APP_ID: "1234567890",
    FACEBOOK_APP_SECRET: "cli-outage-app-secret",
    LOG_LEVEL: "silent",
  };
}

/** Runs the CLI; onLine sees each stdout line as it comes. */
function rotate(args: string[], onLine: (line: string) => void = () => {}): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(
      path.join(process.cwd(), "node_modules", ".bin", "tsx"),
      ["--conditions=react-server", "scripts/rotate-key.ts", ...args],
      {
        env: { ...baseEnv(), PATH: process.env.PATH ?? "", NODE_ENV: "production", TOKEN_ENCRYPTION_KEYS: `${k2},${k1}` },
      },
    );
    let out = "";
    let pending = "";
    child.stdout.on("data", (b: Buffer) => {
      out += b.toString();
      pending += b.toString();
      const lines = pending.split("\n");
      pending = lines.pop() ?? "";
      lines.forEach(onLine);
    });
    child.stderr.on("data", (b: Buffer) => (out += b.toString()));
    const timer = setTimeout(() => child.kill("SIGKILL"), 120_000);
    child.on("exit", (code) => {
      clearTimeout(timer);
      resolve({ code, out });
    });
  });
}

async function rowsByKey(): Promise<Record<string, number>> {
  const { rows } = await t.owner.query<{ key_id: string; n: number }>(`SELECT key_id, count(*)::int AS n FROM ad_tokens GROUP BY key_id`);
  return Object.fromEntries(rows.map((r) => [r.key_id, r.n]));
}

async function everyRowReadable(): Promise<void> {
  const ring = parseKeyRing(`${k2},${k1}`);
  const { rows } = await t.owner.query<{ ciphertext: Buffer; key_id: string }>(
    `SELECT ciphertext, key_id FROM ad_tokens WHERE tenant_id = $1`,
    [tenantId],
  );
  const read = rows.map((r) => open(ring, tenantId, { ciphertext: r.ciphertext, keyId: r.key_id })).sort();
  expect(read).toEqual([...plaintexts].sort());
}

describe("a CLI whose database drops mid-run", () => {
  it("says what happened and that re-running is safe (exit 5); nothing is lost; the re-run finishes", async () => {
    let dropped: Promise<void> | null = null;
    // One row per batch, so the database can go away between committed batches.
    const first = await rotate(["--batch-size=1"], (line) => {
      if (!dropped && /\+1 rows/.test(line)) dropped = t.setAvailable(false);
    });
    await dropped;
    await t.setAvailable(true);

    expect(first.code).toBe(5);
    expect(first.out).toContain("Key rotation stopped: the database is unavailable or the connection to it was lost");
    expect(first.out).toContain("the interrupted step was rolled back");
    expect(first.out).toContain("safe to run the same command again");
    expect(first.out).not.toMatch(/Connection terminated|terminating connection|ECONNREFUSED|Done:/);

    // Part done, part not, every row readable under the ring: nothing half-written.
    const midway = await rowsByKey();
    expect(midway.k2).toBeGreaterThan(0);
    expect(midway.k1).toBeGreaterThan(0);
    expect(midway.k1! + midway.k2!).toBe(TOKENS);
    await everyRowReadable();

    const again = await rotate([]);
    expect(again.code).toBe(0);
    expect(again.out).toContain("Done: 0 rows left on old keys");
    expect(await rowsByKey()).toEqual({ k2: TOKENS });
    await everyRowReadable();
  }, 240_000);
});
