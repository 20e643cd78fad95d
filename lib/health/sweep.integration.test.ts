import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { setLogSink } from "../log/logger";
import { startConnectHarness, type ConnectHarness, type Member } from "../../test/support/connect-harness";
import { claimDueTokensEverywhere } from "./due-schedule";
import { runTokenSweep, type SweepOptions } from "./sweep";
import { noopExpiryNotifier, type TokenAttention } from "./expiry-notifier";
import { seedEncryptedTokens, type SeedToken } from "../../test/support/seed-tokens";

/**
 * The health sweep against the Facebook emulator (over HTTP, appsecret_proof required) and a real PostgreSQL
 * database as the app role. Counts of Graph HTTP requests and debug_token calls come from the emulator's stats.
 */

let h: ConnectHarness;

beforeAll(async () => {
  h = await startConnectHarness({ poolMax: 10 });
  // pg's Pool.end() resolves before its clients have closed; DROP DATABASE … WITH FORCE at teardown can then
  // terminate one, and a pool without an error listener turns that into an uncaught exception.
});

afterAll(async () => {
  setLogSink(null);
  await h?.close();
});

beforeEach(async () => {
  // Each test works on its own tokens: everything earlier is disconnected, the emulator is back to its seed.
  await h.db.owner.query(`UPDATE ad_tokens SET deleted_at = now() WHERE deleted_at IS NULL`);
  await h.control.reset();
});

afterEach(() => setLogSink(null));

const noSleep: NonNullable<SweepOptions["sleep"]> = async () => {};

function sweep(extra: SweepOptions = {}) {
  return runTokenSweep({ client: h.db.app, graph: h.graph(), sleep: noSleep, notifier: noopExpiryNotifier, ...extra });
}

interface Row {
  id: string;
  status: string;
  last_error: string | null;
  last_checked_at: Date | null;
  next_check_at: Date;
  check_lease_until: Date | null;
  expires_at: Date | null;
  due: boolean;
  next_in_hours: number | null;
}

async function rows(ids: string[]): Promise<Map<string, Row>> {
  const { rows: r } = await h.db.owner.query<Row>(
    `SELECT id, status, last_error, last_checked_at, next_check_at, check_lease_until, expires_at,
            next_check_at <= now() AS due,
            EXTRACT(EPOCH FROM (next_check_at - last_checked_at)) / 3600 AS next_in_hours
       FROM ad_tokens WHERE id = ANY($1::uuid[])`,
    [ids],
  );
  return new Map(r.map((x) => [x.id, x]));
}

async function statusChanges(tenantId: string): Promise<{ target_id: string; details: { from: string; to: string; via: string } }[]> {
  const { rows: r } = await h.db.owner.query(
    `SELECT target_id, details FROM audit_events WHERE tenant_id = $1 AND action = 'token.status_changed' ORDER BY created_at`,
    [tenantId],
  );
  return r as { target_id: string; details: { from: string; to: string; via: string } }[];
}

async function mintPageTokens(count: number): Promise<SeedToken[]> {
  return (await h.control.mintTokens({ count, type: "PAGE" })).map((token) => ({ token, type: "page" as const }));
}

/** `n` valid page tokens in each of `tenants` new tenants. */
async function seedTenants(tenants: number, perTenant: number): Promise<{ members: Member[]; ids: string[]; tokens: string[] }> {
  const minted = await mintPageTokens(tenants * perTenant);
  const members: Member[] = [];
  const ids: string[] = [];
  for (let i = 0; i < tenants; i++) {
    const m = await h.seedMember();
    members.push(m);
    ids.push(...(await seedEncryptedTokens(h.db.owner, m, minted.slice(i * perTenant, (i + 1) * perTenant))).ids);
  }
  return { members, ids, tokens: minted.map((t) => t.token) };
}

async function debugTokenCalls(): Promise<number> {
  return (await h.control.stats()).batchedByPath["/debug_token"] ?? 0;
}

describe("a sweep over tokens in every state", () => {
  it("sets active / expiring / expired / revoked (458, 460, 467) / invalid, with last_checked_at, last_error, next_check_at and audit events", async () => {
    const c = h.control;
    const [validUser] = await c.mintTokens({ count: 1, type: "USER" });
    const [validPage] = await c.mintTokens({ count: 1, type: "PAGE" });
    const [expiring] = await c.mintTokens({ count: 1, type: "USER", state: "expiring", expiresInSeconds: 2 * 86400 });
    const [expired] = await c.mintTokens({ count: 1, type: "USER", state: "expired" });
    const [r458] = await c.mintTokens({ count: 1, type: "USER", state: "revoked", subcode: 458 });
    const [r460] = await c.mintTokens({ count: 1, type: "PAGE", state: "revoked", subcode: 460 });
    const [r467] = await c.mintTokens({ count: 1, type: "USER", state: "revoked", subcode: 467 });
    const garbage = "EAAnot-a-token-facebook-ever-issued-0000000000000000";
    const expect_ = {
      [validUser!]: "active",
      [validPage!]: "active",
      [expiring!]: "expiring",
      [expired!]: "expired",
      [r458!]: "revoked",
      [r460!]: "revoked",
      [r467!]: "revoked",
      [garbage]: "invalid",
    } as const;
    const list: SeedToken[] = Object.keys(expect_).map((token) => ({
      token,
      type: token === validPage || token === r460 ? "page" : "user",
    }));
    const m = await h.seedMember();
    const { ids } = await seedEncryptedTokens(h.db.owner, m, list);
    await c.resetStats();

    const result = await sweep();

    expect(result).toMatchObject({
      checked: 8,
      changed: 8,
      active: 2,
      expiring: 1,
      expired: 1,
      revoked: 3,
      invalid: 1,
      released: 0,
      retryLater: 0,
      stoppedReason: "done",
    });
    expect(result.graphRequests).toBe(1); // eight tokens, one batch request
    expect((await c.stats()).graphRequests).toBe(1);
    const byId = await rows(ids);
    list.forEach((t, i) => {
      const row = byId.get(ids[i]!)!;
      expect(row.status, `token #${i}`).toBe(expect_[t.token as keyof typeof expect_]);
      expect(row.last_checked_at).not.toBeNull();
      expect(row.check_lease_until).toBeNull();
      expect(row.due).toBe(false);
      expect(Number(row.next_in_hours)).toBeCloseTo(24, 1); // TOKEN_CHECK_INTERVAL_HOURS default
      if (row.status === "active" || row.status === "expiring") expect(row.last_error).toBeNull();
      else expect(row.last_error).toMatch(/Reconnect/);
      expect(row.last_error ?? "").not.toContain(t.token);
    });
    // Facebook's expiry is recorded: the user token's ≈ 60 days, the page token never (null).
    expect(byId.get(ids[0]!)!.expires_at).not.toBeNull();
    expect(byId.get(ids[1]!)!.expires_at).toBeNull();
    expect(byId.get(ids[4]!)!.last_error).toMatch(/removed from this Facebook account/);
    expect(byId.get(ids[5]!)!.last_error).toMatch(/password was changed/);

    const audit = await statusChanges(m.tenantId);
    expect(audit).toHaveLength(8);
    expect(new Set(audit.map((a) => a.target_id))).toEqual(new Set(ids));
    expect(audit.every((a) => a.details.from === "unchecked" && a.details.via === "sweep")).toBe(true);

    // Nothing is due any more: the next sweep sends nothing, and an unchanged status writes no audit event.
    await c.resetStats();
    expect(await sweep()).toMatchObject({ checked: 0, graphRequests: 0, stoppedReason: "done" });
    expect((await c.stats()).graphRequests).toBe(0);
    await h.db.owner.query(`UPDATE ad_tokens SET next_check_at = now() WHERE id = ANY($1::uuid[])`, [ids]);
    expect(await sweep()).toMatchObject({ checked: 8, changed: 0 });
    expect(await statusChanges(m.tenantId)).toHaveLength(8);
  });

  it("tells the notifier about tokens that now need attention", async () => {
    const [expired] = await h.control.mintTokens({ count: 1, type: "USER", state: "expired" });
    const [ok] = await h.control.mintTokens({ count: 1, type: "USER" });
    const m = await h.seedMember();
    const { ids } = await seedEncryptedTokens(h.db.owner, m, [
      { token: expired!, type: "user" },
      { token: ok!, type: "user" },
    ]);
    const told: TokenAttention[] = [];
    await sweep({ notifier: { tokensNeedAttention: async (c) => void told.push(...c) } });
    expect(told).toEqual([
      expect.objectContaining({ tenantId: m.tenantId, tokenId: ids[0], from: "unchecked", to: "expired", tokenType: "user" }),
    ]);
  });

  it("keeps a token's status and retries it soon when Facebook fails for that one token", async () => {
    const m = await h.seedMember();
    const { ids } = await seedEncryptedTokens(h.db.owner, m, await mintPageTokens(3));
    await h.control.failNext({ path: "/debug_token", match: { page: 2 }, response: { status: 500 } });
    const result = await sweep();
    expect(result).toMatchObject({ checked: 2, retryLater: 1, stoppedReason: "done" });
    const r = await rows(ids);
    const failed = [...r.values()].find((x) => x.status === "unchecked")!;
    expect(failed.last_error).toMatch(/Could not check with Facebook/);
    expect(failed.last_checked_at).toBeNull();
    expect(failed.check_lease_until).toBeNull();
    const {
      rows: [delay],
    } = await h.db.owner.query(`SELECT EXTRACT(EPOCH FROM (next_check_at - updated_at)) / 60 AS minutes FROM ad_tokens WHERE id = $1`, [
      failed.id,
    ]);
    expect(Number(delay.minutes)).toBeCloseTo(15, 0);
  });
});

describe("configuration errors", () => {
  it("a refused app token (wrong FACEBOOK_APP_SECRET) stops the sweep without marking any token", async () => {
    const m = await h.seedMember();
    const { ids } = await seedEncryptedTokens(h.db.owner, m, await mintPageTokens(120));
    await h.control.resetStats();
    const result = await sweep({ graph: h.graph({ appSecret: "not-the-app-secret" }) });
    expect(result).toMatchObject({ checked: 0, changed: 0, stoppedReason: "app_token_rejected" });
    expect(result.released).toBe(100); // the round's two batches, given back
    expect((await h.control.stats()).graphRequests).toBe(2);
    const r = await rows(ids);
    expect([...r.values()].every((x) => x.status === "unchecked" && x.due && x.check_lease_until === null && x.last_error === null)).toBe(
      true,
    );
    expect(await statusChanges(m.tenantId)).toHaveLength(0);
  });
});

describe("scale", () => {
  it("checks 10,000 tokens across tenants with at most 210 Graph HTTP requests", async () => {
    const { ids } = await seedTenants(4, 2_500);
    await h.control.resetStats();

    const result = await sweep();

    const stats = await h.control.stats();
    expect(result).toMatchObject({ checked: 10_000, active: 10_000, stoppedReason: "done" });
    expect(stats.graphRequests).toBeLessThanOrEqual(210);
    expect(stats.batchedByPath["/debug_token"]).toBe(10_000);
    expect(result.graphRequests).toBe(stats.graphRequests);
    const {
      rows: [n],
    } = await h.db.owner.query(
      `SELECT count(*)::int AS n FROM ad_tokens WHERE id = ANY($1::uuid[]) AND status = 'active' AND last_checked_at IS NOT NULL AND check_lease_until IS NULL`,
      [ids],
    );
    expect(n.n).toBe(10_000);
  });
});

describe("overlapping sweeps", () => {
  it("never check a token twice and together check every token once", async () => {
    const { ids } = await seedTenants(3, 400);
    await h.control.resetStats();

    // Small rounds and one batch in flight each, so the two sweeps interleave many times.
    const [a, b] = await Promise.all([sweep({ concurrency: 1 }), sweep({ concurrency: 1 })]);

    expect(a.checked + b.checked).toBe(1_200);
    expect(a.checked).toBeGreaterThan(0);
    expect(b.checked).toBeGreaterThan(0);
    expect(await debugTokenCalls()).toBe(1_200); // a token checked twice would make this larger
    const {
      rows: [n],
    } = await h.db.owner.query(`SELECT count(*)::int AS n FROM ad_tokens WHERE id = ANY($1::uuid[]) AND last_checked_at IS NOT NULL`, [
      ids,
    ]);
    expect(n.n).toBe(1_200);
  });

  it("a claim leases exactly the number asked for (bounded chunks)", async () => {
    const m = await h.seedMember();
    const { ids } = await seedEncryptedTokens(h.db.owner, m, await mintPageTokens(120));
    for (const n of [100, 7, 50]) {
      await h.db.owner.query(`UPDATE ad_tokens SET check_lease_until = NULL WHERE id = ANY($1::uuid[])`, [ids]);
      const claimed = await claimDueTokensEverywhere(h.db.app, n, 300);
      expect(claimed).toHaveLength(n);
      const {
        rows: [leased],
      } = await h.db.owner.query(`SELECT count(*)::int AS n FROM ad_tokens WHERE id = ANY($1::uuid[]) AND check_lease_until > now()`, [
        ids,
      ]);
      expect(leased.n).toBe(n);
    }
  });

  it("skip tokens another sweep has leased, and resume them once a crashed sweep's lease runs out", async () => {
    const m = await h.seedMember();
    const { ids } = await seedEncryptedTokens(h.db.owner, m, await mintPageTokens(60));
    // A sweep claims 40 tokens (committed) and then dies before writing anything.
    const claimed = await claimDueTokensEverywhere(h.db.app, 40, 300);
    expect(claimed).toHaveLength(40);

    await h.control.resetStats();
    expect(await sweep()).toMatchObject({ checked: 20 });
    expect(await debugTokenCalls()).toBe(20);

    // The leases run out: the next sweep picks those 40 up.
    await h.db.owner.query(`UPDATE ad_tokens SET check_lease_until = now() - interval '1 second' WHERE id = ANY($1::uuid[])`, [
      claimed.map((c) => c.id),
    ]);
    expect(await sweep()).toMatchObject({ checked: 40, stoppedReason: "done" });
    expect(await debugTokenCalls()).toBe(60);
    const r = await rows(ids);
    expect([...r.values()].every((x) => x.status === "active" && x.check_lease_until === null)).toBe(true);
  });
});

describe("rate limits", () => {
  it.each([4, 17, 32, 613])("code %i for the whole batch: stops at once, leaves the rest due, a later run finishes", async (code) => {
    const m = await h.seedMember();
    const { ids } = await seedEncryptedTokens(h.db.owner, m, await mintPageTokens(150));
    await h.control.failNext({ path: "/", response: { error: { code } } });
    await h.control.resetStats();

    const first = await sweep({ concurrency: 1 });

    expect(first).toMatchObject({ checked: 0, released: 50, stoppedReason: "rate_limited" });
    expect((await h.control.stats()).graphRequests).toBe(1); // no hammering: nothing after the refusal
    const after = await rows(ids);
    expect([...after.values()].every((x) => x.status === "unchecked" && x.due && x.check_lease_until === null)).toBe(true);

    const second = await sweep({ concurrency: 1 });
    expect(second).toMatchObject({ checked: 150, stoppedReason: "done" });
    expect(await debugTokenCalls()).toBe(150);
  });

  it.each([4, 17, 32, 613])("code %i for one item: keeps the batch's other results, stops, a later run finishes", async (code) => {
    const m = await h.seedMember();
    const { ids } = await seedEncryptedTokens(h.db.owner, m, await mintPageTokens(120));
    await h.control.failNext({ path: "/debug_token", match: { page: 10 }, response: { error: { code } } });
    await h.control.resetStats();

    const first = await sweep({ concurrency: 1 });
    expect(first).toMatchObject({ checked: 49, released: 1, stoppedReason: "rate_limited" });
    expect((await h.control.stats()).graphRequests).toBe(1);

    const second = await sweep({ concurrency: 1 });
    expect(second).toMatchObject({ checked: 71, stoppedReason: "done" });
    const r = await rows(ids);
    expect([...r.values()].filter((x) => x.status === "active")).toHaveLength(120);
  });

  it("usage at 80%+ pauses (injected sleep), stops after two pauses in a row, and a later run resumes", async () => {
    const m = await h.seedMember();
    await seedEncryptedTokens(h.db.owner, m, await mintPageTokens(300));
    await h.control.setUsage({ appUsage: { call_count: 85, total_cputime: 10, total_time: 10 } });
    const sleeps: number[] = [];

    const first = await sweep({ concurrency: 1, backoffMs: 7_000, sleep: async (ms) => void sleeps.push(ms) });

    expect(sleeps).toEqual([7_000, 7_000]);
    expect(first).toMatchObject({ checked: 150, pauses: 2, stoppedReason: "usage_high" });

    await h.control.setUsage({ appUsage: { call_count: 20, total_cputime: 5, total_time: 5 } });
    const second = await sweep({ concurrency: 1, sleep: async (ms) => void sleeps.push(ms) });
    expect(second).toMatchObject({ checked: 150, pauses: 0, stoppedReason: "done" });
    expect(sleeps).toHaveLength(2);
  });

  it("business use case usage high or a regain-access estimate stops the sweep", async () => {
    const m = await h.seedMember();
    await seedEncryptedTokens(h.db.owner, m, await mintPageTokens(100));
    await h.control.setUsage({
      businessUseCase: {
        "123": [{ type: "pages", call_count: 30, total_cputime: 10, total_time: 10, estimated_time_to_regain_access: 5 }],
      },
    });
    expect(await sweep({ concurrency: 1 })).toMatchObject({ checked: 50, stoppedReason: "rate_limited" });
    await h.control.setUsage({ businessUseCase: { "123": [{ type: "pages", call_count: 97, total_cputime: 10, total_time: 10 }] } });
    expect(await sweep({ concurrency: 1 })).toMatchObject({ checked: 50, stoppedReason: "usage_high" });
    await h.control.setUsage({ businessUseCase: null });
    expect(await sweep({ concurrency: 1 })).toMatchObject({ checked: 0, stoppedReason: "done" });
  });

  it("usage at 100% (Facebook throttles with code 4) stops at the first request", async () => {
    const m = await h.seedMember();
    await seedEncryptedTokens(h.db.owner, m, await mintPageTokens(120));
    await h.control.setUsage({ appUsage: { call_count: 100, total_cputime: 10, total_time: 10 } });
    await h.control.resetStats();
    expect(await sweep()).toMatchObject({ checked: 0, released: 100, stoppedReason: "rate_limited" });
    expect((await h.control.stats()).graphRequests).toBe(2); // the round's two batches were already in flight
    await h.control.setUsage({ appUsage: { call_count: 0, total_cputime: 0, total_time: 0 } });
    expect(await sweep()).toMatchObject({ checked: 120, stoppedReason: "done" });
  });
});

describe("budgets", () => {
  it("stops at the token budget and at the time budget, leaving the rest due", async () => {
    const m = await h.seedMember();
    await seedEncryptedTokens(h.db.owner, m, await mintPageTokens(260));
    expect(await sweep({ maxTokens: 120 })).toMatchObject({ checked: 120, stoppedReason: "token_budget" });
    // An injected clock that moves 5 s per reading. A round may last a Graph timeout (10 s here) + 2 s, so a 20 s
    // budget allows the first round (starts at +5 s) and not the second (would start at +10 s, could end at +22 s).
    let t = 0;
    const clock = () => (t += 5_000);
    expect(await sweep({ concurrency: 1, timeBudgetMs: 20_000, clock })).toMatchObject({ checked: 50, stoppedReason: "time_budget" });
    expect(await sweep()).toMatchObject({ checked: 90, stoppedReason: "done" });
  });
});

describe("logs", () => {
  it("never contain a token during a sweep with errors", async () => {
    h.setEnv({ LOG_LEVEL: "debug" });
    const lines: string[] = [];
    setLogSink((line) => lines.push(line));
    try {
      const valid = await h.control.mintTokens({ count: 60, type: "PAGE" });
      const revoked = await h.control.mintTokens({ count: 5, type: "USER", state: "revoked", subcode: 460 });
      const expired = await h.control.mintTokens({ count: 5, type: "USER", state: "expired" });
      const garbage = ["EAAgarbagegarbagegarbagegarbage0001", "EAAgarbagegarbagegarbagegarbage0002"];
      const all = [...valid, ...revoked, ...expired, ...garbage];
      const m = await h.seedMember();
      await seedEncryptedTokens(
        h.db.owner,
        m,
        all.map((token) => ({ token, type: valid.includes(token) ? ("page" as const) : ("user" as const) })),
      );
      await h.control.failNext({ path: "/debug_token", match: { page: 3 }, response: { status: 500 } });
      await h.control.failNext({ path: "/", match: { page: 2 }, response: { error: { code: 613 } } });

      const first = await sweep({ concurrency: 1, notifier: undefined });
      expect(first.stoppedReason).toBe("rate_limited");
      const second = await sweep({ concurrency: 1, notifier: undefined });
      expect(second.stoppedReason).toBe("done");

      expect(lines.length).toBeGreaterThan(2);
      const stop = lines.map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l.event === "health.sweep.facebook_stop");
      expect(stop).toMatchObject({ level: "warn", reason: "rate_limited", graphErrorCode: 613 });
      expect(lines.some((l) => l.includes("health.tokens_need_attention"))).toBe(true);
      const text = lines.join("\n");
      for (const token of all) expect(text).not.toContain(token);
      expect(text).not.toContain(h.db.appUrl);
      expect(text).not.toMatch(/EAA[A-Za-z0-9]{16,}/);
      expect(text).not.toContain("harness-app-secret");
      // Nor in what the database keeps for people to read.
      const { rows: stored } = await h.db.owner.query(
        `SELECT coalesce(string_agg(last_error, ' '), '') AS errors FROM ad_tokens WHERE tenant_id = $1`,
        [m.tenantId],
      );
      const { rows: audit } = await h.db.owner.query(
        `SELECT coalesce(string_agg(details::text, ' '), '') AS d FROM audit_events WHERE tenant_id = $1`,
        [m.tenantId],
      );
      for (const token of all) {
        expect(stored[0].errors).not.toContain(token);
        expect(audit[0].d).not.toContain(token);
      }
    } finally {
      h.setEnv({ LOG_LEVEL: "silent" });
    }
  });
});
