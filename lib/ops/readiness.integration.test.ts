import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GET as ready } from "@/app/api/ready/route";
import { GET as health } from "@/app/api/health/route";
import { createTestDatabase, type TestDatabase } from "../../test/support/test-database";
import { resetEnvCache } from "../env";
import { generateKeySpec } from "../tokens/key-ring";
import { checkReadiness } from "./readiness";

/**
 * GET /api/ready tells an orchestrator whether this instance can serve (database reachable, the app role in
 * social_app, migrations current), in words and counts, without secrets, names or tenant data; 503 + Retry-After
 * when not. /api/health stays cheap: it answers the same while the database is down.
 */

let t: TestDatabase;
const saved = { ...process.env };

beforeAll(async () => {
  t = await createTestDatabase();
  Object.assign(process.env, {
    DATABASE_URL: t.appUrl,
    AUTH_SECRET: "readiness-test-secret-that-is-long-enough-0123",
    FACEBOOK_APP_ID: "1234567890",
    FACEBOOK_APP_SECRET: "readiness-app-secret",
    TOKEN_ENCRYPTION_KEYS: generateKeySpec("k1"),
    LOG_LEVEL: "silent",
  });
  resetEnvCache();
});

afterAll(async () => {
  await t?.setAvailable(true);
  await t?.drop();
  process.env = saved;
  resetEnvCache();
});

describe("readiness", () => {
  it("ready: 200, database reachable, migrations current, the jobs seam empty; nothing secret or named in the body", async () => {
    const res = await ready();
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toBe("no-store");
    const text = await res.text();
    expect(JSON.parse(text)).toEqual({ ready: true, database: { ok: true }, migrations: { ok: true, missing: 0 }, jobs: null });
    for (const secret of [t.appRole, t.name, new URL(t.appUrl).password]) expect(text).not.toContain(secret);
  });

  it("migrations behind: not ready, with the count and what to run", async () => {
    const { rows } = await t.owner.query<{ migration_name: string }>(
      `DELETE FROM "_prisma_migrations" WHERE migration_name = (SELECT min(migration_name) FROM "_prisma_migrations") RETURNING migration_name`,
    );
    try {
      const report = await checkReadiness(t.app);
      expect(report).toMatchObject({ ready: false, migrations: { ok: false, missing: 1 } });
      expect(report.database.problem).toContain("npm run db:migrate");
    } finally {
      await t.owner.query(
        `INSERT INTO "_prisma_migrations" (id, checksum, finished_at, migration_name, started_at, applied_steps_count) VALUES (gen_random_uuid()::text, '', now(), $1, now(), 1)`,
        [rows[0]!.migration_name],
      );
    }
  });

  it("database down: /api/ready answers 503 + Retry-After saying the database is unavailable; /api/health still answers 200", async () => {
    await t.setAvailable(false);
    try {
      const res = await ready();
      expect(res.status).toBe(503);
      expect(res.headers.get("retry-after")).toBe("30");
      const body = (await res.json()) as { ready: boolean; database: { ok: boolean; problem: string } };
      expect(body.ready).toBe(false);
      expect(body.database).toEqual({ ok: false, problem: "the database is not accepting connections" });
      expect((await health()).status).toBe(200);
    } finally {
      await t.setAvailable(true);
    }
    expect((await ready()).status).toBe(200);
  });
});
