import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startConnectHarness, type ConnectHarness } from "../../test/support/connect-harness";
import { callApi, connectedWorkspace, makeKey, snapshot, type ErrorJson } from "../../test/support/api-v1";
import { setLogSink } from "../log/logger";
import type { TokenView } from "./spec";

/**
 * Rate limits shared by two app processes on one database, and no plaintext key or token anywhere but the one
 * hand-out answer: not in a database dump, the logs, or the audit log.
 */

const run = promisify(execFile);
let h: ConnectHarness;

beforeAll(async () => {
  h = await startConnectHarness({ env: { API_RATE_LIMIT_POINTS: "4", API_RATE_LIMIT_WINDOW_SECONDS: "60", LOG_LEVEL: "debug" } });
});

afterAll(async () => {
  setLogSink(null);
  await h?.close();
});

describe("rate limit per key", () => {
  it("429 with Retry-After and RateLimit headers, the count shared with a second app process on the same database", async () => {
    const w = await connectedWorkspace(h, 1);
    const key = await makeKey(w.member);
    const other = await makeKey(w.member);
    const remaining: (string | null)[] = [];
    for (let i = 0; i < 2; i++) {
      const res = await callApi("listPages", { key: key.key });
      expect(res.status).toBe(200);
      remaining.push(res.headers.get("ratelimit-remaining"));
    }
    expect(remaining).toEqual(["3", "2"]);

    // A second process (its own Node, its own pool) spends the rest of the same key's allowance.
    const { stdout } = await run("npx", ["tsx", "--conditions=react-server", "test/support/api-call-process.ts", "--times=3"], {
      env: { ...process.env, API_TEST_KEY: key.key },
      timeout: 60_000,
    });
    const calls = JSON.parse(stdout.trim().split("\n").pop()!) as { status: number; remaining: string | null; retryAfter: string | null }[];
    expect(calls.map((c) => [c.status, c.remaining])).toEqual([
      [200, "1"],
      [200, "0"],
      [429, "0"],
    ]);
    expect(Number(calls[2]!.retryAfter)).toBeGreaterThan(0);

    const before = await snapshot(h, w.member.tenantId);
    const refused = await callApi("pageToken", { key: key.key, id: w.pages[0]!.id });
    expect(refused.status).toBe(429);
    expect(refused.headers.get("cache-control")).toBe("no-store");
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(refused.headers.get("ratelimit-limit")).toBe("4");
    expect(refused.headers.get("ratelimit-remaining")).toBe("0");
    expect(((await refused.json()) as ErrorJson).error.code).toBe("rate_limited");
    const after = await snapshot(h, w.member.tenantId);
    expect(after.audit).toEqual(before.audit);
    expect(after.tokens).toEqual(before.tokens);

    // Another key of the same workspace has its own allowance.
    expect((await callApi("listPages", { key: other.key })).status).toBe(200);
  });
});

describe("no plaintext key or token", () => {
  it("appears only in the hand-out answer: not in a database dump, the logs (Authorization redacted) or the audit log", async () => {
    const lines: string[] = [];
    setLogSink((line) => lines.push(line));
    const w = await connectedWorkspace(h, 1);
    const key = await makeKey(w.member, { name: "Leak check" });
    const res = await callApi("pageToken", { key: key.key, id: w.pages[0]!.id });
    expect(res.status).toBe(200);
    const token = ((await res.json()) as TokenView).token;
    // An unexpected failure is logged: make one (a token whose ciphertext cannot be opened) and look at the log.
    await h.db.owner.query(`UPDATE ad_tokens SET key_id = 'gone' WHERE id = $1`, [w.identity.token_id]);
    const broken = await callApi("identityToken", { key: key.key, id: w.identity.id, authorization: `Bearer ${key.key}` });
    expect(broken.status).toBe(500);
    expect(lines.some((l) => l.includes("http.unhandled"))).toBe(true);

    const { stdout: dump } = await run("pg_dump", ["--data-only", "--no-owner", h.db.ownerUrl], { maxBuffer: 256 * 1024 * 1024 });
    expect(dump).toContain("Leak check");
    const logs = lines.join("\n");
    for (const secret of [key.key, key.key.slice(9), token]) {
      expect(dump).not.toContain(secret);
      expect(logs).not.toContain(secret);
    }
    const audit = await h.db.owner.query(`SELECT details::text FROM audit_events WHERE tenant_id = $1`, [w.member.tenantId]);
    const details = audit.rows.map((r) => r.details).join("\n");
    expect(details).toContain("Leak check");
    expect(details).not.toContain(key.key);
    expect(details).not.toContain(token);
  });
});
