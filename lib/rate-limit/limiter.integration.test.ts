import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../test/support/test-database";
import { poolOf } from "../db/client";
import { consume, rateLimitHeaders, tooManyRequests } from "./limiter";

/** Rate limits in PostgreSQL as the app role: shared by separate pools (= separate server instances). */

let db: TestDatabase;
let second: pg.Pool;

beforeAll(async () => {
  db = await createTestDatabase();
  // A second "server instance": its own pool, same database, same app role.
  second = new pg.Pool({ connectionString: db.appUrl, max: 2 });
});

afterAll(async () => {
  await second?.end();
  await db?.drop();
});

describe("consume()", () => {
  it("allows `points` per window, then refuses with the time to wait; two instances share one count", async () => {
    const policy = { name: "t-shared", points: 5, durationSeconds: 60 };
    const first = poolOf(db.app);
    const decisions = [];
    for (let i = 0; i < 4; i++) decisions.push(await consume(policy, "key-a", { pool: i % 2 ? second : first }));
    expect(decisions.map((d) => [d.allowed, d.remaining])).toEqual([
      [true, 4],
      [true, 3],
      [true, 2],
      [true, 1],
    ]);
    expect(await consume(policy, "key-a", { pool: second })).toMatchObject({ allowed: true, remaining: 0 });
    const refused = await consume(policy, "key-a", { pool: first });
    expect(refused).toMatchObject({ allowed: false, limit: 5, remaining: 0 });
    expect(refused.resetSeconds).toBeGreaterThan(0);
    expect(refused.resetSeconds).toBeLessThanOrEqual(60);
    // Another subject has its own allowance.
    expect(await consume(policy, "key-b", { pool: first })).toMatchObject({ allowed: true, remaining: 4 });
    const { rows } = await db.owner.query(`SELECT key, points FROM rate_limits WHERE key LIKE 't-shared:%' ORDER BY key`);
    expect(rows).toEqual([
      { key: "t-shared:key-a", points: 6 },
      { key: "t-shared:key-b", points: 1 },
    ]);
  });

  it("concurrent requests from two instances never over-admit", async () => {
    const policy = { name: "t-race", points: 10, durationSeconds: 60 };
    const results = await Promise.all(
      Array.from({ length: 30 }, (_, i) => consume(policy, "k", { pool: i % 2 ? second : poolOf(db.app) })),
    );
    expect(results.filter((r) => r.allowed)).toHaveLength(10);
  });

  it("a new window starts after the duration", async () => {
    const policy = { name: "t-window", points: 1, durationSeconds: 1 };
    expect((await consume(policy, "k", { pool: second })).allowed).toBe(true);
    expect((await consume(policy, "k", { pool: second })).allowed).toBe(false);
    await new Promise((r) => setTimeout(r, 1100));
    expect((await consume(policy, "k", { pool: second })).allowed).toBe(true);
  });

  it("answers 429 with Retry-After and RateLimit headers", async () => {
    const d = { allowed: false, limit: 3, remaining: 0, resetSeconds: 17 };
    expect(rateLimitHeaders(d)).toEqual({
      "RateLimit-Limit": "3",
      "RateLimit-Remaining": "0",
      "RateLimit-Reset": "17",
      "Retry-After": "17",
    });
    const err = tooManyRequests(d);
    expect(err).toMatchObject({ status: 429, code: "rate_limited", headers: { "Retry-After": "17" } });
  });
});
