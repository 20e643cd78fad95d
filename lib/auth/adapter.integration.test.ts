import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../test/support/test-database";
import { createAuthAdapter } from "./adapter";

/**
 * Two tabs finishing the same person's first Facebook connect at once: both find no link and both link the account
 * to the same user. The second insert hits the accounts unique key; that is the link it wanted, so it is a success.
 * A link of the same Facebook account to another user is still refused, and changes nothing.
 */

let t: TestDatabase;

beforeAll(async () => {
  t = await createTestDatabase();
});

afterAll(async () => {
  await t?.drop();
});

async function newUser(): Promise<string> {
  const id = randomUUID();
  await t.owner.query(`INSERT INTO users (id, name) VALUES ($1, 'Racer')`, [id]);
  return id;
}

const link = (userId: string, providerAccountId: string) =>
  createAuthAdapter(t.app).linkAccount!({ userId, type: "oauth", provider: "facebook", providerAccountId });

async function accounts(providerAccountId: string) {
  const { rows } = await t.owner.query(`SELECT user_id, provider, provider_account_id FROM accounts WHERE provider_account_id = $1`, [
    providerAccountId,
  ]);
  return rows;
}

describe("linkAccount", () => {
  it("linking the same account to the same user again is a success (the losing tab of a race)", async () => {
    const userId = await newUser();
    await link(userId, "fb-seq-1");
    await expect(link(userId, "fb-seq-1")).resolves.not.toThrow();
    expect(await accounts("fb-seq-1")).toEqual([{ user_id: userId, provider: "facebook", provider_account_id: "fb-seq-1" }]);
  });

  it("20 pairs of simultaneous first links of the same person: every call succeeds, one row each", async () => {
    const pairs = await Promise.all(Array.from({ length: 20 }, async (_, i) => ({ userId: await newUser(), account: `fb-race-${i}` })));
    const results = await Promise.allSettled(pairs.flatMap((p) => [link(p.userId, p.account), link(p.userId, p.account)]));
    expect(results.filter((r) => r.status === "rejected")).toEqual([]);
    for (const p of pairs)
      expect(await accounts(p.account)).toEqual([{ user_id: p.userId, provider: "facebook", provider_account_id: p.account }]);
  });

  it("the same account linked to another user is still refused, and the existing link is unchanged", async () => {
    const first = await newUser();
    const second = await newUser();
    await link(first, "fb-taken");
    await expect(link(second, "fb-taken")).rejects.toThrow();
    expect(await accounts("fb-taken")).toEqual([{ user_id: first, provider: "facebook", provider_account_id: "fb-taken" }]);
  });
});
